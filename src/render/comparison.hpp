// The shape of a comparison of two exchanges (rawhttp's and libcurl's), as
// compare/ computes it and the text and JSON outputs (comparison_text.hpp,
// comparison_json.hpp) show it. The shapes live here, beside their outputs,
// because compare/ is above render/ in the module graph (it records and
// escapes with render/); compare/ fills them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "core/error.hpp"

namespace rawhttp::render {

// ------------------------------------------------------------------ requests

// One line of the heads' diff: ' ' in both, '-' only in rawhttp's request,
// '+' only in curl's. `text` is the line's exact bytes, with its line ending.
struct DiffLine {
    char op = ' ';
    std::string text;
    bool operator==(const DiffLine&) const = default;
};

enum class ChangeKind {
    request_line,  // the request line was rewritten
    added,         // a header only curl sent
    removed,       // a header only rawhttp sent (curl left it out)
    changed,       // the same header, written differently (value, name's case, spacing, line ending)
    moved,         // the same header at another place among the others
    head,          // the head's other lines (its empty line, a line that is not a header)
    body,          // the bodies differ
};
std::string_view change_kind_name(ChangeKind kind);  // "request-line", "added", ...

struct RequestChange {
    ChangeKind kind = ChangeKind::changed;
    std::string name;                    // the header's name (curl's spelling when it has one); empty otherwise
    std::optional<std::string> rawhttp;  // rawhttp's line (no line ending) or body; null when absent
    std::optional<std::string> curl;     // curl's
    std::string message;                 // "curl added User-Agent: curl/7.88.1" (terminal-safe)
};

struct RequestDiff {
    std::vector<DiffLine> lines;  // the heads (request line to empty line), line by line
    std::size_t rawhttp_head_bytes = 0, curl_head_bytes = 0;
    std::size_t rawhttp_body_bytes = 0, curl_body_bytes = 0;
    bool body_equal = true;
    bool identical = true;  // the two byte strings are equal
    // false when a side wrote nothing (it failed before sending): there is
    // nothing to diff, and the outcome is compared with the responses.
    bool compared = true;
    std::vector<RequestChange> changes;
};

// ----------------------------------------------------------------- responses

// One side of an exchange, as compared.
struct SideSummary {
    bool sent = true;  // false: this side never got to this exchange (an earlier one failed)
    std::string request;                       // the exact bytes written
    std::optional<client::Response> response;  // what was parsed
    std::optional<Error> error;
    std::string body_sha256;                   // of the decoded body
    client::Timing timing;
    std::optional<net::ConnectionInfo> connection;
};

struct ResponseDifference {
    std::string what;  // "error", "version", "status", "reason", "interim", "header", "header-order",
                       // "trailers", "framing", "body", "complete"
    std::string name;  // the header's name for "header"
    std::optional<std::string> rawhttp, curl;  // values; null when absent
    std::string message;                       // terminal-safe
};

struct ResponseComparison {
    std::vector<ResponseDifference> differences;  // always counted
    std::vector<ResponseDifference> volatile_differences;  // counted only when strict
    bool strict = false;
    bool match() const { return differences.empty() && (!strict || volatile_differences.empty()); }
};

// Words for a response's parts, shared by the differences' messages and the
// side-by-side table so that both say a thing alike.
std::string interim_words(const client::Response& r);  // "100, 103" or "none"
std::string framing_words(const client::Response& r);  // "chunked", ... or "undetermined"
std::string body_words(const client::Response& r, const std::string& sha);  // "12 bytes, sha256 0123..."

// ------------------------------------------------------------------- reports

struct ExchangeComparison {
    std::size_t index = 0;
    std::size_t line = 0;  // of the request in the file
    SideSummary rawhttp, curl;
    RequestDiff request;
    ResponseComparison response;
    std::string curl_command;  // a curl command line that sends what the curl side sent
    bool match() const { return request.identical && response.match(); }
    std::size_t difference_count() const;
};

struct Comparison {
    std::string file;
    std::string curl_mode;        // "exact", "curl-headers", "curl-default"
    std::string curl_side_words;  // what the curl side sends, in a sentence
    bool strict = false;
    std::string curl_version;
    std::vector<std::string> volatile_headers;  // the names set apart unless strict
    std::vector<ExchangeComparison> exchanges;
    std::vector<std::string> notes;
    bool match() const;
};

}  // namespace rawhttp::render
