#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace rawhttp::http;

namespace {

// Parses `head_text` (a full response head) and decides its framing.
struct RespFraming {
    std::string text;
    ResponseHead head;
    ParseError err;
    std::optional<BodyFraming> framing;
};

RespFraming resp_framing(std::string head_text, std::string_view method = "GET") {
    RespFraming r;
    r.text = std::move(head_text);
    ParseError perr;
    REQUIRE(parse_response_head(r.text, r.head, perr) == ParseStatus::complete);
    r.framing = response_framing(r.head, method, r.err);
    return r;
}

struct ReqFraming {
    std::string text;
    RequestHead head;
    ParseError err;
    std::optional<BodyFraming> framing;
};

ReqFraming req_framing(std::string head_text) {
    ReqFraming r;
    r.text = std::move(head_text);
    ParseError perr;
    REQUIRE(parse_request_head(r.text, r.head, perr) == ParseStatus::complete);
    r.framing = request_framing(r.head, r.err);
    return r;
}

using http_test::has;

}  // namespace

TEST_CASE("framing_name") {
    CHECK(framing_name(Framing::content_length) == "content-length");
    CHECK(framing_name(Framing::chunked) == "chunked");
    CHECK(framing_name(Framing::close) == "close");
    CHECK(framing_name(Framing::none) == "none");
}

TEST_CASE("iequals") {
    CHECK(iequals("Content-Length", "content-length"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("Content-Length", "Content-Lengths"));
    CHECK_FALSE(iequals("a", "b"));
    CHECK_FALSE(iequals("\xC3\xA9", "\xC3\x89"));  // ASCII only
    CHECK(iequals("X-@[`{", "x-@[`{"));
    CHECK_FALSE(iequals("@", "`"));  // not letters: no case folding
}

TEST_CASE("parse_content_length") {
    CHECK(parse_content_length("0") == 0u);
    CHECK(parse_content_length("5") == 5u);
    CHECK(parse_content_length("005") == 5u);
    CHECK(parse_content_length("18446744073709551615") == UINT64_MAX);
    CHECK_FALSE(parse_content_length("18446744073709551616"));
    CHECK_FALSE(parse_content_length("999999999999999999999999999999"));
    CHECK_FALSE(parse_content_length(""));
    CHECK_FALSE(parse_content_length("-1"));
    CHECK_FALSE(parse_content_length("+1"));
    CHECK_FALSE(parse_content_length("0x5"));
    CHECK_FALSE(parse_content_length(" 5"));
    CHECK_FALSE(parse_content_length("5 "));
    CHECK_FALSE(parse_content_length("5,5"));
    CHECK_FALSE(parse_content_length("1e3"));
}

TEST_CASE("response framing: no body by rule") {
    SUBCASE("HEAD request, even with Content-Length or chunked") {
        auto r = resp_framing("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::none);
        auto c = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD");
        REQUIRE(c.framing);
        CHECK(c.framing->framing == Framing::none);
    }
    SUBCASE("1xx, 204, 304") {
        for (int code : {100, 101, 103, 199, 204, 304}) {
            CAPTURE(code);
            auto r = resp_framing("HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Length: 10\r\n\r\n");
            REQUIRE(r.framing);
            CHECK(r.framing->framing == Framing::none);
        }
    }
    SUBCASE("2xx to CONNECT is a tunnel: no body") {
        auto r = resp_framing("HTTP/1.1 200 Connection established\r\n\r\n", "CONNECT");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::none);
        auto f = resp_framing("HTTP/1.1 407 Proxy Auth\r\nContent-Length: 3\r\n\r\n", "CONNECT");
        REQUIRE(f.framing);
        CHECK(f.framing->framing == Framing::content_length);
    }
    SUBCASE("a bodied status is not none") {
        for (int code : {200, 205, 206, 301, 404, 500}) {
            CAPTURE(code);
            auto r = resp_framing("HTTP/1.1 " + std::to_string(code) + " X\r\n\r\n");
            REQUIRE(r.framing);
            CHECK(r.framing->framing == Framing::close);
        }
    }
}

TEST_CASE("response framing: Transfer-Encoding") {
    SUBCASE("chunked, in any case, wins over Content-Length") {
        for (const char* te : {"chunked", "Chunked", "CHUNKED", " chunked ", "gzip, chunked", "gzip,chunked"}) {
            CAPTURE(te);
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: ") + te +
                                  "\r\n\r\n");
            REQUIRE(r.framing);
            CHECK(r.framing->framing == Framing::chunked);
        }
    }
    SUBCASE("several fields: the last coding of the last field counts") {
        auto a = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
        REQUIRE(a.framing);
        CHECK(a.framing->framing == Framing::chunked);
        auto b = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\ntransfer-encoding: gzip\r\n\r\n");
        REQUIRE(b.framing);
        CHECK(b.framing->framing == Framing::close);
    }
    SUBCASE("not ending in chunked: read until close, Content-Length ignored (even invalid)") {
        auto a = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\n\r\n");
        REQUIRE(a.framing);
        CHECK(a.framing->framing == Framing::close);
        auto b = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: nonsense\r\n\r\n");
        REQUIRE(b.framing);
        CHECK(b.framing->framing == Framing::close);
        auto c = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\n");
        REQUIRE(c.framing);
        CHECK(c.framing->framing == Framing::close);
    }
    SUBCASE("empty list elements are skipped") {
        auto r = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, ,\r\n\r\n");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::chunked);
    }
}

TEST_CASE("response framing: Content-Length") {
    SUBCASE("valid values") {
        struct Case {
            const char* fields;
            std::uint64_t length;
        };
        const Case cases[] = {
            {"Content-Length: 5\r\n", 5},
            {"Content-Length: 0\r\n", 0},
            {"content-length: 005\r\n", 5},
            {"Content-Length: 5, 5\r\n", 5},
            {"Content-Length: 5,5,5\r\n", 5},
            {"Content-Length: 5\r\nContent-Length: 5\r\n", 5},
            {"Content-Length: 5\r\nContent-Length: 05\r\n", 5},
            {"Content-Length: 18446744073709551615\r\n", UINT64_MAX},
        };
        for (const Case& c : cases) {
            CAPTURE(c.fields);
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\n") + c.fields + "\r\n");
            REQUIRE(r.framing);
            CHECK(r.framing->framing == Framing::content_length);
            CHECK(r.framing->length == c.length);
        }
    }
    SUBCASE("invalid or conflicting values are errors") {
        struct Case {
            const char* fields;
            const char* message_part;
        };
        const Case cases[] = {
            {"Content-Length: 0x5\r\n", "invalid Content-Length \"0x5\""},
            {"Content-Length: -1\r\n", "invalid Content-Length \"-1\""},
            {"Content-Length: +1\r\n", "invalid Content-Length \"+1\""},
            {"Content-Length: 999999999999999999999999999999\r\n", "too large"},
            {"Content-Length: 18446744073709551616\r\n", "too large"},
            {"Content-Length:\r\n", "empty Content-Length"},
            {"Content-Length: 5,\r\n", "empty Content-Length"},
            {"Content-Length: 5 6\r\n", "invalid Content-Length \"5 6\""},
            {"Content-Length: 5, 6\r\n", "Content-Length values differ (5 and 6)"},
            {"Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length values differ (5 and 6)"},
            {"Content-Length: 5\r\nContent-Length: x\r\n", "invalid Content-Length \"x\""},
        };
        for (const Case& c : cases) {
            CAPTURE(c.fields);
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\n") + c.fields + "\r\n");
            CHECK_FALSE(r.framing);
            CAPTURE(r.err.message);
            CHECK(has(r.err.message, c.message_part));
            CHECK(has(r.err.message, "RFC 9112 section 6.3"));
        }
    }
    SUBCASE("the error offset points at the bad value in the buffer") {
        auto r = resp_framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        REQUIRE_FALSE(r.framing);
        CHECK(r.err.offset == r.text.find("6\r\n"));
    }
    SUBCASE("Content-Length is ignored for HEAD and 304 even when invalid") {
        auto r = resp_framing("HTTP/1.1 304 Not Modified\r\nContent-Length: bogus\r\n\r\n");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::none);
    }
}

TEST_CASE("response framing: neither header means read until close") {
    auto r = resp_framing("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
    REQUIRE(r.framing);
    CHECK(r.framing->framing == Framing::close);
    auto h10 = resp_framing("HTTP/1.0 200 OK\r\n\r\n");
    REQUIRE(h10.framing);
    CHECK(h10.framing->framing == Framing::close);
}

TEST_CASE("response framing: a hand-built head (views not into one buffer) still works") {
    ResponseHead head;
    head.status = 200;
    head.headers.push_back({"Content-Length", "x"});
    ParseError err;
    CHECK_FALSE(response_framing(head, "GET", err));
    CHECK(err.offset == 0);
    head.headers[0].value = "12";
    const auto f = response_framing(head, "GET", err);
    REQUIRE(f);
    CHECK(f->framing == Framing::content_length);
    CHECK(f->length == 12u);
}

TEST_CASE("request framing") {
    SUBCASE("no body without Content-Length or Transfer-Encoding") {
        auto r = req_framing("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::none);
    }
    SUBCASE("Content-Length") {
        auto r = req_framing("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::content_length);
        CHECK(r.framing->length == 11u);
        auto z = req_framing("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        REQUIRE(z.framing);
        CHECK(z.framing->framing == Framing::content_length);
        CHECK(z.framing->length == 0u);
        auto l = req_framing("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n");
        REQUIRE(l.framing);
        CHECK(l.framing->length == 3u);
    }
    SUBCASE("chunked") {
        auto r = req_framing("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        REQUIRE(r.framing);
        CHECK(r.framing->framing == Framing::chunked);
        auto g = req_framing("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n");
        REQUIRE(g.framing);
        CHECK(g.framing->framing == Framing::chunked);
    }
    SUBCASE("errors") {
        struct Case {
            const char* text;
            const char* message_part;
            const char* rfc;
        };
        const Case cases[] = {
            {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "does not end in chunked", "RFC 9112 section 6.3"},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "does not end in chunked",
             "RFC 9112 section 6.3"},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
             "Content-Length together with Transfer-Encoding", "RFC 9112 section 6.1"},
            {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n",
             "Content-Length together with Transfer-Encoding", "RFC 9112 section 6.1"},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "more than once", "RFC 9112 section 6.1"},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n", "empty Transfer-Encoding", "RFC 9112 section 6.1"},
            {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0", "RFC 9112 section 6.1"},
            {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length \"-1\"", "RFC 9112 section 6.3"},
            {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "values differ (1 and 2)",
             "RFC 9110 section 8.6"},
            {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", "too large", "RFC 9112 section 6.3"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.text);
            auto r = req_framing(c.text);
            CHECK_FALSE(r.framing);
            CAPTURE(r.err.message);
            CHECK(has(r.err.message, c.message_part));
            CHECK(has(r.err.message, c.rfc));
        }
    }
    SUBCASE("error offsets count skipped empty lines") {
        auto r = req_framing("\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        REQUIRE_FALSE(r.framing);
        CHECK(r.err.offset == r.text.find("2\r\n"));
        auto t = req_framing("\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
        REQUIRE_FALSE(t.framing);
        CHECK(t.err.offset == t.text.find("Transfer"));
    }
}
