// Tests of the .req writer (src/compose/req_writer): whatever bytes a client
// sent, compose_requests(write_req(bytes)) gives back exactly those bytes.
#include "compose/req_writer.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
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

// ------------------------------------------------------------ side files

namespace {

// compose of a .req that names a side file, with the side file's bytes given.
std::string compose_with(const std::string& text, const std::string& name, const std::string& contents) {
    ComposeOptions o = no_io();
    o.read_file = [=](const std::string& path, std::size_t) {
        return path == name ? rawhttp::FileRead{rawhttp::ReadFailure::none, contents, ""}
                            : rawhttp::FileRead{rawhttp::ReadFailure::missing, {}, "does not exist"};
    };
    auto out = compose_requests(text, o);
    INFO("file:\n" << visible(text));
    REQUIRE_MESSAGE(!out.error, (out.error ? out.error->to_string() : ""));
    REQUIRE(out.requests.size() == 1);
    return out.requests[0].bytes;
}

std::string temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rawhttp-reqw-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Streams `bytes` through a ReqFileWriter in `step`-byte pieces, then composes
// the .req from disk as send does (paths relative to the .req's folder).
std::string stream_and_compose(const std::string& dir, std::string_view bytes, std::size_t inline_max,
                               std::size_t step, bool* spilled = nullptr) {
    std::string path = dir + "/cap.req";
    {
        rawhttp::ReqFileWriter w(path, {}, inline_max);
        for (std::size_t at = 0; at < bytes.size(); at += step) REQUIRE(w.append(bytes.substr(at, step)));
        REQUIRE_MESSAGE(w.finish(), w.error());
        CHECK(w.bytes() == bytes.size());
        if (spilled) *spilled = w.spilled();
    }
    ComposeOptions o;
    o.file_name = path;
    o.base_dir = dir;
    auto out = compose_requests(slurp(path), o);
    REQUIRE_MESSAGE(!out.error, (out.error ? out.error->to_string() : ""));
    REQUIRE(out.requests.size() == 1);
    return out.requests[0].bytes;
}

}  // namespace

TEST_CASE("req_writer: side file names") {
    CHECK(rawhttp::side_file_path("x.req") == "x.body");
    CHECK(rawhttp::side_file_path("dir/x-2.req") == "dir/x-2.body");
    CHECK(rawhttp::side_file_path("capture") == "capture.body");
    CHECK(rawhttp::side_file_path("a.b/c.txt") == "a.b/c.txt.body");
    CHECK(rawhttp::side_file_path(".req") == ".req.body");
    CHECK(rawhttp::side_file_path("d/{{x}}\n.req") == "d/__x___.body");  // nothing {{file:}} cannot hold
}

TEST_CASE("req_writer: where the head ends, as the composer reads it") {
    CHECK(rawhttp::req_head_end("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody") == 27);
    CHECK(rawhttp::req_head_end("GET / HTTP/1.1\nHost: x\n\nbody") == 24);
    CHECK(rawhttp::req_head_end("\r\n\nGET / HTTP/1.1\r\n\r\n") == 21);  // empty lines before the request line
    CHECK(rawhttp::req_head_end("GET / HTTP/1.1\r\nHost: x\r\n") == std::string_view::npos);
    CHECK(rawhttp::req_head_end("\r\n\r\n") == std::string_view::npos);
    CHECK(rawhttp::req_head_end("") == std::string_view::npos);
}

TEST_CASE("req_writer: body_file names the rest of the request, which comes back exact") {
    const std::string head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n";
    const std::string body = "a\r\nb{{c}}\n\0\xff"s;
    ReqWriterOptions wo;
    wo.body_file = "up.body";
    wo.body_file_bytes = body.size();
    std::string text = write_req(head, wo);
    CHECK(text.ends_with("\r\n\r\n{{file:up.body}}\r\n"));
    CHECK(text.find(std::to_string(body.size()) + " bytes after the head are in up.body") != std::string::npos);
    CHECK(compose_with(text, "up.body", body) == head + body);
    // Inline body bytes first, then the file's.
    CHECK(compose_with(write_req(head + "xy\n", wo), "up.body", body) == head + "xy\n" + body);
    CHECK(compose_with(write_req(head + "xy\r", wo), "up.body", body) == head + "xy\r" + body);
    // The whole stream in the file: the request line is the reference.
    std::string all = write_req("", wo);
    CHECK(all.find("nothing was received") == std::string::npos);
    CHECK(compose_with(all, "up.body", head + body) == head + body);
    CHECK(compose_with(all, "up.body", "\n\nGET\n") == "\n\nGET\n");
    // A head that has not ended, then the rest in the file.
    CHECK(compose_with(write_req("GET / HTTP/1.1\r\nHost: x\r\n", wo), "up.body", "X: 1\r\n\r\n") ==
          "GET / HTTP/1.1\r\nHost: x\r\nX: 1\r\n\r\n");
    CHECK(compose_with(write_req("GET / HT", wo), "up.body", "TP/1.1\r\n\r\n") == "GET / HTTP/1.1\r\n\r\n");
}

TEST_CASE("req_writer: ReqFileWriter keeps a small capture in the .req alone") {
    std::string dir = temp_dir();
    const std::string bytes = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    bool spilled = true;
    CHECK(stream_and_compose(dir, bytes, 1024, 7, &spilled) == bytes);
    CHECK_FALSE(spilled);
    CHECK_FALSE(std::filesystem::exists(dir + "/cap.body"));
    CHECK(slurp(dir + "/cap.req") == write_req(bytes));  // what write_req writes, as before
    std::filesystem::remove_all(dir);
}

TEST_CASE("req_writer: ReqFileWriter streams a large body to the side file") {
    std::string dir = temp_dir();
    std::string head = "PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n";
    std::string body;
    std::mt19937 rng(7);
    for (int i = 0; i < 100000; ++i) body += static_cast<char>(rng() & 0xff);
    bool spilled = false;
    CHECK(stream_and_compose(dir, head + body, 4096, 1000, &spilled) == head + body);
    CHECK(spilled);
    CHECK(slurp(dir + "/cap.body") == body);  // the body only: the head stays readable in the .req
    std::string req = slurp(dir + "/cap.req");
    CHECK(req.find("PUT /big HTTP/1.1\r\n") != std::string::npos);
    CHECK(req.ends_with("{{file:cap.body}}\r\n"));
    CHECK(req.size() < 1000);
    std::filesystem::remove_all(dir);
}

TEST_CASE("req_writer: ReqFileWriter with a head that never ends puts it all in the side file") {
    std::string dir = temp_dir();
    std::string bytes(10000, 'A');
    bytes += "\r\nno empty line";
    CHECK(stream_and_compose(dir, bytes, 512, 333) == bytes);
    CHECK(slurp(dir + "/cap.body") == bytes);
    std::filesystem::remove_all(dir);
}

TEST_CASE("req_writer: ReqFileWriter, seeded random streams, pieces and limits") {
    std::string dir = temp_dir();
    std::mt19937 rng(424242);
    const std::string alphabet = "\r\n\r\n{}# \t\0\xffGET /a HTTP/1.1:"s;
    for (int n = 0; n < 200; ++n) {
        std::string bytes = n % 3 ? "POST / HTTP/1.1\r\n" : "";
        if (n % 2) bytes += "\r\n";
        std::size_t len = rng() % 3000;
        for (std::size_t k = 0; k < len; ++k) bytes += alphabet[rng() % alphabet.size()];
        if (bytes.empty()) continue;
        std::size_t limit = 1 + rng() % 600, step = 1 + rng() % 400;
        INFO("case " << n << " limit " << limit << " step " << step);
        CHECK(stream_and_compose(dir, bytes, limit, step) == bytes);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("req_writer: ReqFileWriter reports a side file it cannot write") {
    rawhttp::ReqFileWriter w("/nonexistent-rawhttp-dir/x.req", {}, 16);
    CHECK_FALSE(w.append(std::string(64, 'x')));
    CHECK(w.error().find("/nonexistent-rawhttp-dir/x.body") != std::string::npos);
    CHECK_FALSE(w.finish());
}
