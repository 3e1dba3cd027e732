// The socket part of `rawhttp listen`, the `nc -l` role: accept a client,
// take whatever it sends (garbage included: nothing is rejected), follow it
// with capture::RequestTracker until its first request is complete, answer
// per --respond, and report each step to hooks (a capture::ClientReport) so
// the command can render it. Knows nothing of the command line or of terminals.
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

#include "capture/client_report.hpp"
#include "capture/request_tracker.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
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
    virtual void on_request(const capture::ClientReport& report) { (void)report; }
    virtual void on_response(std::string_view bytes) { (void)bytes; }
    virtual void on_closed(const capture::ClientReport& report) { (void)report; }
};

// Waits for the next client (polling `stop` at least every 100 ms). Returns
// nullptr when stopped. Errors: timeout (the deadline), connect (accept failed).
Result<std::unique_ptr<net::Transport>> accept_client(const net::Listener& listener, const net::Deadline& deadline,
                                                      const std::atomic<bool>& stop);

// Serves one accepted client from its first byte to its close.
capture::ClientReport handle_client(net::Transport& client, const ListenOptions& options, ListenHooks& hooks,
                           const std::atomic<bool>& stop);

// The default answer: a small 200 OK with Content-Length and Connection: close.
std::string ok_response(const capture::ParsedRequest& request, std::uint64_t bytes_received);
// A 200 whose body is the request's exact bytes (no body for HEAD).
std::string echo_response(const capture::ParsedRequest& request, std::string_view request_bytes);

}  // namespace rawhttp::server
