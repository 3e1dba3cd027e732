// What `rawhttp compare` shows: the two requests (rawhttp's and libcurl's exact
// bytes) as a diff of lines with every difference named plainly, the two
// responses compared field by field, and the timing of both; as data, as text
// and as JSON. Knows nothing of sockets or of the command line.
#pragma once

#include "compare/curl_command.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "compare/curl_exchange.hpp"
#include "core/error.hpp"
#include "render/escape.hpp"

namespace rawhttp::tls {
struct OpenSslApi;
}

namespace rawhttp::compare {

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

// Diffs two exact requests: lines of the heads (LCS), then each header paired
// by name and occurrence (the 2nd Accept with the 2nd Accept): added, removed,
// changed, moved; the request line; the body.
RequestDiff diff_requests(std::string_view rawhttp, std::string_view curl);

// ----------------------------------------------------------------- responses

// Response headers whose values change from one response to the next, so
// they are set apart unless --strict: Date, Age, Expires, Last-Modified
// (dynamic pages stamp it with the current time), Set-Cookie (session ids),
// X-Request-Id. ETag is not among them: it names the representation.
bool is_volatile_header(std::string_view name);
const std::vector<std::string_view>& volatile_header_names();

// SHA-256 of a byte stream (OpenSSL EVP, loaded at first use), hex.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes);
    std::string hex();  // finishes; call once
    static std::string of(std::string_view bytes);

private:
    const tls::OpenSslApi* api_ = nullptr;
    void* ctx_ = nullptr;
};

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

SideSummary summarize(const client::ExchangeResult& ex, std::string body_sha256);

struct ResponseDifference {
    std::string what;  // "error", "version", "status", "reason", "interim", "header", "header-order",
                       // "trailers", "framing", "body", "complete"
    std::string name;  // the header's name for "header"
    std::optional<std::string> rawhttp, curl;  // values; null when absent
    std::string message;                       // terminal-safe
};

struct ResponseComparison {
    std::vector<ResponseDifference> differences;  // always counted
    std::vector<ResponseDifference> volatile_differences;  // counted only with --strict
    bool strict = false;
    bool match() const { return differences.empty() && (!strict || volatile_differences.empty()); }
};

ResponseComparison compare_responses(const SideSummary& rawhttp, const SideSummary& curl, bool strict);

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

ExchangeComparison compare_exchange(SideSummary rawhttp, SideSummary curl, bool strict);

struct ComparisonReport {
    std::string file;
    CurlMode mode = CurlMode::exact;
    bool strict = false;
    std::string curl_version;
    std::vector<ExchangeComparison> exchanges;
    std::vector<std::string> notes;
    // One per request: the command that sends it; a body too long or not
    // printable enough to inline is for the caller to write to its body_file.
    std::vector<CurlCommand> curl_commands;
    bool match() const;
};

struct TextOptions {
    render::Style style;
    bool hex = false;  // also show both requests as hexdumps
};

// Three sections per exchange: requests (diff + named differences),
// responses (side by side + differences, volatile headers set apart),
// timing; then a one-line verdict.
std::string render_text(const ComparisonReport& report, const TextOptions& options);

// {"match", "mode", "strict", "curl_version", "differences", "exchanges": [...], "notes"}
nlohmann::json render_json(const ComparisonReport& report);

}  // namespace rawhttp::compare
