#include <doctest/doctest.h>

#include <string>

#include "http/message.hpp"
#include "relay/proxy_rewrite.hpp"

using namespace rawhttp;

namespace {

// The head as the one parser reads it.
http::MessageHead parse(const std::string& raw) {
    http::MessageHead head;
    http::Violations v;
    http::parse_head(raw, http::MessageKind::request, http::Limits{}, head, v);
    return head;
}

std::string rewrite(const std::string& raw, std::string_view via = "1.1 rawhttp") {
    auto head = parse(raw);
    auto t = relay::proxy_target(head.method, head.target);
    REQUIRE(t.ok());
    return relay::rewrite_head(raw, head, *t, via);
}

}  // namespace

TEST_CASE("proxy_target: absolute-form and CONNECT targets") {
    auto t = relay::proxy_target("GET", "http://example.com:8080/a/b?c=d#frag");
    REQUIRE(t.ok());
    CHECK(t->host == "example.com");
    CHECK(t->port == 8080);
    CHECK(t->authority == "example.com:8080");
    CHECK(t->origin == "/a/b?c=d");
    CHECK_FALSE(t->connect);

    t = relay::proxy_target("GET", "HTTP://[::1]");
    REQUIRE(t.ok());
    CHECK(t->host == "::1");
    CHECK(t->port == 80);
    CHECK(t->origin == "/");

    t = relay::proxy_target("GET", "http://x?q");
    REQUIRE(t.ok());
    CHECK(t->origin == "/?q");

    t = relay::proxy_target("CONNECT", "example.com:443");
    REQUIRE(t.ok());
    CHECK(t->connect);
    CHECK(t->port == 443);
}

TEST_CASE("proxy_target: what a forward proxy cannot relay is an error that says why") {
    auto t = relay::proxy_target("GET", "/index.html");
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::usage);
    CHECK(t.error().message.find("absolute-form") != std::string::npos);
    CHECK_FALSE(relay::proxy_target("GET", "ftp://x/").ok());
    CHECK_FALSE(relay::proxy_target("GET", "http://user@x/").ok());
    CHECK_FALSE(relay::proxy_target("CONNECT", "example.com").ok());  // the port is required
    CHECK_FALSE(relay::proxy_target("GET", "http://x:99999/").ok());
}

TEST_CASE("rewrite_head: origin-form, Host from the target, hop-by-hop fields gone, Via last") {
    const std::string in =
        "GET http://example.com:8080/p?q=1 HTTP/1.1\r\n"
        "Host: wrong.example\r\n"
        "User-Agent: t\r\n"
        "Proxy-Connection: Keep-Alive\r\n"
        "Connection: X-Trace, keep-alive\r\n"
        "X-Trace: 1\r\n"
        "Keep-Alive: timeout=5\r\n"
        "TE: trailers\r\n"
        "Transfer-Encoding: chunked\r\n"
        "\r\n";
    CHECK(rewrite(in) ==
          "GET /p?q=1 HTTP/1.1\r\n"
          "Host: example.com:8080\r\n"
          "User-Agent: t\r\n"
          "Transfer-Encoding: chunked\r\n"  // the body goes on as received, framing included
          "Via: 1.1 rawhttp\r\n"
          "\r\n");
}

TEST_CASE("rewrite_head: a missing Host is added after the request line; other bytes are kept") {
    const std::string in = "POST http://h/x HTTP/1.0\nX-A:  spaced \n\n";
    CHECK(rewrite(in, relay::via_value("HTTP/1.0")) == "POST /x HTTP/1.0\nHost: h\r\nX-A:  spaced \nVia: 1.0 rawhttp\r\n\n");
    CHECK(rewrite(in, "") == "POST /x HTTP/1.0\nHost: h\r\nX-A:  spaced \n\n");  // --no-via
}

TEST_CASE("rewrite_head: a dropped field takes its obs-fold continuation lines with it") {
    const std::string in = "GET http://h/ HTTP/1.1\r\nConnection: X-B\r\nX-B: 1\r\n 2\r\nX-C: 3\r\n\r\n";
    CHECK(rewrite(in, "") == "GET / HTTP/1.1\r\nHost: h\r\nX-C: 3\r\n\r\n");
}

TEST_CASE("head_diff: kept, removed and added lines in order, removed lines before their replacements") {
    auto d = relay::head_diff("GET http://h/ HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nVia: v\r\n\r\n");
    std::string marks;
    for (const auto& l : d) marks += l.mark;
    CHECK(marks == "--++ + ");
    CHECK(d[0].line == "GET http://h/ HTTP/1.1\r\n");
    CHECK(d[1].line == "Host: x\r\n");
    CHECK(d[2].line == "GET / HTTP/1.1\r\n");
    CHECK(d[5].line == "Via: v\r\n");
}
