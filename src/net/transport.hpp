// The transport: one small interface over TCP (IPv4/IPv6), Unix sockets and
// TLS, which is a layer over the TCP transport (tls/tls_transport), as curl's
// connection filters stack. Every operation is bounded by a deadline so
// nothing hangs; the socket itself is not part of the interface.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace rawhttp::net {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// A point in time after which an operation fails with ErrorKind::timeout.
// Default-constructed: no deadline. `cancel`, when set, is a flag another
// party (a SIGINT handler) raises to end every wait at once: the operation
// fails with ErrorKind::interrupted.
struct Deadline {
    std::optional<TimePoint> at;
    const std::atomic<bool>* cancel = nullptr;
    static Deadline never() { return {}; }
    static Deadline after(std::chrono::milliseconds d) { return {Clock::now() + d}; }
    // The earlier of two deadlines (and whichever cancel flag is set).
    static Deadline earliest(const Deadline& a, const Deadline& b);
    // Milliseconds left for poll(): -1 for none, 0 when passed.
    int poll_timeout_ms() const;
    bool passed() const;
    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Observes every byte that crosses the connection (for --trace and timing).
struct TransportObserver {
    virtual ~TransportObserver() = default;
    virtual void on_read(std::string_view bytes) { (void)bytes; }
    virtual void on_write(std::string_view bytes) { (void)bytes; }
    // A TCP or TLS event worth a line of --trace ("FIN received", "reset by the peer").
    virtual void on_event(std::string_view what) { (void)what; }
};

struct ConnectionInfo {
    std::vector<std::string> resolved;  // every address getaddrinfo gave, "1.2.3.4:80" / "[::1]:80"
    std::string remote;                 // the address used, same format
    std::string local;                  // local address and ephemeral port, same format
    std::string family;                 // "ipv4", "ipv6", "unix"
    std::vector<std::string> failed;    // "addr: reason" for each address that was tried and failed
    double dns_ms = 0;
    double connect_ms = 0;
    std::optional<double> tls_ms;
    std::optional<std::string> tls_version;  // set when TLS
    std::optional<std::string> tls_cipher;
    bool via_libcurl = false;  // opened by libcurl (send --via curl, compare), not rawhttp's sockets
    // TLS: what the handshake settled and the certificate the server showed.
    std::optional<std::string> tls_alpn;
    std::optional<std::string> cert_subject, cert_issuer, cert_expiry;
    std::vector<std::string> cert_names;  // subjectAltName DNS and IP entries
};

class Transport {
public:
    virtual ~Transport() = default;
    // Reads up to `cap` bytes. Returns 0 at orderly end of stream (FIN).
    // Errors: timeout (deadline passed), receive (reset or other failure).
    virtual Result<std::size_t> read(char* buf, std::size_t cap, const Deadline& deadline) = 0;
    // Writes every byte. Errors: timeout, send.
    virtual Status write_all(std::string_view bytes, const Deadline& deadline) = 0;
    // Half-close: no more writes (shutdown(SHUT_WR)).
    virtual void shutdown_write() = 0;
    // Waits until read() has something to report at once (bytes, the end,
    // an error; with TLS, decrypted bytes it already holds count, which a
    // poll() on the socket cannot see), or `other_fd` (when >= 0, such as the
    // terminal) is readable, or the deadline passes.
    enum class Ready { transport, other, timeout };
    virtual Result<Ready> wait_readable(const Deadline& deadline, int other_fd = -1) = 0;
    // Shuts the connection both ways at once: a thread blocked on it wakes.
    virtual void abort() = 0;
    virtual const ConnectionInfo& info() const = 0;
    void set_observer(TransportObserver* o) { observer_ = o; }

protected:
    TransportObserver* observer_ = nullptr;
};

struct ConnectOptions {
    std::string host;  // name or literal address (IPv6 without brackets)
    int port = 80;
    std::optional<std::string> unix_socket;        // connect here instead of host:port
    std::chrono::milliseconds connect_timeout{0};  // 0: none beyond the deadline
    Deadline deadline;                             // --max-time for the whole exchange
};

// Resolves (getaddrinfo, IPv4 and IPv6), then tries each address in order with
// a non-blocking connect bounded by connect_timeout and the deadline.
// Errors: resolve (6), connect (7), timeout (28).
Result<std::unique_ptr<Transport>> connect(const ConnectOptions& options);

// Waits for `events` (POLLIN, POLLOUT) on fd until the deadline: >0 ready,
// 0 timed out, <0 error (errno set; EINTR: the deadline's cancel flag was
// raised). The one wait of rawhttp's sockets.
int wait_for(int fd, short events, const Deadline& deadline, int other_fd = -1, short* fd_revents = nullptr);

// Wraps an already-connected socket (accepted by a server). Takes ownership.
std::unique_ptr<Transport> adopt_socket(int fd);

// "127.0.0.1:8080" / "[::1]:8080" for a socket address.
std::string format_address(const void* sockaddr, unsigned len);

// Parses "HOST[:PORT]", "[v6]:PORT", "[v6]". Port stays unset when absent.
struct HostPort {
    std::string host;
    std::optional<int> port;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// A listening socket for the servers. Binds HOST:PORT (port 0: any free port).
// Errors: usage (bad address), connect (bind/listen failed, e.g. in use).
struct Listener {
    int fd = -1;
    std::string address;  // bound address with the real port
    int port = 0;
};
Result<Listener> listen_on(const std::string& host, int port, int backlog = 1024);

}  // namespace rawhttp::net
