#include "render/lint_report.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace rawhttp;
using namespace std::string_literals;

namespace {

lint::Finding first_finding(const std::string& bytes) {
    auto fs = lint::lint_request(bytes);
    REQUIRE(!fs.empty());
    return fs[0];
}

}  // namespace

TEST_CASE("lint report: a finding reads location, severity, id, message, RFC, status and fix") {
    auto f = first_finding("GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n");
    std::string text = render::finding_text(f, {});
    CHECK(text.find("line 3, column 2: error [space-before-colon] whitespace between") == 0);
    CHECK(text.find("\n    RFC 9112 §5.1; a strict server answers 400\n") != std::string::npos);
    CHECK(text.find("\n    fix: remove the whitespace") != std::string::npos);
    CHECK(render::finding_text(f, {}, "a.req:9:2").find("a.req:9:2: error") == 0);
    CHECK(render::finding_text(f, {}, "", "  ").find("  line 3") == 0);
    auto t = first_finding("GET / HTTP/1.1\r\nHost: h\r\n");
    CHECK(render::finding_text(t, {}).find("waits, then times out") != std::string::npos);
}

TEST_CASE("lint report: the caret sits under the byte, after escapes") {
    std::string bytes = "GET /a\x01z HTTP/1.1\r\nHost: h\r\n\r\n"s;
    auto f = first_finding(bytes);
    REQUIRE(f.id == "target-invalid-char");
    std::string view = render::finding_pointer(bytes, f, {}, "| ");
    CHECK(view == "| GET /a\\x01z HTTP/1.1\\r\\n\n|       ^\n");
    // Bytes from the request never reach the text raw.
    auto g = first_finding("GET / HTTP/1.1\r\nHost: h\r\nX\x1b[31m : y\r\n\r\n"s);
    CHECK(render::finding_text(g, {}).find('\x1b') == std::string::npos);
    CHECK(render::finding_pointer("GET / HTTP/1.1\r\nHost: h\r\nX\x1b[31m : y\r\n\r\n"s, g, {}).find('\x1b') ==
          std::string::npos);
}

TEST_CASE("lint report: a long line is shown as a window around the byte") {
    std::string bytes = "GET /" + std::string(500, 'a') + "\x7f HTTP/1.1\r\nHost: h\r\n\r\n";
    auto f = first_finding(bytes);
    std::string view = render::finding_pointer(bytes, f, {});
    CHECK(view.size() < 300);
    CHECK(view.find("...") == 0);
    auto caret = view.find('^');
    auto nl = view.find('\n');
    REQUIRE(caret != std::string::npos);
    CHECK(view.substr(caret - nl - 1, 4) == "\\x7f");
}
