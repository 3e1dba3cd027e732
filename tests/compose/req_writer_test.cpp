// Tests of the .req writer (src/compose/req_writer): whatever bytes a client
// sent, compose_requests(write_req(bytes)) gives back exactly those bytes.
#include "compose/req_writer.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "compose/compose.hpp"

using namespace std::string_literals;
using rawhttp::compose_requests;
using rawhttp::ComposeOptions;
using rawhttp::ReqWriterOptions;
using rawhttp::write_req;

namespace {

std::string visible(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (char ch : s) {
        auto u = static_cast<unsigned char>(ch);
        if (u == '\r') out += "\\r";
        else if (u == '\n') out += "\\n\n";
        else if (u < 0x20 || u >= 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

ComposeOptions no_io() {
    ComposeOptions o;
    o.file_name = "captured.req";
    o.getenv = [](const std::string&) { return std::optional<std::string>{}; };
    o.read_file = [](const std::string&, std::size_t) {
        return rawhttp::FileRead{rawhttp::ReadFailure::missing, {}, "does not exist"};
    };
    return o;
}

// The bytes the composer makes of the written file (which must be one request).
std::string round_trip(std::string_view bytes, const ReqWriterOptions& wo = {}) {
    std::string text = write_req(bytes, wo);
    auto out = compose_requests(text, no_io());
    INFO("file:\n" << visible(text));
    REQUIRE_MESSAGE(!out.error, (out.error ? out.error->to_string() : ""));
    REQUIRE(out.requests.size() == 1);
    return out.requests[0].bytes;
}

void check_round_trip(std::string_view bytes) {
    INFO("bytes: " << visible(bytes));
    CHECK(round_trip(bytes) == std::string(bytes));
}

}  // namespace

TEST_CASE("req_writer: curl's typical request reads naturally and comes back exact") {
    std::string curl =
        "GET /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nX-Test: 1\r\n\r\n";
    ReqWriterOptions wo;
    wo.peer = "127.0.0.1:54321";
    wo.target = "127.0.0.1:8080";
    wo.time = "2026-01-02T03:04:05Z";
    std::string text = write_req(curl, wo);
    CHECK(text.starts_with("# captured by rawhttp listen from 127.0.0.1:54321 at 2026-01-02T03:04:05Z\r\n"));
    CHECK(text.find("@target = 127.0.0.1:8080\r\n") != std::string::npos);
    CHECK(text.find("@eol = keep\r\n") != std::string::npos);
    // The request itself is written literally, CRLF and all.
    CHECK(text.ends_with("\r\n\r\n" + curl));
    CHECK(round_trip(curl, wo) == curl);
    auto out = compose_requests(text, no_io());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].target == std::optional<std::string>("127.0.0.1:8080"));
    CHECK(out.requests[0].eol == rawhttp::Eol::keep);
}

TEST_CASE("req_writer: POST with a body, with and without a final newline") {
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nhello\n");
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nhello\r\n");
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\n\r\na\nb\r\nc\n\n");
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\n\r\n\n");
    check_round_trip("POST /f HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\n");
    // The body's final newline is an expression, then the editor's newline.
    std::string text = write_req("POST / HTTP/1.1\r\n\r\nhi\n");
    CHECK(text.ends_with("\r\n\r\nhi{{LF}}\r\n"));
}

TEST_CASE("req_writer: empty body and head-only requests") {
    check_round_trip("GET / HTTP/1.1\r\n\r\n");
    check_round_trip("GET / HTTP/1.1\n\n");
    check_round_trip("GET / HTTP/1.0\r\n\r\n");
}

TEST_CASE("req_writer: bare LF, CR alone, mixed line ends") {
    check_round_trip("GET / HTTP/1.1\nHost: x\n\n");
    std::string lf = write_req("GET / HTTP/1.1\nHost: x\n\n");
    CHECK(lf.ends_with("\n\nGET / HTTP/1.1\nHost: x\n\n"));  // bare LF written as plain LF lines
    check_round_trip("GET / HTTP/1.1\rHost: x\r\r\n");
    check_round_trip("GET / HTTP/1.1\r\nHost: x\n\r\n");
    check_round_trip("GET / HTTP/1.1\nHost: x\r\n\n");
    check_round_trip("GET / HTTP/1.1\r\r\nHost: x\r\n\r\n");
    check_round_trip("GET / HTTP/1.1\r\n\rHost: x\r\n\r\n");
    check_round_trip("\r");
    check_round_trip("\n");
    check_round_trip("\r\n");
    check_round_trip("\r\n\r\n");
    check_round_trip("\n\n\n");
    check_round_trip("GET / HTTP/1.1\r");
}

TEST_CASE("req_writer: a head without its terminating empty line") {
    check_round_trip("GET / HTTP/1.1\r\nHost: x\r\n");
    check_round_trip("GET / HTTP/1.1\r\nHost: x");
    check_round_trip("GET / HTT");
    check_round_trip("hello");
    std::string text = write_req("GET / HTTP/1.1\r\nHost: x");
    CHECK(text.find("ends without a newline") != std::string::npos);
}

TEST_CASE("req_writer: NUL, control bytes, escape sequences, invalid UTF-8") {
    check_round_trip("GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n"s);
    check_round_trip("GET / HTTP/1.1\r\nX: \x1b[31mred\r\n\r\n");
    check_round_trip("GET / HTTP/1.1\r\nX: caf\xc3\xa9 \xff\xfe\r\n\r\n");
    check_round_trip("GET / HTTP/1.1\r\nX: \xc2\x9b\r\n\r\n");  // C1 control
    check_round_trip("GET / HTTP/1.1\r\nX: a\tb\t\r\n\r\n\tbody\t");
    check_round_trip("GET / HTTP/1.1\r\n\r\n\0\0\0\x01\x02\x7f"s);
    std::string text = write_req("GET /\0 HTTP/1.1\r\n\r\n"s);
    CHECK(text.find("GET /{{NUL}} HTTP/1.1") != std::string::npos);
    std::string esc = write_req("GET / HTTP/1.1\r\nX: \x1b[31m\r\n\r\n");
    CHECK(esc.find('\x1b') == std::string::npos);  // never raw on a terminal
    CHECK(esc.find("{{hex:1b}}[31m") != std::string::npos);
}

TEST_CASE("req_writer: braces, ### lines, and request lines the preamble would swallow") {
    check_round_trip("GET /{{x}} HTTP/1.1\r\nHost: {{host}}\r\n\r\n{{{body}}}");
    check_round_trip("GET /{ HTTP/1.1\r\n\r\n{\r{{\r{{{\r{{{{\n{");
    check_round_trip("GET / HTTP/1.1\r\n###\r\n\r\n###\n### x\n###");
    check_round_trip("### GET / HTTP/1.1\r\n\r\n");
    check_round_trip("# GET / HTTP/1.1\r\n\r\n");
    check_round_trip("@x = 1\r\n\r\n");
    check_round_trip("// GET\r\n\r\n");
    check_round_trip(" GET / HTTP/1.1\r\n\r\n");
    check_round_trip("\tGET / HTTP/1.1\r\n\r\n");
    check_round_trip("\fGET\r\n\r\n");
    check_round_trip("\r\nGET / HTTP/1.1\r\n\r\n");
    check_round_trip("\n\r\nGET / HTTP/1.1\r\n\r\n");
    check_round_trip("GET / HTTP/1.1 \r\nHost: x  \r\n\r\ntrailing space \n ");
    std::string text = write_req("GET /{{x}} HTTP/1.1\r\n\r\n");
    CHECK(text.find("GET /{{\"{{\"}}x}} HTTP/1.1") != std::string::npos);
}

TEST_CASE("req_writer: a binary body") {
    std::string body;
    for (int i = 0; i < 256; ++i) body += static_cast<char>(i);
    check_round_trip("POST /b HTTP/1.1\r\nContent-Length: 256\r\n\r\n" + body);
    check_round_trip("POST /b HTTP/1.1\r\nContent-Length: 512\r\n\r\n" + body + body);
}

TEST_CASE("req_writer: empty input writes comments only") {
    std::string text = write_req("");
    CHECK(text.find("nothing was received") != std::string::npos);
    CHECK(compose_requests(text, no_io()).error.has_value());
}

TEST_CASE("req_writer: comment and @target text is cleaned") {
    ReqWriterOptions wo;
    wo.peer = "a\nb";
    wo.target = "{{x}}:1";
    std::string text = write_req("GET / HTTP/1.1\r\n\r\n", wo);
    CHECK(text.find("from a?b") != std::string::npos);
    CHECK(round_trip("GET / HTTP/1.1\r\n\r\n", wo) == "GET / HTTP/1.1\r\n\r\n");
}

TEST_CASE("req_writer: seeded random byte strings all come back exact") {
    std::mt19937 rng(20260101);
    // Bytes that matter to the composer, and some that do not.
    const std::string alphabet = "\r\n\r\n{}{#/@ \t\0\x01\x1b\x7f\x80\xc3\xa9\xff\xe2\x82\xacGET HTTP/1.1:aZ\"##"s;
    std::uniform_int_distribution<int> len(0, 60), pick(0, static_cast<int>(alphabet.size()) - 1), any(0, 255),
        mode(0, 9);
    const std::string prefixes[] = {"", "GET / HTTP/1.1\r\n", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n",
                                    "GET / HTTP/1.1\n\n", "###\n"};
    int failures = 0;
    for (int n = 0; n < 4000 && failures < 5; ++n) {
        std::string bytes = prefixes[static_cast<std::size_t>(n) % 5];
        int m = mode(rng);
        int l = len(rng);
        for (int k = 0; k < l; ++k)
            bytes += m == 0 ? static_cast<char>(any(rng)) : alphabet[static_cast<std::size_t>(pick(rng))];
        if (bytes.empty()) continue;
        std::string text = write_req(bytes);
        auto out = compose_requests(text, no_io());
        bool ok = !out.error && out.requests.size() == 1 && out.requests[0].bytes == bytes;
        if (!ok) {
            ++failures;
            INFO("case " << n << " bytes: " << visible(bytes));
            INFO("file:\n" << visible(text));
            INFO("error: " << (out.error ? out.error->to_string() : "none")
                           << " requests: " << out.requests.size()
                           << (out.requests.empty() ? "" : " got: " + visible(out.requests[0].bytes)));
            CHECK(ok);
        }
    }
    CHECK(failures == 0);
}
