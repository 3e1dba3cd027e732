// lint: explains, rule by rule, what a strict HTTP/1.1 server would reject in
// a request's exact bytes, and with which status. One implementation shared by
// `rawhttp lint`, send's "why" section, serve's 400 bodies and listen.
// Knows nothing of sockets or the command line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rawhttp::lint {

// error: RFC 9112/9110 says a server must reject it (or both nginx and Node
// observed rejecting it); warning: what some real servers reject, or what a
// server may reject.
enum class Severity { error, warning };
std::string_view severity_name(Severity s);  // "error" | "warning"

struct Finding {
    std::string id;             // stable rule id, e.g. "host-missing"
    Severity severity = Severity::error;
    std::size_t offset = 0;     // byte offset in the linted bytes
    std::size_t line = 0;       // 1-based line in the linted bytes (lines end at LF)
    std::size_t column = 0;     // 1-based, counting bytes
    std::string message;        // what is wrong, plainly, with what real servers answer
    std::string rfc;            // "RFC 9112 §3.2"
    std::string expect_status;  // "400", "411", "414", "431", "501", "505" or "timeout"
    std::string fix;            // how to fix it
};

struct LintOptions {
    // Check the body against the framing (Content-Length, chunked). Off for a
    // head alone (serve lints a head it rejected before reading any body).
    bool check_body = true;
};

// Every finding on one request's exact bytes, in byte order.
std::vector<Finding> lint_request(std::string_view bytes, const LintOptions& options = {});

// True when some finding is an error.
bool has_error(const std::vector<Finding>& findings);

// Thresholds observed on the real servers (see requests/verdicts.json): nginx
// answers 414 past an 8 KiB request line and 400 past an 8 KiB field line
// (large_client_header_buffers 4 8k); Node answers 431 past 16 KiB of head.
inline constexpr std::size_t kMaxRequestLine = 8192;
inline constexpr std::size_t kMaxFieldLine = 8192;
inline constexpr std::size_t kMaxHead = 16384;
inline constexpr std::size_t kMaxHeadBoth = 32768;  // nginx too (4 buffers of 8 KiB)

}  // namespace rawhttp::lint

namespace rawhttp::lint {

// The findings that explain a response status: those predicting that very
// status (408 matches "timeout"); for a 400, every error when none predicts
// it exactly. Empty when nothing in the request explains the status.
std::vector<Finding> findings_for_status(const std::vector<Finding>& findings, int status);

}  // namespace rawhttp::lint
