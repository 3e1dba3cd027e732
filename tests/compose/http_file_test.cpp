// Tests of the .http front end (src/compose/http_file): the bytes each editor
// convention composes to, the notes, the references and their errors.
#include "compose/http_file.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace std::string_literals;
using namespace rawhttp;

namespace {

struct Http {
    ComposeOptions options;
    HttpFileOptions http;
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> env;

    Http() {
        options.file_name = "t.http";
        options.base_dir = "/h";
        options.read_file = [this](const std::string& path, std::size_t) -> FileRead {
            auto it = files.find(path);
            if (it == files.end()) return {ReadFailure::missing, {}, "does not exist"};
            return {ReadFailure::none, it->second, {}};
        };
        options.getenv = [this](const std::string& name) -> std::optional<std::string> {
            auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        http.now_ms = [] { return std::int64_t{1795370400123}; };  // 2026-11-22T18:00:00.123Z, a Sunday
        http.random = [] { return std::uint64_t{0x0123456789abcdefULL}; };
    }

    HttpFileOutput run(const std::string& text) { return compose_http_file(text, options, http); }

    std::string bytes(const std::string& text) {
        auto out = run(text);
        REQUIRE_MESSAGE(!out.composed.error, out.composed.error->to_string());
        std::string all;
        for (const auto& r : out.composed.requests) all += r.bytes;
        return all;
    }

    std::string error(const std::string& text) {
        auto out = run(text);
        REQUIRE(out.composed.error);
        return out.composed.error->to_string();
    }
};

bool has_note(const ComposedRequest& r, const std::string& part) {
    for (const auto& n : r.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("http file: the dialect is chosen by the name or @format = http") {
    CHECK(detect_dialect("a.http", "") == Dialect::http);
    CHECK(detect_dialect("dir/A.REST", "") == Dialect::http);
    CHECK(detect_dialect("a.req", "GET / HTTP/1.1\n") == Dialect::req);
    CHECK(detect_dialect("a.req", "# x\n@format = http\n\nGET https://x/\n") == Dialect::http);
    CHECK(detect_dialect("<stdin>", "GET / HTTP/1.1\n@format = http\n") == Dialect::req);  // past the preamble
}

TEST_CASE("http file: a URL becomes target, Host and TLS; a missing version HTTP/1.1; each a note") {
    Http h;
    auto out = h.run("GET https://api.example.com:8443/users?page=2#top\n");
    REQUIRE(!out.composed.error);
    const auto& r = out.composed.requests.at(0);
    CHECK(r.bytes == "GET /users?page=2 HTTP/1.1\r\nHost: api.example.com:8443\r\n\r\n");
    CHECK(r.tls == std::optional<bool>(true));
    CHECK(r.line == 1);
    CHECK(has_note(r, "is sent as the target /users?page=2, with Host: api.example.com:8443, over TLS"));
    CHECK(has_note(r, "no HTTP version: HTTP/1.1 added"));
    CHECK(h.bytes("http://example.com\n") == "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    auto plain = h.run("POST http://x.test/a HTTP/1.0\n");
    CHECK(plain.composed.requests.at(0).tls == std::optional<bool>(false));
    CHECK(plain.composed.requests.at(0).bytes == "POST /a HTTP/1.0\r\nHost: x.test\r\n\r\n");
}

TEST_CASE("http file: query continuation lines, comments in the head, the file's own Host") {
    Http h;
    CHECK(h.bytes("GET https://x.test/search\n    ?q=rest\n    &lang=en\n# a comment\nAccept: */*\n") ==
          "GET /search?q=rest&lang=en HTTP/1.1\r\nHost: x.test\r\nAccept: */*\r\n\r\n");
    auto out = h.run("GET http://x.test/ HTTP/1.1\nHost: other.test\n");
    CHECK(out.composed.requests.at(0).bytes == "GET / HTTP/1.1\r\nHost: other.test\r\n\r\n");
    CHECK(has_note(out.composed.requests.at(0), "own Host header is sent"));
}

TEST_CASE("http file: bodies get Content-Length, trailing blank lines are not sent, ### splitting a body is noted") {
    Http h;
    auto out = h.run(
        "POST https://x.test/items\nContent-Type: application/json\n\n{\"a\": 1}\n\n\n### second\nGET https://x.test/\n");
    REQUIRE(!out.composed.error);
    REQUIRE(out.composed.requests.size() == 2);
    const auto& r = out.composed.requests[0];
    CHECK(r.bytes ==
          "POST /items HTTP/1.1\r\nHost: x.test\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\": 1}");
    CHECK(has_note(r, "Content-Length added"));
    CHECK(has_note(r, "line 7: '### second' ends this request's body"));
    auto plain = h.run("POST http://x.test/\n\nbody\n###\nGET http://x.test/\n");
    CHECK(!has_note(plain.composed.requests.at(0), "ends this request's body"));
    CHECK(out.composed.requests[1].line == 8);
}

TEST_CASE("http file: < file bodies, <@ with variables, file variables and --var") {
    Http h;
    h.files["/h/body.json"] = "{\"id\": 7}\n";
    h.files["/h/tmpl.json"] = "{\"user\": \"{{user}}\"}";
    CHECK(h.bytes("POST http://x.test/\n\n< ./body.json\n") ==
          "POST / HTTP/1.1\r\nHost: x.test\r\nContent-Length: 10\r\n\r\n{\"id\": 7}\n");
    CHECK(h.bytes("@user = ann\nPOST http://x.test/\n\n<@ tmpl.json\n") ==
          "POST / HTTP/1.1\r\nHost: x.test\r\nContent-Length: 15\r\n\r\n{\"user\": \"ann\"}");
    CHECK(h.bytes("@base = https://x.test/v1\n@path = items\nGET {{base}}/{{path}}\n") ==
          "GET /v1/items HTTP/1.1\r\nHost: x.test\r\n\r\n");
    h.options.vars["base"] = "http://cli.test";
    CHECK(h.bytes("@base = https://x.test/v1\nGET {{base}}/a\n") == "GET /a HTTP/1.1\r\nHost: cli.test\r\n\r\n");
}

TEST_CASE("http file: system variables") {
    Http h;
    h.env["TOKEN"] = "s3cret";
    h.files["/h/.env"] = "# comment\nexport API_KEY=\"k-1\"\nOTHER=2\n";
    CHECK(h.bytes("GET http://x.test/\nX-Id: {{$guid}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nX-Id: efcdab89-6745-4301-afcd-ab8967452301\r\n\r\n");
    CHECK(h.bytes("GET http://x.test/\nX-N: {{$randomInt 10 20}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nX-N: " + std::to_string(10 + 0x0123456789abcdefULL % 10) + "\r\n\r\n");
    CHECK(h.bytes("GET http://x.test/\nX-T: {{$timestamp}}\nX-Y: {{$timestamp -1 d}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nX-T: 1795370400\r\nX-Y: 1795284000\r\n\r\n");
    CHECK(h.bytes("GET http://x.test/\nX-A: {{$datetime iso8601}}\nX-B: {{$datetime rfc1123}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nX-A: 2026-11-22T18:00:00.123Z\r\nX-B: Sun, 22 Nov 2026 18:00:00 GMT\r\n\r\n");
    CHECK(h.bytes("GET http://x.test/\nX-M: {{$datetime iso8601 1 M}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nX-M: 2026-12-22T18:00:00.123Z\r\n\r\n");
    CHECK(h.bytes("GET http://x.test/\nAuthorization: Bearer {{$processEnv TOKEN}}\nX-K: {{$dotenv API_KEY}}\n") ==
          "GET / HTTP/1.1\r\nHost: x.test\r\nAuthorization: Bearer s3cret\r\nX-K: k-1\r\n\r\n");
    CHECK(h.error("GET http://x.test/\nX: {{$processEnv NOPE}}\n") ==
          "t.http:2:4: {{$processEnv NOPE}}: the environment variable 'NOPE' is not set: export it");
    CHECK(h.error("GET http://x.test/\nX: {{$dotenv NOPE}}\n").find("'NOPE' is not in the .env file") != std::string::npos);
    CHECK(h.error("GET http://x.test/\nX: {{$randomInt 5 5}}\n").find("MIN < MAX") != std::string::npos);
    CHECK(h.error("GET http://x.test/\nX: {{$datetime \"YYYY\"}}\n").find("iso8601 and rfc1123") != std::string::npos);
    CHECK(h.error("GET http://x.test/\nX: {{$nope}}\n").find("unknown system variable") != std::string::npos);
}

TEST_CASE("http file: a value with braces or line breaks is sent exactly") {
    Http h;
    h.env["J"] = "{{x}}\r\n";
    CHECK(h.bytes("POST http://x.test/\n\n{{$processEnv J}}\n") ==
          "POST / HTTP/1.1\r\nHost: x.test\r\nContent-Length: 7\r\n\r\n{{x}}\r\n");
}

TEST_CASE("http file: JetBrains scripts and >> are errors naming the line") {
    Http h;
    CHECK(h.error("GET http://x.test/\n\n> {%\n client.test(); \n%}\n").starts_with("t.http:3:1: a JetBrains response handler"));
    CHECK(h.error("GET http://x.test/\n\n> ./check.js\n").starts_with("t.http:3:1:"));
    CHECK(h.error("GET http://x.test/\n\n>> out.json\n").find("send -o FILE") != std::string::npos);
    CHECK(h.error("< {% request.variables.set('a', 1) %}\nGET http://x.test/\n").starts_with("t.http:1:1: a JetBrains pre-request"));
}

TEST_CASE("http file: references are checked, shown unfilled, and filled when their request is due") {
    Http h;
    const std::string text =
        "# @name login\nPOST https://x.test/login\nContent-Type: application/json\n\n{\"user\": \"ann\"}\n\n###\n"
        "@token = {{login.response.body.$.token}}\n"
        "GET https://x.test/me\nAuthorization: Bearer {{token}}\nX-Status: {{login.response.status}}\n";
    auto out = h.run(text);
    REQUIRE_MESSAGE(!out.composed.error, out.composed.error->to_string());
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0].name == "login");
    REQUIRE(out.requests[1].waits.size() == 2);
    CHECK(out.requests[1].waits[0].line == 8);
    CHECK(out.requests[1].waits[1].line == 11);
    const auto& unfilled = out.composed.requests[1];
    CHECK(unfilled.bytes ==
          "GET /me HTTP/1.1\r\nHost: x.test\r\nAuthorization: Bearer {{login.response.body.$.token}}\r\n"
          "X-Status: {{login.response.status}}\r\n\r\n");
    CHECK(has_note(unfilled, "{{login.response.body.$.token}} (line 8) waits for the response to request 1 'login' (line 2)"));

    h.http.fill_request = 1;
    h.http.lookup = [](const ResponseRef& ref, std::size_t named) -> Result<std::string> {
        CHECK(named == 0);
        RefResponse r;
        r.status = 200;
        r.body = "{\"token\": \"abc.def\"}";
        return resolve_response_ref(ref, r);
    };
    auto filled = h.run(text);
    REQUIRE_MESSAGE(!filled.composed.error, filled.composed.error->to_string());
    CHECK(filled.composed.requests[1].bytes ==
          "GET /me HTTP/1.1\r\nHost: x.test\r\nAuthorization: Bearer abc.def\r\nX-Status: 200\r\n\r\n");

    h.http.lookup = [](const ResponseRef&, std::size_t) -> Result<std::string> {
        return make_error(ErrorKind::template_, "$ has no member 'token'");
    };
    CHECK(h.error(text) ==
          "t.http:8:1: {{login.response.body.$.token}} cannot be filled from the response to request 1 'login': "
          "$ has no member 'token'; this request was not sent");
}

TEST_CASE("http file: a reference to no request, a later one or with bad syntax is an error before anything is sent") {
    Http h;
    CHECK(h.error("GET http://x.test/\nX: {{who.response.status}}\n").find("no request has '# @name who'") !=
          std::string::npos);
    CHECK(h.error("GET http://x.test/\nX: {{later.response.status}}\n\n###\n# @name later\nGET http://x.test/\n")
              .find("which is not sent before this one") != std::string::npos);
    CHECK(h.error("# @name me\nGET http://x.test/\nX: {{me.response.status}}\n").find("(this one)") != std::string::npos);
    CHECK(h.error("# @name a\nGET http://x.test/\n\n###\nGET http://x.test/\nX: {{a.response.body.$.x[}}\n")
              .find("bad JSONPath") != std::string::npos);
    CHECK(h.error("# @name a\nGET http://x.test/\n\n###\nGET http://x.test/\nX: {{a.response.cookies}}\n")
              .find("is not a part of a response") != std::string::npos);
    CHECK(h.error("# @name a\nGET http://x.test/\n\n###\nGET http://x.test/\nX: {{a.request.headers.X}}\n")
              .find("references to a response only") != std::string::npos);
}

TEST_CASE("http file: each composed line knows its .http line") {
    Http h;
    auto out = h.run("\nGET https://x.test/a\n# a comment\nAccept: x\n\nbody\n");
    REQUIRE(out.composed.requests.size() == 1);
    std::vector<std::size_t> lines;
    for (const auto& w : out.composed.requests[0].wire_lines) lines.push_back(w.line);
    // Request line, the added Host, Accept, the added Content-Length, the empty line, the body.
    CHECK(lines == std::vector<std::size_t>{2, 2, 4, 2, 5, 6});
}

TEST_CASE("http file: composer errors point into the .http file") {
    Http h;
    CHECK(h.error("GET https://x.test/\nA: 1\nB: {{undefined}}\n").starts_with("t.http:3:"));
}
