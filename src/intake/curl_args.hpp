// The request curl 7.88 sends for its common options, as .req text.
//
// Takes values (a URL, a method, header lines, data pieces...), never
// command-line flag names: `send URL -H ... -d ...` and `import curl '...'`
// both fill a CurlArgs and get back the text of a .req, which then goes
// through the one composer (compose_requests) like any file.
//
// What it reproduces, checked against curl 7.88.1 on the wire (see
// tests/integration/test_curl_flags.py): the header order Host,
// Authorization, User-Agent, Accept, Referer, Cookie, the custom headers in
// order (a JSON body's Content-Type and Accept after them), then
// Content-Length, the form Content-Type and, past 1 MiB, Expect: 100-continue;
// a custom header replaces curl's own of that name ("Host" in the first
// place), "Name:" removes one, "Name;" sends it empty; form data (-d) from a
// file loses its CR and LF bytes, pieces are joined with '&' (a JSON piece
// without); a custom Transfer-Encoding: chunked makes curl chunk the body.
// The two headers curl adds on its own, User-Agent: curl/VERSION and
// Accept: */*, are left out unless keep_curl_headers.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/file_read.hpp"

namespace rawhttp::intake {

enum class DataKind {
    form,    // curl -d/--data/--data-ascii: "@FILE" is read with CR and LF removed
    binary,  // --data-binary: "@FILE" is read as it is
    raw,     // --data-raw: never read from a file
    json,    // --json: "@FILE" as binary; adds Content-Type and Accept; joined without '&'
};

struct DataPiece {
    DataKind kind = DataKind::form;
    std::string value;  // "@path" (or "@-" for standard input) reads a file, except for raw
};

struct CurlArgs {
    std::string url;
    std::optional<std::string> method;          // -X: the request line's method, nothing else
    std::vector<std::string> headers;           // -H, in order
    std::vector<DataPiece> data;
    std::optional<std::string> user;            // -u "user:password"
    std::optional<std::string> user_agent;      // -A ("" sends none)
    std::optional<std::string> referer;         // -e
    std::optional<std::string> cookie;          // -b "name=value; ..."
    std::optional<std::string> accept_encoding;  // --compressed: the codings this curl offers
    std::optional<std::string> request_target;  // --request-target
    bool head = false;                          // -I
    bool http10 = false;                        // -0
    bool path_as_is = false;                    // --path-as-is
    bool keep_curl_headers = false;             // keep User-Agent: curl/VERSION and Accept: */*
    std::string curl_version = "7.88.1";        // for User-Agent: curl/VERSION
};

// Reads "@path" data; "-" is standard input. Defaults to read_regular_file.
using DataFileReader = std::function<FileRead(const std::string& path, std::size_t max_bytes)>;

struct CurlRequest {
    std::string req_text;            // the .req (with @target, and @tls for https)
    std::string bytes;               // what the .req composes to (what curl sends)
    std::string target;              // host:port to connect to
    bool tls = false;
    std::vector<std::string> notes;  // what was read from where, what was ignored
};

// Errors: usage (a bad URL, a user without a password, a cookie without '=',
// a method alongside HEAD with data), file (a data file that cannot be read).
Result<CurlRequest> curl_request(const CurlArgs& args, const DataFileReader& read_file = {});

// Above this a data file is refused (the composer's limit for a held file).
inline constexpr std::size_t kMaxDataFileBytes = 64u << 20;

// curl 7.88 adds Expect: 100-continue to a body larger than this.
inline constexpr std::size_t kCurlExpectThreshold = 1u << 20;

}  // namespace rawhttp::intake
