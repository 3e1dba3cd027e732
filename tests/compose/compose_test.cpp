// Tests of the .req composer (src/compose): exact bytes, notes, errors.
#include "compose/compose.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace std::string_literals;
using rawhttp::ComposedRequest;
using rawhttp::ComposeOptions;
using rawhttp::ComposeOutput;
using rawhttp::Eol;

namespace {

// Composes with fake files and environment, and records what was read.
struct Fixture {
    ComposeOptions options;
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> env;
    std::vector<std::string> file_reads;
    std::vector<std::size_t> read_limits;  // max_bytes of each file read
    std::vector<std::string> env_reads;

    Fixture() {
        options.file_name = "t.req";
        options.base_dir = "/req";
    }

    ComposeOutput compose(std::string_view text) {
        // Hands back the whole fake file whatever max_bytes says: the composer must check.
        options.read_file = [this](const std::string& path, std::size_t max_bytes) -> rawhttp::FileRead {
            file_reads.push_back(path);
            read_limits.push_back(max_bytes);
            auto it = files.find(path);
            if (it == files.end()) return {rawhttp::ReadFailure::missing, {}, "does not exist"};
            return {rawhttp::ReadFailure::none, it->second, {}};
        };
        options.getenv = [this](const std::string& name) -> std::optional<std::string> {
            env_reads.push_back(name);
            auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        return rawhttp::compose_requests(text, options);
    }

    // The one request of a file that must compose without error.
    ComposedRequest one(std::string_view text) {
        auto out = compose(text);
        if (out.error) FAIL_CHECK("unexpected error: " << out.error->to_string());
        REQUIRE(out.requests.size() == 1);
        return out.requests[0];
    }

    // The error of a file that must not compose; checks nothing is returned.
    rawhttp::ComposeError error(std::string_view text) {
        auto out = compose(text);
        REQUIRE(out.error.has_value());
        CHECK(out.requests.empty());
        return *out.error;
    }
};

bool has_note(const ComposedRequest& r, std::string_view part) {
    for (const auto& n : r.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

std::string all_notes(const ComposedRequest& r) {
    std::string s;
    for (const auto& n : r.notes) s += "[" + n + "]";
    return s;
}

}  // namespace

// Checks that some note contains `part`; on failure shows all the notes.
#define CHECK_NOTE(req, part) CHECK_MESSAGE(has_note((req), (part)), "notes: " << all_notes(req))

// ---------------------------------------------------------------------------
// The acceptance sample (shared/acceptance/compose_cases.json), case by case.
// ---------------------------------------------------------------------------

TEST_CASE("acceptance basic-lf-file: LF file, default crlf mode: every head line break becomes CRLF") {
    Fixture f;
    auto out = f.compose("GET /hello HTTP/1.1\nHost: example.com\nUser-Agent: rawhttp-test\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /hello HTTP/1.1\r\nHost: example.com\r\nUser-Agent: rawhttp-test\r\n\r\n"s);
}

TEST_CASE("acceptance preamble-all-kinds: blank lines, # and // comments and several definitions before the request line; none is sent") {
    Fixture f;
    auto out = f.compose("\n# hash comment\n// slash comment\n@host = api.example.test\n@path = /v1/items\n\n\nGET {{path}}?limit=5 HTTP/1.1\nHost: {{host}}\nAccept: */*\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /v1/items?limit=5 HTTP/1.1\r\nHost: api.example.test\r\nAccept: */*\r\n\r\n"s);
}

TEST_CASE("acceptance def-no-spaces: @name=value written without spaces around =") {
    Fixture f;
    auto out = f.compose("@host=tight.test\n\nGET / HTTP/1.1\nHost: {{host}}\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: tight.test\r\n\r\n"s);
}

TEST_CASE("acceptance var-cli-value-with-equals: --var q=a=b: the value is everything after the first =") {
    Fixture f;
    f.options.vars["q"s] = "a=b"s;
    auto out = f.compose("GET /search?q={{q}} HTTP/1.1\nHost: x.test\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /search?q=a=b HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
}

TEST_CASE("acceptance escape-tab-sp: {{TAB}} and {{SP}}") {
    Fixture f;
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test\nX-Tab:{{TAB}}v\nX-Sp:{{SP}}{{SP}}two\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\r\nX-Tab:\tv\r\nX-Sp:  two\r\n\r\n"s);
}

TEST_CASE("acceptance escape-nul: {{NUL}} writes a zero byte") {
    Fixture f;
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test\nX-Nul: a{{NUL}}b\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\r\nX-Nul: a" "\x00" "b\r\n\r\n"s);
}

TEST_CASE("acceptance escape-only-one-line-keep: a whole request on one line built from {{CRLF}}, keep mode, no final newline") {
    Fixture f;
    f.options.eol = rawhttp::parse_eol("keep");
    auto out = f.compose("GET / HTTP/1.1{{CRLF}}Host: x.test{{CRLF}}{{CRLF}}"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
}

TEST_CASE("acceptance content-length-counts-escapes: body bytes from escapes are counted after composition") {
    Fixture f;
    auto out = f.compose("POST /bin HTTP/1.1\nHost: x.test\nContent-Length: {{content_length}}\n\na{{NUL}}b{{hex:ff}}{{CRLF}}\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST /bin HTTP/1.1\r\nHost: x.test\r\nContent-Length: 6\r\n\r\na" "\x00" "b" "\xff" "\r\n"s);
}

TEST_CASE("acceptance body-explicit-final-lf: {{LF}} before the editor's newline sends one LF") {
    Fixture f;
    auto out = f.compose("POST /nl HTTP/1.1\nHost: x.test\nContent-Length: {{content_length}}\n\nhello{{LF}}\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST /nl HTTP/1.1\r\nHost: x.test\r\nContent-Length: 6\r\n\r\nhello\n"s);
}

TEST_CASE("acceptance body-keep-mode-final-newline: keep mode: head untouched, the final newline is still not body") {
    Fixture f;
    f.options.eol = rawhttp::parse_eol("keep");
    auto out = f.compose("POST /k HTTP/1.1\nHost: x.test\nContent-Length: 4\n\ndata\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST /k HTTP/1.1\nHost: x.test\nContent-Length: 4\n\ndata"s);
}

TEST_CASE("acceptance file-include-body: {{file:payload.json}} puts the file's bytes (with its own newline) in the body") {
    Fixture f;
    f.files["/req/payload.json"] = "{\"name\": \"rawhttp\", \"n\": 1}\n"s;
    auto out = f.compose("POST /json HTTP/1.1\nHost: x.test\nContent-Type: application/json\nContent-Length: {{content_length}}\n\n{{file:payload.json}}\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST /json HTTP/1.1\r\nHost: x.test\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"name\": \"rawhttp\", \"n\": 1}\n"s);
}

TEST_CASE("acceptance file-include-subdir: PATH is relative to the .req file's folder, not the working directory") {
    Fixture f;
    f.files["/req/data/part.txt"] = "from a subfolder"s;
    auto out = f.compose("POST /sub HTTP/1.1\nHost: x.test\nContent-Length: {{content_length}}\n\n{{file:data/part.txt}}\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST /sub HTTP/1.1\r\nHost: x.test\r\nContent-Length: 16\r\n\r\nfrom a subfolder"s);
}

TEST_CASE("acceptance literal-quoted-text: {{\"text\"}} with spaces inside") {
    Fixture f;
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test\nX-Lit: {{\"a b  c\"}}\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\r\nX-Lit: a b  c\r\n\r\n"s);
}

TEST_CASE("acceptance eol-keep-lf: --eol keep, LF file: bare LFs go out") {
    Fixture f;
    f.options.eol = rawhttp::parse_eol("keep");
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\nHost: x.test\n\n"s);
}

TEST_CASE("acceptance eol-preamble-keep: @eol = keep in a CRLF file with one bare LF in the head") {
    Fixture f;
    auto out = f.compose("@eol = keep\r\n\r\nGET / HTTP/1.1\r\nHost: x.test\nX-Bare: lf\r\n\r\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\nX-Bare: lf\r\n\r\n"s);
}

TEST_CASE("acceptance missing-blank-no-newline: no empty line and no final newline: the last line is ended and the empty line added") {
    Fixture f;
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET / HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
}

TEST_CASE("acceptance request-line-only: only a request line: the empty line is added") {
    Fixture f;
    auto out = f.compose("GET /only HTTP/1.0\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /only HTTP/1.0\r\n\r\n"s);
}

TEST_CASE("acceptance utf8-literal: UTF-8 bytes in the target and a value go out as written") {
    Fixture f;
    auto out = f.compose("GET /caf" "\xc3" "" "\xa9" " HTTP/1.1\nHost: x.test\nX-Name: Zo" "\xc3" "" "\xab" "\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /caf" "\xc3" "" "\xa9" " HTTP/1.1\r\nHost: x.test\r\nX-Name: Zo" "\xc3" "" "\xab" "\r\n\r\n"s);
}

TEST_CASE("acceptance stdin-file: FILE.req given as - reads standard input") {
    Fixture f;
    f.options.file_name = "-";
    auto out = f.compose("GET /stdin HTTP/1.1\nHost: x.test\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /stdin HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
}

TEST_CASE("acceptance multi-preamble-between: file-level @h serves both requests; blank and comment lines after ### are not sent") {
    Fixture f;
    auto out = f.compose("@h = x.test\n\nGET /1 HTTP/1.1\nHost: {{h}}\n\n###\n\n# the second one\nGET /2 HTTP/1.1\nHost: {{h}}\n\n"s);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\nHost: x.test\r\n\r\n"s);
}

TEST_CASE("acceptance err-undefined-var-in-body: an undefined name in the body") {
    Fixture f;
    auto out = f.compose("POST / HTTP/1.1\nHost: x.test\n\nvalue={{missing_value}}\n"s);
    REQUIRE(out.error.has_value());
    CHECK(out.requests.empty());
    CHECK(out.error->line == 4);
}

TEST_CASE("acceptance err-unknown-expression: an unknown expression kind") {
    Fixture f;
    auto out = f.compose("GET / HTTP/1.1\nHost: x.test\nX-A: {{frobnicate:1}}\n\n"s);
    REQUIRE(out.error.has_value());
    CHECK(out.requests.empty());
    CHECK(out.error->line == 3);
}

TEST_CASE("acceptance err-missing-include: {{file:...}} of a file that does not exist") {
    Fixture f;
    auto out = f.compose("POST / HTTP/1.1\nHost: x.test\n\n{{file:does-not-exist.bin}}\n"s);
    REQUIRE(out.error.has_value());
    CHECK(out.requests.empty());
    CHECK(out.error->line == 4);
}

TEST_CASE("acceptance err-in-second-request: an error in the second request: nothing at all is sent, not even the first") {
    Fixture f;
    auto out = f.compose("GET /1 HTTP/1.1\nHost: x.test\n\n###\nGET /2 HTTP/1.1\nHost: {{nope}}\n\n"s);
    REQUIRE(out.error.has_value());
    CHECK(out.requests.empty());
    CHECK(out.error->line == 6);
}

// ---------------------------------------------------------------------------
// Line endings
// ---------------------------------------------------------------------------

TEST_CASE("crlf mode: an LF file's head goes out with CRLF, and a note counts the lines") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nHost: a.test\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK(r.eol == Eol::crlf);
    CHECK_NOTE(r, "LF line breaks sent as CRLF on 3 lines");
}

TEST_CASE("crlf mode: a CRLF file is sent unchanged and without notes") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK(r.notes.empty());
}

TEST_CASE("crlf mode: mixed line breaks all become CRLF, only the LF ones are counted") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\r\nHost: a.test\nX: 1\r\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: a.test\r\nX: 1\r\n\r\n");
    CHECK_NOTE(r, "on 2 lines");
}

TEST_CASE("lf mode: a CRLF file's head goes out with bare LF, with a note") {
    Fixture f;
    f.options.eol = Eol::lf;
    auto r = f.one("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nHost: a.test\n\n");
    CHECK(r.eol == Eol::lf);
    CHECK_NOTE(r, "CRLF line breaks sent as LF on 3 lines");
}

TEST_CASE("lf mode: an LF file is sent unchanged and without notes") {
    Fixture f;
    f.options.eol = Eol::lf;
    auto r = f.one("GET / HTTP/1.1\nHost: a.test\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nHost: a.test\n\n");
    CHECK(r.notes.empty());
}

TEST_CASE("keep mode: mixed line breaks are sent exactly as in the file, without notes") {
    Fixture f;
    f.options.eol = Eol::keep;
    auto r = f.one("GET / HTTP/1.1\r\nHost: a.test\nX: 1\r\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: a.test\nX: 1\r\n\n");
    CHECK(r.eol == Eol::keep);
    CHECK(r.notes.empty());
}

TEST_CASE("escapes are exact bytes in every mode: {{CRLF}} stays CRLF in lf mode, {{LF}} stays LF in crlf mode") {
    Fixture f;
    f.options.eol = Eol::lf;
    auto r = f.one("GET / HTTP/1.1\nX: a{{CRLF}}b\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nX: a\r\nb\n\n");
    Fixture g;
    auto s = g.one("GET / HTTP/1.1\nX: a{{LF}}b\n\n");
    CHECK(s.bytes == "GET / HTTP/1.1\r\nX: a\nb\r\n\r\n");
}

TEST_CASE("a CR not followed by LF is content, not a line break") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\rX\nHost: a\r\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n");
    // A line holding only a CR is not the empty line: it is a head line.
    auto s = f.one("GET / HTTP/1.1\n\r\r\n\nbody");
    CHECK(s.bytes == "GET / HTTP/1.1\r\n\r\r\n\r\nbody");
    CHECK(s.head_bytes == s.bytes.size() - 4);
}

TEST_CASE("@eol in the preamble picks the mode") {
    Fixture f;
    auto r = f.one("@eol = lf\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nHost: a\n\n");
    CHECK(r.eol == Eol::lf);
    auto k = f.one("@eol=KEEP\nGET / HTTP/1.1\r\nHost: a\n\r\n");
    CHECK(k.bytes == "GET / HTTP/1.1\r\nHost: a\n\r\n");
    CHECK(k.eol == Eol::keep);
}

TEST_CASE("--eol wins over @eol, and a note says so") {
    Fixture f;
    f.options.eol = Eol::crlf;
    auto r = f.one("@eol = keep\nGET / HTTP/1.1\nHost: a\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(r.eol == Eol::crlf);
    CHECK_NOTE(r, "the line endings asked for: crlf wins over '@eol = keep' (line 1)");
    // The caller names the origin (the command line: its option).
    Fixture n;
    n.options.eol = Eol::crlf;
    n.options.eol_origin = "--eol";
    CHECK_NOTE(n.one("@eol = keep\nGET / HTTP/1.1\nHost: a\n\n"), "--eol crlf wins over '@eol = keep' (line 1)");
    // The same mode on both sides changes nothing and is not noted.
    Fixture g;
    g.options.eol = Eol::keep;
    auto s = g.one("@eol = keep\nGET / HTTP/1.1\nHost: a\n\n");
    CHECK(s.notes.empty());
}

TEST_CASE("an invalid @eol value is an error at its line, pointing at the value") {
    Fixture f;
    auto e = f.error("# c\n@eol = windows\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 8);
    CHECK(e.message.find("crlf, lf or keep") != std::string::npos);
}

TEST_CASE("@eol carries over to later requests and can change between them") {
    Fixture f;
    auto out = f.compose("@eol = lf\nGET /1 HTTP/1.1\n\n###\nGET /2 HTTP/1.1\n\n###\n@eol = crlf\nGET /3 HTTP/1.1\n\n");
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 3);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\n\n");
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\n\n");
    CHECK(out.requests[1].eol == Eol::lf);
    CHECK(out.requests[2].bytes == "GET /3 HTTP/1.1\r\n\r\n");
    CHECK(out.requests[2].eol == Eol::crlf);
}

TEST_CASE("parse_eol and eol_name") {
    CHECK(rawhttp::parse_eol("crlf") == Eol::crlf);
    CHECK(rawhttp::parse_eol("lf") == Eol::lf);
    CHECK(rawhttp::parse_eol("keep") == Eol::keep);
    CHECK(rawhttp::parse_eol("CRLF") == Eol::crlf);
    CHECK_FALSE(rawhttp::parse_eol("cr").has_value());
    CHECK_FALSE(rawhttp::parse_eol("").has_value());
    CHECK(rawhttp::eol_name(Eol::crlf) == "crlf");
    CHECK(rawhttp::eol_name(Eol::lf) == "lf");
    CHECK(rawhttp::eol_name(Eol::keep) == "keep");
}

// ---------------------------------------------------------------------------
// A head without its terminating empty line
// ---------------------------------------------------------------------------

TEST_CASE("no empty line, no final newline: the last line is ended and the empty line added, with a note") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nHost: x.test");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: x.test\r\n\r\n");
    CHECK_NOTE(r, "no empty line ends the head: added CRLF CRLF");
    CHECK(r.head_bytes == r.bytes.size());
}

TEST_CASE("no empty line after a final newline: the editor's newline is replaced by CRLF CRLF") {
    Fixture f;
    auto r = f.one("GET /only HTTP/1.0\n");
    CHECK(r.bytes == "GET /only HTTP/1.0\r\n\r\n");
    CHECK_NOTE(r, "added CRLF CRLF");
    // Only the added line breaks are noted, not a conversion of the dropped newline.
    CHECK_FALSE(has_note(r, "sent as CRLF"));
}

TEST_CASE("no empty line in lf mode: LF LF is added") {
    Fixture f;
    f.options.eol = Eol::lf;
    auto r = f.one("GET / HTTP/1.1\r\nHost: x.test\r\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nHost: x.test\n\n");
    CHECK_NOTE(r, "added LF LF");
    CHECK_NOTE(r, "CRLF line breaks sent as LF on 1 line ");
}

TEST_CASE("a head ending in one {{CRLF}}: only the empty line is added") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1{{CRLF}}\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\n\r\n");
    CHECK_NOTE(r, "added CRLF (the empty line)");
}

TEST_CASE("a head built from {{CRLF}}{{CRLF}} needs nothing added") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1{{CRLF}}Host: x.test{{CRLF}}{{CRLF}}");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: x.test\r\n\r\n");
    CHECK(r.notes.empty());
    // With the editor's newline after it, that newline is dropped, and said so.
    auto s = f.one("GET / HTTP/1.1{{CRLF}}Host: x.test{{CRLF}}{{CRLF}}\n");
    CHECK(s.bytes == "GET / HTTP/1.1\r\nHost: x.test\r\n\r\n");
    CHECK_NOTE(s, "the LF after the last head line was not sent");
    CHECK(s.notes.size() == 1);
}

TEST_CASE("keep mode: a head without its empty line is sent as is, with a warning note") {
    Fixture f;
    f.options.eol = Eol::keep;
    auto r = f.one("GET / HTTP/1.1\nHost: x.test\n");
    CHECK(r.bytes == "GET / HTTP/1.1\nHost: x.test\n");
    CHECK_NOTE(r, "no terminating empty line");
    CHECK_NOTE(r, "a server will wait for it");
    auto s = f.one("GET / HTTP/1.1\nHost: x.test");
    CHECK(s.bytes == "GET / HTTP/1.1\nHost: x.test");
}

TEST_CASE("a head cut short by ### gets its empty line too") {
    Fixture f;
    auto out = f.compose("GET /1 HTTP/1.1\nHost: a\n###\nGET /2 HTTP/1.1\nHost: b\n");
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n");
    CHECK_NOTE(out.requests[0], "added CRLF CRLF");
}

// ---------------------------------------------------------------------------
// Body
// ---------------------------------------------------------------------------

TEST_CASE("the body keeps its own line breaks in every mode") {
    for (Eol mode : {Eol::crlf, Eol::lf, Eol::keep}) {
        Fixture f;
        f.options.eol = mode;
        auto r = f.one("POST / HTTP/1.1\r\n\r\na\nb\r\nc\n");
        std::string head = mode == Eol::lf ? "POST / HTTP/1.1\n\n" : "POST / HTTP/1.1\r\n\r\n";
        CHECK(r.bytes == head + "a\nb\r\nc");
        CHECK(r.head_bytes == head.size());
    }
}

TEST_CASE("the final newline at the end of the file is not body, and a note says so") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n\nhello\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\nhello");
    CHECK_NOTE(r, "the LF at the end of the file is the editor's");
    CHECK_NOTE(r, "{{LF}}");
    auto c = f.one("POST / HTTP/1.1\r\n\r\nhello\r\n");
    CHECK(c.bytes == "POST / HTTP/1.1\r\n\r\nhello");
    CHECK_NOTE(c, "the CRLF at the end of the file");
    CHECK_NOTE(c, "{{CRLF}}");
}

TEST_CASE("a body without a final newline is sent whole, with no body note") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\r\n\r\nhello");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\nhello");
    CHECK(r.notes.empty());
}

TEST_CASE("{{LF}} before the editor's newline sends one LF") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n\nhello{{LF}}\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\nhello\n");
}

TEST_CASE("the line break before ### is not body") {
    Fixture f;
    auto out = f.compose("POST /1 HTTP/1.1\n\nline1\nline2\n###\nGET /2 HTTP/1.1\n\n");
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].bytes == "POST /1 HTTP/1.1\r\n\r\nline1\nline2");
    CHECK_NOTE(out.requests[0], "before ###");
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\n\r\n");
}

TEST_CASE("empty lines inside and at the end of a body are body bytes") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n\na\n\nb\n\n\n");
    // Lines "a", "", "b", "", "" joined with their LFs, minus the last LF.
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\na\n\nb\n\n");
}

TEST_CASE("a request with an empty line then EOF or ### has an empty body and no body note") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\n\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\n\r\n");
    CHECK_FALSE(has_note(r, "editor"));
}

TEST_CASE("lines of the head and body that look like comments or definitions are literal") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n# not a comment\n@x = 1\n\n// body\n@y = 2");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n# not a comment\r\n@x = 1\r\n\r\n// body\n@y = 2");
}

TEST_CASE("head_bytes counts the head and its empty line") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\nHost: a\n\n0123456789");
    CHECK(r.head_bytes == std::string("POST / HTTP/1.1\r\nHost: a\r\n\r\n").size());
    CHECK(r.bytes.substr(r.head_bytes) == "0123456789");
}

// ---------------------------------------------------------------------------
// {{content_length}}
// ---------------------------------------------------------------------------

TEST_CASE("{{content_length}} is the composed body's byte count") {
    Fixture f;
    f.files["/req/blob"] = "12345\n"s;
    auto r = f.one("POST / HTTP/1.1\nContent-Length: {{content_length}}\n\n{{file:blob}}x{{hex:00ff}}\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n12345\nx\x00\xff"s);
}

TEST_CASE("{{content_length}} of an empty body is 0, and may appear several times") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\nContent-Length: {{content_length}}\nX-Len: [{{ content_length }}]\n\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\nContent-Length: 0\r\nX-Len: [0]\r\n\r\n");
    auto s = f.one("POST / HTTP/1.1\nX: {{content_length}}{{content_length}}\n\nabcdefghij");
    CHECK(s.bytes == "POST / HTTP/1.1\r\nX: 1010\r\n\r\nabcdefghij");
    CHECK(s.head_bytes == s.bytes.size() - 10);
}

TEST_CASE("{{content_length}} at the very end of a head without empty line") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\nContent-Length: {{content_length}}");
    CHECK(r.bytes == "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("{{content_length}} inside the body is an error") {
    Fixture f;
    auto e = f.error("POST / HTTP/1.1\n\nlen={{content_length}}\n");
    CHECK(e.line == 3);
    CHECK(e.column == 5);
    CHECK(e.message.find("body") != std::string::npos);
}

TEST_CASE("{{content_length}} in a definition is an error") {
    Fixture f;
    auto e = f.error("@len = {{content_length}}\nPOST / HTTP/1.1\n\n");
    CHECK(e.line == 1);
    CHECK(e.column == 8);
}

TEST_CASE("an error in the head is reported before one in the body") {
    Fixture f;
    auto e = f.error("POST / HTTP/1.1\nX: {{first}}\n\n{{second}}\n");
    CHECK(e.line == 2);
    CHECK(e.message.find("'first'") != std::string::npos);
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

TEST_CASE("every escape writes its exact bytes") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nX: [{{CR}}][{{LF}}][{{CRLF}}][{{TAB}}][{{SP}}][{{NUL}}]\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nX: [\r][\n][\r\n][\t][ ][\x00]\r\n\r\n"s);
}

TEST_CASE("{{hex:...}} in upper and lower case") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nX: {{hex:0d0A}}{{hex:DEADbeef}}{{ hex:41 }}\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nX: \r\n\xde\xad\xbe\xef" "A\r\n\r\n"s);
}

TEST_CASE("bad {{hex:...}} is an error at the expression's column") {
    for (const char* bad : {"{{hex:0}}", "{{hex:}}", "{{hex:0g}}", "{{hex:0d0}}", "{{hex:0d 0a}}"}) {
        Fixture f;
        auto e = f.error("GET / HTTP/1.1\nX: ab" + std::string(bad) + "\n\n");
        CHECK(e.line == 2);
        CHECK(e.column == 6);
        CHECK(e.message.find("hex digits") != std::string::npos);
    }
}

TEST_CASE("variables, with or without spaces inside the braces") {
    Fixture f;
    auto r = f.one("@host = a.test\n@p = /x\nGET {{p}} HTTP/1.1\nHost: {{ host }}\nX: {{\thost\t}}\n\n");
    CHECK(r.bytes == "GET /x HTTP/1.1\r\nHost: a.test\r\nX: a.test\r\n\r\n");
}

TEST_CASE("variable names may hold letters, digits, _, - and .") {
    Fixture f;
    auto r = f.one("@a_b-c.d9 = v\nGET /{{a_b-c.d9}} HTTP/1.1\n\n");
    CHECK(r.bytes == "GET /v HTTP/1.1\r\n\r\n");
}

TEST_CASE("{{\"text\"}} writes its text literally") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nX: {{\"{{\"}}x{{\"}}\"}}|{{ \"a b  c\" }}|{{\"\"}}|{{\"{{host}}\"}}\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nX: {{x}}|a b  c||{{host}}\r\n\r\n");
}

TEST_CASE("a }} without {{ is literal, and single braces are literal") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n\n{\"a\": {\"b\": 1}} }}\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\n{\"a\": {\"b\": 1}} }}");
}

TEST_CASE("in a run of braces the expression starts at the last two") {
    Fixture f;
    f.options.vars["v"] = "1";
    auto r = f.one("POST / HTTP/1.1\n\n{{{v}}} {{{{v}}}}\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\n\r\n{1} {{1}}");
}

TEST_CASE("{{env:NAME}} reads the environment through the hook") {
    Fixture f;
    f.env["TOKEN"] = "s3cret";
    auto r = f.one("GET / HTTP/1.1\nAuthorization: Bearer {{env:TOKEN}}\nX: {{ env: TOKEN }}\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nAuthorization: Bearer s3cret\r\nX: s3cret\r\n\r\n");
    CHECK(f.env_reads == std::vector<std::string>{"TOKEN", "TOKEN"});
}

TEST_CASE("the environment is never read implicitly") {
    Fixture f;
    f.env["host"] = "from-env";
    auto e = f.error("GET / HTTP/1.1\nHost: {{host}}\n\n");
    CHECK(e.message.find("undefined variable 'host'") != std::string::npos);
    CHECK(f.env_reads.empty());
}

TEST_CASE("an unset {{env:NAME}} is an error") {
    Fixture f;
    auto e = f.error("GET / HTTP/1.1\nX: {{env:NOPE_NOT_SET}}\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 4);
    CHECK(e.message.find("environment variable 'NOPE_NOT_SET' is not set") != std::string::npos);
    auto e2 = f.error("GET / HTTP/1.1\nX: {{env:}}\n\n");
    CHECK(e2.column == 4);
}

TEST_CASE("without a getenv hook the real environment is used") {
    ::setenv("RAWHTTP_COMPOSE_TEST_VAR", "real-env", 1);
    ComposeOptions o;
    auto out = rawhttp::compose_requests("GET /{{env:RAWHTTP_COMPOSE_TEST_VAR}} HTTP/1.1\n\n", o);
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "GET /real-env HTTP/1.1\r\n\r\n");
    ::unsetenv("RAWHTTP_COMPOSE_TEST_VAR");
    auto bad = rawhttp::compose_requests("GET /{{env:RAWHTTP_COMPOSE_TEST_VAR}} HTTP/1.1\n\n", o);
    CHECK(bad.error.has_value());
}

TEST_CASE("{{file:PATH}} is relative to base_dir, and its bytes are exact in the head and body") {
    Fixture f;
    f.files["/req/data/x.bin"] = "A\nB\0C"s;
    auto r = f.one("POST / HTTP/1.1\nX: {{file:data/x.bin}}\n\n{{ file: data/x.bin }}\n");
    CHECK(r.bytes == "POST / HTTP/1.1\r\nX: A\nB\0C\r\n\r\nA\nB\0C"s);
    CHECK(f.file_reads == std::vector<std::string>{"/req/data/x.bin", "/req/data/x.bin"});
}

TEST_CASE("{{file:PATH}} with an absolute path, and with base_dir '.' or ending in /") {
    Fixture f;
    f.files["/abs/x"] = "abs";
    f.files["rel/y"] = "rel";
    f.files["/base/z"] = "z";
    CHECK(f.one("GET /{{file:/abs/x}} HTTP/1.1\n\n").bytes == "GET /abs HTTP/1.1\r\n\r\n");
    f.options.base_dir = ".";
    CHECK(f.one("GET /{{file:rel/y}} HTTP/1.1\n\n").bytes == "GET /rel HTTP/1.1\r\n\r\n");
    f.options.base_dir = "/base/";
    CHECK(f.one("GET /{{file:z}} HTTP/1.1\n\n").bytes == "GET /z HTTP/1.1\r\n\r\n");
}

TEST_CASE("a missing {{file:PATH}} is an error naming the path") {
    Fixture f;
    auto e = f.error("POST / HTTP/1.1\nHost: x.test\n\n  {{file:does-not-exist.bin}}\n");
    CHECK(e.line == 4);
    CHECK(e.column == 3);
    CHECK(e.message.find("/req/does-not-exist.bin") != std::string::npos);
    CHECK(e.message.find("relative to the .req file") != std::string::npos);
    auto e2 = f.error("GET / HTTP/1.1\nX: {{file:}}\n\n");
    CHECK(e2.line == 2);
}

TEST_CASE("{{file:PATH}} read from disk by default, relative to base_dir") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("rawhttp-compose-test-" + std::to_string(::getpid()));
    fs::create_directories(dir / "sub");
    {
        std::ofstream out(dir / "sub" / "part.bin", std::ios::binary);
        out << "bin\0ary\r\n"s;
    }
    ComposeOptions o;
    o.base_dir = dir.string();
    auto out = rawhttp::compose_requests("POST / HTTP/1.1\nContent-Length: {{content_length}}\n\n{{file:sub/part.bin}}\n", o);
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 1);
    CHECK(out.requests[0].bytes == "POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nbin\0ary\r\n"s);
    // A folder is not a file.
    auto folder = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:sub}}\n", o);
    CHECK(folder.error.has_value());
    auto missing = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:nope}}\n", o);
    CHECK(missing.error.has_value());
    fs::remove_all(dir);
}

TEST_CASE("a 10 MiB {{file:...}} body is composed quickly") {
    Fixture f;
    std::string big(10 * 1024 * 1024, 'x');
    big[12345] = '\n';
    f.files["/req/big"] = big;
    auto start = std::chrono::steady_clock::now();
    auto r = f.one("POST / HTTP/1.1\nContent-Length: {{content_length}}\n\n{{file:big}}\n");
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::string head = "POST / HTTP/1.1\r\nContent-Length: 10485760\r\n\r\n";
    CHECK(r.bytes.size() == head.size() + big.size());
    CHECK(r.bytes.compare(0, head.size(), head) == 0);
    CHECK(r.bytes.compare(head.size(), std::string::npos, big) == 0);
    CHECK(ms < 5000);
}

TEST_CASE("a large literal file with many lines and expressions composes in linear time") {
    std::string text = "POST / HTTP/1.1\nContent-Length: {{content_length}}\n\n";
    std::string expect_body;
    for (int i = 0; i < 200000; ++i) {
        text += "line {{SP}}{{hex:41}}\n";
        expect_body += "line  A\n";
    }
    expect_body.pop_back();
    Fixture f;
    auto start = std::chrono::steady_clock::now();
    auto r = f.one(text);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(r.bytes.substr(r.head_bytes) == expect_body);
    CHECK(ms < 5000);
}

// ---------------------------------------------------------------------------
// Definitions and --var
// ---------------------------------------------------------------------------

TEST_CASE("a definition's value is trimmed and its expressions expanded when read") {
    Fixture f;
    auto r = f.one("@host =   a.test  \t\n@url = http://{{host}}/x\n@sp = {{SP}}v{{SP}}\n@empty =\nGET {{url}} HTTP/1.1\nX: [{{sp}}][{{empty}}]\n\n");
    CHECK(r.bytes == "GET http://a.test/x HTTP/1.1\r\nX: [ v ][]\r\n\r\n");
}

TEST_CASE("a definition sees only the definitions before it") {
    Fixture f;
    auto e = f.error("@url = http://{{host}}/\n@host = a.test\nGET {{url}} HTTP/1.1\n\n");
    CHECK(e.line == 1);
    CHECK(e.column == 15);
}

TEST_CASE("a later definition replaces an earlier one") {
    Fixture f;
    auto r = f.one("@v = 1\n@v = {{v}}2\nGET /{{v}} HTTP/1.1\n\n");
    CHECK(r.bytes == "GET /12 HTTP/1.1\r\n\r\n");
}

TEST_CASE("--var wins over @name, and its value is not expanded") {
    Fixture f;
    f.options.vars["host"] = "cli.test";
    f.options.vars["raw"] = "{{host}}";
    auto r = f.one("@host = file.test\n@h2 = {{host}}\nGET / HTTP/1.1\nHost: {{host}}\nX: {{h2}} {{raw}}\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: cli.test\r\nX: cli.test {{host}}\r\n\r\n");
    CHECK(r.host_header == "cli.test");
}

TEST_CASE("definitions and comments may be indented") {
    Fixture f;
    auto r = f.one("  # c\n\t// c\n  @x = 1\n \t\nGET /{{x}} HTTP/1.1\n\n");
    CHECK(r.bytes == "GET /1 HTTP/1.1\r\n\r\n");
    CHECK(r.line == 5);
}

TEST_CASE("a bad definition is an error at its line") {
    Fixture f;
    auto e1 = f.error("@host example.com\nGET / HTTP/1.1\n\n");
    CHECK(e1.line == 1);
    CHECK(e1.column == 7);
    CHECK(e1.message.find("'@host = value'") != std::string::npos);
    auto e2 = f.error("\n  @ = x\nGET / HTTP/1.1\n\n");
    CHECK(e2.line == 2);
    CHECK(e2.column == 3);
    auto e3 = f.error("@x: y\nGET / HTTP/1.1\n\n");
    CHECK(e3.column == 3);
    auto e4 = f.error("@x = {{nope}}\nGET / HTTP/1.1\n\n");
    CHECK(e4.line == 1);
    CHECK(e4.column == 6);
}

// ---------------------------------------------------------------------------
// @target, @tls, method, Host
// ---------------------------------------------------------------------------

TEST_CASE("@target and @tls are carried on the request and are variables too") {
    Fixture f;
    auto r = f.one("@target = 127.0.0.1:8443\n@tls = true\nGET / HTTP/1.1\nX: {{target}} {{tls}}\n\n");
    CHECK(r.target == "127.0.0.1:8443");
    CHECK(r.tls == true);
    CHECK(r.bytes == "GET / HTTP/1.1\r\nX: 127.0.0.1:8443 true\r\n\r\n");
    auto s = f.one("@tls = FALSE\nGET / HTTP/1.1\n\n");
    CHECK(s.tls == false);
    CHECK_FALSE(s.target.has_value());
    auto t = f.one("GET / HTTP/1.1\n\n");
    CHECK_FALSE(t.tls.has_value());
    CHECK_FALSE(t.target.has_value());
}

TEST_CASE("@target may be built from variables") {
    Fixture f;
    f.options.vars["port"] = "8080";
    auto r = f.one("@target = localhost:{{port}}\nGET / HTTP/1.1\n\n");
    CHECK(r.target == "localhost:8080");
}

TEST_CASE("an invalid @tls or an empty @target is an error at its line") {
    Fixture f;
    auto e = f.error("\n@tls = yes please\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 8);
    CHECK(e.message.find("true or false") != std::string::npos);
    auto e2 = f.error("@target =\nGET / HTTP/1.1\n\n");
    CHECK(e2.line == 1);
    CHECK(e2.message.find("HOST[:PORT]") != std::string::npos);
}

TEST_CASE("@target and @tls carry over to later requests; a later preamble changes them") {
    Fixture f;
    auto out = f.compose("@target = a:1\nGET /1 HTTP/1.1\n\n###\n@tls = true\nGET /2 HTTP/1.1\n\n###\n@target = b:2\n@tls=false\nGET /3 HTTP/1.1\n\n");
    REQUIRE(out.requests.size() == 3);
    CHECK(out.requests[0].target == "a:1");
    CHECK_FALSE(out.requests[0].tls.has_value());
    CHECK(out.requests[1].target == "a:1");
    CHECK(out.requests[1].tls == true);
    CHECK(out.requests[2].target == "b:2");
    CHECK(out.requests[2].tls == false);
}

TEST_CASE("method is the first token of the composed request line") {
    Fixture f;
    f.options.vars["m"] = "HEAD";
    CHECK(f.one("{{m}} / HTTP/1.1\n\n").method == "HEAD");
    CHECK(f.one("POST /x HTTP/1.1\n\n").method == "POST");
    CHECK(f.one("OPTIONS{{TAB}}* HTTP/1.1\n\n").method == "OPTIONS");
    CHECK(f.one("GET\n").method == "GET");
    CHECK(f.one("{{CRLF}}DELETE /x HTTP/1.1\n\n").method == "DELETE");
}

TEST_CASE("host_header is the trimmed value of the first Host field, any case") {
    Fixture f;
    f.options.vars["h"] = "v.test";
    CHECK(f.one("GET / HTTP/1.1\nAccept: */*\nhOsT:   a.test:8080  \nHost: b.test\n\n").host_header == "a.test:8080");
    CHECK(f.one("GET / HTTP/1.1\nHost:{{h}}\n\n").host_header == "v.test");
    CHECK(f.one("GET / HTTP/1.1\r\nHost: c.test\r\n\r\n").host_header == "c.test");
    CHECK(f.one("GET / HTTP/1.1{{CRLF}}Host: d.test{{CRLF}}{{CRLF}}").host_header == "d.test");
    CHECK(f.one("GET / HTTP/1.1\nHost: e.test").host_header == "e.test");
}

TEST_CASE("host_header is absent without a Host field in the head") {
    Fixture f;
    CHECK_FALSE(f.one("GET / HTTP/1.1\nX-Host: a\nHostname: b\n\n").host_header.has_value());
    CHECK_FALSE(f.one("POST / HTTP/1.1\n\nHost: in.body\n").host_header.has_value());
    CHECK_FALSE(f.one("Host: x\n\n").host_header.has_value());  // a request line is not a field
}

// ---------------------------------------------------------------------------
// Several requests
// ---------------------------------------------------------------------------

TEST_CASE("### starts the next request, which may have its own preamble and definitions") {
    Fixture f;
    auto out = f.compose("@h = a.test\n\nGET /1 HTTP/1.1\nHost: {{h}}\n\n### second one\n\n# comment\n@h = b.test\n@p = /2\nGET {{p}} HTTP/1.1\nHost: {{h}}\n\n###\t third\nGET /3 HTTP/1.1\nHost: {{h}}\n");
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 3);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK(out.requests[0].line == 3);
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\nHost: b.test\r\n\r\n");
    CHECK(out.requests[1].line == 11);
    CHECK(out.requests[2].bytes == "GET /3 HTTP/1.1\r\nHost: b.test\r\n\r\n");
    CHECK(out.requests[2].line == 15);
    CHECK(out.requests[2].host_header == "b.test");
}

TEST_CASE("an empty request after a trailing ### is ignored") {
    Fixture f;
    auto out = f.compose("GET /1 HTTP/1.1\n\n###\n\n# nothing more\n@x = 1\n");
    REQUIRE_FALSE(out.error.has_value());
    CHECK(out.requests.size() == 1);
    auto out2 = f.compose("GET /1 HTTP/1.1\n\n###");
    REQUIRE_FALSE(out2.error.has_value());
    CHECK(out2.requests.size() == 1);
}

TEST_CASE("### lines in a preamble are comments; #### and indented ### are not separators") {
    Fixture f;
    auto out = f.compose("###\n### first\nGET /1 HTTP/1.1\n\nbody\n####\n ###\n###x\n###\n###\nGET /2 HTTP/1.1\n\n");
    REQUIRE_FALSE(out.error.has_value());
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\r\n\r\nbody\n####\n ###\n###x");
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\n\r\n");
    CHECK(out.requests[1].line == 11);
}

TEST_CASE("a ### line with CRLF ends the request too") {
    Fixture f;
    auto out = f.compose("GET /1 HTTP/1.1\r\n\r\n###\r\nGET /2 HTTP/1.1\r\n\r\n");
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].bytes == "GET /1 HTTP/1.1\r\n\r\n");
    CHECK(out.requests[1].bytes == "GET /2 HTTP/1.1\r\n\r\n");
}

TEST_CASE("an error in a later request returns no request at all") {
    Fixture f;
    auto e = f.error("GET /1 HTTP/1.1\nHost: x.test\n\n###\nGET /2 HTTP/1.1\nHost: {{nope}}\n\n");
    CHECK(e.line == 6);
    CHECK(e.column == 7);
}

TEST_CASE("a file without a request line is an error at its last line") {
    Fixture f;
    auto e = f.error("# only comments\n@x = 1\n\n");
    CHECK(e.line == 3);
    CHECK(e.column == 1);
    CHECK(e.message.find("no request line found") != std::string::npos);
    auto e2 = f.error("");
    CHECK(e2.line == 1);
    CHECK(e2.column == 1);
    auto e3 = f.error("###\n###\n");
    CHECK(e3.line == 2);
}

// ---------------------------------------------------------------------------
// Errors: position and wording
// ---------------------------------------------------------------------------

TEST_CASE("undefined variable: line, column and a message that says how to fix it") {
    Fixture f;
    auto e = f.error("POST / HTTP/1.1\nHost: x.test\n\nvalue={{missing_value}}\n");
    CHECK(e.line == 4);
    CHECK(e.column == 7);
    CHECK(e.message == "undefined variable 'missing_value': define it with '@missing_value = ...'");
    CHECK(e.to_string() == "t.req:4:7: " + e.message);
    // The caller names its own way of giving a variable (the command line: --var).
    Fixture g;
    g.options.var_origin = "--var";
    CHECK(g.error("POST / HTTP/1.1\nHost: x.test\n\nvalue={{missing_value}}\n").message ==
          "undefined variable 'missing_value': define it with '@missing_value = ...' or '--var missing_value=...'");
}

TEST_CASE("a lower-case escape name hints at the upper-case escape") {
    Fixture f;
    auto e = f.error("GET / HTTP/1.1{{crlf}}\n\n");
    CHECK(e.message.find("{{CRLF}}") != std::string::npos);
    CHECK(e.column == 15);
}

TEST_CASE("unknown expression: line and column of its {{") {
    Fixture f;
    auto e = f.error("GET / HTTP/1.1\nHost: x.test\nX-A: {{frobnicate:1}}\n\n");
    CHECK(e.line == 3);
    CHECK(e.column == 6);
    CHECK(e.message.find("unknown expression '{{frobnicate:1}}'") != std::string::npos);
    auto e2 = f.error("GET /{{a b}} HTTP/1.1\n\n");
    CHECK(e2.line == 1);
    CHECK(e2.column == 6);
    CHECK(e2.message.find("unknown expression") != std::string::npos);
}

TEST_CASE("empty expression is an error") {
    Fixture f;
    auto e = f.error("GET /{{ }} HTTP/1.1\n\n");
    CHECK(e.column == 6);
    CHECK(e.message.find("empty expression") != std::string::npos);
}

TEST_CASE("unterminated {{ is an error, even when }} follows on a later line") {
    Fixture f;
    auto e = f.error("GET / HTTP/1.1\nX: {{host\n}}\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 4);
    CHECK(e.message.find("unterminated '{{'") != std::string::npos);
    CHECK(e.message.find("{{\"{{\"}}") != std::string::npos);
    auto e2 = f.error("GET / HTTP/1.1\n\nabc{{");
    CHECK(e2.line == 3);
    CHECK(e2.column == 4);
}

TEST_CASE("unterminated or malformed {{\"text\"}} is an error") {
    Fixture f;
    auto e = f.error("GET / HTTP/1.1\nX: {{\"abc}}\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 4);
    CHECK(e.message.find("unterminated literal") != std::string::npos);
    auto e2 = f.error("GET / HTTP/1.1\nX: {{\"a\"b\"}}\n\n");
    CHECK(e2.column == 4);
    CHECK(e2.message.find("{{hex:22}}") != std::string::npos);
}

TEST_CASE("columns count bytes, not characters") {
    Fixture f;
    auto e = f.error("GET /caf\xc3\xa9{{x}} HTTP/1.1\n\n");
    CHECK(e.column == 11);
    auto e2 = f.error("GET / HTTP/1.1\r\nX:\t{{x}}\r\n\r\n");
    CHECK(e2.line == 2);
    CHECK(e2.column == 4);
}

TEST_CASE("error messages escape control bytes from the file") {
    Fixture f;
    auto e = f.error("GET /{{a\x01\xff}} HTTP/1.1\n\n"s);
    CHECK(e.message.find("a\\x01\\xff") != std::string::npos);
    CHECK(e.message.find('\x01') == std::string::npos);
}

TEST_CASE("ComposeError::to_string shows FILE:LINE:COLUMN: message") {
    rawhttp::ComposeError e{"dir/x.req", 3, 14, "boom"};
    CHECK(e.to_string() == "dir/x.req:3:14: boom");
    e.file = "-";
    CHECK(e.to_string() == "<stdin>:3:14: boom");
    e.file = "<stdin>";
    CHECK(e.to_string() == "<stdin>:3:14: boom");
}

TEST_CASE("the error carries the file name given in the options") {
    Fixture f;
    f.options.file_name = "requests/a.req";
    auto e = f.error("GET /{{x}} HTTP/1.1\n\n");
    CHECK(e.file == "requests/a.req");
    CHECK(e.to_string().rfind("requests/a.req:1:6: ", 0) == 0);
}

TEST_CASE("expressions in comments are not expanded") {
    Fixture f;
    auto r = f.one("# {{undefined}} {{\n// {{file:nope}}\nGET / HTTP/1.1\n\n");
    CHECK(r.bytes == "GET / HTTP/1.1\r\n\r\n");
    CHECK(f.file_reads.empty());
}

// ---------------------------------------------------------------------------
// Limits (compose/limits.hpp): nothing a .req says can make composing unbounded
// ---------------------------------------------------------------------------

namespace {

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// "@a0 = xxxx" then @aN = {{aN-1}} four times: 4^(N+1) bytes at level N.
std::string doubling_definitions(int levels) {
    std::string text = "@a0 = xxxx\n";
    for (int i = 1; i < levels; ++i) {
        std::string prev = "{{a" + std::to_string(i - 1) + "}}";
        text += "@a" + std::to_string(i) + " = " + prev + prev + prev + prev + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("limits: the documented defaults") {
    ComposeOptions o;
    CHECK(o.limits.req_file_bytes == 16u << 20);
    CHECK(o.limits.included_file_bytes == 64u << 20);
    CHECK(o.limits.variable_bytes == 16u << 20);
    CHECK(o.limits.composed_bytes == 256u << 20);
    CHECK(o.limits.variable_depth == 32);
}

TEST_CASE("limits: twenty levels of variables that quadruple stop at the variable size limit, quickly") {
    Fixture f;
    std::string text = doubling_definitions(20) + "GET /{{a19}} HTTP/1.1\n\n";
    auto start = std::chrono::steady_clock::now();
    auto e = f.error(text);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    // a11 is 4^12 bytes = 16 MiB, exactly the limit; a12 (line 13) would be 64 MiB.
    CHECK(e.line == 13);
    CHECK(contains(e.message, "the value of '@a12' would be larger than 16 MiB, the most a variable may hold"));
    CHECK(contains(e.message, "{{a11}}"));
    CHECK(ms < 5000);
}

TEST_CASE("limits: a variable's value may be exactly the limit, not one byte more") {
    Fixture f;
    f.options.limits.variable_bytes = 10;
    auto r = f.one("@a = 01234{{hex:3536}}789\nGET /{{a}} HTTP/1.1\n\n");
    CHECK(r.bytes == "GET /0123456789 HTTP/1.1\r\n\r\n");
    auto e = f.error("@a = 0123456789\n@b = {{a}}x\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 11);  // the literal 'x' that passes the limit
    CHECK(contains(e.message, "'@b' would be larger than 10 bytes"));
    auto e2 = f.error("@a = 0123456789\n@b = x{{a}}\nGET / HTTP/1.1\n\n");
    CHECK(e2.column == 7);
    CHECK(contains(e2.message, "({{a}} brings it past)"));
    // --var values count too, and so does {{file:}}.
    f.options.vars["big"] = "0123456789A";
    CHECK(contains(f.error("@b = {{big}}\nGET / HTTP/1.1\n\n").message, "'@b' would be larger than 10 bytes"));
    f.options.vars.clear();
    f.files["/req/eleven"] = "0123456789A";
    CHECK(contains(f.error("@b = {{file:eleven}}\nGET / HTTP/1.1\n\n").message, "({{file:eleven}} brings it past)"));
}

TEST_CASE("limits: a value used many times in the body stops at the composed total, naming it") {
    Fixture f;
    f.options.limits.composed_bytes = 100;
    auto ok = f.one("@v = 0123456789\nPOST / HTTP/1.1\n\n{{v}}{{v}}{{v}}");  // 10 + 17 + 2 + 30 bytes
    CHECK(ok.bytes.size() == 49);
    auto e = f.error("@v = 0123456789\nPOST / HTTP/1.1\n\n{{v}}{{v}}{{v}}{{v}}{{v}}{{v}}{{v}}{{v}}{{v}}");
    CHECK(e.line == 4);
    CHECK(e.column == 1 + 5 * 7);  // the 8th {{v}}: 10 (value) + 19 (head) + 70 leaves 1 byte
    CHECK(contains(e.message, "{{v}} would take this file's composed requests and variables past 100 bytes"));
}

TEST_CASE("limits: the composed total covers every request of the file together") {
    Fixture f;
    f.options.limits.composed_bytes = 60;
    std::string one = "GET /0123456789 HTTP/1.1\n\n";  // 28 bytes composed
    CHECK(f.compose(one + "###\n" + one).requests.size() == 2);
    auto e = f.error(one + "###\n" + one + "###\n" + one);
    CHECK(e.line == 7);
    CHECK(contains(e.message, "past 60 bytes"));
}

TEST_CASE("limits: a {{file:}} larger than its limit is an error naming the file and the limit") {
    Fixture f;
    f.options.limits.included_file_bytes = 8;
    f.files["/req/eight"] = "12345678";
    f.files["/req/nine"] = "123456789";
    CHECK(f.one("POST / HTTP/1.1\n\n{{file:eight}}").bytes == "POST / HTTP/1.1\r\n\r\n12345678");
    CHECK(f.read_limits == std::vector<std::size_t>{8});
    auto e = f.error("POST / HTTP/1.1\nX: ab{{file:nine}}\n\n");
    CHECK(e.line == 2);
    CHECK(e.column == 6);
    CHECK(e.message == "'/req/nine' for {{file:nine}} is larger than 8 bytes, the most one {{file:}} may include "
                       "in a head (in the body, a file of any size is sent from disk)");
    e = f.error("@v = {{file:nine}}\nPOST / HTTP/1.1\n\n{{v}}");
    CHECK(contains(e.message, "may include in a definition"));
}

TEST_CASE("limits: in a body, a {{file:}} larger than the limit is streamed, not held") {
    Fixture f;
    f.options.limits.included_file_bytes = 8;
    f.files["/req/nine"] = "123456789";
    f.files["/req/four"] = "4444";
    auto r = f.one("POST / HTTP/1.1\nContent-Length: {{content_length}}\n\nab{{file:nine}}{{file:four}}{{file:nine}}\nz");
    const std::string head = "POST / HTTP/1.1\r\nContent-Length: 26\r\n\r\n";
    CHECK(r.bytes == head + "ab4444\nz");
    CHECK(r.head_bytes == head.size());
    REQUIRE(r.streamed.size() == 2);
    CHECK(r.streamed[0].at == head.size() + 2);
    CHECK(r.streamed[0].path == "/req/nine");
    CHECK(r.streamed[0].size == 9);
    CHECK(r.streamed[1].at == head.size() + 6);
    CHECK(r.streamed[1].size == 9);
    CHECK(has_note(r, "'/req/nine' (9 bytes, more than the 8 bytes a {{file:}} may hold) is read from disk"));
}

TEST_CASE("limits: the same file included again and again stops at the composed total") {
    Fixture f;
    f.options.limits.composed_bytes = 1000;
    f.files["/req/hundred"] = std::string(100, 'h');
    std::string body;
    for (int i = 0; i < 50; ++i) body += "{{file:hundred}}";
    auto e = f.error("POST / HTTP/1.1\n\n" + body);
    CHECK(contains(e.message, "{{file:hundred}} would take"));
    CHECK(f.file_reads.size() == 10);  // 19 head bytes + 9 x 100, then the 10th is refused
}

TEST_CASE("limits: a .req text larger than its limit is refused before it is split") {
    Fixture f;
    f.options.limits.req_file_bytes = 20;
    CHECK(f.one("GET / HTTP/1.1\n\n").bytes == "GET / HTTP/1.1\r\n\r\n");
    auto e = f.error("GET /0123456789 HTTP/1.1\n\n");
    CHECK(e.line == 1);
    CHECK(e.column == 1);
    CHECK(contains(e.message, "larger than 20 bytes"));
}

TEST_CASE("limits: definitions nest at most 32 levels") {
    Fixture f;
    std::string text = "@a0 = x\n";
    for (int i = 1; i <= 32; ++i) text += "@a" + std::to_string(i) + " = {{a" + std::to_string(i - 1) + "}}\n";
    CHECK(f.one(text + "GET /{{a32}} HTTP/1.1\n\n").bytes == "GET /x HTTP/1.1\r\n\r\n");
    auto e = f.error(text + "@a33 = y{{a32}}\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 34);
    CHECK(e.column == 9);
    CHECK(contains(e.message, "'@a33' would be built from variables nested 33 levels deep through {{a32}}; at most 32"));
    // The deepest reference counts, and a --var is one level.
    f.options.limits.variable_depth = 2;
    f.options.vars["v"] = "cli";
    CHECK(f.one("@a = {{v}}\n@b = {{a}}\nGET /{{b}} HTTP/1.1\n\n").bytes == "GET /cli HTTP/1.1\r\n\r\n");
    CHECK(contains(f.error("@a = {{v}}\n@b = {{a}}\n@c = {{v}}{{b}}\nGET / HTTP/1.1\n\n").message, "nested 3 levels"));
    // Using a deep variable in the request is no deeper.
    CHECK(f.one("@a = {{v}}\n@b = {{a}}\nGET /{{b}}{{b}} HTTP/1.1\n\n").bytes == "GET /clicli HTTP/1.1\r\n\r\n");
}

TEST_CASE("limits: a definition that refers to itself is an error naming it") {
    Fixture f;
    auto e = f.error("@loop = a{{loop}}\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 1);
    CHECK(e.column == 10);
    CHECK(contains(e.message, "'@loop' refers to itself"));
    // With an earlier value it is not a loop: the earlier value is used.
    CHECK(f.one("@loop = a\n@loop = {{loop}}b\nGET /{{loop}} HTTP/1.1\n\n").bytes == "GET /ab HTTP/1.1\r\n\r\n");
}

TEST_CASE("limits: definitions referring to each other are an error naming the later one") {
    Fixture f;
    auto e = f.error("@a = {{b}}\n@b = {{a}}\nGET / HTTP/1.1\n\n");
    CHECK(e.line == 1);
    CHECK(e.column == 6);
    CHECK(contains(e.message, "undefined variable 'b'"));
    CHECK(contains(e.message, "'@b' is defined later, on line 2"));
}

TEST_CASE("limits: {{file:}} reads only regular files, and never blocks on a FIFO") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("rawhttp-compose-limits-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    ComposeOptions o;
    o.base_dir = dir.string();
    auto start = std::chrono::steady_clock::now();
    auto fifo = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:fifo}}\n", o);
    auto zero = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:/dev/zero}}\n", o);
    auto folder = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:.}}\n", o);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(fifo.error.has_value());
    CHECK(contains(fifo.error->message, "is a FIFO (named pipe), not a regular file"));
    REQUIRE(zero.error.has_value());
    CHECK(contains(zero.error->message, "'/dev/zero' for {{file:/dev/zero}}: it is a character device"));
    CHECK(zero.error->line == 3);
    REQUIRE(folder.error.has_value());
    CHECK(contains(folder.error->message, "is a folder"));
    CHECK(ms < 2000);
    // A real file larger than the limit is refused by its size, before reading.
    {
        std::ofstream big(dir / "big", std::ios::binary);
        big << std::string(4096, 'b');
    }
    o.limits.included_file_bytes = 4095;
    auto big = rawhttp::compose_requests("POST / HTTP/1.1\nX: {{file:big}}\n\n", o);
    REQUIRE(big.error.has_value());
    CHECK(contains(big.error->message, "is larger than 4095 bytes, the most one {{file:}} may include in a head"));
    auto streamed = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:big}}\n", o);
    REQUIRE_FALSE(streamed.error.has_value());
    REQUIRE(streamed.requests.at(0).streamed.size() == 1);
    CHECK(streamed.requests[0].streamed[0].size == 4096);
    o.limits.included_file_bytes = 4096;
    auto held = rawhttp::compose_requests("POST / HTTP/1.1\n\n{{file:big}}\n", o);
    REQUIRE_FALSE(held.error.has_value());
    CHECK(held.requests.at(0).streamed.empty());
    fs::remove_all(dir);
}

TEST_CASE("limits: at most 100000 requests in one file, the error at the first one too many") {
    Fixture f;
    CHECK(f.options.limits.requests == 100000);
    f.options.limits.requests = 3;
    std::string one = "GET / HTTP/1.1\n\n###\n";
    CHECK(f.compose(one + one + one).requests.size() == 3);
    auto e = f.error(one + one + one + one);
    CHECK(e.line == 10);
    CHECK(e.column == 1);
    CHECK(contains(e.message, "more than 3 requests in one .req"));
}

TEST_CASE("limits: a file of nothing but line breaks composes, CR LF and LF alike") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\r\n\r\n" + std::string(100000, '\n') + "\r\nx\r");
    CHECK(r.bytes == "GET / HTTP/1.1\r\n\r\n" + std::string(100000, '\n') + "\r\nx\r");
}

// ---------------------------------------------------------------- where each wire line was written

namespace {
// "line:column" of each wire line, and a check that there is one per line of the bytes.
std::string sources(const ComposedRequest& r) {
    std::size_t breaks = 0;
    for (char c : r.bytes) breaks += c == '\n';
    CHECK(r.wire_lines.size() == breaks + 1);
    std::string s;
    for (const auto& w : r.wire_lines) s += (s.empty() ? "" : " ") + std::to_string(w.line) + ":" + std::to_string(w.column);
    return s;
}
}  // namespace

TEST_CASE("wire lines: a plain request's lines are the file's, from its request line on") {
    Fixture f;
    auto r = f.one("# a comment\n@x = 1\nPOST /a HTTP/1.1\nHost: h\n\nline one\nline two\n");
    CHECK(r.line == 3);
    // Request line, Host, the empty line, two body lines (the last LF is the editor's, not sent).
    CHECK(sources(r) == "3:1 4:1 5:1 6:1 7:1");
    CHECK(r.source_line(4) == 6);
    CHECK(r.source_line(9) == 11);  // past the recorded lines (line 7 was the 5th): counted on
    CHECK(r.source_line(0) == 3);
}

TEST_CASE("wire lines: a line break from an escape, a variable or a file is the expression's") {
    Fixture f;
    f.files["/req/two.txt"] = "a\nb\n";
    f.env["E"] = "x\ny";
    auto r = f.one("@v = p{{LF}}q\nGET / HTTP/1.1\nX: 1{{CRLF}}Y: 2\nZ: {{v}}\n\n{{file:two.txt}}W: {{env:E}}\nend\n");
    // Request line 2; line 3 brings one break at column 5 ({{CRLF}}); line 4 one
    // at column 4 ({{v}}, whose definition's break counts where it is used);
    // the empty line 5; the body: the file's two breaks at 1, the env's at 20, then line 7.
    CHECK(sources(r) == "2:1 3:1 3:5 4:1 4:4 5:1 6:1 6:1 6:1 6:20 7:1");
}

TEST_CASE("wire lines: the empty line the composer adds is the head's last line's") {
    Fixture f;
    auto r = f.one("GET / HTTP/1.1\nHost: h");
    CHECK(r.bytes == "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(sources(r) == "1:1 2:1 2:8 2:8");
    auto two = f.compose("GET /1 HTTP/1.1\n\n###\n\nGET /2 HTTP/1.1\nA: b\n\n");
    REQUIRE(two.requests.size() == 2);
    CHECK(sources(two.requests[1]) == "5:1 6:1 7:1 8:1");
}

TEST_CASE("wire lines: a body of many line breaks records a bounded number of lines, and counts on past them") {
    Fixture f;
    auto r = f.one("POST / HTTP/1.1\n\n" + std::string(100000, '\n'));
    CHECK(r.wire_lines.size() == 3 + 65536);  // the head's three lines, the body's first 65536
    CHECK(r.source_line(65536) == 65536);
    CHECK(r.source_line(70000) == 70000);  // each file line is a wire line here
}
