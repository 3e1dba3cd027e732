// Tests of the Hurl importer (src/compose/hurl_import): recognition, the .req
// each section gives, what is dropped, and errors naming the line.
#include "compose/hurl_import.hpp"

#include <doctest/doctest.h>

#include "core/base64.hpp"

using namespace rawhttp;

TEST_CASE("hurl: recognised by name or by its response sections") {
    CHECK(looks_like_hurl("a.hurl", ""));
    CHECK(looks_like_hurl("<stdin>", "GET https://x/\nHTTP 200\n"));
    CHECK(looks_like_hurl("x.txt", "GET https://x/\nHTTP/1.1 404\n"));
    CHECK(looks_like_hurl("x.txt", "GET https://x/\n[Asserts]\n"));
    CHECK(looks_like_hurl("x.txt", "GET https://x/\nHTTP *\n"));
    CHECK(!looks_like_hurl("x.txt", "GET / HTTP/1.1\nHost: x\n\n"));
    CHECK(!looks_like_hurl("x.req", "POST / HTTP/1.1\n\nHTTP/1.1 200\n"));  // a .req's body may hold a response
    CHECK(hurl_send_error("a.hurl", "")->find("rawhttp import a.hurl") != std::string::npos);
    CHECK(!hurl_send_error("a.req", ""));
}

TEST_CASE("hurl: a request with everything a .req can hold") {
    auto got = import_hurl(
        "# a comment\n"
        "POST https://api.test:8443/items?x=1   # trailing comment\n"
        "Accept: application/json\n"
        "[QueryStringParams]\n"
        "q: a b&c\n"
        "[BasicAuth]\n"
        "ann: pw\n"
        "[Cookies]\n"
        "a: 1\n"
        "{\"name\": \"}\", \"list\": [1, 2]}\n"
        "HTTP 201\n"
        "[Captures]\n"
        "id: jsonpath \"$.id\"\n"
        "[Asserts]\n"
        "status == 201\n");
    REQUIRE_MESSAGE(got, got.error().message);
    CHECK(got->req ==
          "# request 1 of 1, imported from the Hurl file's line 2\n"
          "@tls = true\n\n"
          "POST /items?x=1&q=a%20b%26c HTTP/1.1\n"
          "Host: api.test:8443\n"
          "Accept: application/json\n"
          "Authorization: Basic " + base64_encode("ann:pw") + "\n"
          "Cookie: a=1\n"
          "Content-Type: application/json\n"
          "Content-Length: {{content_length}}\n\n"
          "{\"name\": \"}\", \"list\": [1, 2]}\n");
    REQUIRE(got->dropped.size() == 3);
    CHECK(got->dropped[0].starts_with("line 11: 'HTTP 201'"));
    CHECK(got->dropped[1].starts_with("line 12: [Captures] id"));
    CHECK(got->dropped[2].starts_with("line 14: [Asserts] (1 line)"));
}

TEST_CASE("hurl: blank and comment lines inside sections (found by fuzz_hurl_import)") {
    // A blank line in a section was read past its end (heap-buffer-overflow under ASan).
    auto got = import_hurl("GET https://x.test/\n[Options]\n\n# c\nretry: 1\n\nHTTP 200\n[Asserts]\n\nstatus == 200\n");
    REQUIRE_MESSAGE(got, got.error().message);
    CHECK(got->req.ends_with("GET / HTTP/1.1\nHost: x.test\n\n"));
    REQUIRE(got->dropped.size() == 3);
    CHECK(got->dropped[0].starts_with("line 2: [Options] (Hurl's run options, 1 line)"));
    CHECK(got->dropped[2].starts_with("line 8: [Asserts] (1 line)"));
}

TEST_CASE("hurl: errors name the line") {
    CHECK(import_hurl("GET https://x/\n[Bogus]\n").error().message == "line 2: [Bogus] is not a section of a Hurl request");
    CHECK(import_hurl("GET ftp://x/\n").error().message.starts_with("line 1: the URL 'ftp://x/'"));
    CHECK(import_hurl("POST https://x/\n{\"a\": [1,\n").error().message.starts_with("line 2: the JSON body's brackets"));
    CHECK(import_hurl("POST https://x/\n```\nno end\n").error().message.starts_with("line 2: the ``` body is never closed"));
    CHECK(import_hurl("POST https://x/\nbase64,***;\n").error().message.starts_with("line 2: the base64 body"));
    CHECK(import_hurl("hello\n").error().message.starts_with("line 1: expected a request line"));
    CHECK(import_hurl("# only a comment\n").error().message == "line 1: no request in this Hurl file");
}

TEST_CASE("base64: decode") {
    CHECK(base64_decode("TG9yZW0gaXBzdW0=") == std::optional<std::string>("Lorem ipsum"));
    CHECK(base64_decode("YQ") == std::optional<std::string>("a"));
    CHECK(base64_decode("YW Jj\n") == std::optional<std::string>("abc"));
    CHECK(!base64_decode("YQ==YQ"));
    CHECK(!base64_decode("*"));
}
