// The practice server's event loop: one thread, epoll over non-blocking
// sockets, the connection table (who is idle, who may be closed to make
// room) and a timer set for idle timeouts, deadlines, lingering closes and
// the /slow drip. Nothing here ever blocks or sleeps; a slow or vanished
// client costs one buffer, never the loop. A connection's buffers and
// sending are practice_connection.cpp; reading and answering its requests,
// practice_requests.cpp; the error pages, practice_error_pages.cpp. What
// stays is one job, the loop and its table and timers, which share state
// too closely to split further (a little over 600 lines).
#include "server/practice_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/practice_connection.hpp"
#include "server/practice_error_pages.hpp"
#include "server/practice_pages.hpp"
#include "server/practice_requests.hpp"

namespace rawhttp::server {

namespace {

using pages::GenKind;
using pages::Response;
using conn::Clock;
using conn::Conn;
using conn::IoResult;
using conn::Phase;
using conn::Standing;
using conn::TimePoint;
using conn::kReadChunk;
using conn::kKeepCapacity;
using std::chrono::milliseconds;

constexpr std::size_t kOutHigh = 64 * 1024;   // above this, take no new pipelined request
constexpr std::size_t kNotSentLowat = 128 * 1024;  // TCP_NOTSENT_LOWAT of each client socket
constexpr std::size_t kFdReserve = 64;        // descriptors kept back from connections
constexpr std::size_t kMaxAutoConnections = 1u << 20;  // when the descriptor limit is unlimited
constexpr milliseconds kTrimEvery{1000};      // the most often freed memory goes back to the system
constexpr milliseconds kLingerMax{2000};
constexpr milliseconds kTick{100};            // the stop flag is checked this often
constexpr int kMaxEvents = 512;
constexpr int kMaxAcceptsPerWake = 512;
constexpr int kMaxReadsPerWake = 4;

// Raises the soft descriptor limit as far as allowed; returns the limit in
// force afterwards (0 when it cannot be read).
rlim_t raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit want = rl;
        want.rlim_cur = rl.rlim_max;
        // An unlimited hard limit can still be refused (above nr_open): settle
        // for 65536 then.
        if (::setrlimit(RLIMIT_NOFILE, &want) != 0 && rl.rlim_cur < 65536) {
            want.rlim_cur = std::min<rlim_t>(65536, rl.rlim_max);
            ::setrlimit(RLIMIT_NOFILE, &want);
        }
        ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

}  // namespace

// ====================================================================== Impl

struct PracticeServer::Impl {
    net::Listener listener;
    ServeOptions options;
    int epfd = -1;
    std::uint64_t next_id = 1;
    // Requests are read by the one message reader, judged by the rule book;
    // connections borrow readers and buffers from here (declared before
    // them: it outlives them).
    conn::Pool pool;
    Requests requests{options, listener.port};
    std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns;
    std::vector<std::uint64_t> graveyard;
    std::set<std::pair<TimePoint, std::uint64_t>> timers;
    TimePoint now = Clock::now();
    bool listener_active = false;
    std::optional<TimePoint> accept_resume_at;
    std::vector<char> scratch = std::vector<char>(kReadChunk);

    // The connection table: `limit` active connections (not lingering), and
    // at most `fd_budget` open ones, lingering included.
    std::size_t limit = 0;
    std::size_t fd_budget = 0;
    std::atomic<std::size_t> limit_shown{0};
    std::size_t open_count = 0;
    std::size_t active_count = 0;
    // Candidates for closing when the table is full, oldest first.
    std::set<std::pair<TimePoint, std::uint64_t>> idle_set, partial_set, linger_set;
    std::unordered_map<std::string, std::size_t> per_client;
    std::size_t closed_since_trim = 0;
    TimePoint last_trim = Clock::now();


    Impl(net::Listener l, ServeOptions o)
        : listener(std::move(l)), options(std::move(o)), pool(serve_reader_options(options)) {
        if (options.idle_timeout.count() <= 0) options.idle_timeout = milliseconds(10000);
        if (options.head_timeout.count() <= 0) options.head_timeout = milliseconds(30000);
        if (options.body_timeout.count() <= 0) options.body_timeout = milliseconds(30000);
    }

    ~Impl() {
        close_all();
        if (epfd >= 0) ::close(epfd);
        if (listener.fd >= 0) ::close(listener.fd);
    }

    // ------------------------------------------------------------ the loop

    // The table's size follows the descriptor limit, not a constant: what is
    // left after a reserve for the listener, epoll, stdio and a newcomer that
    // is only told 503.
    void size_table() {
        rlim_t fds = raise_fd_limit();
        std::size_t budget = kMaxAutoConnections;
        if (fds != 0 && fds != RLIM_INFINITY && fds < kMaxAutoConnections + kFdReserve) {
            budget = fds > 2 * kFdReserve ? static_cast<std::size_t>(fds) - kFdReserve
                                          : std::max<std::size_t>(1, static_cast<std::size_t>(fds) / 2);
        }
        fd_budget = budget;
        limit = options.max_connections ? std::min(options.max_connections, budget) : budget;
        limit_shown.store(limit);
    }

    void run(const std::atomic<bool>& stop) {
        size_table();
        std::signal(SIGPIPE, SIG_IGN);
        if (epfd < 0) epfd = ::epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) return;
        set_listener(true);
        std::vector<epoll_event> events(kMaxEvents);
        while (!stop.load()) {
            now = Clock::now();
            int timeout = static_cast<int>(kTick.count());
            if (!timers.empty()) {
                auto until = timers.begin()->first - now;
                auto ms = std::chrono::ceil<milliseconds>(until).count();
                timeout = static_cast<int>(std::clamp<long long>(ms, 0, timeout));
            }
            int n = ::epoll_wait(epfd, events.data(), kMaxEvents, timeout);
            if (n < 0 && errno != EINTR) break;
            now = Clock::now();
            for (int i = 0; i < n; ++i) {
                // The connection itself, not its id: no lookup per event. A
                // connection closed earlier in this batch is still there
                // (reap() runs after it), marked dead.
                auto* c = static_cast<Conn*>(events[i].data.ptr);
                if (c == nullptr) {
                    accept_all();
                    continue;
                }
                if (c->dead) continue;
                on_event(*c, events[i].events);
            }
            run_timers();
            maybe_resume_accepting();
            reap();
        }
        close_all();
        set_listener(false);
    }

    void set_listener(bool on) {
        if (epfd < 0 || listener.fd < 0 || on == listener_active) return;
        if (on) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.ptr = nullptr;
            if (::epoll_ctl(epfd, EPOLL_CTL_ADD, listener.fd, &ev) != 0) return;
        } else {
            ::epoll_ctl(epfd, EPOLL_CTL_DEL, listener.fd, nullptr);
        }
        listener_active = on;
    }

    void maybe_resume_accepting() {
        if (listener_active) return;
        if (accept_resume_at && now < *accept_resume_at) return;
        accept_resume_at.reset();
        set_listener(true);
    }

    static std::string client_key(const sockaddr_storage& ss) {
        char buf[64] = "";
        if (ss.ss_family == AF_INET) {
            ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
        } else if (ss.ss_family == AF_INET6) {
            ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(ss).sin6_addr, buf, sizeof buf);
        }
        return buf;
    }

    // Never stops accepting because the table is full: a newcomer takes the
    // place of the idlest connection or is told 503, so that it hears
    // something instead of waiting in the backlog behind idle clients.
    void accept_all() {
        for (int i = 0; i < kMaxAcceptsPerWake; ++i) {
            if (open_count >= fd_budget) close_oldest_linger();
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                int e = errno;
                if (e == EINTR || e == ECONNABORTED || e == EPROTO) continue;
                if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
                    // Out of descriptors: stop listening for a moment rather
                    // than spin on a listener that stays readable.
                    set_listener(false);
                    accept_resume_at = now + kTick;
                }
                return;
            }
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            // The kernel queues at most this much not yet sent: a client that
            // never reads then pins little kernel memory either (the send
            // buffer would otherwise grow to megabytes), and the data in
            // flight, which makes the speed, is not limited.
            int lowat = static_cast<int>(kNotSentLowat);
            ::setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
            auto c = std::make_unique<Conn>(pool);
            c->id = next_id++;
            c->fd = fd;
            c->peer = net::format_address(&ss, len);
            c->last_progress = now;
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.ptr = c.get();
            if (::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
                ::close(fd);
                continue;
            }
            c->events = EPOLLIN;
            Conn& ref = *c;
            conns.emplace(c->id, std::move(c));
            ++open_count;

            std::optional<Response> refusal;
            if (options.max_per_client) {
                ref.client = client_key(ss);
                if (per_client[ref.client] >= options.max_per_client)
                    refusal = errors::too_many_from(ref.client, options);
            }
            if (!refusal && active_count >= limit && !evict_one()) refusal = errors::table_full(limit, options);
            if (refusal) {
                refuse(ref, std::move(*refusal));
                continue;
            }
            ref.active = true;
            ++active_count;
            if (options.max_per_client) ++per_client[ref.client];
            arm_timer(ref);
            classify(ref);
        }
    }

    // 503 with Retry-After, then a close (a lingering one while descriptors
    // allow, so that the answer is not lost to a reset).
    void refuse(Conn& c, Response resp) {
        requests.queue(c, nullptr, "(connection refused)", std::move(resp), now);
        pump(c);
        if (!c.dead && open_count > fd_budget) close_conn(c);
    }

    // Makes room for one active connection: an idle keep-alive connection is
    // closed, else the oldest partial head is answered 408. False when every
    // connection is busy.
    bool evict_one() {
        if (!idle_set.empty()) {
            close_conn(*conns.at(idle_set.begin()->second));
            return true;
        }
        if (!partial_set.empty()) {
            Conn& v = *conns.at(partial_set.begin()->second);
            requests.request_timeout(v, errors::Deadline::crowded, now);
            pump(v);
            if (!v.dead && v.active) close_conn(v);
            return true;
        }
        return false;
    }

    void close_oldest_linger() {
        if (!linger_set.empty()) close_conn(*conns.at(linger_set.begin()->second));
    }

    void on_event(Conn& c, std::uint32_t ev) {
        if (ev & EPOLLIN) on_readable(c);
        if (c.dead) return;
        if (ev & (EPOLLERR | EPOLLHUP)) {
            // Reset, or both directions closed: nobody is left to answer.
            close_conn(c);
            return;
        }
        if (ev & EPOLLOUT) pump(c);
    }

    void on_readable(Conn& c) {
        for (int i = 0; i < kMaxReadsPerWake; ++i) {
            if (c.phase != Phase::linger && !wants_read(c)) break;
            std::size_t room = scratch.size();
            if (c.phase != Phase::linger) room = std::min(room, c.input_limit() - c.avail());
            ssize_t n = ::recv(c.fd, scratch.data(), room, 0);
            if (n > 0) {
                c.last_progress = now;
                if (c.phase == Phase::linger) continue;  // draining before close: discard
                // The head's deadline runs from its first byte, even an empty line's.
                if (c.phase == Phase::head && !c.head_since) c.head_since = now;
                c.compact_input();
                c.lend_input();
                c.in.append(scratch.data(), static_cast<std::size_t>(n));
                if (c.avail() >= kReadChunk) break;  // handle this much before reading more
                // A short read drained the socket: another recv would only
                // say EAGAIN (a syscall per request); epoll tells when more comes.
                if (static_cast<std::size_t>(n) < room) break;
                continue;
            }
            if (n == 0) {
                c.peer_closed = true;
                break;
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            close_conn(c);  // reset or other failure: close quietly
            return;
        }
        if (c.phase == Phase::linger) {
            if (c.peer_closed) close_conn(c);
            return;
        }
        pump(c);
    }

    bool wants_read(const Conn& c) const {
        if (c.peer_closed) return false;
        if (c.phase == Phase::linger) return true;
        if (c.close_after || c.output_waiting()) return false;
        return c.avail() < c.input_limit();
    }

    // Takes requests, writes what is queued, until nothing more can happen
    // without the network or a timer.
    void pump(Conn& c) {
        for (;;) {
            if (c.dead) return;
            bool progressed = false;
            while (c.phase != Phase::linger && !c.close_after && c.gen.kind == GenKind::none &&
                   c.out_pending() < kOutHigh) {
                Step s = requests.handle_input(c, now);
                if (c.dead) return;
                note_phase(c, s);
                if (s == Step::need_more) break;
                progressed = true;
            }
            bool had_gen = c.gen.kind == GenKind::bytes || c.gen.kind == GenKind::chunked;
            IoResult r = c.flush(now);
            if (r == IoResult::error) {
                close_conn(c);  // the client went away mid-response
                return;
            }
            if (had_gen && c.gen.kind == GenKind::none) progressed = true;
            if (r == IoResult::ok && c.close_after && c.gen.kind == GenKind::none) {
                start_linger(c);
                return;
            }
            if (!progressed || r == IoResult::blocked) break;
        }
        c.compact_input();
        // Buffered bytes of a next request start its head's clock once the
        // client is no longer waiting for output.
        if (c.phase == Phase::head && !c.head_since && c.avail() > 0 && !c.output_waiting()) c.head_since = now;
        update_interest(c);
        arm_timer(c);
        classify(c);
    }

    // The head and body clocks, from where the request handling left it.
    void note_phase(Conn& c, Step s) {
        if (s == Step::handled) c.head_since.reset();
        if (c.phase == Phase::body) {
            c.head_since.reset();
            if (!c.body_since) c.body_since = now;
        } else {
            c.body_since.reset();
        }
    }

    void update_interest(Conn& c) {
        if (c.dead) return;
        std::uint32_t ev = 0;
        if (wants_read(c)) ev |= EPOLLIN;
        if (c.phase != Phase::linger && (c.out_pending() > 0 || !c.gen_slice().empty())) ev |= EPOLLOUT;
        if (ev == c.events) return;
        epoll_event e{};
        e.events = ev;
        e.data.ptr = &c;
        ::epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &e);
        c.events = ev;
    }

    // The head deadline counts while the server waits for the client, not
    // while the client has output to read.
    std::optional<TimePoint> head_deadline(const Conn& c) const {
        if (c.phase != Phase::head || !c.head_since || c.close_after || c.output_waiting()) return std::nullopt;
        return *c.head_since + options.head_timeout;
    }

    // The body's: its grace, plus a second per min_body_rate bytes received.
    std::optional<TimePoint> body_deadline(const Conn& c) const {
        if (c.phase != Phase::body || !c.body_since || options.min_body_rate == 0 || c.output_waiting())
            return std::nullopt;
        std::uint64_t bytes = std::min<std::uint64_t>(c.body_bytes(), 1ull << 40);
        return *c.body_since + options.body_timeout + milliseconds(bytes * 1000 / options.min_body_rate);
    }

    // One timer entry per connection, never later than its next deadline; it
    // may fire early (the idle clock moved on) and is then re-armed.
    void arm_timer(Conn& c) {
        if (c.dead) return;
        TimePoint want;
        if (c.phase == Phase::linger) {
            want = c.linger_until;
        } else {
            want = c.last_progress + options.idle_timeout;
            if (c.gen.kind == GenKind::slow) want = std::min(want, c.drip_at);
            if (auto h = head_deadline(c)) want = std::min(want, *h);
            if (auto b = body_deadline(c)) want = std::min(want, *b);
        }
        if (c.timer_at && *c.timer_at <= want) return;
        if (c.timer_at) timers.erase({*c.timer_at, c.id});
        timers.insert({want, c.id});
        c.timer_at = want;
    }

    void run_timers() {
        while (!timers.empty() && timers.begin()->first <= now) {
            std::uint64_t id = timers.begin()->second;
            timers.erase(timers.begin());
            auto it = conns.find(id);
            if (it == conns.end() || it->second->dead) continue;
            Conn& c = *it->second;
            c.timer_at.reset();
            on_timer(c);
        }
    }

    void on_timer(Conn& c) {
        if (c.phase == Phase::linger) {
            if (now >= c.linger_until) {
                close_conn(c);
            } else {
                arm_timer(c);
            }
            return;
        }
        if (c.gen.kind == GenKind::slow && now >= c.drip_at) {
            c.drip(now);
            pump(c);
            if (c.dead) return;
        }
        if (auto h = head_deadline(c); h && now >= *h) {
            if (c.avail() == 0 && !c.request_started()) {
                close_conn(c);  // nothing arrived
                return;
            }
            requests.request_timeout(c, errors::Deadline::head, now);
            pump(c);
            return;
        }
        if (auto b = body_deadline(c); b && now >= *b) {
            requests.request_timeout(c, errors::Deadline::body, now);
            pump(c);
            return;
        }
        if (now >= c.last_progress + options.idle_timeout) {
            on_idle(c);
            return;
        }
        arm_timer(c);
    }

    void on_idle(Conn& c) {
        if (c.output_waiting()) {
            close_conn(c);  // the client stopped reading its response
            return;
        }
        if (c.phase == Phase::body || c.avail() > 0 || c.request_started()) {
            requests.request_timeout(c, errors::Deadline::idle, now);
            pump(c);
            return;
        }
        close_conn(c);  // an idle keep-alive connection
    }

    void start_linger(Conn& c) {
        // Closing with unread input would make the kernel send a reset that
        // can destroy the response before the client reads it: half-close,
        // then drain what the client still sends, for a short while.
        if (c.peer_closed) {
            close_conn(c);
            return;
        }
        ::shutdown(c.fd, SHUT_WR);
        deactivate(c);
        c.phase = Phase::linger;
        c.linger_until = now + std::min<milliseconds>(kLingerMax, options.idle_timeout);
        c.release_buffers();  // what it still sends is read into the loop's scratch, and dropped
        update_interest(c);
        arm_timer(c);
        classify(c);
    }

    // Leaves the count of active connections (lingering or closed).
    void deactivate(Conn& c) {
        if (!c.active) return;
        c.active = false;
        --active_count;
        if (options.max_per_client) {
            auto it = per_client.find(c.client);
            if (it != per_client.end() && --it->second == 0) per_client.erase(it);
        }
    }

    // Files the connection under its standing, for evict_one.
    void classify(Conn& c) {
        Standing s = Standing::busy;
        TimePoint key{};
        if (c.dead) {
            // filed nowhere
        } else if (c.phase == Phase::linger) {
            s = Standing::linger;
            key = c.linger_until;
        } else if (c.phase == Phase::head && !c.close_after && !c.output_waiting()) {
            if (c.head_since) {
                s = Standing::partial;
                key = *c.head_since;
            } else if (c.avail() == 0) {
                s = Standing::idle;
                key = c.standing == Standing::idle ? c.standing_key : now;
                c.release_buffers();  // lent again when the next request comes
            }
        }
        if (!c.dead && s == c.standing && key == c.standing_key) return;
        if (auto* set = standing_set(c.standing)) set->erase({c.standing_key, c.id});
        c.standing = c.dead ? Standing::busy : s;
        c.standing_key = key;
        if (c.dead) return;
        if (auto* set = standing_set(s)) set->insert({key, c.id});
    }

    std::set<std::pair<TimePoint, std::uint64_t>>* standing_set(Standing s) {
        switch (s) {
            case Standing::idle: return &idle_set;
            case Standing::partial: return &partial_set;
            case Standing::linger: return &linger_set;
            case Standing::busy: break;
        }
        return nullptr;
    }

    void close_conn(Conn& c) {
        if (c.dead) return;
        deactivate(c);
        c.dead = true;
        classify(c);
        ::epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
        c.fd = -1;
        --open_count;
        ++closed_since_trim;
        if (c.timer_at) timers.erase({*c.timer_at, c.id});
        c.timer_at.reset();
        graveyard.push_back(c.id);
    }

    void reap() {
        for (auto id : graveyard) conns.erase(id);
        graveyard.clear();
        // free() keeps what it can for reuse; after many clients left (or
        // all), hand it back, so a burst does not leave serve large.
        if (closed_since_trim > 0 && now - last_trim >= kTrimEvery &&
            (open_count == 0 || closed_since_trim >= 256)) {
            ::malloc_trim(0);
            closed_since_trim = 0;
            last_trim = now;
        }
    }

    void close_all() {
        for (auto& [id, c] : conns) close_conn(*c);
        reap();
        timers.clear();
    }

};

// ============================================================ PracticeServer

PracticeServer::PracticeServer(net::Listener listener, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(listener), std::move(options))) {}

PracticeServer::~PracticeServer() = default;

void PracticeServer::run(const std::atomic<bool>& stop) { impl_->run(stop); }

std::size_t PracticeServer::max_connections() const { return impl_->limit_shown.load(); }

std::uint16_t PracticeServer::port() const { return static_cast<std::uint16_t>(impl_->listener.port); }

const std::string& PracticeServer::address() const { return impl_->listener.address; }

}  // namespace rawhttp::server
