// Tests of the request curl 7.88 sends for its flags (src/intake/curl_args).
// The bytes were captured from curl 7.88.1 on the wire (the integration test
// test_curl_flags.py checks the same against the real curl every run).
#include "intake/curl_args.hpp"

#include <doctest/doctest.h>

#include "compose/compose.hpp"

using namespace rawhttp;
using namespace rawhttp::intake;

namespace {

DataFileReader files(std::map<std::string, std::string> content) {
    return [content](const std::string& path, std::size_t) {
        auto it = content.find(path);
        if (it == content.end()) return FileRead{ReadFailure::missing, {}, "No such file or directory", 0};
        return FileRead{ReadFailure::none, it->second, {}, 0};
    };
}

std::string bytes_of(const CurlArgs& a, const DataFileReader& r = {}) {
    auto got = curl_request(a, r);
    REQUIRE_MESSAGE(got, (got ? "" : got.error().message));
    // The .req text composes to exactly the bytes.
    ComposeOptions o;
    auto back = compose_requests(got->req_text, o);
    REQUIRE_FALSE(back.error);
    REQUIRE(back.requests.size() == 1);
    CHECK(back.requests[0].bytes == got->bytes);
    CHECK(*back.requests[0].target == got->target);
    return got->bytes;
}

}  // namespace

TEST_CASE("curl args: a plain GET, without curl's own two headers unless asked") {
    CurlArgs a;
    a.url = "http://127.0.0.1:8080/x";
    CHECK(bytes_of(a) == "GET /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
    a.keep_curl_headers = true;
    CHECK(bytes_of(a) == "GET /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("curl args: the header order of curl 7.88") {
    CurlArgs a;
    a.url = "http://127.0.0.1:9/p";
    a.user = "us:pw";
    a.user_agent = "ag/1";
    a.referer = "http://r/";
    a.cookie = "a=b";
    a.headers = {"X-A: 1", "X;", "Host: other:1", "X-Gone:", "X-Blank:  ", "no separator"};
    a.keep_curl_headers = true;
    auto got = curl_request(a);
    REQUIRE(got);
    CHECK(got->bytes ==
          "GET /p HTTP/1.1\r\nHost: other:1\r\nAuthorization: Basic dXM6cHc=\r\nUser-Agent: ag/1\r\nAccept: */*\r\n"
          "Referer: http://r/\r\nCookie: a=b\r\nX-A: 1\r\nX:\r\n\r\n");
    CHECK(got->target == "127.0.0.1:9");  // a custom Host changes the header, not where curl connects
    REQUIRE(got->notes.size() == 1);
    CHECK(got->notes[0].find("'no separator' has no ':'") != std::string::npos);
}

TEST_CASE("curl args: custom headers replace curl's own, in their own place") {
    CurlArgs a;
    a.url = "http://h/";
    a.keep_curl_headers = true;
    a.headers = {"User-Agent: mine", "Accept:", "host:   spaced"};
    CHECK(bytes_of(a) == "GET / HTTP/1.1\r\nHost:   spaced\r\nUser-Agent: mine\r\n\r\n");
    a.headers = {"Host:"};
    CHECK(bytes_of(a) == "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
    // "Host;" is an empty Host, in Host's place, once (found by fuzz_shell_words: it was sent twice)
    a.headers = {"Host;"};
    CHECK(bytes_of(a) == "GET / HTTP/1.1\r\nHost:\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("curl args: data pieces, form files and the body headers") {
    auto r = files({{"f.txt", "a\r\nb\nc"}, {"-", "stdin"}});
    CurlArgs a;
    a.url = "http://h/m";
    a.data = {{DataKind::form, "a"}, {DataKind::form, "@f.txt"}, {DataKind::binary, "@f.txt"}, {DataKind::raw, "@x"}};
    CHECK(bytes_of(a, r) ==
          "POST /m HTTP/1.1\r\nHost: h\r\nContent-Length: 15\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
          "a&abc&a\r\nb\nc&@x");
    a.data = {{DataKind::form, ""}, {DataKind::form, ""}};
    CHECK(bytes_of(a, r).ends_with("Content-Length: 1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n&"));
    a.data = {{DataKind::binary, "@-"}};
    CHECK(bytes_of(a, r).ends_with("\r\n\r\nstdin"));
    a.method = "PATCH";
    a.headers = {"Content-Type: text/plain"};
    a.data = {{DataKind::form, "abc"}};
    CHECK(bytes_of(a, r) == "PATCH /m HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc");
    a.headers = {"Content-Length: 5"};
    CHECK(bytes_of(a, r).find("Content-Length: 3") == std::string::npos);
    a.data = {{DataKind::form, "@missing"}};
    auto bad = curl_request(a, r);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::file);
    CHECK(bad.error().message.find("'missing'") != std::string::npos);
}

TEST_CASE("curl args: --json adds Content-Type and Accept after the custom headers, joins without &") {
    CurlArgs a;
    a.url = "http://h/j";
    a.headers = {"X: 1"};
    a.data = {{DataKind::json, "{\"a\":1}"}, {DataKind::json, ",2"}};
    CHECK(bytes_of(a) == "POST /j HTTP/1.1\r\nHost: h\r\nX: 1\r\nContent-Type: application/json\r\n"
                         "Accept: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":1},2");
    a.headers = {"Accept: text/x"};
    a.data = {{DataKind::form, "b"}, {DataKind::json, "a"}};
    CHECK(bytes_of(a) == "POST /j HTTP/1.1\r\nHost: h\r\nAccept: text/x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 2\r\n\r\nba");
}

TEST_CASE("curl args: chunked, Expect past 1 MiB, HEAD, HTTP/1.0, https") {
    CurlArgs a;
    a.url = "http://h/c";
    a.method = "GET";
    a.headers = {"Transfer-Encoding: chunked"};
    a.data = {{DataKind::form, "abc"}};
    CHECK(bytes_of(a) == "GET /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    // As curl 7.88 does (checked against it over loopback): a ';' after the
    // name sends the line as written but does not chunk the body.
    a.headers = {"Transfer-Encoding; chunked: x"};
    CHECK(bytes_of(a) == "GET /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding; chunked: x\r\n"
                         "Content-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nabc");
    CurlArgs big;
    big.url = "http://h/";
    big.data = {{DataKind::raw, std::string(kCurlExpectThreshold + 1, 'x')}};
    CHECK(bytes_of(big).find("Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n\r\n") !=
          std::string::npos);
    big.data = {{DataKind::raw, std::string(kCurlExpectThreshold, 'x')}};
    CHECK(bytes_of(big).find("Expect") == std::string::npos);

    CurlArgs h;
    h.url = "https://Example.com:8443/a/../b#f";
    h.head = true;
    h.http10 = true;
    auto got = curl_request(h);
    REQUIRE(got);
    CHECK(got->bytes == "HEAD /b HTTP/1.0\r\nHost: Example.com:8443\r\n\r\n");
    CHECK(got->tls);
    CHECK(got->req_text.find("@tls = true\n") != std::string::npos);
    ComposeOptions o;
    auto back = compose_requests(got->req_text, o);
    REQUIRE_FALSE(back.error);
    CHECK(*back.requests[0].tls);
    h.data = {{DataKind::form, "x"}};
    CHECK_FALSE(curl_request(h));
}

TEST_CASE("curl args: bytes a readable .req cannot hold still round-trip exactly") {
    CurlArgs a;
    a.url = "http://h/";
    a.data = {{DataKind::raw, std::string("{{x}}\x00\xff\r\n", 9)}};
    a.headers = {"X-Brace: {{no}}"};
    auto got = curl_request(a);
    REQUIRE(got);
    CHECK(got->req_text.find("@eol = keep") != std::string::npos);  // the exact writer's form
    ComposeOptions o;
    auto back = compose_requests(got->req_text, o);
    REQUIRE_FALSE(back.error);
    CHECK(back.requests[0].bytes == got->bytes);
    // With TLS, @tls goes on its own line before @eol (found by fuzz_url: a
    // comment line names @eol too).
    a.url = "https://h/{{x}}";
    got = curl_request(a);
    REQUIRE(got);
    back = compose_requests(got->req_text, o);
    REQUIRE_FALSE(back.error);
    CHECK(back.requests[0].bytes == got->bytes);
    CHECK(*back.requests[0].tls);
}

TEST_CASE("curl args: credentials from the URL, -u winning; mistakes") {
    CurlArgs a;
    a.url = "http://u%40x:p%3Aw@h/";
    CHECK(bytes_of(a).find("Authorization: Basic dUB4OnA6dw==\r\n") != std::string::npos);
    a.url = "http://only@h/";
    CHECK(bytes_of(a).find("Authorization: Basic b25seTo=\r\n") != std::string::npos);  // "only:"
    a.user = "v:w";
    CHECK(bytes_of(a).find("Authorization: Basic djp3\r\n") != std::string::npos);
    a.user = "nopass";
    CHECK(curl_request(a).error().message.find("has no password") != std::string::npos);
    a.user.reset();
    a.cookie = "jar.txt";
    CHECK(curl_request(a).error().message.find("has no '='") != std::string::npos);
    a.cookie.reset();
    a.referer = "http://r/;auto";
    CHECK(bytes_of(a).find("Referer: http://r/\r\n") != std::string::npos);
    a.url = "gopher://h/";
    CHECK(curl_request(a).error().kind == ErrorKind::usage);
}
