#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace rawhttp::http;
using http_test::has;
using Exact = http_test::Exact;

namespace {

struct Parsed {
    ParseStatus status;
    ResponseHead head;
    ParseError err;
};

Parsed parse(std::string_view s, const HeadLimits& limits = {}) {
    Parsed p;
    p.status = parse_response_head(s, p.head, p.err, limits);
    return p;
}

std::size_t off(std::string_view whole, std::string_view part) {
    return static_cast<std::size_t>(part.data() - whole.data());
}

// Two parses of (prefixes of) the same bytes agree: same values, and views at
// the same offsets of their own buffers.
void check_same(std::string_view buf_a, const Parsed& a, std::string_view buf_b, const Parsed& b) {
    REQUIRE(a.status == b.status);
    if (a.status == ParseStatus::error) {
        CHECK(a.err.message == b.err.message);
        CHECK(a.err.offset == b.err.offset);
        return;
    }
    if (a.status != ParseStatus::complete) return;
    CHECK(a.head.version == b.head.version);
    CHECK(a.head.major == b.head.major);
    CHECK(a.head.minor == b.head.minor);
    CHECK(a.head.status == b.head.status);
    CHECK(a.head.reason == b.head.reason);
    CHECK(a.head.head_bytes == b.head.head_bytes);
    CHECK(off(buf_a, a.head.reason) == off(buf_b, b.head.reason));
    REQUIRE(a.head.headers.size() == b.head.headers.size());
    for (std::size_t i = 0; i < a.head.headers.size(); ++i) {
        CHECK(a.head.headers[i].name == b.head.headers[i].name);
        CHECK(a.head.headers[i].value == b.head.headers[i].value);
        CHECK(off(buf_a, a.head.headers[i].name) == off(buf_b, b.head.headers[i].name));
        CHECK(off(buf_a, a.head.headers[i].value) == off(buf_b, b.head.headers[i].value));
    }
}

// Every prefix shorter than the head is incomplete; every longer one gives
// the same complete result as the whole buffer.
void check_every_prefix(std::string_view whole, std::size_t expected_head_bytes) {
    Exact full(whole);
    const Parsed ref = parse(full.view());
    REQUIRE(ref.status == ParseStatus::complete);
    REQUIRE(ref.head.head_bytes == expected_head_bytes);
    for (std::size_t k = 0; k <= whole.size(); ++k) {
        CAPTURE(k);
        Exact pre(whole.substr(0, k));
        const Parsed got = parse(pre.view());
        if (k < expected_head_bytes) {
            REQUIRE(got.status == ParseStatus::incomplete);
        } else {
            check_same(full.view(), ref, pre.view(), got);
        }
    }
}

// The result of every prefix is "incomplete" up to some point and then the
// same error as the whole buffer gives.
void check_error_prefixes(std::string_view whole, const HeadLimits& limits = {}) {
    Exact full(whole);
    const Parsed ref = parse(full.view(), limits);
    REQUIRE(ref.status == ParseStatus::error);
    bool seen_error = false;
    for (std::size_t k = 0; k <= whole.size(); ++k) {
        CAPTURE(k);
        Exact pre(whole.substr(0, k));
        const Parsed got = parse(pre.view(), limits);
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

bool contains(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("response: a typical head is parsed into its parts") {
    const std::string s =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/plain\r\n"
        "Content-Length: 5\r\n"
        "\r\n"
        "hello";
    Exact e(s);
    const Parsed p = parse(e.view());
    REQUIRE(p.status == ParseStatus::complete);
    CHECK(p.head.version == "HTTP/1.1");
    CHECK(p.head.major == 1);
    CHECK(p.head.minor == 1);
    CHECK(p.head.status == 200);
    CHECK(p.head.reason == "OK");
    REQUIRE(p.head.headers.size() == 2);
    CHECK(p.head.headers[0].name == "Content-Type");
    CHECK(p.head.headers[0].value == "text/plain");
    CHECK(p.head.headers[1].name == "Content-Length");
    CHECK(p.head.headers[1].value == "5");
    CHECK(p.head.head_bytes == s.size() - 5);
    // zero-copy: views point into the buffer
    CHECK(p.head.version.data() == e.view().data());
    CHECK(off(e.view(), p.head.headers[1].value) == s.find("5\r\n"));
}

TEST_CASE("response: status line variants") {
    SUBCASE("no reason and no space") {
        const Parsed p = parse("HTTP/1.1 200\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.status == 200);
        CHECK(p.head.reason == "");
        CHECK(p.head.head_bytes == 16);
    }
    SUBCASE("space and empty reason") {
        const Parsed p = parse("HTTP/1.1 204 \r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.status == 204);
        CHECK(p.head.reason == "");
    }
    SUBCASE("reason with spaces, HTAB and UTF-8") {
        const Parsed p = parse("HTTP/1.1 404 Not\tFound \xC3\xA9t\xC3\xA9\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.reason == "Not\tFound \xC3\xA9t\xC3\xA9");
    }
    SUBCASE("HTTP/1.0 and bare LF") {
        const Parsed p = parse("HTTP/1.0 302 Found\nLocation: /x\n\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.version == "HTTP/1.0");
        CHECK(p.head.major == 1);
        CHECK(p.head.minor == 0);
        CHECK(p.head.status == 302);
        CHECK(p.head.reason == "Found");
        REQUIRE(p.head.headers.size() == 1);
        CHECK(p.head.headers[0].value == "/x");
        CHECK(p.head.head_bytes == 33);
    }
    SUBCASE("HTTP/1.2 is accepted as it is") {
        const Parsed p = parse("HTTP/1.2 200 OK\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.version == "HTTP/1.2");
        CHECK(p.head.major == 1);
        CHECK(p.head.minor == 2);
    }
    SUBCASE("unusual but 3-digit codes are syntax-valid") {
        const Parsed p = parse("HTTP/1.1 599 Whatever\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.status == 599);
    }
}

TEST_CASE("response: malformed status lines are errors naming what was expected") {
    struct Case {
        const char* input;
        const char* message_part;
        std::size_t offset;
    };
    const Case cases[] = {
        {"HTTP/2 200 OK\r\n\r\n", "HTTP/DIGIT.DIGIT", 6},
        {"HTTP/1.1 2000 OK\r\n\r\n", "3 digits", 12},
        {"HTTP/1.1 20 OK\r\n\r\n", "3 digits", 11},
        {"HTTP/1.1 2x0 OK\r\n\r\n", "3 digits", 10},
        {"http/1.1 200 OK\r\n\r\n", "upper case", 0},
        {"HTtP/1.1 200 OK\r\n\r\n", "upper case", 2},
        {"<html><body>hello</body></html>\r\n\r\n", "expected a status line starting with \"HTTP/\"", 0},
        {"SSH-2.0-OpenSSH_9.2\r\n", "expected a status line starting with \"HTTP/\"", 0},
        {"\x15\x03\x03\x00\x02\x02\x46", "TLS", 0},
        {"HTTP/1.1  200 OK\r\n\r\n", "3 digits", 9},
        {"HTTP/1.1\t200 OK\r\n\r\n", "single space after the HTTP-version", 8},
        {"HTTP/1.11 200 OK\r\n\r\n", "HTTP/DIGIT.DIGIT", 8},
        {"HTTP/x.1 200 OK\r\n\r\n", "HTTP/DIGIT.DIGIT", 5},
        {"HTTP/1.1 200OK\r\n\r\n", "after the status code", 12},
        {"HTTP/1.1 200 O\x01K\r\n\r\n", "control byte 0x01", 14},
        {"HTTP/1.1 200 OK\x7f\r\n\r\n", "DEL", 15},
        {"HTTP/1.1 200 O\0K\r\n\r\n", "NUL", 14},
        {"HTTP/1.1 200 OK\rX\r\n\r\n", "CR in the status line not followed by LF", 15},
        {"\r\nHTTP/1.1 200 OK\r\n\r\n", "expected a status line", 0},
    };
    for (const Case& c : cases) {
        // string length taken with the embedded NUL where there is one
        std::string input(c.input);
        if (contains(c.message_part, "NUL")) input = std::string("HTTP/1.1 200 O\0K\r\n\r\n", 20);
        CAPTURE(input);
        Exact e(input);
        const Parsed p = parse(e.view());
        REQUIRE(p.status == ParseStatus::error);
        CHECK(contains(p.err.message, c.message_part));
        CHECK(p.err.offset == c.offset);
        check_error_prefixes(input);
    }
}

TEST_CASE("response: garbage is rejected without waiting for the end of the head") {
    // A peer that is not speaking HTTP and then waits must not hang the client.
    CHECK(parse("SSH-").status == ParseStatus::error);
    CHECK(parse("H").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 2").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 2a").status == ParseStatus::error);
    CHECK(parse("").status == ParseStatus::incomplete);
}

TEST_CASE("response: header lines") {
    SUBCASE("values are trimmed of SP and HTAB, inner whitespace kept") {
        const Parsed p = parse("HTTP/1.1 200 OK\r\nX-A:   a  b \t\r\nX-B:\tc\r\nX-C:d\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 3);
        CHECK(p.head.headers[0].value == "a  b");
        CHECK(p.head.headers[1].value == "c");
        CHECK(p.head.headers[2].value == "d");
    }
    SUBCASE("empty values") {
        const Parsed p = parse("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 2);
        CHECK(p.head.headers[0].value == "");
        CHECK(p.head.headers[1].value == "");
    }
    SUBCASE("duplicates are kept, in order, names as received") {
        const Parsed p =
            parse("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nVary: x\r\nSET-COOKIE: c=3\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 4);
        CHECK(p.head.headers[0].name == "Set-Cookie");
        CHECK(p.head.headers[0].value == "a=1");
        CHECK(p.head.headers[1].name == "set-cookie");
        CHECK(p.head.headers[1].value == "b=2");
        CHECK(p.head.headers[2].name == "Vary");
        CHECK(p.head.headers[3].name == "SET-COOKIE");
        CHECK(p.head.headers[3].value == "c=3");
    }
    SUBCASE("CRLF and bare LF mixed in one head") {
        const std::string s = "HTTP/1.1 200 OK\nA: 1\r\nB: 2\nC: 3\r\n\nbody";
        const Parsed p = parse(s);
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 3);
        CHECK(p.head.headers[0].value == "1");
        CHECK(p.head.headers[1].value == "2");
        CHECK(p.head.headers[2].value == "3");
        CHECK(p.head.head_bytes == s.size() - 4);
    }
    SUBCASE("head ending in LF CRLF and CRLF LF") {
        const Parsed a = parse("HTTP/1.1 200 OK\nA: 1\n\r\nX");
        REQUIRE(a.status == ParseStatus::complete);
        CHECK(a.head.head_bytes == 23);
        const Parsed b = parse("HTTP/1.1 200 OK\r\nA: 1\r\n\nX");
        REQUIRE(b.status == ParseStatus::complete);
        CHECK(b.head.head_bytes == 24);
    }
    SUBCASE("all tchar punctuation in names; colons and odd bytes in values") {
        const Parsed p = parse("HTTP/1.1 200 OK\r\n!#$%&'*+-.^_`|~09azAZ: a:b \"q\" \x80\xff\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 1);
        CHECK(p.head.headers[0].name == "!#$%&'*+-.^_`|~09azAZ");
        CHECK(p.head.headers[0].value == "a:b \"q\" \x80\xff");
    }
    SUBCASE("a status line alone then the end") {
        const Parsed p = parse("HTTP/1.1 100 Continue\r\n\r\n");
        REQUIRE(p.status == ParseStatus::complete);
        CHECK(p.head.headers.empty());
        CHECK(p.head.head_bytes == 25);
    }
}

TEST_CASE("response: malformed header lines are errors") {
    struct Case {
        std::string input;
        const char* message_part;
        std::size_t offset;
    };
    const std::string sl = "HTTP/1.1 200 OK\r\n";  // 17 bytes
    const Case cases[] = {
        {sl + "NoColon\r\n\r\n", "without a colon", 24},
        {sl + "No colon here\r\n\r\n", "without a colon", 19},
        {sl + "Name : v\r\n\r\n", "whitespace between the header name and the colon", 21},
        {sl + "Name\t: v\r\n\r\n", "whitespace between the header name and the colon", 21},
        {sl + ": v\r\n\r\n", "empty header name", 17},
        {sl + "A: 1\r\n folded\r\n\r\n", "obsolete line folding", 23},
        {sl + "A: 1\r\n\tfolded\r\n\r\n", "obsolete line folding", 23},
        {sl + " A: 1\r\n\r\n", "whitespace between the status line and the first header", 17},
        {sl + "Na(me: v\r\n\r\n", "'(' in a header name", 19},
        {sl + "Na\x80me: v\r\n\r\n", "0x80 in a header name", 19},
        {sl + std::string("A: x\0y\r\n\r\n", 10), "NUL", 21},
        {sl + "A: x\ry\r\n\r\n", "CR not followed by LF", 21},
        {sl + "A: x\x01y\r\n\r\n", "0x01", 21},
        {sl + "A: x\x1by\r\n\r\n", "0x1B", 21},
        {sl + "A: x\x7fy\r\n\r\n", "DEL", 21},
        {sl + "A: 1\r\n\rX", "CR not followed by LF at the start of a header line", 23},
    };
    for (const Case& c : cases) {
        CAPTURE(c.input);
        Exact e(c.input);
        const Parsed p = parse(e.view());
        REQUIRE(p.status == ParseStatus::error);
        CHECK(contains(p.err.message, c.message_part));
        CHECK(p.err.offset == c.offset);
        check_error_prefixes(c.input);
    }
}

TEST_CASE("response: incomplete until the empty line") {
    CHECK(parse("HTTP/1.1 200 OK").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\r").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\r\n").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\r\nA: 1\r\n").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\r\nA: 1\r\n\r").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n").status == ParseStatus::complete);
    CHECK(parse("HTTP/1.1 200 OK\nA: 1\n").status == ParseStatus::incomplete);
    CHECK(parse("HTTP/1.1 200 OK\nA: 1\n\n").status == ParseStatus::complete);
    // "Name " could still become "Name : v" or "Name x": undecided until the line ends
    CHECK(parse("HTTP/1.1 200 OK\r\nName ").status == ParseStatus::incomplete);
}

TEST_CASE("response: every prefix is incomplete until the head ends, then identical") {
    check_every_prefix("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 3\r\n"
                       "Set-Cookie: a=b\r\nSet-Cookie: c=d\r\n\r\nabc",
                       112);
    check_every_prefix("HTTP/1.0 404\nServer:   x  \nEmpty:\n\n", 35);
    check_every_prefix("HTTP/1.1 301 Moved\r\nLocation: http://e.com/\nX:\ty\t\r\n\nrest", 52);
    check_every_prefix("HTTP/1.1 200 \xC3\x89tat\r\nX-Bin: \x80\x81\xfe\xff\r\n\r\n", 35);
    check_every_prefix("HTTP/1.1 204 No Content\r\n\r\n", 27);
}

TEST_CASE("response: interim 1xx heads parsed one after another from one buffer") {
    const std::string s =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    Exact e(s);
    std::string_view rest = e.view();
    std::vector<int> statuses;
    std::vector<std::size_t> sizes;
    for (;;) {
        ResponseHead head;
        ParseError err;
        REQUIRE(parse_response_head(rest, head, err) == ParseStatus::complete);
        statuses.push_back(head.status);
        sizes.push_back(head.head_bytes);
        if (head.status == 103) {
            REQUIRE(head.headers.size() == 1);
            CHECK(head.headers[0].name == "Link");
            CHECK(head.headers[0].value == "</style.css>; rel=preload");
        }
        rest.remove_prefix(head.head_bytes);
        if (head.status >= 200) break;
    }
    CHECK(statuses == std::vector<int>{100, 103, 200});
    CHECK(sizes == std::vector<std::size_t>{25, 61, 38});
    CHECK(rest == "hi");
}

TEST_CASE("response: reusing one ResponseHead across parses clears the old fields") {
    ResponseHead head;
    ParseError err;
    REQUIRE(parse_response_head("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", head, err) == ParseStatus::complete);
    CHECK(head.headers.size() == 2);
    REQUIRE(parse_response_head("HTTP/1.1 204 \r\n\r\n", head, err) == ParseStatus::complete);
    CHECK(head.headers.empty());
    CHECK(head.status == 204);
    CHECK(parse_response_head("HTTP/1.1 200 OK\r\n", head, err) == ParseStatus::incomplete);
    CHECK(head.head_bytes == 0);
}

TEST_CASE("response: limits") {
    SUBCASE("a 60 KiB header value is fine with the default limits") {
        const std::string big(60 * 1024, 'v');
        const std::string s = "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\n\r\n";
        Exact e(s);
        const Parsed p = parse(e.view());
        REQUIRE(p.status == ParseStatus::complete);
        REQUIRE(p.head.headers.size() == 1);
        CHECK(p.head.headers[0].value.size() == big.size());
        CHECK(p.head.head_bytes == s.size());
    }
    SUBCASE("head beyond max_head_bytes is an error, even while incomplete") {
        HeadLimits lim;
        lim.max_head_bytes = 64;
        const std::string s = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(100, 'a');
        Exact e(s);
        const Parsed p = parse(e.view(), lim);
        REQUIRE(p.status == ParseStatus::error);
        CHECK(p.err.message == "response head exceeds 64 bytes without its terminating empty line");
        CHECK(p.err.offset == 64);
        // within the limit it is only incomplete
        CHECK(parse(s.substr(0, 64), lim).status == ParseStatus::incomplete);
        check_error_prefixes(s, lim);
    }
    SUBCASE("a complete head of exactly max_head_bytes is fine; one more byte is not") {
        const std::string s = "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";  // 25 bytes
        HeadLimits lim;
        lim.max_head_bytes = s.size();
        const Parsed ok = parse(s + "body beyond the limit", lim);
        REQUIRE(ok.status == ParseStatus::complete);
        CHECK(ok.head.head_bytes == 25);
        lim.max_head_bytes = s.size() - 1;
        const Parsed bad = parse(s + "body", lim);
        REQUIRE(bad.status == ParseStatus::error);
        CHECK(contains(bad.err.message, "exceeds 24 bytes"));
        // exactly the limit but incomplete: still waiting
        CHECK(parse(s.substr(0, 24), lim).status == ParseStatus::incomplete);
    }
    SUBCASE("more than max_headers fields is an error") {
        HeadLimits lim;
        lim.max_headers = 3;
        const Parsed ok = parse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", lim);
        REQUIRE(ok.status == ParseStatus::complete);
        CHECK(ok.head.headers.size() == 3);
        const std::string s = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        const Parsed bad = parse(s, lim);
        REQUIRE(bad.status == ParseStatus::error);
        CHECK(bad.err.message == "more than 3 header fields");
        CHECK(bad.err.offset == s.find("D: 4"));
        check_error_prefixes(s, lim);
    }
    SUBCASE("the default max_headers is 1000") {
        std::string s = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i < 1000; ++i) s += "H" + std::to_string(i) + ": v\r\n";
        CHECK(parse(s + "\r\n").status == ParseStatus::complete);
        s += "One-More: v\r\n\r\n";
        CHECK(parse(s).status == ParseStatus::error);
    }
}

TEST_CASE("response: a growing buffer re-parsed from the start gives the same head") {
    std::string s = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 200; ++i) s += "X-Header-" + std::to_string(i) + ": value number " + std::to_string(i) + "\r\n";
    s += "\r\n";
    std::string received;
    ResponseHead head;
    ParseError err;
    ParseStatus st = ParseStatus::incomplete;
    std::size_t reads = 0;
    for (std::size_t pos = 0; pos < s.size(); pos += 37) {
        received.append(s, pos, 37);
        ++reads;
        st = parse_response_head(received, head, err);
        if (st != ParseStatus::incomplete) break;
    }
    REQUIRE(st == ParseStatus::complete);
    CHECK(head.headers.size() == 200);
    CHECK(head.headers[199].value == "value number 199");
    CHECK(head.head_bytes == s.size());
    CHECK(reads == (s.size() + 36) / 37);
}
