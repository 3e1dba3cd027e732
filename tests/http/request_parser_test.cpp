#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>

using namespace rawhttp::http;
using http_test::has;
using ExactReq = http_test::Exact;

namespace {

struct ParsedReq {
    ParseStatus status;
    RequestHead head;
    ParseError err;
};

ParsedReq parse_req(std::string_view s, const HeadLimits& limits = {}) {
    ParsedReq p;
    p.status = parse_request_head(s, p.head, p.err, limits);
    return p;
}

void check_req_every_prefix(std::string_view whole, std::size_t expected_head_bytes) {
    ExactReq full(whole);
    const ParsedReq ref = parse_req(full.view());
    REQUIRE(ref.status == ParseStatus::complete);
    REQUIRE(ref.head.head_bytes == expected_head_bytes);
    for (std::size_t k = 0; k <= whole.size(); ++k) {
        CAPTURE(k);
        ExactReq pre(whole.substr(0, k));
        const ParsedReq got = parse_req(pre.view());
        if (k < expected_head_bytes) {
            REQUIRE(got.status == ParseStatus::incomplete);
            continue;
        }
        REQUIRE(got.status == ParseStatus::complete);
        CHECK(got.head.method == ref.head.method);
        CHECK(got.head.target == ref.head.target);
        CHECK(got.head.version == ref.head.version);
        CHECK(got.head.head_bytes == ref.head.head_bytes);
        CHECK(got.head.line_offset == ref.head.line_offset);
        REQUIRE(got.head.headers.size() == ref.head.headers.size());
        for (std::size_t i = 0; i < got.head.headers.size(); ++i) {
            CHECK(got.head.headers[i].name == ref.head.headers[i].name);
            CHECK(got.head.headers[i].value == ref.head.headers[i].value);
            CHECK(got.head.headers[i].value.data() - pre.view().data() ==
                  ref.head.headers[i].value.data() - full.view().data());
        }
    }
}

void check_req_error_prefixes(std::string_view whole, const HeadLimits& limits = {}) {
    ExactReq full(whole);
    const ParsedReq ref = parse_req(full.view(), limits);
    REQUIRE(ref.status == ParseStatus::error);
    bool seen_error = false;
    for (std::size_t k = 0; k <= whole.size(); ++k) {
        CAPTURE(k);
        ExactReq pre(whole.substr(0, k));
        const ParsedReq got = parse_req(pre.view(), limits);
        if (got.status == ParseStatus::incomplete) {
            REQUIRE_FALSE(seen_error);
            continue;
        }
        seen_error = true;
        REQUIRE(got.status == ParseStatus::error);
        CHECK(got.err.message == ref.err.message);
        CHECK(got.err.offset == ref.err.offset);
    }
    CHECK(seen_error);
}

}  // namespace

TEST_CASE("request: a typical head") {
    const std::string s = "POST /submit?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc";
    ExactReq e(s);
    const ParsedReq p = parse_req(e.view());
    REQUIRE(p.status == ParseStatus::complete);
    CHECK(p.head.method == "POST");
    CHECK(p.head.target == "/submit?x=1");
    CHECK(p.head.version == "HTTP/1.1");
    CHECK(p.head.major == 1);
    CHECK(p.head.minor == 1);
    REQUIRE(p.head.headers.size() == 2);
    CHECK(p.head.headers[0].name == "Host");
    CHECK(p.head.headers[0].value == "example.com");
    CHECK(p.head.headers[1].name == "Content-Length");
    CHECK(p.head.headers[1].value == "3");
    CHECK(p.head.head_bytes == s.size() - 3);
    CHECK(p.head.line_offset == 0);
    CHECK(p.head.method.data() == e.view().data());
}

TEST_CASE("request: accepted forms") {
    SUBCASE("asterisk, absolute and authority forms; any token method") {
        const ParsedReq a = parse_req("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(a.status == ParseStatus::complete);
        CHECK(a.head.target == "*");
        const ParsedReq b = parse_req("GET http://example.com/a?b#c HTTP/1.1\r\n\r\n");
        REQUIRE(b.status == ParseStatus::complete);
        CHECK(b.head.target == "http://example.com/a?b#c");
        const ParsedReq c = parse_req("CONNECT example.com:443 HTTP/1.1\r\n\r\n");
        REQUIRE(c.status == ParseStatus::complete);
        CHECK(c.head.target == "example.com:443");
        const ParsedReq d = parse_req("M-SEARCH! / HTTP/1.0\r\n\r\n");
        REQUIRE(d.status == ParseStatus::complete);
        CHECK(d.head.method == "M-SEARCH!");
        CHECK(d.head.minor == 0);
    }
    SUBCASE("HTTP/2.0 and HTTP/1.2 are syntax-valid (the server decides 505)") {
        const ParsedReq p = parse_req("GET / HTTP/2.0\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.major == 2);
        CHECK(p.head.minor == 0);
        CHECK(parse_req("GET / HTTP/1.2\r\n\r\n").status == ParseStatus::complete);
    }
    SUBCASE("leading empty lines are skipped and counted") {
        const std::string s = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        ExactReq e(s);
        const ParsedReq p = parse_req(e.view());
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.method == "GET");
        CHECK(p.head.line_offset == 4);
        CHECK(p.head.head_bytes == s.size());
        CHECK(p.head.method.data() == e.view().data() + 4);
    }
    SUBCASE("values: trimmed, obs-text and HTAB allowed, empty allowed") {
        const ParsedReq p = parse_req("GET / HTTP/1.1\r\nA: \t x \xC3\xA9\ty \t\r\nB:\r\nC:   \r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 3);
        CHECK(p.head.headers[0].value == "x \xC3\xA9\ty");
        CHECK(p.head.headers[1].value == "");
        CHECK(p.head.headers[2].value == "");
    }
    SUBCASE("duplicates kept in order") {
        const ParsedReq p = parse_req("GET / HTTP/1.1\r\nX: 1\r\nx: 2\r\nX: 3\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 3);
        CHECK(p.head.headers[0].value == "1");
        CHECK(p.head.headers[1].name == "x");
        CHECK(p.head.headers[2].value == "3");
    }
}

TEST_CASE("request: strict errors name the rule, the RFC section and the offset") {
    struct Case {
        std::string input;
        const char* message_part;
        const char* rfc;
        std::size_t offset;
    };
    const std::string rl = "GET / HTTP/1.1\r\n";  // 16 bytes
    const Case cases[] = {
        // line ends
        {"GET / HTTP/1.1\nHost: x\r\n\r\n", "bare LF (line 1)", "RFC 9112 section 2.2", 14},
        {rl + "Host: x\n\r\n", "bare LF (line 2): HTTP/1.1 lines end with CRLF", "RFC 9112 section 2.2", 23},
        {rl + "Host: x\r\n\n", "bare LF (line 3)", "RFC 9112 section 2.2", 25},
        {rl + "Host: x\ry\r\n\r\n", "bare CR (line 2)", "RFC 9112 section 2.2", 23},
        {"GET / HTTP/1.1\rX", "bare CR (line 1)", "RFC 9112 section 2.2", 14},
        {rl + "\rX", "bare CR (line 2)", "RFC 9112 section 2.2", 16},
        {"\nGET / HTTP/1.1\r\n\r\n", "bare LF (line 1)", "RFC 9112 section 2.2", 0},
        {"\r\n\nGET / HTTP/1.1\r\n\r\n", "bare LF (line 2)", "RFC 9112 section 2.2", 2},
        // request line shape
        {"GET  / HTTP/1.1\r\n\r\n", "more than one space after the method", "RFC 9112 section 3", 4},
        {"GET /  HTTP/1.1\r\n\r\n", "more than one space after the request-target", "RFC 9112 section 3", 6},
        {" GET / HTTP/1.1\r\n\r\n", "whitespace before the method", "RFC 9112 section 3", 0},
        {"GET\t/ HTTP/1.1\r\n\r\n", "HTAB after the method", "RFC 9112 section 3", 3},
        {"GET / HTTP/1.1 \r\n\r\n", "whitespace after the HTTP-version", "RFC 9112 section 3", 14},
        {"GET /\r\n\r\n", "no HTTP-version", "RFC 9112 section 3", 5},
        {"GET\r\n\r\n", "only a method", "RFC 9112 section 3", 3},
        {"GET \r\n\r\n", "no request-target", "RFC 9112 section 3", 4},
        {"GET /a b HTTP/1.1\r\n\r\n", "percent-encoded as %20", "RFC 9112 section 2.3", 7},
        // tokens and characters
        {"G(T / HTTP/1.1\r\n\r\n", "'(' in the method", "RFC 9112 section 3.1", 1},
        {"{GET / HTTP/1.1\r\n\r\n", "'{' where the method should start", "RFC 9112 section 3.1", 0},
        {"\x16\x03\x01\x02\x00\x01", "TLS handshake", "RFC 9112 section 3.1", 0},
        {"GET /caf\xC3\xA9 HTTP/1.1\r\n\r\n", "percent-encoded", "RFC 9112 section 3.2", 8},
        {"GET /a\x01 HTTP/1.1\r\n\r\n", "control byte 0x01 in the request-target", "RFC 9112 section 3.2", 6},
        {"GET /a\x7f HTTP/1.1\r\n\r\n", "DEL (0x7F) in the request-target", "RFC 9112 section 3.2", 6},
        // version
        {"GET / http/1.1\r\n\r\n", "case-sensitive", "RFC 9112 section 2.3", 6},
        {"GET / HTTP/1\r\n\r\n", "malformed HTTP-version", "RFC 9112 section 2.3", 12},
        {"GET / HTTP/1.10\r\n\r\n", "one digit each side", "RFC 9112 section 2.3", 14},
        {"GET / HTTP/11.1\r\n\r\n", "malformed HTTP-version", "RFC 9112 section 2.3", 12},
        {"GET / HTTPS/1.1\r\n\r\n", "malformed HTTP-version", "RFC 9112 section 2.3", 10},
        {"GET / FOO\r\n\r\n", "expected the HTTP-version", "RFC 9112 section 2.3", 6},
        // field lines
        {rl + "Host : x\r\n\r\n", "whitespace between the field name and the colon (line 2)", "RFC 9112 section 5.1", 20},
        {rl + "A: 1\r\n folded\r\n\r\n", "obsolete line folding (line 3)", "RFC 9112 section 5.2", 22},
        {rl + " Host: x\r\n\r\n", "whitespace between the request line and the first header field", "RFC 9112 section 2.2", 16},
        {rl + "NoColon\r\n\r\n", "header line without a colon (line 2)", "RFC 9112 section 5", 23},
        {rl + "No colon\r\n\r\n", "header line without a colon", "RFC 9112 section 5", 18},
        {rl + ": x\r\n\r\n", "empty field name", "RFC 9112 section 5", 16},
        {rl + "Ho\"st: x\r\n\r\n", "'\"' in a field name (line 2)", "RFC 9110 section 5.1", 18},
        {rl + "A: x\x01\r\n\r\n", "control byte 0x01 in the value of \"A\" (line 2)", "RFC 9110 section 5.5", 20},
        {rl + std::string("A: x\0y\r\n\r\n", 10), "NUL (0x00) in the value", "RFC 9110 section 5.5", 20},
        {rl + "A: x\x7f\r\n\r\n", "DEL (0x7F) in the value", "RFC 9110 section 5.5", 20},
    };
    for (const Case& c : cases) {
        CAPTURE(c.input);
        ExactReq e(c.input);
        const ParsedReq p = parse_req(e.view());
        REQUIRE(p.status == ParseStatus::error);
        CAPTURE(p.err.message);
        CHECK(has(p.err.message, c.message_part));
        CHECK(has(p.err.message, c.rfc));
        CHECK(p.err.offset == c.offset);
        check_req_error_prefixes(c.input);
    }
}

TEST_CASE("request: the bare-LF message reads as documented") {
    const ParsedReq p = parse_req("GET / HTTP/1.1\r\nHost: x\n\r\n");
    REQUIRE(p.status == ParseStatus::error);
    CHECK(p.err.message == "bare LF (line 2): HTTP/1.1 lines end with CRLF \xE2\x80\x94 RFC 9112 section 2.2");
    CHECK(p.err.offset == 23);
}

TEST_CASE("request: incomplete until CRLF CRLF") {
    CHECK(parse_req("").status == ParseStatus::incomplete);
    CHECK(parse_req("\r").status == ParseStatus::incomplete);
    CHECK(parse_req("\r\n").status == ParseStatus::incomplete);
    CHECK(parse_req("GET").status == ParseStatus::incomplete);
    CHECK(parse_req("GET / HTTP/1.1\r").status == ParseStatus::incomplete);
    CHECK(parse_req("GET / HTTP/1.1\r\nHost: x\r\n").status == ParseStatus::incomplete);
    CHECK(parse_req("GET / HTTP/1.1\r\nHost: x\r\n\r").status == ParseStatus::incomplete);
    CHECK(parse_req("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == ParseStatus::complete);
}

TEST_CASE("request: every prefix is incomplete until the head ends, then identical") {
    check_req_every_prefix("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\nAccept: */*\r\n\r\n",
                           77);
    check_req_every_prefix("\r\nPOST /p HTTP/1.0\r\nContent-Length: 2\r\nX:\t\r\n\r\nhi", 46);
    check_req_every_prefix("PUT /%C3%A9 HTTP/1.1\r\nA: \xC3\xA9\r\n\r\n", 31);
}

TEST_CASE("request: limits") {
    SUBCASE("60 KiB value fits the default limits") {
        const std::string s = "GET / HTTP/1.1\r\nCookie: " + std::string(60 * 1024, 'c') + "\r\n\r\n";
        const ParsedReq p = parse_req(s);
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.headers[0].value.size() == 60 * 1024);
    }
    SUBCASE("a head beyond max_head_bytes: 431") {
        HeadLimits lim;
        lim.max_head_bytes = 100;
        const std::string s = "GET / HTTP/1.1\r\nCookie: " + std::string(200, 'c') + "\r\n\r\n";
        const ParsedReq p = parse_req(s, lim);
        REQUIRE(p.status == ParseStatus::error);
        CHECK(has(p.err.message, "request head exceeds 100 bytes"));
        CHECK(has(p.err.message, "431"));
        CHECK(p.err.offset == 100);
        check_req_error_prefixes(s, lim);
    }
    SUBCASE("too many header fields: 431") {
        HeadLimits lim;
        lim.max_headers = 2;
        CHECK(parse_req("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", lim).status == ParseStatus::complete);
        const std::string s = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        const ParsedReq p = parse_req(s, lim);
        REQUIRE(p.status == ParseStatus::error);
        CHECK(has(p.err.message, "more than 2 header fields"));
        CHECK(p.err.offset == s.find("C: 3"));
    }
    SUBCASE("endless empty lines before the request line hit the head limit") {
        HeadLimits lim;
        lim.max_head_bytes = 64;
        std::string s;
        for (int i = 0; i < 40; ++i) s += "\r\n";
        const ParsedReq p = parse_req(s, lim);
        REQUIRE(p.status == ParseStatus::error);
        CHECK(has(p.err.message, "exceeds 64 bytes"));
    }
}
