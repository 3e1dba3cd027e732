// The incremental chunked decoder (RFC 9112 §7.1): every split of the input
// decodes to the same bytes and reports the same rules at the same offsets.
#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace rawhttp::http;
using namespace std::string_literals;
using http_test::Exact;
using http_test::rules_at;

namespace {

constexpr MessageKind REQ = MessageKind::request;
constexpr MessageKind RES = MessageKind::response;

struct Decoded {
    std::string body;
    bool done = false;
    bool error = false;
    std::string message;
    std::string rules;     // rules_at(violations())
    std::size_t consumed = 0;  // total bytes consumed over all feeds
    std::uint64_t position = 0;
    std::vector<std::pair<std::string, std::string>> trailers;
};

using Make = std::function<ChunkedDecoder()>;
const Make kResponse = [] { return ChunkedDecoder(); };
const Make kRequest = [] { return ChunkedDecoder(REQ, Limits{}); };

// Feeds `input` cut at the given positions (each piece a separate heap copy of
// exact size, so over-reads are caught), calling feed() on the unconsumed
// remainder of each piece until it is used up, done or failed.
Decoded decode_split(std::string_view input, const std::vector<std::size_t>& cuts, const Make& make = kResponse) {
    ChunkedDecoder dec = make();
    Decoded out;
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(input.size());
    for (std::size_t bound : bounds) {
        if (bound < start) continue;
        Exact copy(input.substr(start, bound - start));
        std::string_view rest = copy.view();
        while (!rest.empty() && !out.done && !out.error) {
            const ChunkedDecoder::Step st = dec.feed(rest);
            REQUIRE(st.consumed <= rest.size());
            if (!st.data.empty()) {
                // a view into the fed bytes, ending at what was consumed
                REQUIRE(st.data.data() >= rest.data());
                REQUIRE(st.data.data() + st.data.size() <= rest.data() + st.consumed);
            }
            out.body.append(st.data);
            out.consumed += st.consumed;
            rest.remove_prefix(st.consumed);
            out.done = st.done;
            out.error = st.error;
            if (!st.done && !st.error) REQUIRE((st.consumed > 0 || rest.empty()));
        }
        start = bound;
        if (out.done || out.error) break;
    }
    CHECK(dec.done() == out.done);
    CHECK(dec.failed() == out.error);
    if (out.error) out.message = dec.error_message();
    out.rules = rules_at(dec.violations());
    out.position = dec.position();
    out.trailers = dec.trailers();
    return out;
}

Decoded decode_one(std::string_view input, const Make& make = kResponse) { return decode_split(input, {}, make); }

Decoded decode_bytewise(std::string_view input, const Make& make = kResponse) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
    return decode_split(input, cuts, make);
}

void check_same(const Decoded& a, const Decoded& b) {
    CHECK(a.body == b.body);
    CHECK(a.done == b.done);
    CHECK(a.error == b.error);
    CHECK(a.message == b.message);
    CHECK(a.rules == b.rules);
    CHECK(a.consumed == b.consumed);
    CHECK(a.position == b.position);
    CHECK(a.trailers == b.trailers);
}

// Every single split point, and byte-at-a-time, decode like one feed.
Decoded check_every_split(std::string_view input, const Make& make = kResponse) {
    const Decoded ref = decode_one(input, make);
    CHECK(ref.consumed == ref.position);
    for (std::size_t k = 0; k <= input.size(); ++k) {
        CAPTURE(k);
        check_same(ref, decode_split(input, {k}, make));
    }
    check_same(ref, decode_bytewise(input, make));
    return ref;
}

}  // namespace

TEST_CASE("chunked: the basic example, with an extension, at every split") {
    const std::string in = "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
    for (const Make& make : {kResponse, kRequest}) {
        const Decoded d = check_every_split(in, make);
        CHECK(d.body == "abcde");
        CHECK(d.done);
        CHECK_FALSE(d.error);
        CHECK(d.rules == "");
        CHECK(d.consumed == in.size());
        CHECK(d.trailers.empty());
    }
}

TEST_CASE("chunked: trailers are collected") {
    const std::string in = "4\r\nWiki\r\n0\r\nExpires: never\r\nX-Sum:  abc \t\r\nEmpty:\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.body == "Wiki");
    CHECK(d.done);
    CHECK(d.rules == "");
    REQUIRE(d.trailers.size() == 3);
    CHECK(d.trailers[0] == std::pair<std::string, std::string>{"Expires", "never"});
    CHECK(d.trailers[1] == std::pair<std::string, std::string>{"X-Sum", "abc"});
    CHECK(d.trailers[2] == std::pair<std::string, std::string>{"Empty", ""});
}

TEST_CASE("chunked: bare LF is tolerated in responses (reported once), an error in requests") {
    const std::string in = "3\nabc\n1\r\nd\n0\nT: v\n\n";
    const Decoded d = check_every_split(in);
    CHECK(d.body == "abcd");
    CHECK(d.done);
    CHECK(d.rules == "chunked-bare-lf@1");
    REQUIRE(d.trailers.size() == 1);
    CHECK(d.trailers[0].second == "v");

    const Decoded r = check_every_split(in, kRequest);
    CHECK(r.error);
    CHECK(r.rules == "chunked-bare-lf@1");
    CHECK(r.body == "");
    CHECK(r.consumed == 1);  // stopped at the LF
}

TEST_CASE("chunked: a bare LF ending chunk data") {
    const std::string in = "5\r\nhello\n0\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.done);
    CHECK(d.body == "hello");
    CHECK(d.rules == "chunked-bare-lf@8");
    const Decoded r = check_every_split(in, kRequest);
    CHECK(r.error);
    CHECK(r.body == "hello");
    CHECK(r.rules == "chunked-bare-lf@8");
    // and one ending the last chunk's size line, or the trailer section
    CHECK(decode_one("0\n\r\n", kRequest).rules == "chunked-bare-lf@1");
    CHECK(decode_one("0\r\n\n", kRequest).rules == "chunked-bare-lf@3");
    CHECK(decode_one("0\r\nA: b\n\r\n", kRequest).rules == "chunked-bare-lf@7");
}

TEST_CASE("chunked: hex digits in either case, leading zeros, 16 digits") {
    const Decoded d = check_every_split("00A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0000\r\n\r\n");
    CHECK(d.body == "0123456789abcdefghijk");
    CHECK(d.done);
    const Decoded big = decode_one("000000000000000F\r\n0123456789abcde\r\n0\r\n\r\n");
    CHECK(big.body == "0123456789abcde");
    CHECK(big.done);
    // the largest size is accepted and then waits for its data
    const Decoded huge = decode_one("ffffffffffffffff\r\nabc");
    CHECK_FALSE(huge.error);
    CHECK_FALSE(huge.done);
    CHECK(huge.body == "abc");
}

TEST_CASE("chunked: extensions, including quoted strings and BWS, are skipped") {
    const std::string in = "5 ; name=\"a;b=c \\\" d\" ; other\r\nhello\r\n6;a=b;c\r\n world\r\n0 ;last=\"yes\"\r\n\r\n";
    for (const Make& make : {kResponse, kRequest}) {
        const Decoded d = check_every_split(in, make);
        CHECK(d.body == "hello world");
        CHECK(d.done);
        CHECK(d.rules == "");
    }
    // `5 ;a=b` is valid BWS, in requests too
    const Decoded bws = check_every_split("5 ;a=b\r\nhello\r\n0\r\n\r\n", kRequest);
    CHECK(bws.done);
    CHECK(bws.rules == "");
    const Decoded bws2 = check_every_split("5\t; a = b\r\nhello\r\n0\r\n\r\n", kRequest);
    CHECK(bws2.done);
    CHECK(bws2.rules == "");
}

TEST_CASE("chunked: whitespace after the size, then CRLF: an error for requests, a warning for responses") {
    const std::string in = "5 \r\nhello\r\n0\t\r\n\r\n";
    const Decoded res = check_every_split(in);
    CHECK(res.done);
    CHECK(res.body == "hello");
    CHECK(res.rules == "chunked-size-whitespace@1");  // reported once
    const Decoded req = check_every_split(in, kRequest);
    CHECK(req.error);
    CHECK(req.body == "");
    CHECK(req.rules == "chunked-size-whitespace@1");
    CHECK(rule_info(Rule::chunked_size_whitespace).status == "400");
}

TEST_CASE("chunked: chunk-ext-invalid") {
    struct Case {
        std::string input;
        const char* rules;
    };
    const Case cases[] = {
        {"5;\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@2"},           // an empty name
        {"5;bad[=x\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@5"},     // a non-token byte
        {"5;a=\"x\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@6"},      // an unterminated quoted value
        {"5;a=\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@4"},         // '=' and no value
        {"5;a\x01\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@3"},      // a control byte
        {"5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@5"},  // inside quotes
        {"5;a;;b\r\nhello\r\n0\r\n\r\n", "chunk-ext-invalid@4"},
    };
    for (const Case& c : cases) {
        const std::string input = http_test::printable(c.input);
        CAPTURE(input);
        const Decoded res = check_every_split(c.input);
        CHECK(res.rules == std::string(c.rules));
        CHECK(res.done);  // tolerated in responses
        CHECK(res.body == "hello");
        const Decoded req = check_every_split(c.input, kRequest);
        CHECK(req.rules == std::string(c.rules));
        CHECK(req.error);
        CHECK(req.body == "");
    }
}

TEST_CASE("chunked: a 100000-byte chunk (186a0) decodes at sampled splits and byte by byte") {
    std::string data(100000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
    const std::string in = "186a0\r\n" + data + "\r\n0\r\n\r\n";
    const Decoded ref = decode_one(in);
    CHECK(ref.done);
    CHECK(ref.body == data);
    CHECK(ref.consumed == in.size());
    std::vector<std::size_t> points;
    for (std::size_t k = 0; k < 30; ++k) points.push_back(k);
    for (std::size_t k = 30; k < in.size() - 30; k += 997) points.push_back(k);
    for (std::size_t k = in.size() - 30; k <= in.size(); ++k) points.push_back(k);
    for (std::size_t k : points) {
        CAPTURE(k);
        check_same(ref, decode_split(in, {k}));
    }
    check_same(ref, decode_bytewise(in));
    check_same(ref, decode_split(in, {1, 4096, 8192, 65536, 99999, 100006, 100008}));
}

TEST_CASE("chunked: binary data containing CRLF and a fake last chunk") {
    const std::string data("\r\n0\r\n\r\n\0\xff\n", 10);
    const std::string in = "a\r\n" + data + "\r\n3\r\n\r\n\r\r\n0\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.done);
    CHECK(d.body == data + "\r\n\r");
    CHECK(d.consumed == in.size());
}

TEST_CASE("chunked: bytes after the end are not consumed") {
    const std::string in = "2\r\nhi\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.done);
    CHECK(d.body == "hi");
    CHECK(d.consumed == in.find("HTTP/"));

    ChunkedDecoder dec;
    const auto st = dec.feed("0\r\n\r\nnext");
    CHECK(st.done);
    CHECK(st.consumed == 5);
    CHECK(dec.done());
    const auto again = dec.feed("next");
    CHECK(again.done);
    CHECK(again.consumed == 0);
    CHECK(again.data.empty());
}

TEST_CASE("chunked: data is handed out as soon and as large as available, as views") {
    ChunkedDecoder dec;
    const std::string a = "5\r\nhel";
    auto s1 = dec.feed(a);
    CHECK(s1.data == "hel");
    CHECK(s1.data.data() == a.data() + 3);
    CHECK(s1.consumed == a.size());
    CHECK_FALSE(s1.done);
    const std::string b = "lo\r\n3\r\nabc\r\n";
    auto s2 = dec.feed(b);
    CHECK(s2.data == "lo");
    CHECK(s2.consumed == 2);
    auto s3 = dec.feed(std::string_view(b).substr(s2.consumed));
    CHECK(s3.data == "abc");
    CHECK(s3.consumed == 8);
    auto s4 = dec.feed(std::string_view(b).substr(s2.consumed + s3.consumed));
    CHECK(s4.data.empty());
    CHECK(s4.consumed == 2);
    CHECK_FALSE(s4.done);
    auto s5 = dec.feed("0\r\n\r\n");
    CHECK(s5.done);
    CHECK(s5.consumed == 5);
    CHECK(dec.position() == a.size() + b.size() + 5);
    ChunkedDecoder fresh;
    auto s6 = fresh.feed("");
    CHECK(s6.consumed == 0);
    CHECK_FALSE(s6.done);
    CHECK_FALSE(s6.error);
}

TEST_CASE("chunked: malformed bodies are errors, the same at every split") {
    struct Case {
        std::string input;
        const char* rules;     // every rule, in byte order
        std::size_t consumed;  // where the decoder stopped
    };
    const Case cases[] = {
        {"-5\r\nhello\r\n0\r\n\r\n", "chunked-malformed@0", 0},
        {"+5\r\nhello\r\n0\r\n\r\n", "chunked-malformed@0", 0},
        {"\r\nabc", "chunked-malformed@0", 0},
        {"\n", "chunked-malformed@0", 0},
        {";x\r\n", "chunked-malformed@0", 0},
        {"x\r\n", "chunked-malformed@0", 0},
        {" 5\r\n", "chunked-malformed@0", 0},
        {"3\r\nabc\r\n\r\n", "chunked-malformed@8", 8},
        {"5x\r\nhello\r\n", "chunked-malformed@1", 1},
        {"5 x\r\nhello\r\n", "chunked-malformed@2", 2},
        {"10000000000000000\r\n", "chunked-malformed@16", 16},
        {"00000000000000005\r\n", "chunked-malformed@16", 16},
        {"3\rX", "chunked-malformed@1", 2},
        {"3;a\rX", "chunk-ext-invalid@3", 4},
        {"3\r\nabcX\r\n0\r\n\r\n", "chunked-malformed@6", 6},
        {"3\r\nabc\rX", "chunked-malformed@7", 7},
        {"3\r\nabcd\r\n", "chunked-malformed@6", 6},
        {"0\r\nBad Trailer\r\n\r\n", "field-missing-colon@3", 16},
        {"0\r\nName : v\r\n\r\n", "space-before-colon@7", 13},
        {"0\r\n: v\r\n\r\n", "field-name-empty@3", 8},
        {"0\r\nA(b: v\r\n\r\n", "field-name-invalid-char@4", 11},
        {"0\r\nA: x\x01y\r\n\r\n", "field-value-invalid-char@7", 11},
        // A bare CR inside a trailer value: RFC 9112 §2.2 says a recipient MUST treat it as invalid.
        {"0\r\nA: x\ry\r\n\r\n", "bare-cr@7", 11},
    };
    for (const Case& c : cases) {
        const std::string input = http_test::printable(c.input);
        CAPTURE(input);
        for (const Make& make : {kResponse, kRequest}) {
            const Decoded d = check_every_split(c.input, make);
            CHECK(d.error);
            CHECK_FALSE(d.done);
            CHECK(d.rules == std::string(c.rules));
            CHECK(d.consumed == c.consumed);
            CHECK_FALSE(d.message.empty());
        }
    }
}

TEST_CASE("chunked: obs-fold in the trailer section: dropped in responses, an error in requests") {
    const std::string in = "0\r\nA: 1\r\n folded\r\n\r\n";
    const Decoded res = check_every_split(in);
    CHECK(res.done);
    CHECK(res.rules == "obs-fold@9");
    REQUIRE(res.trailers.size() == 1);
    CHECK(res.trailers[0].first == "A");
    const Decoded req = check_every_split(in, kRequest);
    CHECK(req.error);
    CHECK(req.rules == "obs-fold@9");
}

TEST_CASE("chunked: offsets count from base_offset; collect_all reads past tolerable faults") {
    const std::string in = "5 \r\nhello\n0;\r\n\r\n";
    const Decoded based = decode_one(in, [] { return ChunkedDecoder(RES, response_limits(), 100); });
    CHECK(based.rules == "chunked-size-whitespace@101 chunked-bare-lf@109 chunk-ext-invalid@112");
    CHECK(based.done);
    const Make all = [] { return ChunkedDecoder(REQ, Limits{}, 0, false, true); };
    const Decoded lint = check_every_split(in, all);
    CHECK(lint.done);
    CHECK(lint.body == "hello");
    CHECK(lint.rules == "chunked-size-whitespace@1 chunked-bare-lf@9 chunk-ext-invalid@12");
    // the framing faults still stop it
    const Decoded stop = check_every_split("5x\r\nhello\r\n0\r\n\r\n", all);
    CHECK(stop.error);
    CHECK(stop.rules == "chunked-malformed@1");
    // strict changes nothing for responses
    const Decoded strict = decode_one(in, [] { return ChunkedDecoder(RES, response_limits(), 0, true); });
    CHECK(strict.done);
}

TEST_CASE("chunked: after an error, feed keeps reporting it") {
    ChunkedDecoder dec;
    const auto st = dec.feed("-1\r\n");
    CHECK(st.error);
    CHECK(st.consumed == 0);
    const auto again = dec.feed("3\r\nabc\r\n0\r\n\r\n");
    CHECK(again.error);
    CHECK(again.consumed == 0);
    CHECK(again.data.empty());
    CHECK(dec.error_message() == "the chunk size must be hex digits, without a sign");
    CHECK(dec.failed());
    CHECK_FALSE(dec.done());
    CHECK(rules_at(dec.violations()) == "chunked-malformed@0");
}

TEST_CASE("chunked: bounded extensions and trailers") {
    SUBCASE("4 KiB of extensions is fine, more is chunk-ext-too-long") {
        const std::string ok = "1;" + std::string(4095, 'e') + "\r\nx\r\n0\r\n\r\n";
        for (const Make& make : {kResponse, kRequest}) {
            const Decoded a = decode_one(ok, make);
            CHECK(a.done);
            CHECK(a.body == "x");
            CHECK(a.rules == "");
            const std::string bad = "1;" + std::string(4096, 'e') + "\r\nx\r\n0\r\n\r\n";
            const Decoded b = decode_one(bad, make);
            CHECK(b.error);
            CHECK(b.rules == "chunk-ext-too-long@4097");
            CHECK(b.message == "chunk extensions longer than 4096 bytes on one line");
            check_same(b, decode_bytewise(bad, make));
        }
    }
    SUBCASE("a 64 KiB chunk extension") {
        const std::string in = "5;x=" + std::string(64 * 1024, 'a') + "\r\nhello\r\n0\r\n\r\n";
        for (const Make& make : {kResponse, kRequest}) {
            const Decoded d = decode_one(in, make);
            CHECK(d.error);
            CHECK(d.rules == "chunk-ext-too-long@4097");
            CHECK(d.consumed == 4097);
            check_same(d, decode_split(in, {3, 1000, 4097, 4098, 40000}, make));
        }
        CHECK(rule_info(Rule::chunk_ext_too_long).status == "400");
    }
    SUBCASE("64 KiB of trailers is fine in a response, more is trailer-invalid") {
        // trailer section = lines + final CRLF; make it exactly 64 KiB
        std::string trailers;
        int i = 0;
        while (trailers.size() + 2 + 1000 < 64 * 1024) trailers += "T" + std::to_string(i++) + ": " + std::string(990, 'v') + "\r\n";
        const std::size_t room = 64 * 1024 - trailers.size() - 2;
        trailers += "Last: " + std::string(room - 8, 'w') + "\r\n";
        REQUIRE(trailers.size() + 2 == 64 * 1024);
        const std::string ok = "0\r\n" + trailers + "\r\n";
        const Decoded a = decode_one(ok);
        CHECK(a.done);
        CHECK(a.trailers.size() == static_cast<std::size_t>(i + 1));
        check_same(a, decode_split(ok, {100, 30000, 65000}));
        const std::string bad = "0\r\nX: y\r\n" + trailers + "\r\n";
        const Decoded b = decode_one(bad);
        CHECK(b.error);
        CHECK(b.rules == "trailer-invalid@" + std::to_string(3 + 64 * 1024));
        CHECK(b.consumed == 3 + 64 * 1024);
        check_same(b, decode_bytewise(bad));
        check_same(b, decode_split(bad, {100, 30000, 65000}));
        // an endless trailer line without LF also stops at the bound
        const Decoded endless = decode_one("0\r\nX: " + std::string(70000, 'z'));
        CHECK(endless.error);
        CHECK(endless.rules == "trailer-invalid@" + std::to_string(3 + 64 * 1024));
        // requests: Limits::max_trailer (32 KiB)
        const Decoded req = decode_one("0\r\nX: " + std::string(40000, 'z'), kRequest);
        CHECK(req.rules == "trailer-invalid@" + std::to_string(3 + 32 * 1024));
    }
}

TEST_CASE("chunked: a decoder decodes many small chunks") {
    std::string in, expect;
    for (int i = 1; i <= 300; ++i) {
        const std::string piece(static_cast<std::size_t>(i % 17), static_cast<char>('A' + i % 26));
        if (piece.empty()) continue;
        char size[8];
        std::snprintf(size, sizeof size, "%x", static_cast<unsigned>(piece.size()));
        in += std::string(size) + (i % 3 ? "\r\n" : ";i=" + std::to_string(i) + "\r\n") + piece + "\r\n";
        expect += piece;
    }
    in += "0\r\n\r\n";
    const Decoded d = decode_one(in);
    CHECK(d.done);
    CHECK(d.body == expect);
    check_same(d, decode_bytewise(in));
    std::vector<std::size_t> cuts;
    for (std::size_t k = 7; k < in.size(); k += 13) cuts.push_back(k);
    check_same(d, decode_split(in, cuts));
}
