// Message-body framing (RFC 9112 §6.3): request_framing, response_framing,
// parse_content_length, and the rules they report, at exact offsets.
#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace rawhttp::http;
using http_test::has;
using http_test::project;
using http_test::rules_at;

namespace {

struct Framed {
    std::string text;
    MessageHead head;
    Violations head_rules;  // parse_head's
    Violations rules;       // the framing's
    BodyFraming framing;
};

Framed resp_framing(std::string head_text, std::string_view method = "GET") {
    Framed r;
    r.text = std::move(head_text);
    parse_head(r.text, MessageKind::response, response_limits(), r.head, r.head_rules);
    REQUIRE(r.head.terminated);
    REQUIRE(r.head_rules.empty());
    r.framing = response_framing(r.head, method, r.rules);
    sort_violations(r.rules);
    return r;
}

Framed req_framing(std::string head_text) {
    Framed r;
    r.text = std::move(head_text);
    parse_head(r.text, MessageKind::request, Limits{}, r.head, r.head_rules);
    REQUIRE(r.head.terminated);
    REQUIRE(r.head_rules.empty());
    r.framing = request_framing(r.head, r.rules);
    sort_violations(r.rules);
    return r;
}

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
    CHECK(parse_content_length("9999999999999999999") == 9999999999999999999u);  // 19 digits: no overflow check
    CHECK(parse_content_length("00000000000000000005") == 5u);  // 20 digits, checked
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
        CHECK(r.framing.framing == Framing::none);
        CHECK(r.framing.decidable);
        CHECK(r.rules.empty());
        auto c = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD");
        CHECK(c.framing.framing == Framing::none);
    }
    SUBCASE("1xx, 204, 304") {
        for (int code : {100, 101, 103, 199, 204, 304}) {
            CAPTURE(code);
            auto r = resp_framing("HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Length: 10\r\n\r\n");
            CHECK(r.framing.framing == Framing::none);
            CHECK(r.rules.empty());
        }
    }
    SUBCASE("2xx to CONNECT is a tunnel: no body") {
        auto r = resp_framing("HTTP/1.1 200 Connection established\r\n\r\n", "CONNECT");
        CHECK(r.framing.framing == Framing::none);
        auto f = resp_framing("HTTP/1.1 407 Proxy Auth\r\nContent-Length: 3\r\n\r\n", "CONNECT");
        CHECK(f.framing.framing == Framing::content_length);
        CHECK(f.framing.length == 3);
    }
    SUBCASE("a bodied status without framing reads until the close") {
        for (int code : {200, 205, 206, 301, 404, 500}) {
            CAPTURE(code);
            auto r = resp_framing("HTTP/1.1 " + std::to_string(code) + " X\r\n\r\n");
            CHECK(r.framing.framing == Framing::close);
            CHECK(r.framing.decidable);
            CHECK(r.rules.empty());
        }
    }
}

TEST_CASE("response framing: Transfer-Encoding") {
    SUBCASE("chunked, in any case, wins over Content-Length (reported)") {
        for (const char* te : {"chunked", "Chunked", "CHUNKED", " chunked ", "gzip, chunked", "gzip,chunked"}) {
            CAPTURE(std::string(te));
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: ") + te +
                                  "\r\n\r\n");
            CHECK(r.framing.framing == Framing::chunked);
            CHECK(rules_at(r.rules) == "content-length-with-transfer-encoding@17");
            CHECK(first_error(r.rules, MessageKind::response) == nullptr);  // a warning for responses
        }
    }
    SUBCASE("several fields: the last coding of the last field counts") {
        auto a = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
        CHECK(a.framing.framing == Framing::chunked);
        CHECK(rules_at(a.rules) == "transfer-encoding-repeated@42");
        auto b = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\ntransfer-encoding: gzip\r\n\r\n");
        CHECK(b.framing.framing == Framing::close);
        CHECK(rules_at(b.rules) == "transfer-encoding-chunked-twice@36 transfer-encoding-repeated@45");
        CHECK_FALSE(b.framing.decidable);
    }
    SUBCASE("not ending in chunked: read until close, Content-Length ignored (even invalid)") {
        auto a = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: nonsense\r\n\r\n");
        CHECK(a.framing.framing == Framing::close);
        CHECK(a.framing.decidable);
        CHECK(project("content-length-with-transfer-encoding", rules_at(a.rules)) ==
              "content-length-with-transfer-encoding");
        auto c = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\n");
        CHECK(c.framing.framing == Framing::close);
        CHECK(c.rules.empty());
        auto q = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n");
        CHECK(q.framing.framing == Framing::close);
    }
    SUBCASE("chunked before the last coding cannot be decoded") {
        auto a = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
        CHECK(a.framing.framing == Framing::close);
        CHECK_FALSE(a.framing.decidable);
        CHECK(rules_at(a.rules) == "transfer-encoding-chunked-twice@36");
    }
    SUBCASE("empty list elements are skipped") {
        auto r = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, ,\r\n\r\n");
        CHECK(r.framing.framing == Framing::chunked);
        CHECK(r.rules.empty());
    }
    SUBCASE("HTTP/1.0 with Transfer-Encoding: faulty framing, read until close") {
        auto r = resp_framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        CHECK(r.framing.framing == Framing::close);
        CHECK(rules_at(r.rules) == "transfer-encoding-http10@17");
    }
}

TEST_CASE("response framing: Content-Length") {
    SUBCASE("valid values") {
        struct Case {
            const char* fields;
            std::uint64_t length;
            const char* rules;
        };
        const Case cases[] = {
            {"Content-Length: 5\r\n", 5, ""},
            {"Content-Length: 0\r\n", 0, ""},
            {"content-length: 005\r\n", 5, ""},
            {"Content-Length: 5, 5\r\n", 5, "content-length-repeated@33"},
            {"Content-Length: 5,5,5\r\n", 5, "content-length-repeated@33"},
            {"Content-Length: 5\r\nContent-Length: 5\r\n", 5, "content-length-repeated@36"},
            {"Content-Length: 5\r\nContent-Length: 05\r\n", 5, "content-length-repeated@36"},
            {"Content-Length: 18446744073709551615\r\n", UINT64_MAX, ""},
        };
        for (const Case& c : cases) {
            CAPTURE(http_test::printable(c.fields));
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\n") + c.fields + "\r\n");
            CHECK(r.framing.framing == Framing::content_length);
            CHECK(r.framing.length == c.length);
            CHECK(r.framing.decidable);
            CHECK(rules_at(r.rules) == std::string(c.rules));
            CHECK(first_error(r.rules, MessageKind::response) == nullptr);
        }
    }
    SUBCASE("invalid or conflicting values are errors, at the bad member") {
        struct Case {
            const char* fields;
            const char* rules;
            const char* detail_part;
        };
        const Case cases[] = {
            {"Content-Length: 0x5\r\n", "content-length-invalid@33", "'0x5' is not a decimal number"},
            {"Content-Length: -1\r\n", "content-length-invalid@33", "'-1' is not a decimal number"},
            {"Content-Length: +1\r\n", "content-length-invalid@33", "'+1'"},
            {"Content-Length: 999999999999999999999999999999\r\n", "content-length-invalid@33", "too large"},
            {"Content-Length: 18446744073709551616\r\n", "content-length-invalid@33", "too large"},
            {"Content-Length:\r\n", "content-length-invalid@32", "empty Content-Length"},
            {"Content-Length: 5,\r\n", "content-length-invalid@35", "empty Content-Length"},
            {"Content-Length: 5 6\r\n", "content-length-invalid@33", "'5 6'"},
            {"Content-Length: 5, 6\r\n", "content-length-conflict@36", "both 5 and 6"},
            {"Content-Length: 5\r\nContent-Length: 6\r\n", "content-length-conflict@52", "both 5 and 6"},
            {"Content-Length: 5\r\nContent-Length: x\r\n", "content-length-invalid@52", "'x'"},
        };
        for (const Case& c : cases) {
            CAPTURE(http_test::printable(c.fields));
            auto r = resp_framing(std::string("HTTP/1.1 200 OK\r\n") + c.fields + "\r\n");
            CHECK_FALSE(r.framing.decidable);
            CHECK(r.framing.framing == Framing::close);
            CHECK(rules_at(r.rules) == std::string(c.rules));
            REQUIRE(first_error(r.rules, MessageKind::response) != nullptr);
            CAPTURE(r.rules[0].detail);
            CHECK(has(r.rules[0].detail, c.detail_part));
        }
    }
    SUBCASE("the error offset points at the bad value in the buffer") {
        auto r = resp_framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        REQUIRE(r.rules.size() == 1);
        CHECK(r.rules[0].offset == r.text.find("6\r\n"));
    }
    SUBCASE("Content-Length is ignored for 304 even when invalid") {
        auto r = resp_framing("HTTP/1.1 304 Not Modified\r\nContent-Length: bogus\r\n\r\n");
        CHECK(r.framing.framing == Framing::none);
        CHECK(r.rules.empty());
    }
}

TEST_CASE("response framing: neither header means read until close") {
    auto r = resp_framing("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
    CHECK(r.framing.framing == Framing::close);
    auto h10 = resp_framing("HTTP/1.0 200 OK\r\n\r\n");
    CHECK(h10.framing.framing == Framing::close);
}

TEST_CASE("response framing: a hand-built head (views not into one buffer) still works") {
    MessageHead head;
    head.kind = MessageKind::response;
    head.status = 200;
    head.major = head.minor = 1;
    head.add_field("Content-Length", "x", 0, 0);
    Violations v;
    const BodyFraming f = response_framing(head, "GET", v);
    CHECK_FALSE(f.decidable);
    CHECK(rules_at(v) == "content-length-invalid@0");
    head.headers[0].value = "12";
    Violations w;
    const BodyFraming g = response_framing(head, "GET", w);
    CHECK(w.empty());
    CHECK(g.framing == Framing::content_length);
    CHECK(g.length == 12u);
}

TEST_CASE("request framing") {
    SUBCASE("no body without Content-Length or Transfer-Encoding") {
        auto r = req_framing("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(r.framing.framing == Framing::none);
        CHECK(r.framing.decidable);
        CHECK(r.rules.empty());
    }
    SUBCASE("Content-Length") {
        auto r = req_framing("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
        CHECK(r.framing.framing == Framing::content_length);
        CHECK(r.framing.length == 11u);
        auto z = req_framing("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        CHECK(z.framing.framing == Framing::content_length);
        CHECK(z.framing.length == 0u);
        // a repeated length is readable but an error for requests
        auto l = req_framing("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n");
        CHECK(l.framing.framing == Framing::content_length);
        CHECK(l.framing.length == 3u);
        CHECK(rules_at(l.rules) == "content-length-repeated@33");
        CHECK(http_test::rule_at(first_error(l.rules, MessageKind::request)) == "content-length-repeated@33");
    }
    SUBCASE("chunked") {
        auto r = req_framing("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        CHECK(r.framing.framing == Framing::chunked);
        CHECK(r.framing.decidable);
        CHECK(r.rules.empty());
        auto g = req_framing("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n");
        CHECK(g.framing.framing == Framing::chunked);
        CHECK(rules_at(g.rules) == "transfer-encoding-unknown@36 transfer-encoding-repeated@42");
        CHECK_FALSE(g.framing.decidable);
    }
    SUBCASE("many codings, in any case: the order, offsets and texts hold past the first four") {
        // The first four codings are held in place, the rest on the heap.
        struct Case {
            const char* codings;
            Framing framing;
            const char* rules;
            const char* detail;  // of the first rule, when given
        };
        const Case cases[] = {
            {"Chunked, A, b, C, d, GZip, CHUNKED", Framing::none, "transfer-encoding-chunked-twice@36", nullptr},
            {"x1, x2, x3, x4, X5, chunked", Framing::chunked, "transfer-encoding-unknown@36",
             "transfer coding 'x1' is one few servers decode in a request"},
            {"chunked, chunked, chunked, chunked, CHUNKED", Framing::none, "transfer-encoding-chunked-twice@36", nullptr},
            {"GZIP, CHUNKED", Framing::chunked, "transfer-encoding-unknown@36",
             "transfer coding 'gzip' is one few servers decode in a request"},
            {"a, b, c, d, e, f", Framing::none, "transfer-encoding-not-chunked@36", nullptr},
        };
        for (const Case& c : cases) {
            CAPTURE(c.codings);
            auto r = req_framing(std::string("POST / HTTP/1.1\r\nTransfer-Encoding: ") + c.codings + "\r\n\r\n");
            CHECK(r.framing.framing == c.framing);
            CHECK_FALSE(r.framing.decidable);
            REQUIRE(rules_at(r.rules) == std::string(c.rules));
            if (c.detail) CHECK(r.rules[0].detail == c.detail);
        }
        auto resp = resp_framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: a, b, c, d, e, cHuNkEd\r\n\r\n");
        CHECK(resp.framing.framing == Framing::chunked);
    }
    SUBCASE("errors") {
        struct Case {
            const char* text;
            const char* rules;
            bool decidable;
        };
        const Case cases[] = {
            {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "transfer-encoding-not-chunked@36", false},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "transfer-encoding-not-chunked@36", false},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", "transfer-encoding-not-chunked@36", false},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
             "content-length-with-transfer-encoding@45", false},
            {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n",
             "content-length-with-transfer-encoding@17 transfer-encoding-not-chunked@55", false},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "transfer-encoding-chunked-twice@36",
             false},
            {"POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n", "transfer-encoding-not-chunked@36", false},
            {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "transfer-encoding-http10@17", false},
            {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "content-length-invalid@33", false},
            {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "content-length-conflict@52",
             false},
            {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", "content-length-invalid@33", false},
        };
        for (const Case& c : cases) {
            CAPTURE(http_test::printable(c.text));
            auto r = req_framing(c.text);
            CHECK(r.framing.decidable == c.decidable);
            CHECK(rules_at(r.rules) == std::string(c.rules));
            CHECK(first_error(r.rules, MessageKind::request) != nullptr);
        }
    }
    SUBCASE("error offsets count skipped empty lines") {
        auto r = req_framing("\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        REQUIRE(r.rules.size() == 1);
        CHECK(r.rules[0].offset == r.text.find("2\r\n"));
        auto t = req_framing("\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
        REQUIRE(t.rules.size() == 1);
        CHECK(t.rules[0].offset == t.text.find("gzip"));
    }
}
