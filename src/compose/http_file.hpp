// The .http / .rest front end (VS Code REST Client, JetBrains HTTP Client):
// translates such a file into the .req text the composer takes, then composes
// it with compose_requests, so that there is one composer. What the editors
// do that .req does not is done here: a URL in the request line becomes an
// origin-form target, a Host header and TLS from the scheme; a missing version
// becomes HTTP/1.1; {{$guid}}-style system variables, `< file` bodies,
// `# @name` and references to earlier named responses. Each change is a note.
// Knows nothing of sockets: a response is given to it through `lookup`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/compose.hpp"
#include "compose/response_ref.hpp"

namespace rawhttp {

// rawhttp's own .req rules, or the editors' .http conventions.
enum class Dialect { req, http };

// The dialect a file is read in: .http and .rest by their name, any file by
// '@format = http' in its first preamble.
Dialect detect_dialect(std::string_view file_name, std::string_view text);

struct HttpFileOptions {
    // Set when composing request `fill_request` (0-based) just before it is
    // sent: the responses to the requests before it are known, and `lookup`
    // fills references to them (named_request: the 0-based index of the
    // request the reference names). Unset: every reference is shown unfilled
    // (compose, lint, and send's first look at the file).
    std::optional<std::size_t> fill_request;
    std::function<Result<std::string>(const ResponseRef& ref, std::size_t named_request)> lookup;
    // Milliseconds since 1970 and random numbers for the system variables;
    // replaceable in tests and fuzzing. Default: the system clock, std::random_device.
    std::function<std::int64_t()> now_ms;
    std::function<std::uint64_t()> random;
};

// A reference to an earlier response that a request needs.
struct ResponseWait {
    std::string text;            // as written between the braces
    std::size_t line = 0;        // where it is written (a definition's line, for one reached through a variable)
    std::size_t request = 0;     // 0-based index of the named request
    std::string name;
};

struct HttpRequestInfo {
    std::string name;                 // its # @name, or empty
    std::size_t line = 0;             // the request line in the .http file
    std::optional<bool> tls;          // from the URL's scheme, when it had one
    std::vector<ResponseWait> waits;  // references it needs filled before it is sent
};

struct HttpFileOutput {
    ComposeOutput composed;                 // lines and errors point into the .http file
    std::vector<HttpRequestInfo> requests;  // one per composed request (empty on error)
    std::string req_text;                   // the .req text the file was translated into
};

HttpFileOutput compose_http_file(std::string_view text, const ComposeOptions& options, const HttpFileOptions& http);

}  // namespace rawhttp
