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

TEST_CASE("escape_inline escapes invisible format characters, byte by byte") {
    // Bidi override and isolates (Trojan Source), marks, BOM, soft hyphen, tags.
    CHECK(escape_inline("a\xe2\x80\xae" "b") == "a\\xe2\\x80\\xaeb");      // U+202E RLO
    CHECK(escape_inline("\xe2\x81\xa6x\xe2\x81\xa9") == "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");  // U+2066 LRI, U+2069 PDI
    CHECK(escape_inline("\xe2\x80\x8f") == "\\xe2\\x80\\x8f");              // U+200F RLM
    CHECK(escape_inline("\xe2\x80\x8b") == "\\xe2\\x80\\x8b");              // U+200B ZWSP
    CHECK(escape_inline("\xef\xbb\xbfhi") == "\\xef\\xbb\\xbfhi");          // U+FEFF BOM
    CHECK(escape_inline("\xd8\x9c") == "\\xd8\\x9c");                       // U+061C ALM
    CHECK(escape_inline("soft\xc2\xadhyphen") == "soft\\xc2\\xadhyphen");   // U+00AD
    CHECK(escape_inline("\xe1\xa0\x8e") == "\\xe1\\xa0\\x8e");              // U+180E
    CHECK(escape_inline("\xef\xbf\xb9") == "\\xef\\xbf\\xb9");              // U+FFF9
    CHECK(escape_inline("\xf3\xa0\x80\x81") == "\\xf3\\xa0\\x80\\x81");     // U+E0001 LANGUAGE TAG
    CHECK(escape_inline("\xf3\xa0\x81\xa1") == "\\xf3\\xa0\\x81\\xa1");     // U+E0061 TAG a
    CHECK(escape_inline("\xe2\x80\xa8") == "\\xe2\\x80\\xa8");              // U+2028 LINE SEPARATOR
    // Neighbours that are visible stay: U+00AC, U+2010 hyphen, U+2070, U+FFFC, U+E0080.
    CHECK(escape_inline("\xc2\xac") == "\xc2\xac");
    CHECK(escape_inline("\xe2\x80\x90") == "\xe2\x80\x90");
    CHECK(escape_inline("\xe2\x81\xb0") == "\xe2\x81\xb0");
    CHECK(escape_inline("\xef\xbf\xbc") == "\xef\xbf\xbc");
    CHECK(escape_inline("\xf3\xa0\x82\x80") == "\xf3\xa0\x82\x80");
}

TEST_CASE("C1 controls are escaped in any encoding") {
    CHECK(escape_inline("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // U+009B CSI as UTF-8
    CHECK(escape_inline("\xc2\x9d" "0;x\x07") == "\\xc2\\x9d0;x\\x07");  // U+009D OSC as UTF-8
    CHECK(escape_inline("\xc2\x80\xc2\x9f") == "\\xc2\\x80\\xc2\\x9f");
    CHECK(escape_inline("\x9b" "31m") == "\\x9b31m");  // the raw C1 byte, invalid UTF-8
    CHECK(escape_inline("\x9d\x85") == "\\x9d\\x85");
    CHECK(escape_inline("\xc2\xa0") == "\xc2\xa0");  // U+00A0, the first after C1, stays
}

TEST_CASE("escape_lines and the body view escape format characters too") {
    CHECK(escape_lines("X: \xe2\x80\xae" "1\r\n", {}, "< ") == "< X: \\xe2\\x80\\xae1\\r\\n\n");
    CHECK(escape_body_text("abc\xe2\x80\xae" "def\n\xc2\x9b", {}) == "abc\\xe2\\x80\\xaedef\n\\xc2\\x9b");
}

TEST_CASE("escape_message escapes what escape_inline does but keeps backslashes") {
    CHECK(escape_message("invalid Content-Length \"1\xe2\x80\xae" "2\"") == "invalid Content-Length \"1\\xe2\\x80\\xae2\"");
    CHECK(escape_message("expected \\r\\n, got \x1b[2J") == "expected \\r\\n, got \\e[2J");
    CHECK(escape_message("\xff") == "\\xff");
}

TEST_CASE("escape_inline of invalid UTF-8 escapes only the bad bytes") {
    CHECK(escape_inline("ok\xe2\x80") == "ok\\xe2\\x80");           // truncated
    CHECK(escape_inline("\xe2\x28\xa1") == "\\xe2(\\xa1");         // bad continuation
    CHECK(escape_inline("\xf8\x88\x80\x80\x80") == "\\xf8\\x88\\x80\\x80\\x80");  // 5-byte form
    CHECK(escape_inline("\xc3\xa9\xff\xc3\xa9") == "\xc3\xa9\\xff\xc3\xa9");
}

TEST_CASE("ascii_escaped: one line of ASCII, a column per character") {
    CHECK(ascii_escaped("GET / HTTP/1.1\r\n") == "GET / HTTP/1.1\\r\\n");
    CHECK(ascii_escaped("caf\xc3\xa9") == "caf\\xc3\\xa9");  // valid UTF-8 too: a column each
    CHECK(ascii_escaped("\x1b[2J") == "\\e[2J");
}
