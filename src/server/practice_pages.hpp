// The practice server's pages: what serve answers to a request it has read
// cleanly (/, /echo, /status/N, /bytes/N, /chunked/N, /slow/N, /redirect, and
// the 404s and 405s around them). A request in, a response to queue out: the
// event loop (practice_server.cpp) sends it. Internal to src/server.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rawhttp::server::pages {

inline constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
inline constexpr std::string_view kAllow = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

enum class GenKind { none, bytes, chunked, slow };

// The request being read, copied out of the reader's head (whose views die
// when the next message starts).
struct Request {
    std::string method, target, line;
    int minor = 1;
    bool keep_alive = true;
    bool echo = false;
    std::string echo_bytes;  // /echo: the head and the raw body, as received
    std::string wire;        // the message's first bytes, to point at a broken rule
    std::vector<std::string> warnings;  // rule ids tolerated (the rule book's warnings)

    // Empties it for the next request, keeping small buffers.
    void clear();
};

// A response to queue: status, headers and either a body or a generator.
struct Response {
    int status = 200;
    std::string_view content_type = "text/plain; charset=utf-8";  // always a literal
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    GenKind gen = GenKind::none;
    std::uint64_t gen_length = 0;
    bool close = false;     // close the connection after it
    std::string interim;    // raw 1xx responses sent before it
    std::string log_status; // what the log shows, when not just the status
    bool close_delimited = false;  // no Content-Length: the body ends at close
};

// What the home page says about the server it is on.
struct Site {
    int port = 0;
    std::chrono::milliseconds idle_timeout{0};
};

// The response to a request read cleanly.
Response answer(const Request& r, const Site& site);

// Appends a response's head as serve sends it: the interim responses, the
// status line, Date, Server, the framing, the page's own headers, the
// tolerated warnings (Rawhttp-Warnings) and Connection. `r` is null for an
// answer to no request (an error page).
void append_head(std::string& out, const Response& resp, const Request* r, std::string_view date, bool close);

// IMF-fixdate for the Date header, in the C locale whatever the process's.
std::string http_date(std::time_t t);

// Rule ids as the log and Rawhttp-Warnings list them: "a, b".
std::string join(const std::vector<std::string>& ids);

// A target's path: origin-form without its query, or an absolute-form URL's path.
std::string path_of(std::string_view target);

// 1xx, 204 and 304 have no body.
bool no_body_status(int status);

// Bytes from the network made safe to show in a page or a log line.
std::string escape(std::string_view s);
std::string escape_limited(std::string_view s, std::size_t max = 200);

// A page's decimal number (at most 12 digits), or nullopt.
std::optional<std::uint64_t> parse_number(std::string_view s);

}  // namespace rawhttp::server::pages
