#include <doctest/doctest.h>

#include "render/escape.hpp"
#include "render/json_output.hpp"
#include "render/terminal_report.hpp"

using namespace rawhttp::render;

TEST_CASE("escape_inline keeps text and valid UTF-8, escapes the rest") {
    CHECK(escape_inline("plain text") == "plain text");
    CHECK(escape_inline("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
    CHECK(escape_inline("a\r\nb") == "a\\r\\nb");
    CHECK(escape_inline(std::string_view("\0\t\x1b", 3)) == "\\0\\t\\e");
    CHECK(escape_inline("back\\slash") == "back\\\\slash");
    CHECK(escape_inline("\xff\xfe") == "\\xff\\xfe");
    CHECK(escape_inline("\x7f") == "\\x7f");
}

TEST_CASE("escape_inline escapes what a terminal would act on") {
    // CSI introduced by ESC, by the C1 byte 0x9b, and by its UTF-8 form U+009B.
    CHECK(escape_inline("\x1b[2J") == "\\e[2J");
    CHECK(escape_inline("\x9b" "2J") == "\\x9b2J");
    CHECK(escape_inline("\xc2\x9b" "2J") == "\\xc2\\x9b2J");
    CHECK(escape_inline("\x07") == "\\x07");
    // Overlong and surrogate encodings are invalid UTF-8.
    CHECK(escape_inline("\xc0\x80") == "\\xc0\\x80");
    CHECK(escape_inline("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    // A sequence cut short at the end.
    CHECK(escape_inline("ok\xe2\x9c") == "ok\\xe2\\x9c");
}

TEST_CASE("escape_lines shows CR LF and keeps one line per LF") {
    CHECK(escape_lines("HTTP/1.1 200 OK\r\nA: b\r\n\r\n", {}, "< ") ==
          "< HTTP/1.1 200 OK\\r\\n\n< A: b\\r\\n\n< \\r\\n\n");
    CHECK(escape_lines("no newline", {}, "") == "no newline\n");
    CHECK(escape_lines("bare\nlf", {}, "> ") == "> bare\\n\n> lf\n");
}

TEST_CASE("escape with colour wraps markers but never passes raw input") {
    Style s{true};
    std::string out = escape_inline("a\x1b[31mb", s);
    CHECK(out.find("\x1b[31mb") == std::string::npos);
    CHECK(out.find("\\e") != std::string::npos);
}

TEST_CASE("is_valid_utf8") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8(std::string_view("a\0b", 3)));
    CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\x80"));
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xe2\x9c"));
}

TEST_CASE("hexdump is hexdump -C") {
    CHECK(hexdump("GET / HTTP/1.1\r\n") ==
          "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n");
    CHECK(hexdump("ab", "  ", 16) == "  00000010  61 62                                             |ab|\n");
    CHECK(hexdump("").empty());
}

TEST_CASE("escape_body_text keeps line breaks, escapes CR") {
    CHECK(escape_body_text("one\r\ntwo\n", {}) == "one\\r\ntwo\n");
}

TEST_CASE("base64 and put_bytes follow the contract's body rule") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode(std::string_view("\xff\xfe\x00", 3)) == "//4A");
    json j;
    put_bytes(j, "body", "hello");
    put_bytes(j, "raw", "\xff");
    CHECK(j["body"] == "hello");
    CHECK(j["raw_base64"] == "/w==");
    CHECK_FALSE(j.contains("raw"));
}

TEST_CASE("parse_sections") {
    Sections s;
    CHECK_FALSE(parse_sections("raw,body", s).has_value());
    CHECK(s.raw);
    CHECK(s.body);
    CHECK_FALSE(s.parsed);
    CHECK_FALSE(s.connection);
    auto err = parse_sections("raw,bogus", s);
    REQUIRE(err.has_value());
    CHECK(err->find("bogus") != std::string::npos);
    CHECK_FALSE(parse_sections("all", s).has_value());
    CHECK((s.request && s.timing && s.why && s.body));
    // Spaces after the commas, as a person writes a list.
    CHECK_FALSE(parse_sections("raw, parsed ,\ttiming", s).has_value());
    CHECK((s.raw && s.parsed && s.timing));
    CHECK_FALSE(s.body);
}

TEST_CASE("ExchangeCapture keeps totals beyond its caps") {
    ExchangeCapture c;
    c.raw_cap = 4;
    c.body_cap = 3;
    c.add_raw("abcdef");
    c.add_body("xy");
    c.add_body("zw");
    CHECK(c.raw == "abcd");
    CHECK(c.raw_total == 6);
    CHECK(c.raw_truncated());
    CHECK(c.body == "xyz");
    CHECK(c.body_total == 4);
    CHECK(c.body_truncated());
}
