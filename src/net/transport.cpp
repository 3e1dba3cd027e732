// The socket transport: hand-written POSIX sockets, non-blocking underneath,
// every wait bounded by poll() and a Deadline.
//
// One job, hence the length: resolving, connecting (each resolved address in
// turn), reading, writing and listening share the same bounded waits.
#include "net/transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace rawhttp::net {

// ---------------------------------------------------------------- Deadline

Deadline Deadline::earliest(const Deadline& a, const Deadline& b) {
    Deadline d = !a.at ? b : !b.at ? a : Deadline{std::min(*a.at, *b.at)};
    d.cancel = a.cancel ? a.cancel : b.cancel;
    return d;
}

int Deadline::poll_timeout_ms() const {
    if (!at) return -1;
    auto now = Clock::now();
    if (*at <= now) return 0;
    // Round up: a poll that wakes a hair early would otherwise spin at 0 ms.
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(*at - now).count();
    long long ms = (us + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

bool Deadline::passed() const { return at && Clock::now() >= *at; }

namespace {

std::string errno_text(int e) { return std::strerror(e); }

double ms_since(TimePoint start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long long whole_ms(TimePoint start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Closes an fd on scope exit unless released.
struct FdGuard {
    int fd = -1;
    explicit FdGuard(int f) : fd(f) {}
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
    int release() {
        int f = fd;
        fd = -1;
        return f;
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
};

bool set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags < 0) return false;
    return ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void set_cloexec(int fd) {
    int flags = ::fcntl(fd, F_GETFD, 0);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

void set_nodelay(int fd) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string family_name(int family) {
    switch (family) {
        case AF_INET: return "ipv4";
        case AF_INET6: return "ipv6";
        case AF_UNIX: return "unix";
    }
    return "unknown";
}

std::string local_address(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
    return format_address(&ss, len);
}

std::string peer_address(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
    return format_address(&ss, len);
}

}  // namespace

// Retries on other signals with the remaining time. `other_fd` is waited
// on for POLLIN beside fd; `fd_revents` says what fd itself reported.
int wait_for(int fd, short events, const Deadline& deadline, int other_fd, short* fd_revents) {
    for (;;) {
        if (deadline.cancelled()) {
            errno = EINTR;
            return -1;
        }
        pollfd p[2] = {{fd, events, 0}, {other_fd, POLLIN, 0}};
        int r = ::poll(p, other_fd >= 0 ? 2 : 1, deadline.poll_timeout_ms());
        if (r < 0 && errno == EINTR) continue;
        if (r == 0 && !deadline.passed()) continue;  // woke early: wait the rest
        if (fd_revents) *fd_revents = r > 0 ? p[0].revents : 0;
        return r;
    }
}

namespace {

// ----------------------------------------------------------- the transport

class SocketTransport final : public Transport {
public:
    SocketTransport(int fd, ConnectionInfo info) : fd_(fd), info_(std::move(info)) {}
    ~SocketTransport() override {
        if (fd_ >= 0) ::close(fd_);
    }
    SocketTransport(const SocketTransport&) = delete;
    SocketTransport& operator=(const SocketTransport&) = delete;

    Result<std::size_t> read(char* buf, std::size_t cap, const Deadline& deadline) override {
        for (;;) {
            // Checked before each recv so a peer that always has data ready
            // cannot outlast --max-time.
            if (deadline.passed()) return timeout_error("waiting for data from");
            ssize_t n = ::recv(fd_, buf, cap, 0);
            if (n >= 0) {
                if (n > 0 && observer_) observer_->on_read(std::string_view(buf, static_cast<std::size_t>(n)));
                if (n == 0 && observer_) observer_->on_event("FIN received: the peer closed its side");
                return static_cast<std::size_t>(n);
            }
            int e = errno;
            if (e == EINTR) continue;
            if (e == EAGAIN || e == EWOULDBLOCK) {
                int r = wait_for(fd_, POLLIN, deadline);
                if (r == 0) return timeout_error("waiting for data from");
                if (r < 0 && errno == EINTR) return interrupted_error();
                if (r < 0) return make_error(ErrorKind::receive, "poll failed: " + errno_text(errno));
                continue;  // readable, or POLLERR/POLLHUP: recv reports which
            }
            if (e == ECONNRESET) {
                if (observer_) observer_->on_event("RST received: the peer reset the connection");
                return make_error(ErrorKind::receive,
                                  (info_.remote.empty() ? std::string("the peer") : info_.remote) +
                                      " reset the connection (connection reset by peer)");
            }
            return make_error(ErrorKind::receive, "receive failed: " + errno_text(e));
        }
    }

    Status write_all(std::string_view bytes, const Deadline& deadline) override {
        std::size_t done = 0;
        while (done < bytes.size()) {
            if (deadline.passed()) return timeout_error("sending to");
            ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n > 0) {
                if (observer_) observer_->on_write(bytes.substr(done, static_cast<std::size_t>(n)));
                done += static_cast<std::size_t>(n);
                continue;
            }
            int e = n < 0 ? errno : EAGAIN;
            if (e == EINTR) continue;
            if (e == EAGAIN || e == EWOULDBLOCK) {
                int r = wait_for(fd_, POLLOUT, deadline);
                if (r == 0) return timeout_error("sending to");
                if (r < 0 && errno == EINTR) return interrupted_error();
                if (r < 0) return make_error(ErrorKind::send, "poll failed: " + errno_text(errno));
                continue;
            }
            if (e == EPIPE) return make_error(ErrorKind::send, "connection closed by peer while sending (" + errno_text(e) + ")");
            if (e == ECONNRESET) return make_error(ErrorKind::send, "connection reset by peer while sending");
            return make_error(ErrorKind::send, "send failed: " + errno_text(e));
        }
        return ok_status();
    }

    void shutdown_write() override {
        ::shutdown(fd_, SHUT_WR);
        if (observer_) observer_->on_event("FIN sent: no more bytes from this side");
    }
    Result<Ready> wait_readable(const Deadline& deadline, int other_fd) override {
        short revents = 0;
        int r = wait_for(fd_, POLLIN, deadline, other_fd, &revents);
        if (r == 0) return Ready::timeout;
        if (r < 0 && errno == EINTR) return interrupted_error();
        if (r < 0) return make_error(ErrorKind::receive, "poll failed: " + errno_text(errno));
        return revents != 0 ? Ready::transport : Ready::other;  // POLLERR/POLLHUP too: read() reports which
    }
    void abort() override { ::shutdown(fd_, SHUT_RDWR); }
    const ConnectionInfo& info() const override { return info_; }

private:
    static Error interrupted_error() { return make_error(ErrorKind::interrupted, "interrupted while waiting on the connection"); }
    Error timeout_error(const char* what) const {
        return make_error(ErrorKind::timeout, std::string("timed out ") + what + " " +
                                                  (info_.remote.empty() ? std::string("the peer") : info_.remote));
    }

    int fd_;
    ConnectionInfo info_;
};

// ------------------------------------------------------------------ resolve

struct Resolved {
    int rc = 0;
    int sys_errno = 0;
    addrinfo* list = nullptr;
};

// State shared with a resolver thread that may outlive the caller.
struct ResolveJob {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Resolved result;
    ~ResolveJob() {
        if (result.list) ::freeaddrinfo(result.list);
    }
};

Resolved resolve_now(const std::string& host, const std::string& service) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    Resolved r;
    r.rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &r.list);
    if (r.rc == EAI_SYSTEM) r.sys_errno = errno;
    return r;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// getaddrinfo() has no timeout of its own, so when a deadline or a cancel
// flag applies it runs on a helper thread that we stop waiting for (and leave
// to finish) once the deadline passes or the flag is raised. Returns nullopt then.
std::optional<Resolved> resolve_bounded(const std::string& host, const std::string& service, const Deadline& deadline) {
    if ((!deadline.at && !deadline.cancel) || is_ip_literal(host)) return resolve_now(host, service);
    auto job = std::make_shared<ResolveJob>();
    try {
        std::thread([job, host, service] {
            Resolved r = resolve_now(host, service);
            std::lock_guard<std::mutex> lock(job->mu);
            job->result = r;
            job->done = true;
            job->cv.notify_all();
        }).detach();
    } catch (const std::system_error&) {
        return resolve_now(host, service);  // no thread to spare: resolve inline
    }
    std::unique_lock<std::mutex> lock(job->mu);
    // In slices, so that a raised cancel flag (Ctrl-C) is seen within 100 ms.
    while (!job->done) {
        if (deadline.cancelled() || deadline.passed()) return std::nullopt;  // the thread finishes on its own
        const TimePoint slice = Clock::now() + std::chrono::milliseconds(100);
        job->cv.wait_until(lock, deadline.at ? std::min(*deadline.at, slice) : slice);
    }
    Resolved r = job->result;
    job->result.list = nullptr;  // ownership moves to the caller
    return r;
}

std::string brackets(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// One non-blocking connect attempt. Returns the fd, or -1 with `why` set and
// `timed_out` telling whether the wait ran out.
int attempt_connect(const addrinfo* ai, const Deadline& deadline, std::string& why, bool& timed_out) {
    timed_out = false;
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        why = errno_text(errno);
        return -1;
    }
    FdGuard guard(fd);
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno != EINPROGRESS && errno != EINTR) {
        why = errno_text(errno);
        return -1;
    }
    if (r != 0) {
        int w = wait_for(fd, POLLOUT, deadline);
        if (w == 0) {
            timed_out = true;
            why = "timed out";
            return -1;
        }
        if (w < 0 && errno == EINTR && deadline.cancelled()) {
            why = "interrupted";
            return -1;
        }
        if (w < 0) {
            why = errno_text(errno);
            return -1;
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) {
            why = errno_text(err);
            return -1;
        }
    }
    return guard.release();
}

Result<std::unique_ptr<Transport>> connect_unix(const ConnectOptions& o) {
    const std::string& path = *o.unix_socket;
    ConnectionInfo info;
    info.family = "unix";
    info.resolved.push_back(path);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof sa.sun_path) {
        return make_error(ErrorKind::connect, "unix socket path '" + path + "' is " +
                                                  (path.empty() ? "empty" : "too long (at most " +
                                                   std::to_string(sizeof sa.sun_path - 1) + " bytes)"));
    }
    std::memcpy(sa.sun_path, path.data(), path.size());
    Deadline dl = o.deadline;
    if (o.connect_timeout.count() > 0) dl = Deadline::earliest(dl, Deadline::after(o.connect_timeout));
    auto start = Clock::now();
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error(ErrorKind::connect, "cannot create a unix socket: " + errno_text(errno));
    FdGuard guard(fd);
    for (;;) {
        int r = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
        if (r == 0) break;
        int e = errno;
        if (e == EINTR) continue;
        if (e == EINPROGRESS) {
            int w = wait_for(fd, POLLOUT, dl);
            int err = 0;
            socklen_t len = sizeof err;
            if (w > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) break;
            if (w == 0) {
                return make_error(ErrorKind::timeout,
                                  "connection to unix socket " + path + " timed out after " +
                                      std::to_string(whole_ms(start)) + " ms");
            }
            e = w < 0 ? errno : err;
            info.failed.push_back(path + ": " + errno_text(e));
            return make_error(ErrorKind::connect, "could not connect to unix socket " + path + ": " + errno_text(e));
        }
        if (e == EAGAIN) {
            // The listener's backlog is full: unix connects do not queue, so
            // wait a little and try again until the deadline.
            if (dl.passed()) {
                return make_error(ErrorKind::timeout,
                                  "connection to unix socket " + path + " timed out after " +
                                      std::to_string(whole_ms(start)) + " ms");
            }
            int wait = dl.at ? std::min(dl.poll_timeout_ms(), 10) : 10;
            ::poll(nullptr, 0, wait);
            continue;
        }
        info.failed.push_back(path + ": " + errno_text(e));
        return make_error(ErrorKind::connect, "could not connect to unix socket " + path + ": " + errno_text(e));
    }
    info.connect_ms = ms_since(start);
    info.remote = path;
    info.local = local_address(fd);
    return std::unique_ptr<Transport>(std::make_unique<SocketTransport>(guard.release(), std::move(info)));
}

}  // namespace

// ------------------------------------------------------------------ connect

Result<std::unique_ptr<Transport>> connect(const ConnectOptions& o) {
    if (o.unix_socket) return connect_unix(o);
    if (o.host.empty()) return make_error(ErrorKind::usage, "no host to connect to");
    if (o.port < 1 || o.port > 65535) {
        return make_error(ErrorKind::usage, "port " + std::to_string(o.port) + " is out of range (1-65535)");
    }
    const std::string where = brackets(o.host) + ":" + std::to_string(o.port);
    ConnectionInfo info;
    auto start = Clock::now();

    // Resolving is part of connecting: bounded by --connect-timeout too.
    Deadline resolve_deadline = o.deadline;
    if (o.connect_timeout.count() > 0) {
        resolve_deadline = Deadline::earliest(resolve_deadline, Deadline::after(o.connect_timeout));
    }
    auto resolved = resolve_bounded(o.host, std::to_string(o.port), resolve_deadline);
    info.dns_ms = ms_since(start);
    if (!resolved && o.deadline.cancelled())
        return make_error(ErrorKind::interrupted, "interrupted while resolving host '" + o.host + "'");
    if (!resolved) {
        return make_error(ErrorKind::timeout, "resolving host '" + o.host + "' timed out after " +
                                                  std::to_string(whole_ms(start)) + " ms");
    }
    if (resolved->rc != 0) {
        std::string why = resolved->rc == EAI_SYSTEM ? errno_text(resolved->sys_errno) : ::gai_strerror(resolved->rc);
        return make_error(ErrorKind::resolve, "could not resolve host '" + o.host + "': " + why);
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(resolved->list, &::freeaddrinfo);
    for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        info.resolved.push_back(format_address(ai->ai_addr, ai->ai_addrlen));
    }
    if (info.resolved.empty()) {
        return make_error(ErrorKind::resolve, "could not resolve host '" + o.host + "': no addresses");
    }

    auto connect_start = Clock::now();
    bool any_timed_out = false;
    std::string tried;
    std::size_t index = 0;
    for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next, ++index) {
        if (o.deadline.passed()) break;
        if (o.deadline.cancelled()) return make_error(ErrorKind::interrupted, "interrupted while connecting to " + where);
        Deadline attempt = o.deadline;
        if (o.connect_timeout.count() > 0) attempt = Deadline::earliest(attempt, Deadline::after(o.connect_timeout));
        const std::string& addr = info.resolved[index];
        std::string why;
        bool timed_out = false;
        auto attempt_start = Clock::now();
        int fd = attempt_connect(ai, attempt, why, timed_out);
        if (fd >= 0) {
            set_nodelay(fd);
            info.connect_ms = ms_since(connect_start);
            info.remote = addr;
            info.local = local_address(fd);
            info.family = family_name(ai->ai_family);
            return std::unique_ptr<Transport>(std::make_unique<SocketTransport>(fd, std::move(info)));
        }
        if (timed_out) {
            why = "timed out after " + std::to_string(whole_ms(attempt_start)) + " ms";
            any_timed_out = true;
        }
        if (o.deadline.cancelled()) return make_error(ErrorKind::interrupted, "interrupted while connecting to " + where);
        info.failed.push_back(addr + ": " + why);
        if (!tried.empty()) tried += ", ";
        tried += addr + " (" + why + ")";
    }
    info.connect_ms = ms_since(connect_start);
    if (any_timed_out || o.deadline.passed()) {
        std::string msg = "connection to " + where + " timed out after " + std::to_string(whole_ms(start)) + " ms";
        if (!tried.empty()) msg += ": tried " + tried;
        return make_error(ErrorKind::timeout, msg);
    }
    std::string msg = "could not connect to " + where + ": tried " + tried;
    bool all_refused = !info.failed.empty();
    for (const auto& f : info.failed) all_refused = all_refused && f.ends_with(errno_text(ECONNREFUSED));
    if (all_refused) msg += "; nothing listens on that port: is the server running?";
    return make_error(ErrorKind::connect, msg);
}

std::unique_ptr<Transport> adopt_socket(int fd) {
    set_nonblocking(fd);
    set_cloexec(fd);
    ConnectionInfo info;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        info.local = format_address(&ss, len);
        info.family = family_name(ss.ss_family);
        if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) set_nodelay(fd);
    }
    info.remote = peer_address(fd);
    return std::make_unique<SocketTransport>(fd, std::move(info));
}

// ------------------------------------------------------------------ helpers

std::string format_address(const void* sa_ptr, unsigned len) {
    if (!sa_ptr || len < sizeof(sa_family_t)) return "";
    sockaddr_storage ss{};
    std::memcpy(&ss, sa_ptr, std::min<std::size_t>(len, sizeof ss));
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = {};
    if (ss.ss_family == AF_INET && len >= sizeof(sockaddr_in)) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
        ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
    }
    if (ss.ss_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        std::string host = buf;
        if (in6->sin6_scope_id != 0) {
            char ifname[IF_NAMESIZE] = {};
            if (::if_indextoname(in6->sin6_scope_id, ifname)) {
                host += "%" + std::string(ifname);
            } else {
                host += "%" + std::to_string(in6->sin6_scope_id);
            }
        }
        return "[" + host + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    if (ss.ss_family == AF_UNIX) {
        const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
        std::size_t off = offsetof(sockaddr_un, sun_path);
        if (len <= off) return "";  // unnamed socket
        std::size_t n = std::min<std::size_t>(len - off, sizeof un->sun_path);
        if (n > 0 && un->sun_path[0] == '\0') return "@" + std::string(un->sun_path + 1, n - 1);  // abstract
        return std::string(un->sun_path, strnlen(un->sun_path, n));
    }
    return "";
}

namespace {

std::optional<int> parse_port(std::string_view s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v > 65535) return std::nullopt;
    return v;
}

bool plausible_host(std::string_view h) {
    if (h.empty()) return false;
    for (unsigned char c : h) {
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '[' || c == ']' || c == '@') return false;
    }
    return true;
}

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
    if (text.empty()) return std::nullopt;
    HostPort hp;
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        std::string_view host = text.substr(1, close - 1);
        if (!plausible_host(host)) return std::nullopt;
        hp.host = std::string(host);
        std::string_view rest = text.substr(close + 1);
        if (rest.empty()) return hp;
        if (rest.front() != ':') return std::nullopt;
        auto port = parse_port(rest.substr(1));
        if (!port) return std::nullopt;
        hp.port = port;
        return hp;
    }
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        if (!plausible_host(text)) return std::nullopt;
        hp.host = std::string(text);
        return hp;
    }
    if (text.find(':', colon + 1) != std::string_view::npos) {
        // Several colons and no brackets: a bare IPv6 address, no port.
        if (!plausible_host(text)) return std::nullopt;
        hp.host = std::string(text);
        return hp;
    }
    std::string_view host = text.substr(0, colon);
    if (!plausible_host(host)) return std::nullopt;
    auto port = parse_port(text.substr(colon + 1));
    if (!port) return std::nullopt;
    hp.host = std::string(host);
    hp.port = port;
    return hp;
}

Result<Listener> listen_on(const std::string& host, int port, int backlog) {
    if (host.empty()) return make_error(ErrorKind::usage, "no address to listen on");
    if (port < 0 || port > 65535) {
        return make_error(ErrorKind::usage, "port " + std::to_string(port) + " is out of range (0-65535)");
    }
    const std::string where = brackets(host) + ":" + std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* raw = nullptr;
    int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
    if (rc != 0) {
        std::string why = rc == EAI_SYSTEM ? errno_text(errno) : ::gai_strerror(rc);
        return make_error(ErrorKind::usage, "cannot listen on " + where + ": could not resolve '" + host + "': " + why);
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(raw, &::freeaddrinfo);
    std::string last_error = "no usable address";
    for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        std::string addr = format_address(ai->ai_addr, ai->ai_addrlen);
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_error = "cannot listen on " + addr + ": " + errno_text(errno);
            continue;
        }
        FdGuard guard(fd);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            int err = errno;
            last_error = "cannot listen on " + addr + ": " + errno_text(err);
            if (err == EADDRINUSE)
                last_error += " (another program listens there: stop it, or pick another port; 0 picks a free one)";
            else if (err == EACCES)
                last_error += " (ports below 1024 need root: pick a port from 1024 up, or 0 for a free one)";
            continue;
        }
        if (::listen(fd, backlog > 0 ? backlog : SOMAXCONN) != 0) {
            last_error = "cannot listen on " + addr + ": " + errno_text(errno);
            continue;
        }
        Listener l;
        l.address = local_address(fd);
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
            if (ss.ss_family == AF_INET) l.port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
            if (ss.ss_family == AF_INET6) l.port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
        }
        l.fd = guard.release();
        return l;
    }
    return make_error(ErrorKind::connect, last_error);
}

}  // namespace rawhttp::net
