#include <doctest/doctest.h>

#include <algorithm>

#include <curl/curl.h>

#include "compare/curl_exchange.hpp"
#include "client/response_reader.hpp"

using namespace rawhttp;
using namespace rawhttp::compare;

namespace {

ComposedRequest request(std::string bytes, std::size_t head_bytes) {
    ComposedRequest r;
    r.bytes = std::move(bytes);
    r.head_bytes = head_bytes;
    r.line = 3;
    return r;
}

client::Destination local(int port = 8080) {
    client::Destination d;
    d.host = "127.0.0.1";
    d.port = port;
    d.server_name = "127.0.0.1";
    return d;
}

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Collects what the reader hands to the hooks.
struct Collect : client::SessionHooks {
    std::string raw, body;
    int heads = 0;
    void on_raw(const client::ExchangeResult&, std::string_view b) override { raw.append(b); }
    void on_head(const client::ExchangeResult&) override { ++heads; }
    void on_body(const client::ExchangeResult&, std::string_view b) override { body.append(b); }
};

}  // namespace

TEST_CASE("exact mode: the file's headers in order, curl's own removed, the target as written") {
    std::string head = "GET /a?b HTTP/1.1\r\nHost: example.test:8080\r\nX-Empty:\r\n\r\n";
    auto plan = plan_curl_request(request(head, head.size()), local(9000), CurlMode::exact, "7.88.1");
    REQUIRE(plan.ok());
    CHECK(plan->method == "GET");
    CHECK(plan->url == "http://example.test:8080/");
    CHECK(plan->request_target == std::optional<std::string>("/a?b"));
    CHECK(plan->connect_to == "::127.0.0.1:9000");
    REQUIRE(plan->headers.size() >= 2);
    CHECK(plan->headers[0] == "Host: example.test:8080");
    CHECK(plan->headers[1] == "X-Empty;");  // libcurl's spelling of an empty header
    CHECK(has(plan->headers, "Accept:"));
    CHECK_FALSE(has(plan->headers, "Expect:"));  // only a body makes libcurl add Expect, Content-Type...
    CHECK_FALSE(has(plan->headers, "Host:"));
    CHECK_FALSE(plan->user_agent.has_value());
    CHECK_FALSE(plan->send_body);
}

TEST_CASE("curl-default mode: none of the file's headers, curl's User-Agent, the URL carries the target") {
    std::string head = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Mine: 1\r\n\r\n";
    auto plan = plan_curl_request(request(head, head.size()), local(), CurlMode::curl_default, "7.88.1");
    REQUIRE(plan.ok());
    CHECK(plan->url == "http://127.0.0.1:8080/index.html");
    CHECK_FALSE(plan->request_target.has_value());
    CHECK(plan->headers.empty());
    CHECK(plan->user_agent == std::optional<std::string>("curl/7.88.1"));
}

TEST_CASE("a body goes as POSTFIELDS; HEAD is NOBODY; HTTP/1.0 is kept") {
    std::string req = "POST /echo HTTP/1.0\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
    auto plan = plan_curl_request(request(req, req.size() - 3), local(), CurlMode::exact, "7.88.1");
    REQUIRE(plan.ok());
    CHECK(plan->send_body);
    CHECK(plan->body == "abc");
    CHECK(plan->http10);
    CHECK_FALSE(has(plan->headers, "Content-Length:"));  // the file has its own
    CHECK(has(plan->headers, "Expect:"));
    CHECK(has(plan->headers, "Content-Type:"));
    std::string head = "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n";
    auto h = plan_curl_request(request(head, head.size()), local(), CurlMode::exact, "7.88.1");
    REQUIRE(h.ok());
    CHECK(h->nobody);
}

TEST_CASE("a hand-written chunked body is decoded for libcurl, which chunks it itself") {
    std::string req = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    auto plan = plan_curl_request(request(req, req.find("\r\n\r\n") + 4), local(), CurlMode::exact, "7.88.1");
    REQUIRE(plan.ok());
    CHECK(plan->body == "abc");
    CHECK_FALSE(plan->notes.empty());
}

TEST_CASE("what libcurl cannot send is refused before anything is sent") {
    std::string two = "GET /\r\nHost: h\r\n\r\n";
    auto a = plan_curl_request(request(two, two.size()), local(), CurlMode::exact, "7.88.1");
    REQUIRE_FALSE(a.ok());
    CHECK(a.error().kind == ErrorKind::usage);
    CHECK(a.error().message.find("three parts") != std::string::npos);
    std::string v2 = "GET / HTTP/2\r\nHost: h\r\n\r\n";
    auto b = plan_curl_request(request(v2, v2.size()), local(), CurlMode::exact, "7.88.1");
    REQUIRE_FALSE(b.ok());
    CHECK(b.error().message.find("HTTP/2") != std::string::npos);
}

TEST_CASE("libcurl's error codes map to the contract's kinds") {
    CHECK(curl_error_kind(CURLE_COULDNT_RESOLVE_HOST) == ErrorKind::resolve);
    CHECK(curl_error_kind(CURLE_COULDNT_CONNECT) == ErrorKind::connect);
    CHECK(curl_error_kind(CURLE_OPERATION_TIMEDOUT) == ErrorKind::timeout);
    CHECK(curl_error_kind(CURLE_SSL_CONNECT_ERROR) == ErrorKind::tls);
    CHECK(curl_error_kind(CURLE_PEER_FAILED_VERIFICATION) == ErrorKind::tls_verify);
    CHECK(curl_error_kind(CURLE_GOT_NOTHING) == ErrorKind::empty_reply);
    CHECK(curl_error_kind(CURLE_PARTIAL_FILE) == ErrorKind::partial);
    CHECK(curl_error_kind(CURLE_RECV_ERROR) == ErrorKind::receive);
    CHECK(curl_error_kind(CURLE_SEND_ERROR) == ErrorKind::send);
    CHECK(curl_error_kind(CURLE_WEIRD_SERVER_REPLY) == ErrorKind::malformed);
    CHECK(exit_code(curl_error_kind(CURLE_COULDNT_CONNECT)) == 7);
}

TEST_CASE("the response reader parses pieces of any size, chunked, with interim heads") {
    std::string raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n0\r\n\r\n";
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, raw.size()}) {
        client::ExchangeResult ex;
        Collect hooks;
        client::ResponseReader reader(ex, "GET", http::response_limits(), 100, hooks);
        for (std::size_t i = 0; i < raw.size(); i += piece) reader.feed(std::string_view(raw).substr(i, piece));
        CHECK_FALSE(reader.finish().has_value());
        REQUIRE(ex.response.has_value());
        CHECK(ex.response->status == 200);
        CHECK(ex.response->interim.size() == 1);
        CHECK(ex.response->framing == http::Framing::chunked);
        CHECK(ex.response->complete);
        CHECK(ex.response->body_bytes == 5);
        CHECK(hooks.body == "hello");
        CHECK(hooks.raw == raw);
        CHECK(hooks.heads == 1);
    }
}

TEST_CASE("the response reader: short bodies are partial, nothing is empty, garbage is malformed") {
    {
        client::ExchangeResult ex;
        Collect hooks;
        client::ResponseReader r(ex, "GET", http::response_limits(), 100, hooks);
        r.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        auto e = r.finish();
        REQUIRE(e.has_value());
        CHECK(e->kind == ErrorKind::partial);
        CHECK_FALSE(ex.response->complete);
    }
    {
        client::ExchangeResult ex;
        Collect hooks;
        client::ResponseReader r(ex, "GET", http::response_limits(), 100, hooks);
        auto e = r.finish();
        REQUIRE(e.has_value());
        CHECK(e->kind == ErrorKind::empty_reply);
    }
    {
        client::ExchangeResult ex;
        Collect hooks;
        client::ResponseReader r(ex, "GET", http::response_limits(), 100, hooks);
        r.feed("SSH-2.0-OpenSSH\r\n");
        CHECK(r.failed());
        CHECK(r.error()->kind == ErrorKind::malformed);
    }
    {
        client::ExchangeResult ex;
        Collect hooks;
        client::ResponseReader r(ex, "HEAD", http::response_limits(), 100, hooks);
        r.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        CHECK_FALSE(r.finish().has_value());
        CHECK(ex.response->framing == http::Framing::none);
    }
}
