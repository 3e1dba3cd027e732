// Tests of the curl command printed for a request (src/compare/curl_command):
// what it says, when there is none, and that importing the command
// (intake) gives back the same bytes.
#include "compare/curl_command.hpp"

#include <doctest/doctest.h>

#include "intake/curl_args.hpp"
#include "intake/curl_command_line.hpp"
#include "intake/shell_words.hpp"

using namespace rawhttp;
using namespace rawhttp::compare;

namespace {

ComposedRequest req(std::string bytes) {
    ComposedRequest r;
    r.bytes = std::move(bytes);
    return r;
}

CurlCommandTarget local(int port = 8080) { return {"127.0.0.1", port, false, std::nullopt}; }

// The command, split and imported as `rawhttp import curl` does.
std::string imported_bytes(const CurlCommand& c) {
    auto words = intake::split_shell_words(c.command);
    REQUIRE_MESSAGE(words, c.command);
    auto parsed = intake::parse_curl_command_line(*words);
    REQUIRE_MESSAGE(parsed, c.command);
    auto made = intake::curl_request(parsed->args, [&](const std::string& path, std::size_t) {
        CHECK(path == c.body_file);
        return FileRead{ReadFailure::none, c.body, {}, 0};
    });
    REQUIRE_MESSAGE(made, (made ? "" : made.error().message));
    return made->bytes;
}

}  // namespace

TEST_CASE("curl command: the file's headers, curl's own removed, a short body inline") {
    auto c = curl_command_for(req("POST /api HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 9\r\n\r\n{\"a\":'1'}"),
                              local(), "x-curl-body.bin");
    CHECK(c.command == "curl -H 'Content-Type: application/json' -H 'Content-Length: 9' -H User-Agent: -H Accept: "
                       "-H Expect: --data-binary $'{\"a\":\\'1\\'}' http://127.0.0.1:8080/api");
    CHECK_FALSE(c.body_in_file);
}

TEST_CASE("curl command: a binary or long body goes in the named file") {
    auto c = curl_command_for(req(std::string("PUT /up HTTP/1.1\r\nHost: h\r\n\r\n") + std::string("\x00\xff", 2)), local(), "b.bin");
    CHECK(c.body_in_file);
    CHECK(c.body == std::string("\x00\xff", 2));
    CHECK(c.command.find("--data-binary @b.bin") != std::string::npos);
    CHECK(c.command.find("-X PUT -H 'Host: h'") != std::string::npos);
    CHECK(c.command.find("-H Content-Length:") != std::string::npos);  // the file has none: neither does curl
    auto l = curl_command_for(req("POST / HTTP/1.1\r\nHost: h\r\n\r\n" + std::string(kInlineBodyMax + 1, 'a')), local(),
                              "l.bin");
    CHECK(l.body_in_file);
}

TEST_CASE("curl command: targets, versions, TLS, HEAD") {
    auto dots = curl_command_for(req("GET /a/../b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), local(), "");
    CHECK(dots.command.find("--path-as-is") != std::string::npos);
    auto star = curl_command_for(req("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), local(), "");
    CHECK(star.command.find("-X OPTIONS --request-target '*'") != std::string::npos);
    auto v10 = curl_command_for(req("GET / HTTP/1.0\r\n\r\n"), local(), "");
    CHECK(v10.command == "curl -0 -H Host: -H User-Agent: -H Accept: http://127.0.0.1:8080/");
    auto head = curl_command_for(req("HEAD / HTTP/1.1\r\nHost:\r\n\r\n"), local(80), "");
    CHECK(head.command == "curl -I -H 'Host;' -H User-Agent: -H Accept: http://127.0.0.1/");
    auto tls = curl_command_for(req("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), {"127.0.0.1", 8443, true, {}}, "");
    CHECK(tls.command ==
          "curl --http1.1 -H User-Agent: -H Accept: --connect-to ::127.0.0.1:8443 https://example.com/");
    auto v6 = curl_command_for(req("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), {"::1", 9, false, {}}, "");
    CHECK(v6.command.ends_with(" 'http://[::1]:9/'"));  // quoted: [ ] are glob characters
}

TEST_CASE("curl command: none where curl cannot send the bytes, and why") {
    auto why = [](std::string bytes) {
        auto c = curl_command_for(req(std::move(bytes)), local(), "");
        CHECK(c.command.empty());
        return c.why_not;
    };
    CHECK(why("GET / HTTP/1.1\nHost: h\n\n").find("bare LF") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n").find("bare LF") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nX: 1\r\nHost: h\r\n\r\n").find("Host first") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHOST: h\r\n\r\n").find("spelt 'HOST'") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").find("first") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: h\r\nX:  \r\n\r\n").find("only blanks") != std::string::npos);
    CHECK(why(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: ") + '\0' + "\r\n\r\n").find("NUL") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n").find("Name: value") != std::string::npos);
    CHECK(why("GET  / HTTP/1.1\r\nHost: h\r\n\r\n").find("single spaces") != std::string::npos);
    CHECK(why("GET / HTTP/2\r\nHost: h\r\n\r\n").find("HTTP/2") != std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: h\r\n").find("no empty line") != std::string::npos);
    CHECK(why("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n").find("chunked") !=
          std::string::npos);
    CHECK(why("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n").find("CR") != std::string::npos);
    // Found by fuzz_shell_words: curl reads "A;b;" up to its first ';', and
    // matches "chunked" in any case.
    CHECK(why("GET / HTTP/1.1\r\nHost: h\r\nA;b:\r\n\r\n").find("';'") != std::string::npos);
    CHECK(why("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ChunKed\r\n\r\nx").find("chunked") != std::string::npos);
    ComposedRequest mixed = req("POST / HTTP/1.1\r\nHost: h\r\n\r\n<");
    mixed.streamed.push_back({mixed.bytes.size(), "big.bin", 1u << 30});
    CHECK(curl_command_for(mixed, local(), "").why_not.find("big.bin") != std::string::npos);
}

TEST_CASE("curl command: a body streamed from a file too large to hold is named as it is") {
    ComposedRequest r = req("PUT /up HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 1073741824\r\n\r\n");
    r.streamed.push_back({r.bytes.size(), "dir/big file.bin", 1u << 30});
    auto c = curl_command_for(r, local(), "unused.bin");
    CHECK_FALSE(c.body_in_file);
    CHECK(c.command == "curl -X PUT -H 'Content-Length: 1073741824' -H User-Agent: -H Accept: -H Content-Type: "
                       "-H Expect: --data-binary '@dir/big file.bin' http://127.0.0.1:8080/up");
}

TEST_CASE("curl command: importing the printed command gives back the same bytes") {
    for (std::string bytes : {
             std::string("GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"),
             std::string("GET / HTTP/1.1\r\nHost: other.example\r\nUser-Agent: me\r\nAccept: a/b\r\nX-E:\r\n\r\n"),
             std::string("POST /f HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 7\r\n\r\na=1&b=\x01"),
             std::string("PUT /f HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n X-Folded-Looking: 1\r\n\r\n@at"),
             std::string("DELETE /a/./b HTTP/1.0\r\nAuthorization: Bearer x\r\n\r\n"),
             std::string("OPTIONS * HTTP/1.1\r\nHost:  two-spaces\r\nConnection: close\r\n\r\n"),
             std::string("HEAD /h HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"),
             std::string("POST /e HTTP/1.1\r\nHost: h\r\nContent-Type: x/y\r\nExpect: 100-continue\r\n\r\n") +
                 std::string(600, 'z'),
         }) {
        auto c = curl_command_for(req(bytes), local(), "body.bin");
        REQUIRE_MESSAGE(!c.command.empty(), c.why_not);
        CHECK_MESSAGE(imported_bytes(c) == bytes, c.command);
    }
}

TEST_CASE("curl command: shell words") {
    CHECK(shell_word("plain-1.2/x:y=z@%+,") == "plain-1.2/x:y=z@%+,");
    CHECK(shell_word("it's") == "'it'\\''s'");
    CHECK(shell_word("") == "''");
    CHECK(shell_word("a\tb\xc3\xa9") == "$'a\\tb\\xc3\\xa9'");
    for (std::string s : {std::string("a'b\"c$d`e\\f"), std::string("x\r\ny\x01\x7f\xff"), std::string("* ?[]")}) {
        auto w = intake::split_shell_words(shell_word(s));
        REQUIRE(w);
        REQUIRE(w->size() == 1);
        CHECK((*w)[0] == s);
    }
}
