// The library part of `rawhttp relay`: sits between one client and its
// upstream and forwards the bytes both ways at once, unchanged (or, as a
// forward proxy, with the changes RFC 9110 §7.6 asks of one, see
// relay/proxy_rewrite.hpp). Each direction is read by the one message reader
// (http/message_reader.hpp) and judged by the one rule book, so every
// exchange is reported with the request and the response parsed and their
// findings, paired in order (keep-alive, pipelining). Bodies are streamed:
// what is kept of a message for its report is bounded (show_cap), the rest
// is counted and handed to the exchange's sink. After a 101, or a 2xx to
// CONNECT, the bytes go by as a tunnel, counted. Knows nothing of the
// command line or of terminals.
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
#include "lint/lint.hpp"
#include "net/transport.hpp"

namespace rawhttp::relay {

// Where the bytes go, in plain relay mode.
struct Upstream {
    std::string host;
    int port = 80;
    bool tls = false;
    bool verify = true;                  // TLS: check the certificate and host name
    std::optional<std::string> ca_file;  // TLS: trust these CA certificates
};

struct RelayOptions {
    Upstream upstream;
    // Forward proxy (RFC 9110 §7.6, RFC 9112 §3.2): each request names its
    // host in an absolute-form target; CONNECT opens a blind tunnel.
    bool as_proxy = false;
    bool add_via = true;  // proxy: add a Via field
    // Silence in both directions after which the connection is ended; also
    // bounds every single socket read and write. Never 0.
    std::chrono::milliseconds idle_timeout{30000};
    std::chrono::milliseconds connect_timeout{10000};
    // After the upstream closed: how long the client may take to close too.
    std::chrono::milliseconds linger{2000};
    std::size_t show_cap = 64 * 1024;  // raw bytes kept of each message for its report
    net::Deadline deadline;            // the whole run (--max-time)
};

// Receives the raw bytes of one exchange as they go by (for --save), from
// the thread that forwards them; request and response bytes come from two
// threads, each in order.
class ExchangeSink {
public:
    virtual ~ExchangeSink() = default;
    // The request's bytes as the client sent them.
    virtual void request_bytes(std::string_view bytes) { (void)bytes; }
    // The response's bytes as the upstream sent them.
    virtual void response_bytes(std::string_view bytes) { (void)bytes; }
};

// One message of an exchange, as it went by.
struct Side {
    bool started = false;
    bool head_complete = false;
    bool complete = false;       // the message ended where its framing says
    std::string shown;           // its first show_cap raw bytes
    std::uint64_t bytes = 0;     // raw bytes, head and body
    std::string raw_head;        // the head (the final one, for a response), bounded by the reader's limit
    // parsed
    std::string method, target, version, reason;
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t interim = 0;     // 1xx heads before the final one
    http::Framing framing = http::Framing::none;
    std::uint64_t content_length = 0;
    std::uint64_t body_bytes = 0;  // decoded body bytes
    std::vector<lint::Finding> findings;
    std::string ended;  // why it stopped short, when it did
};

// What a proxy changed in a request head (relay --as-proxy).
struct ProxyChange {
    std::string sent_head;  // the head as forwarded
    std::string authority;  // host:port it went to
};

struct Exchange {
    std::uint64_t id = 0;          // 1, 2, ... across the whole run, in the order requests started
    std::size_t connection = 0;    // the client connection's number
    std::size_t index = 0;         // 1, 2, ... within its connection
    std::string client;            // the client's address and ephemeral port
    std::string upstream;          // the upstream address it went to
    Side request, response;
    bool answered_by_relay = false;  // the response was the relay's own (a proxy's 200 to CONNECT, a 502)
    std::optional<ProxyChange> proxy;
    bool tunnel = false;           // after it, the connection became a tunnel
    // Milliseconds from the request's first byte: request received whole from
    // the client, forwarded whole to the upstream, first response byte,
    // response forwarded whole to the client.
    std::optional<double> received_ms, forwarded_ms, first_byte_ms, total_ms;
    std::chrono::system_clock::time_point started_at;
    std::shared_ptr<ExchangeSink> sink;
};

struct ConnectionReport {
    std::size_t number = 0;
    net::ConnectionInfo client;
    std::optional<net::ConnectionInfo> upstream;
    std::size_t exchanges = 0;
    std::uint64_t from_client = 0, from_upstream = 0;  // every byte each side sent
    bool tunnel = false;
    std::uint64_t tunnel_up = 0, tunnel_down = 0;      // bytes through the tunnel, each way
    std::uint64_t unparsed_up = 0, unparsed_down = 0;  // bytes forwarded that could not be read as HTTP
    std::string ended;     // how it ended, in words
    // What the command line can name an option for: the limit that ended it,
    // the kind of a failed TLS handshake with the upstream.
    Limit ended_by = Limit::none;
    TlsFailure tls_failure = TlsFailure::none;
    bool error = false;    // it ended because a side misbehaved (reset, stall, garbage, unreachable)
    double duration_ms = 0;
};

// Each step, as it happens. Called from the connection's two threads; the
// calls for one connection are serialised.
class RelayHooks {
public:
    virtual ~RelayHooks() = default;
    virtual void on_connected(const ConnectionReport& c) { (void)c; }
    virtual void on_upstream(const ConnectionReport& c) { (void)c; }
    // A request started: the hook may give it a sink.
    virtual void on_exchange_start(Exchange& ex) { (void)ex; }
    // Both sides of an exchange ended (or the connection did).
    virtual void on_exchange(const Exchange& ex) { (void)ex; }
    virtual void on_closed(const ConnectionReport& c) { (void)c; }
};

// Serves one accepted client until both sides are done: connects to the
// upstream (per request in proxy mode), forwards and reports. `next_id`
// numbers exchanges across connections.
ConnectionReport relay_connection(std::unique_ptr<net::Transport> client, std::size_t number,
                                  const RelayOptions& options, RelayHooks& hooks, std::atomic<std::uint64_t>& next_id,
                                  const std::atomic<bool>& stop);

// Accepts clients on `listener` and relays each in a thread of its own (two,
// one per direction), at most `max_clients` at once (more wait in the
// kernel's queue), until `stop` is set or the deadline passes.
// Errors: timeout (the deadline), connect (accept failed).
Status serve_relay(const net::Listener& listener, const RelayOptions& options, std::size_t max_clients,
                   RelayHooks& hooks, const std::atomic<bool>& stop);

}  // namespace rawhttp::relay
