#include "http/message.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace rawhttp::http;

namespace {

struct Decoded {
    std::string body;
    bool done = false;
    bool error = false;
    std::string message;
    std::size_t consumed = 0;  // total bytes consumed over all feeds
    std::vector<std::pair<std::string, std::string>> trailers;
};

// Feeds `input` cut at the given positions (each piece a separate heap copy of
// exact size, so over-reads are caught), calling feed() on the unconsumed
// remainder of each piece until it is used up, done or failed.
Decoded decode_split(std::string_view input, const std::vector<std::size_t>& cuts) {
    ChunkedDecoder dec;
    Decoded out;
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(input.size());
    for (std::size_t bound : bounds) {
        if (bound < start) continue;
        const std::string_view piece = input.substr(start, bound - start);
        std::unique_ptr<char[]> copy(new char[piece.size() + 1]);
        std::memcpy(copy.get(), piece.data(), piece.size());
        std::string_view rest(copy.get(), piece.size());
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
    if (out.error) out.message = dec.error_message();
    out.trailers = dec.trailers();
    return out;
}

Decoded decode_one(std::string_view input) { return decode_split(input, {}); }

Decoded decode_bytewise(std::string_view input) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
    return decode_split(input, cuts);
}

void check_same(const Decoded& a, const Decoded& b) {
    CHECK(a.body == b.body);
    CHECK(a.done == b.done);
    CHECK(a.error == b.error);
    CHECK(a.message == b.message);
    CHECK(a.consumed == b.consumed);
    CHECK(a.trailers == b.trailers);
}

// Every single split point, and byte-at-a-time, decode like one feed.
Decoded check_every_split(std::string_view input) {
    const Decoded ref = decode_one(input);
    for (std::size_t k = 0; k <= input.size(); ++k) {
        CAPTURE(k);
        check_same(ref, decode_split(input, {k}));
    }
    check_same(ref, decode_bytewise(input));
    return ref;
}

}  // namespace

TEST_CASE("chunked: the basic example, with an extension, at every split") {
    const std::string in = "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.body == "abcde");
    CHECK(d.done);
    CHECK_FALSE(d.error);
    CHECK(d.consumed == in.size());
    CHECK(d.trailers.empty());
}

TEST_CASE("chunked: trailers are collected") {
    const std::string in = "4\r\nWiki\r\n0\r\nExpires: never\r\nX-Sum:  abc \t\r\nEmpty:\r\n\r\n";
    const Decoded d = check_every_split(in);
    CHECK(d.body == "Wiki");
    CHECK(d.done);
    REQUIRE(d.trailers.size() == 3);
    CHECK(d.trailers[0] == std::pair<std::string, std::string>{"Expires", "never"});
    CHECK(d.trailers[1] == std::pair<std::string, std::string>{"X-Sum", "abc"});
    CHECK(d.trailers[2] == std::pair<std::string, std::string>{"Empty", ""});
}

TEST_CASE("chunked: bare LF accepted on size lines, after data and in the trailer section") {
    const Decoded d = check_every_split("3\nabc\n1\r\nd\n0\nT: v\n\n");
    CHECK(d.body == "abcd");
    CHECK(d.done);
    REQUIRE(d.trailers.size() == 1);
    CHECK(d.trailers[0].second == "v");
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

TEST_CASE("chunked: extensions, including quoted strings and whitespace, are skipped") {
    const Decoded d =
        check_every_split("5 ; name=\"a;b=c \\\" d\" ; other\r\nhello\r\n6;a=b;c\r\n world\r\n0 ;last=\"yes\"\r\n\r\n");
    CHECK(d.body == "hello world");
    CHECK(d.done);
    const Decoded ws = decode_one("3 \r\nabc\r\n0\t\r\n\r\n");
    CHECK(ws.body == "abc");
    CHECK(ws.done);
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
    // A few reads of socket-ish sizes.
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
    // the next call goes on from the unconsumed remainder
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
    // empty input: nothing happens
    ChunkedDecoder fresh;
    auto s6 = fresh.feed("");
    CHECK(s6.consumed == 0);
    CHECK_FALSE(s6.done);
    CHECK_FALSE(s6.error);
}

TEST_CASE("chunked: malformed bodies are errors, the same at every split") {
    struct Case {
        std::string input;
        const char* message;
        std::size_t consumed;  // where the error was found
    };
    const Case cases[] = {
        {"-5\r\nhello\r\n0\r\n\r\n", "chunk size must be hex digits, without a sign", 0},
        {"+5\r\nhello\r\n0\r\n\r\n", "chunk size must be hex digits, without a sign", 0},
        {"\r\nabc", "empty chunk-size line: expected the chunk size in hex", 0},
        {"\n", "empty chunk-size line: expected the chunk size in hex", 0},
        {";x\r\n", "chunk size must be hex digits, got ';'", 0},
        {"x\r\n", "chunk size must be hex digits, got 'x'", 0},
        {" 5\r\n", "chunk size must be hex digits, got SP (0x20)", 0},
        {"3\r\nabc\r\n\r\n", "empty chunk-size line: expected the chunk size in hex", 8},
        {"5x\r\nhello\r\n", "'x' after the chunk size (expected hex digits, ';' or CRLF)", 1},
        {"5 x\r\nhello\r\n", "'x' after the chunk size (expected ';' or CRLF)", 2},
        {"5;a\x01\r\n", "control byte 0x01 in a chunk extension", 3},
        {"10000000000000000\r\n", "chunk size has more than 16 hex digits", 16},
        {"00000000000000005\r\n", "chunk size has more than 16 hex digits", 16},
        {"3\rX", "CR not followed by LF at the end of a chunk-size line", 2},
        {"3\r\nabcX\r\n0\r\n\r\n", "chunk data not followed by CRLF (the chunk is longer than its size says)", 6},
        {"3\r\nabc\rX", "chunk data not followed by CRLF (CR without LF)", 7},
        {"3\r\nabcd\r\n", "chunk data not followed by CRLF (the chunk is longer than its size says)", 6},
        {"0\r\nBad Trailer\r\n\r\n", "trailer line without a colon", 16},
        {"0\r\nName : v\r\n\r\n", "whitespace between a trailer field name and its colon", 13},
        {"0\r\nA: 1\r\n folded\r\n\r\n", "obsolete line folding in the trailer section", 18},
        {"0\r\n: v\r\n\r\n", "empty trailer field name", 8},
        {"0\r\nA(b: v\r\n\r\n", "'(' in a trailer field name", 11},
        {"0\r\nA: x\x01y\r\n\r\n", "control byte 0x01 in the value of trailer \"A\"", 11},
        {"0\r\nA: x\ry\r\n\r\n", "CR (0x0D) in the value of trailer \"A\"", 11},
    };
    for (const Case& c : cases) {
        CAPTURE(c.input);
        const Decoded d = check_every_split(c.input);
        CHECK(d.error);
        CHECK_FALSE(d.done);
        CHECK(d.message == c.message);
        CHECK(d.consumed == c.consumed);
    }
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
    CHECK(dec.error_message() == "chunk size must be hex digits, without a sign");
    CHECK_FALSE(dec.done());
}

TEST_CASE("chunked: bounded extensions and trailers") {
    SUBCASE("4 KiB of extensions is fine, more is an error") {
        const std::string ok = "1;" + std::string(4095, 'e') + "\r\nx\r\n0\r\n\r\n";
        const Decoded a = decode_one(ok);
        CHECK(a.done);
        CHECK(a.body == "x");
        const std::string bad = "1;" + std::string(4096, 'e') + "\r\nx\r\n0\r\n\r\n";
        const Decoded b = decode_one(bad);
        CHECK(b.error);
        CHECK(b.message == "chunk extensions longer than 4096 bytes");
        check_same(b, decode_bytewise(bad));
    }
    SUBCASE("64 KiB of trailers is fine, more is an error") {
        // trailer section = lines + final CRLF; make it exactly 64 KiB
        std::string trailers;
        int i = 0;
        while (trailers.size() + 2 + 1000 < 64 * 1024) trailers += "T" + std::to_string(i++) + ": " + std::string(990, 'v') + "\r\n";
        const std::size_t room = 64 * 1024 - trailers.size() - 2;  // for one more line incl. its CRLF
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
        CHECK(b.message == "trailer section exceeds 64 KiB");
        CHECK(b.consumed == 3 + 64 * 1024);
        check_same(b, decode_bytewise(bad));
        check_same(b, decode_split(bad, {100, 30000, 65000}));
        // an endless trailer line without LF also stops at the bound
        const Decoded endless = decode_one("0\r\nX: " + std::string(70000, 'z'));
        CHECK(endless.error);
        CHECK(endless.message == "trailer section exceeds 64 KiB");
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
