// The library part of `rawhttp listen`, the `nc -l` role: accept a client,
// take whatever it sends (garbage included: nothing is rejected), tell when
// its first request is complete (strictly parsed when it can be, read
// leniently when not, with the parse errors as findings), answer per
// --respond, and report each step to hooks so the command can render it.
// Knows nothing of the command line or of terminals.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/message_reader.hpp"
#include "net/transport.hpp"

namespace rawhttp::server {

// What listen sends back once the request is complete.
enum class RespondMode {
    ok,    // a small 200 OK with Content-Length and Connection: close
    echo,  // a 200 whose body is the exact request bytes
    none,  // nothing: wait for the client to close, like nc -l
    file,  // the bytes of a file, verbatim
};

struct ListenOptions {
    RespondMode respond = RespondMode::ok;
    std::string file_response;  // for RespondMode::file
    // Silence after which a request that is not complete is taken as ended
    // (shown, and answered per `respond`). 0: wait as long as it takes.
    std::chrono::milliseconds idle_timeout{30000};
    // After the response: how long to wait for the client to close before closing.
    std::chrono::milliseconds linger{2000};
    net::Deadline deadline;               // --max-time: the whole run
    std::size_t max_capture = 16u << 20;  // bytes kept of one client's stream (the rest are counted)
    http::Limits limits;  // the rule book's request limits
};

// A parse problem: where, and what.
struct Finding {
    std::size_t offset = 0;  // byte offset in the client's stream
    std::size_t line = 0;    // 1-based
    std::size_t column = 0;  // 1-based, in bytes
    std::string message;
};

// The first request as it was read. Strings are copies of the bytes received.
struct ParsedRequest {
    bool has_head = false;   // a request line was read
    bool strict = true;      // false: read leniently after the strict parser stopped
    bool head_complete = false;
    std::string method, target, version;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t head_bytes = 0;  // with its empty line; 0 while the head has not ended
    http::Framing framing = http::Framing::none;
    std::uint64_t content_length = 0;  // for Framing::content_length
    std::uint64_t body_bytes = 0;      // body bytes received (raw, chunked framing included)
};

// Follows one client's stream through the one message reader, with every
// leniency on (nothing is rejected: a request with bare LFs still
// completes), and tells when its first request is complete. What the request
// breaks is lint's to say (the same reader, the same rule book); the
// tracker's own findings only say how an unfinished request ended.
class RequestTracker {
public:
    explicit RequestTracker(http::Limits limits = {});
    // Feeds the next bytes of the stream. Returns how many of them belong to
    // the first request (all of them until it is complete, none after).
    std::size_t feed(std::string_view chunk);
    // The stream stopped (closed, silent) before the request was complete:
    // settles the view of what arrived and notes what was missing.
    void finish(std::string_view why);

    bool complete() const { return complete_; }
    std::uint64_t request_bytes() const { return request_bytes_; }
    const ParsedRequest& request() const { return parsed_; }
    const std::vector<Finding>& findings() const { return findings_; }

private:
    void update();

    http::MessageReader reader_;
    bool complete_ = false;
    std::uint64_t request_bytes_ = 0;
    ParsedRequest parsed_;
    std::vector<Finding> findings_;
};

// What happened with one client.
struct ClientReport {
    net::ConnectionInfo connection;
    std::string captured;        // the bytes received, at most max_capture of them
    std::uint64_t received = 0;  // all bytes received
    std::uint64_t request_bytes = 0;
    bool request_complete = false;  // the first request arrived whole
    ParsedRequest request;
    std::vector<Finding> findings;
    std::string response;        // the bytes sent back
    std::string ended;           // how the request ended: "complete", "client closed", "idle", ...
    std::string closed;          // how the connection ended
    Limit closed_by = Limit::none;  // the limit that ended it, for the command line to name
    std::optional<Error> error;  // a receive/send failure, or the deadline
    double duration_ms = 0;
    bool captured_truncated() const { return received > captured.size(); }
};

// Each step, as it happens.
class ListenHooks {
public:
    virtual ~ListenHooks() = default;
    virtual void on_connected(const net::ConnectionInfo& info) { (void)info; }
    // Bytes as they arrive; `after_request`: they come after the first request.
    virtual void on_bytes(std::string_view bytes, bool after_request) {
        (void)bytes;
        (void)after_request;
    }
    // The first request is complete, or ended otherwise (report.ended says how).
    virtual void on_request(const ClientReport& report) { (void)report; }
    virtual void on_response(std::string_view bytes) { (void)bytes; }
    virtual void on_closed(const ClientReport& report) { (void)report; }
};

// Waits for the next client (polling `stop` at least every 100 ms). Returns
// nullptr when stopped. Errors: timeout (the deadline), connect (accept failed).
Result<std::unique_ptr<net::Transport>> accept_client(const net::Listener& listener, const net::Deadline& deadline,
                                                      const std::atomic<bool>& stop);

// Serves one accepted client from its first byte to its close.
ClientReport handle_client(net::Transport& client, const ListenOptions& options, ListenHooks& hooks,
                           const std::atomic<bool>& stop);

// The default answer: a small 200 OK with Content-Length and Connection: close.
std::string ok_response(const ParsedRequest& request, std::uint64_t bytes_received);
// A 200 whose body is the request's exact bytes (no body for HEAD).
std::string echo_response(const ParsedRequest& request, std::string_view request_bytes);

}  // namespace rawhttp::server
