// A client session: sends composed requests over connections it opens (one per
// destination, reused while the server keeps it alive), reads each response
// incrementally, and reports every step to hooks. Knows nothing of rendering.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/compose.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/rules.hpp"
#include "net/transport.hpp"

namespace rawhttp::client {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct InterimResponse {
    int status = 0;
    std::string version;
    std::string reason;
    Fields headers;
    std::string raw_head;
};

// What was parsed of a response: owned copies of the head (small), counts of
// the body (the body itself goes to the hooks, streamed).
struct Response {
    std::string version;
    int status = 0;
    std::string reason;
    Fields headers;
    std::vector<InterimResponse> interim;
    std::optional<http::Framing> framing;  // unset when framing could not be decided
    std::uint64_t content_length = 0;      // for framing content-length
    std::string raw_head;                  // final head exactly as received, with its empty line
    std::uint64_t body_bytes = 0;          // decoded body bytes received
    Fields trailers;
    bool complete = false;
    bool head_complete = false;            // false: only interim responses were parsed
    http::Violations violations;           // the rule book's findings on what the server sent
};

struct Timing {
    std::optional<double> dns_ms;      // null when the connection was reused
    std::optional<double> connect_ms;
    std::optional<double> tls_ms;
    std::optional<double> written_ms;  // request fully written
    std::optional<double> first_byte_ms;
    double total_ms = 0;
};

// Where a request goes.
struct Destination {
    std::string host;
    int port = 80;
    bool tls = false;
    std::optional<std::string> unix_socket;
    std::string server_name;  // TLS SNI and certificate name: the Host header's host, else `host`
    std::string display() const;  // "host:port" or "unix:PATH"
    bool operator==(const Destination&) const = default;
};

struct ExchangeResult {
    std::size_t index = 0;              // 0-based request index in the file
    const ComposedRequest* request = nullptr;
    Destination destination;
    std::size_t connection_number = 0;  // 1-based: which connection carried it
    bool reused_connection = false;
    std::optional<net::ConnectionInfo> connection;
    std::optional<Response> response;   // null when nothing was parsed
    Timing timing;
    std::optional<Error> error;
    std::vector<std::string> notes;     // e.g. "the server closed the kept-alive connection; reconnected"
    std::size_t bytes_written = 0;      // of request->bytes, so far
    // Expect: 100-continue and a final status came first: the body was not sent
    // (the one case where send writes less than compose prints).
    bool body_withheld = false;
    // This request went through a CONNECT tunnel (to this authority) that an
    // earlier request of the file opened on the same connection.
    std::optional<std::string> tunnel;
    // After a 101 Switching Protocols: what the server sent next (the first
    // kSwitchedCap bytes), until it closed or stayed quiet for upgrade_wait.
    std::string switched;
    std::uint64_t switched_total = 0;
    static constexpr std::size_t kSwitchedCap = 64 * 1024;
};

// Receives every step as it happens (for streaming output and --trace).
class SessionHooks {
public:
    virtual ~SessionHooks() = default;
    virtual void on_connected(const ExchangeResult&, const net::ConnectionInfo&) {}
    // After each write of the request: ex.bytes_written of it are out (the
    // head alone first, with Expect: 100-continue).
    virtual void on_request_written(const ExchangeResult&) {}
    // The response's raw bytes as the parser consumes them (exactly this
    // exchange's bytes: what is left for a pipelined next response is not here).
    virtual void on_raw(const ExchangeResult&, std::string_view raw) { (void)raw; }
    // Every read and write on a socket, as it happens (for --trace).
    virtual void on_socket_read(std::size_t connection_number, std::string_view bytes) { (void)connection_number; (void)bytes; }
    virtual void on_socket_write(std::size_t connection_number, std::string_view bytes) { (void)connection_number; (void)bytes; }
    // A TCP or TLS event on a connection (connect started, established, TLS
    // handshake, FIN, RST, close), worded for --trace.
    virtual void on_event(std::size_t connection_number, std::string_view what) { (void)connection_number; (void)what; }
    virtual void on_head(const ExchangeResult&) {}
    virtual void on_body(const ExchangeResult&, std::string_view decoded) { (void)decoded; }
    // After a 101: the bytes of the new protocol as they arrive.
    virtual void on_switched(const ExchangeResult&, std::string_view bytes) { (void)bytes; }
    virtual void on_exchange_done(const ExchangeResult&) {}
};

struct SessionOptions {
    std::chrono::milliseconds connect_timeout{0};   // 0: none beyond max_time
    std::chrono::milliseconds max_time{0};          // 0: no limit (whole session)
    std::chrono::milliseconds idle_timeout{0};      // 0: no limit; else each read/write must progress within it
    std::chrono::milliseconds head_timeout{0};      // 0: no limit; else each response head must end within it
    bool pipeline = false;                          // write every request before reading
    http::Limits limits = http::response_limits();  // head size, field count, chunk lines
    std::size_t max_interim = 100;                  // interim 1xx responses before the final one
    bool stop_on_error = true;                      // like curl: the first failure ends the run
    bool tls_verify = true;                         // --insecure turns it off
    std::optional<std::string> ca_file;             // --cacert FILE
    // A forward proxy to connect to instead (send --proxy): TLS requests go
    // through a CONNECT tunnel to their destination, plain ones as written.
    std::optional<std::string> proxy_host;
    int proxy_port = 0;
    // Expect: 100-continue: how long to wait for 100 (or a final status)
    // before sending the body anyway; 0 sends the body at once.
    std::chrono::milliseconds expect100_timeout{1000};
    // After a 101: how long a silence ends the reading of the new protocol.
    std::chrono::milliseconds upgrade_wait{1000};
    // Raised (by a SIGINT handler) to end the session at once: the exchange
    // under way fails with ErrorKind::interrupted.
    const std::atomic<bool>* cancel = nullptr;
    // Called just before request `index` is sent (not with pipeline), with
    // the exchanges so far: it may rewrite the caller's requests[index] and
    // destinations[index] (a .http request filled from an earlier response).
    // false ends the run there, that request unsent.
    std::function<bool(std::size_t index, const std::vector<ExchangeResult>& done)> before_request;
    // false: once the hooks have seen an exchange (on_exchange_done), the
    // result keeps only its outcome (status, framing, sizes, timing, error):
    // its head, fields and findings are let go, so thousands of exchanges on
    // one connection run in flat memory. For callers whose hooks show each
    // exchange as it ends and need no earlier one afterwards.
    bool keep_responses = true;
};

// Sends each request to its destination and reads its response.
std::vector<ExchangeResult> run_session(const std::vector<ComposedRequest>& requests,
                                        const std::vector<Destination>& destinations,
                                        const SessionOptions& options, SessionHooks& hooks);

// Where a request goes: --to, else @target, else its Host header. The port
// defaults to 80, or 443 with TLS. Errors are usage errors (nothing sent).
struct DestinationOverrides {
    std::optional<std::string> to;           // --to HOST[:PORT]
    std::optional<std::string> unix_socket;  // --unix-socket PATH
    std::optional<bool> tls;                 // --tls / --no-tls
};
Result<Destination> resolve_destination(const ComposedRequest& request, const DestinationOverrides& overrides);

// Whether the server lets the connection live on after this response
// (its Connection field and version).
bool response_keeps_alive(const Response& r);

// The request line's target as written ("/", "https://x/", CONNECT's "host:443").
std::string request_target(const ComposedRequest& request);

}  // namespace rawhttp::client
