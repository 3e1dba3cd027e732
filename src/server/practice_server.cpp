// The practice server: one thread, an epoll event loop over non-blocking
// sockets, per-connection input and output buffers, and a timer set for idle
// timeouts, lingering closes and the /slow drip. Nothing here ever blocks or
// sleeps; a slow or vanished client costs one buffer, never the loop.
#include "server/practice_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/chars.hpp"
#include "http/message.hpp"
#include "http/message_reader.hpp"
#include "lint/lint.hpp"
#include "render/lint_report.hpp"
#include "server/practice_pages.hpp"

namespace rawhttp::server {

namespace {

using pages::escape;
using pages::escape_limited;
using pages::GenKind;
using pages::kAllow;
using pages::kMethods;
using pages::no_body_status;
using pages::parse_number;
using pages::path_of;
using pages::Request;
using pages::Response;
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using std::chrono::milliseconds;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kReadCap = kMaxHeadBytes + kReadChunk;  // unconsumed body input kept at most
constexpr std::size_t kOutHigh = 64 * 1024;   // above this, take no new pipelined request
constexpr std::size_t kFillChunk = 64 * 1024; // one send of /bytes, straight from a shared block
constexpr std::size_t kChunkSize = 1024;      // /chunked/N chunk size
constexpr std::size_t kChunkUnit = 3 + 2 + kChunkSize + 2;  // "400\r\n", the data, "\r\n"
constexpr std::size_t kChunkUnits = 16;       // full chunks in the shared /chunked block
constexpr std::size_t kInlineBody = 8 * 1024; // generated bodies this small are buffered, so
                                              // pipelined answers share one send
constexpr std::size_t kNotSentLowat = 128 * 1024;  // TCP_NOTSENT_LOWAT of each client socket
constexpr std::size_t kFdReserve = 64;        // descriptors kept back from connections
constexpr std::size_t kMaxAutoConnections = 1u << 20;  // when the descriptor limit is unlimited
constexpr milliseconds kTrimEvery{1000};      // the most often freed memory goes back to the system
constexpr milliseconds kDripInterval{100};
constexpr milliseconds kLingerMax{2000};
constexpr milliseconds kTick{100};            // the stop flag is checked this often
constexpr int kMaxEvents = 512;
constexpr int kMaxAcceptsPerWake = 512;
constexpr int kMaxReadsPerWake = 4;
constexpr std::size_t kEarlyParse = 4096;  // heads this short are re-parsed on every read
constexpr std::size_t kKeepCapacity = 64 * 1024;  // larger buffers are released once drained


// 64 printable bytes, the repeating content of /bytes, /chunked and /slow.
constexpr std::string_view kPattern = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_\n";
static_assert(kPattern.size() == 64);

const std::string& pattern_block() {
    static const std::string block = [] {
        std::string s;
        s.reserve(kFillChunk + kPattern.size());
        while (s.size() < kFillChunk + kPattern.size()) s.append(kPattern);
        return s;
    }();
    return block;
}

// /chunked's full chunks are all alike (1024 is a multiple of the pattern's
// 64 bytes, so each starts at the pattern's start): one shared block of them
// serves every connection, and a response costs no buffer of its own.
const std::string& chunk_block() {
    static const std::string block = [] {
        static_assert(kChunkSize % kPattern.size() == 0 && kChunkSize == 0x400);
        std::string unit = "400\r\n" + pattern_block().substr(0, kChunkSize) + "\r\n";
        std::string s;
        for (std::size_t i = 0; i < kChunkUnits; ++i) s += unit;
        return s;
    }();
    return block;
}

// ------------------------------------------------------------ text helpers

// Comma-separated list elements, trimmed, lowercased, parameters dropped.
std::vector<std::string> list_tokens(std::string_view v) {
    std::vector<std::string> out;
    while (!v.empty()) {
        auto comma = v.find(',');
        std::string_view item = v.substr(0, comma);
        auto semi = item.find(';');
        item = http::detail::trim_ows(item.substr(0, semi));
        if (!item.empty()) out.push_back(http::detail::ascii_lower(item));
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}



std::string hex_size(std::uint64_t n) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(n));
    return buf;
}

// IMF-fixdate for the Date header, in the C locale whatever the process's.
std::string http_date(std::time_t t) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
                  months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

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

// ------------------------------------------------------------- the model

enum class Phase { head, body, linger };

// What a response body is generated from, in pieces, as the socket drains:
// /bytes and /chunked are sent straight from a shared block, so a client that
// does not read costs its connection no output buffer at all.
struct Generator {
    GenKind kind = GenKind::none;
    std::uint64_t remaining = 0;  // bytes of the stream still to send (chunked: of its full chunks)
    std::uint64_t offset = 0;     // bytes of the stream sent
    std::uint64_t tail = 0;       // chunked: data bytes of the short last chunk
};

// Which deadline ended a request (the 408 says which).
enum class Expiry { idle, head, body, crowded };

// Where a connection stands, for choosing whom to close when the table is full.
enum class Standing { busy, idle, partial, linger };


struct Conn {
    std::uint64_t id = 0;
    int fd = -1;
    std::string peer;
    bool dead = false;

    std::string in;
    std::size_t in_pos = 0;   // first unconsumed byte
    std::size_t scan_pos = 0; // next byte to look at for a new line

    std::string out;
    std::size_t out_pos = 0;

    Phase phase = Phase::head;
    http::MessageReader reader;
    Request req;

    explicit Conn(const http::ReaderOptions& o) : reader(o) {}
    Generator gen;
    bool close_after = false;  // close once the queued output is written
    bool peer_closed = false;  // FIN received

    TimePoint last_progress;
    TimePoint drip_at;
    TimePoint linger_until;
    std::optional<TimePoint> timer_at;
    std::uint32_t events = 0;

    std::optional<TimePoint> head_since;  // first byte of the head being awaited
    std::optional<TimePoint> body_since;  // end of the head whose body is being read
    bool active = false;                  // counted against max_connections
    std::string client;                   // address without port, with --max-per-client
    Standing standing = Standing::busy;
    TimePoint standing_key;               // its place in that standing's queue

    std::size_t avail() const { return in.size() - in_pos; }
    std::size_t out_pending() const { return out.size() - out_pos; }
};


enum class Step { need_more, handled };
enum class IoResult { ok, blocked, error };


}  // namespace

// ====================================================================== Impl

struct PracticeServer::Impl {
    net::Listener listener;
    ServeOptions options;
    int epfd = -1;
    std::uint64_t next_id = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns;
    std::vector<std::uint64_t> graveyard;
    std::set<std::pair<TimePoint, std::uint64_t>> timers;
    TimePoint now = Clock::now();
    bool listener_active = false;
    std::optional<TimePoint> accept_resume_at;
    std::time_t date_time = 0;
    std::string date;
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

    Impl(net::Listener l, ServeOptions o) : listener(std::move(l)), options(std::move(o)) {
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
                std::uint64_t id = events[i].data.u64;
                if (id == 0) {
                    accept_all();
                    continue;
                }
                auto it = conns.find(id);
                if (it == conns.end() || it->second->dead) continue;
                on_event(*it->second, events[i].events);
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
            ev.data.u64 = 0;
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
            auto c = std::make_unique<Conn>(reader_options());
            c->id = next_id++;
            c->fd = fd;
            c->peer = net::format_address(&ss, len);
            c->last_progress = now;
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = c->id;
            if (::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
                ::close(fd);
                continue;
            }
            c->events = EPOLLIN;
            Conn& ref = *c;
            conns.emplace(c->id, std::move(c));
            ++open_count;

            std::string refusal;
            if (options.max_per_client) {
                ref.client = client_key(ss);
                if (per_client[ref.client] >= options.max_per_client) {
                    refusal = "This server takes at most " + std::to_string(options.max_per_client) +
                              " connections from one address (--max-per-client), and " + ref.client +
                              " has that many open.\n";
                }
            }
            if (refusal.empty() && active_count >= limit && !evict_one()) {
                refusal = "All " + std::to_string(limit) +
                          " connections this server takes at once (--max-connections) are busy\n"
                          "with requests or responses in progress, so none could make room.\n";
            }
            if (!refusal.empty()) {
                refuse(ref, refusal);
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
    void refuse(Conn& c, const std::string& why) {
        Response resp;
        resp.status = 503;
        resp.close = true;
        resp.headers.push_back({"Retry-After", "1"});
        resp.body = "503 Service Unavailable\n\n" + why +
                    "Try again in a moment (Retry-After: 1) \xe2\x80\x94 RFC 9110 section 15.6.4.\n";
        queue(c, nullptr, "(connection refused)", std::move(resp));
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
            request_timeout(v, Expiry::crowded);
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
            if (c.phase != Phase::linger) room = std::min(room, input_limit(c) - c.avail());
            ssize_t n = ::recv(c.fd, scratch.data(), room, 0);
            if (n > 0) {
                c.last_progress = now;
                if (c.phase == Phase::linger) continue;  // draining before close: discard
                // The head's deadline runs from its first byte, even an empty line's.
                if (c.phase == Phase::head && !c.head_since) c.head_since = now;
                compact_input(c);
                c.in.append(scratch.data(), static_cast<std::size_t>(n));
                if (c.avail() >= kReadChunk) break;  // handle this much before reading more
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

    // Unconsumed input held at most: a head is read up to its limit (the
    // parser answers 431 there); a body is consumed as it arrives.
    static std::size_t input_limit(const Conn& c) { return c.phase == Phase::head ? kMaxHeadBytes : kReadCap; }

    // Output waiting for the client: nothing more is read meanwhile, so a
    // client that pipelines without reading holds one request's worth of
    // memory, not all it managed to send.
    static bool output_waiting(const Conn& c) { return c.out_pending() > 0 || c.gen.kind != GenKind::none; }

    bool wants_read(const Conn& c) const {
        if (c.peer_closed) return false;
        if (c.phase == Phase::linger) return true;
        if (c.close_after || output_waiting(c)) return false;
        return c.avail() < input_limit(c);
    }

    void compact_input(Conn& c) {
        if (c.in_pos == 0) return;
        if (c.in_pos == c.in.size()) {
            if (c.in.capacity() > kKeepCapacity) std::string().swap(c.in);
            c.in.clear();
            c.in_pos = 0;
            c.scan_pos = 0;
        } else if (c.in_pos >= kReadChunk && c.in_pos * 2 >= c.in.size()) {
            c.in.erase(0, c.in_pos);
            c.scan_pos = c.scan_pos > c.in_pos ? c.scan_pos - c.in_pos : 0;
            c.in_pos = 0;
        }
    }

    // Takes requests, writes what is queued, until nothing more can happen
    // without the network or a timer.
    void pump(Conn& c) {
        for (;;) {
            if (c.dead) return;
            bool progressed = false;
            while (c.phase != Phase::linger && !c.close_after && c.gen.kind == GenKind::none &&
                   c.out_pending() < kOutHigh) {
                Step s = handle_input(c);
                if (c.dead) return;
                note_phase(c, s);
                if (s == Step::need_more) break;
                progressed = true;
            }
            bool had_gen = c.gen.kind == GenKind::bytes || c.gen.kind == GenKind::chunked;
            IoResult r = flush(c);
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
        compact_input(c);
        // Buffered bytes of a next request start its head's clock once the
        // client is no longer waiting for output.
        if (c.phase == Phase::head && !c.head_since && c.avail() > 0 && !output_waiting(c)) c.head_since = now;
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

    // Sends queued bytes, then the generated body, in one sendmsg where both
    // are due; generated bytes never pass through the connection's buffer.
    IoResult flush(Conn& c) {
        for (;;) {
            std::string_view gen = gen_slice(c);
            std::size_t pending = c.out_pending();
            if (pending == 0) {
                if (c.out.capacity() > kKeepCapacity) std::string().swap(c.out);
                c.out.clear();
                c.out_pos = 0;
                if (gen.empty()) return IoResult::ok;
            }
            iovec iov[2];
            int count = 0;
            if (pending) iov[count++] = {c.out.data() + c.out_pos, pending};
            if (!gen.empty()) iov[count++] = {const_cast<char*>(gen.data()), gen.size()};
            msghdr m{};
            m.msg_iov = iov;
            m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(count);
            ssize_t n = ::sendmsg(c.fd, &m, MSG_NOSIGNAL);
            if (n > 0) {
                std::size_t sent = static_cast<std::size_t>(n);
                std::size_t from_out = std::min(sent, pending);
                c.out_pos += from_out;
                if (sent > from_out) gen_advance(c, sent - from_out);
                c.last_progress = now;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                if (c.out_pos >= kFillChunk && c.out_pos * 2 >= c.out.size()) {
                    c.out.erase(0, c.out_pos);
                    c.out_pos = 0;
                }
                return IoResult::blocked;
            }
            return IoResult::error;
        }
    }

    // Starts a generated body (/bytes, /chunked, /slow) after the queued head.
    void start_generator(Conn& c, GenKind kind, std::uint64_t length) {
        c.gen = Generator{kind, length, 0, 0};
        if (kind != GenKind::slow && length <= kInlineBody) {
            if (kind == GenKind::bytes) {
                c.out.append(pattern_block().data(), static_cast<std::size_t>(length));
            } else {
                for (std::uint64_t i = 0; i < length / kChunkSize; ++i) c.out.append(chunk_block(), 0, kChunkUnit);
                c.gen.tail = length % kChunkSize;
            }
            finish_generator(c);
            return;
        }
        if (kind == GenKind::chunked) {
            c.gen.remaining = length / kChunkSize * kChunkUnit;
            c.gen.tail = length % kChunkSize;
            if (c.gen.remaining == 0) finish_generator(c);
        } else if (kind == GenKind::slow) {
            c.drip_at = now + kDripInterval;
            if (length == 0) c.gen.kind = GenKind::none;
        } else if (length == 0) {
            c.gen.kind = GenKind::none;
        }
    }

    // The next piece of a generated body, in the shared blocks; empty when none.
    static std::string_view gen_slice(const Conn& c) {
        const Generator& g = c.gen;
        if (g.remaining == 0) return {};
        if (g.kind == GenKind::bytes) {
            std::size_t at = static_cast<std::size_t>(g.offset % kPattern.size());
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(g.remaining, kFillChunk));
            return std::string_view(pattern_block()).substr(at, n);
        }
        if (g.kind == GenKind::chunked) {
            const std::string& block = chunk_block();
            std::size_t at = static_cast<std::size_t>(g.offset % kChunkUnit);
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(g.remaining, block.size() - at));
            return std::string_view(block).substr(at, n);
        }
        return {};
    }

    void gen_advance(Conn& c, std::size_t n) {
        Generator& g = c.gen;
        g.offset += n;
        g.remaining -= std::min<std::uint64_t>(n, g.remaining);
        if (g.remaining == 0) finish_generator(c);
    }

    // The end of a generated body: /chunked's short last chunk and its
    // terminator are the only generated bytes that are buffered.
    void finish_generator(Conn& c) {
        Generator& g = c.gen;
        if (g.kind == GenKind::chunked) {
            if (g.tail > 0) {
                c.out += hex_size(g.tail);
                c.out += "\r\n";
                c.out.append(pattern_block().data(), static_cast<std::size_t>(g.tail));
                c.out += "\r\n";
            }
            c.out += "0\r\n\r\n";
        }
        g = Generator{};
    }

    void drip(Conn& c) {
        Generator& g = c.gen;
        if (g.kind != GenKind::slow) return;
        if (g.remaining > 0) {
            c.out += kPattern[g.offset % kPattern.size()];
            ++g.offset;
            --g.remaining;
        }
        if (g.remaining == 0) {
            g.kind = GenKind::none;
        } else {
            c.drip_at = now + kDripInterval;
        }
    }

    void update_interest(Conn& c) {
        if (c.dead) return;
        std::uint32_t ev = 0;
        if (wants_read(c)) ev |= EPOLLIN;
        if (c.phase != Phase::linger && (c.out_pending() > 0 || !gen_slice(c).empty())) ev |= EPOLLOUT;
        if (ev == c.events) return;
        epoll_event e{};
        e.events = ev;
        e.data.u64 = c.id;
        ::epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &e);
        c.events = ev;
    }

    // The head deadline counts while the server waits for the client, not
    // while the client has output to read.
    std::optional<TimePoint> head_deadline(const Conn& c) const {
        if (c.phase != Phase::head || !c.head_since || c.close_after || output_waiting(c)) return std::nullopt;
        return *c.head_since + options.head_timeout;
    }

    // The body's: its grace, plus a second per min_body_rate bytes received.
    std::optional<TimePoint> body_deadline(const Conn& c) const {
        if (c.phase != Phase::body || !c.body_since || options.min_body_rate == 0 || output_waiting(c))
            return std::nullopt;
        std::uint64_t bytes = std::min<std::uint64_t>(c.reader.body_bytes(), 1ull << 40);
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
            drip(c);
            pump(c);
            if (c.dead) return;
        }
        if (auto h = head_deadline(c); h && now >= *h) {
            if (c.avail() == 0 && !c.reader.started()) {
                close_conn(c);  // nothing arrived
                return;
            }
            request_timeout(c, Expiry::head);
            pump(c);
            return;
        }
        if (auto b = body_deadline(c); b && now >= *b) {
            request_timeout(c, Expiry::body);
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
        if (output_waiting(c)) {
            close_conn(c);  // the client stopped reading its response
            return;
        }
        if (c.phase == Phase::body || c.avail() > 0 || c.reader.started()) {
            request_timeout(c, Expiry::idle);
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
        std::string().swap(c.in);
        std::string().swap(c.out);
        c.out_pos = 0;
        c.in_pos = c.scan_pos = 0;
        c.req = Request{};
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

    // Files the connection under its standing, for evict_one. An idle one
    // also gives its buffers back: thousands of idle keep-alive connections
    // then cost little more than their sockets.
    void classify(Conn& c) {
        Standing s = Standing::busy;
        TimePoint key{};
        if (c.dead) {
            // filed nowhere
        } else if (c.phase == Phase::linger) {
            s = Standing::linger;
            key = c.linger_until;
        } else if (c.phase == Phase::head && !c.close_after && !output_waiting(c)) {
            if (c.head_since) {
                s = Standing::partial;
                key = *c.head_since;
            } else if (c.avail() == 0) {
                s = Standing::idle;
                key = c.standing == Standing::idle ? c.standing_key : now;
                std::string().swap(c.in);
                std::string().swap(c.out);
                c.in_pos = c.scan_pos = c.out_pos = 0;
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

    const std::string& date_header() {
        std::time_t t = std::time(nullptr);
        if (t != date_time || date.empty()) {
            date_time = t;
            date = http_date(t);
        }
        return date;
    }

    void log(const Conn& c, std::string_view line, std::string_view status) {
        if (!options.log) return;
        std::string s = c.peer + " \"" + escape_limited(line) + "\" " + std::string(status) + "\n";
        options.log->write(s.data(), static_cast<std::streamsize>(s.size()));
        options.log->flush();
    }

    // ------------------------------------------------------- request input

    // Requests are read by the one message reader, judged by the rule book.
    http::ReaderOptions reader_options() const { return serve_reader_options(options); }

    Step handle_input(Conn& c) {
        if (c.phase == Phase::linger) return Step::need_more;
        for (;;) {
            const std::string_view in(c.in.data() + c.in_pos, c.avail());
            if (in.empty()) {
                if (!c.peer_closed) return Step::need_more;
                if (!c.reader.started()) {
                    c.close_after = true;  // the client is done: close after what is queued
                    return Step::handled;
                }
                return ended_early(c);
            }
            const bool had_head = c.reader.head_complete();
            const std::size_t used = c.reader.put(in);
            keep_wire(c, in.substr(0, used));
            if (c.req.echo && had_head) c.req.echo_bytes.append(in.data(), used);
            c.in_pos += used;
            if (c.reader.failed()) return reject_rule(c, *c.reader.error());
            if (!had_head && c.reader.head_complete()) {
                if (begin_request(c) == Step::handled) return Step::handled;
            }
            if (c.req.echo && c.req.echo_bytes.size() > kMaxHeadBytes + kMaxEchoBody) return echo_too_large(c);
            if (c.reader.done()) return finish_request(c);
            if (used == 0) return Step::need_more;
        }
    }

    // The first bytes of the message being read, kept to show where a rule broke.
    static void keep_wire(Conn& c, std::string_view bytes) {
        constexpr std::size_t kKeep = 64 * 1024;
        if (c.req.wire.size() < kKeep) c.req.wire.append(bytes.substr(0, kKeep - c.req.wire.size()));
    }

    // The head is complete and broke no rule that this server enforces.
    Step begin_request(Conn& c) {
        const http::MessageHead& head = c.reader.head();
        Request& r = c.req;
        r.method = std::string(head.method);
        r.target = std::string(head.target);
        r.line = first_line(c.reader.raw_head().substr(head.line_offset));
        r.minor = head.minor;
        bool conn_close = false, conn_keep_alive = false, expect = false;
        for (const auto& f : head.headers) {
            if (http::iequals(f.name, "Connection")) {
                for (const auto& t : list_tokens(f.value)) {
                    if (t == "close") conn_close = true;
                    if (t == "keep-alive") conn_keep_alive = true;
                }
            }
            if (http::iequals(f.name, "Expect") && http::iequals(http::detail::trim_ows(f.value), "100-continue"))
                expect = true;
        }
        r.keep_alive = head.minor >= 1 ? !conn_close : (conn_keep_alive && !conn_close);
        // The warnings this server tolerates (lint's names), for the log and a header.
        for (const auto& v : c.reader.violations()) {
            std::string id(http::rule_info(v.rule).id);
            if (std::find(r.warnings.begin(), r.warnings.end(), id) == r.warnings.end()) r.warnings.push_back(id);
        }
        const http::BodyFraming& framing = c.reader.framing();
        r.echo = path_of(r.target) == "/echo";
        if (r.echo && framing.framing == http::Framing::content_length && framing.length > kMaxEchoBody)
            return echo_too_large(c);
        if (r.echo) r.echo_bytes = std::string(c.reader.raw_head());
        c.phase = Phase::body;
        // RFC 9110 section 10.1.1: a client that sent Expect: 100-continue
        // waits for this interim response before sending the body.
        if (expect && head.minor >= 1 && !c.reader.done() && c.avail() == 0) c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        return Step::need_more;
    }

    static std::string first_line(std::string_view v) {
        return std::string(v.substr(0, std::min<std::size_t>(v.find_first_of("\r\n"), 200)));
    }

    Step finish_request(Conn& c) {
        c.phase = Phase::head;
        c.scan_pos = c.in_pos;  // the next request may already be buffered
        Request r = std::move(c.req);
        c.req = Request{};
        c.reader.reset();
        respond(c, r);
        return Step::handled;
    }

    // ----------------------------------------------------------- errors

    // A final error response; the connection closes after it.
    Step reject(Conn& c, const std::string& line, int status, std::string explanation) {
        Response resp;
        resp.status = status;
        resp.close = true;
        std::string reason(http::status_reason(status));
        resp.body = std::to_string(status) + " " + reason + "\n\n" + std::move(explanation);
        if (status == 400) resp.body += "\n`rawhttp lint FILE.req` explains every rule before anything is sent.\n";
        queue(c, nullptr, line, std::move(resp));
        c.reader.reset();
        c.req = Request{};
        return Step::handled;
    }

    // lint's words for a rule broken on the wire, with the line and column.
    std::string explain(const Conn& c, const http::Violation& v) const {
        const std::string_view wire = c.req.wire;
        lint::Finding f = lint::make_finding(v, wire, http::MessageKind::request, options.strict);
        std::string out = render::finding_text(f, {}, "", "  ");
        if (v.offset < wire.size()) out += render::finding_pointer(wire, f, {}, "    | ");
        return out;
    }

    // The request broke a rule: the status is the rule book's, the body lint's text.
    Step reject_rule(Conn& c, const http::Violation& v) {
        const http::RuleInfo& rule = http::rule_info(v.rule);
        const std::string line = first_line(std::string_view(c.req.wire).substr(c.reader.head().line_offset));
        if (rule.status == "timeout") return request_timeout(c);
        const int status = std::atoi(std::string(rule.status).c_str());
        std::string body = "rawhttp serve parses requests strictly, and this one broke a rule:\n\n" + explain(c, v);
        if (v.rule == http::Rule::version_unsupported && line.rfind("PRI * HTTP/2.0", 0) == 0)
            body += "\n\"PRI * HTTP/2.0\" is the HTTP/2 connection preface (RFC 9113 section 3.4):\n"
                    "this server speaks HTTP/1.1 (and HTTP/1.0) over plain text, not HTTP/2.\n";
        body += "\nThe request was not processed, and the connection is closed.\n";
        return reject(c, line, status, std::move(body));
    }

    Step echo_too_large(Conn& c) {
        return reject(c, c.req.line, 413,
                      "the body is too large for /echo \xe2\x80\x94 RFC 9110 section 15.5.14\n\n"
                      "/echo holds the request in memory, so its body is capped at " +
                          std::to_string(kMaxEchoBody) + " bytes (16 MiB).\n");
    }

    // The client closed its side before the request ended.
    Step ended_early(Conn& c) {
        c.reader.put_eof();
        const http::Violation* v = c.reader.error();
        const std::string line = first_line(std::string_view(c.req.wire).substr(c.reader.head().line_offset));
        std::string body = "the request ended early: the client closed its side before the request was complete.\n\n";
        if (v) body += explain(c, *v);
        return reject(c, line, 400, std::move(body));
    }

    static std::string ms_text(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

    // 408, saying which deadline fired: silence (--idle-timeout), the whole
    // head (--head-timeout), the body's pace (--body-timeout, --min-body-rate),
    // or a full connection table that needed this connection's place.
    // The client stopped sending mid-request: what it sent is judged as it
    // stands (put_eof), the same verdict lint gives those bytes. A rule broken
    // in what arrived gets its status; a request that is merely unfinished, 408.
    Step request_timeout(Conn& c, Expiry which = Expiry::idle) {
        if (!c.reader.failed()) c.reader.put_eof();
        const http::Violation* v = c.reader.error();
        const std::string line = first_line(std::string_view(c.req.wire).substr(c.reader.head().line_offset));
        if (v && http::rule_info(v->rule).status != "timeout") return reject_rule(c, *v);
        std::string when;
        switch (which) {
            case Expiry::idle:
                when = "The request was not finished within " + ms_text(options.idle_timeout) +
                       " of the last byte received\n(--idle-timeout).";
                break;
            case Expiry::head:
                when = "The request head was not finished within " + ms_text(options.head_timeout) +
                       " of its first byte\n(--head-timeout), however steadily it arrived.";
                break;
            case Expiry::body:
                when = "The request body arrived too slowly: it may take " + ms_text(options.body_timeout) +
                       " (--body-timeout), plus\none second per " + std::to_string(options.min_body_rate) +
                       " bytes received (--min-body-rate), and it took longer.";
                break;
            case Expiry::crowded:
                when = "Every connection this server takes at once was in use (--max-connections), and\n"
                       "this one, with the oldest unfinished request head, made room for a new client.";
                break;
        }
        std::string what;
        if (c.reader.head_complete()) {
            what = c.reader.framing().framing == http::Framing::content_length
                       ? "Its head arrived, and " + std::to_string(c.reader.body_bytes()) + " of the " +
                             std::to_string(c.reader.framing().length) + " body bytes announced by Content-Length."
                       : "Its head arrived, and part of a chunked body, without the last chunk.";
        } else {
            what = std::to_string(c.reader.consumed()) +
                   " bytes of it arrived, but not the empty line\n(CRLF CRLF) that ends a request head.";
        }
        Response resp;
        resp.status = 408;
        resp.close = true;
        resp.body = "408 Request Timeout\n\n" + when + "\n" + what +
                    "\n\nRFC 9110 section 15.5.9: the server did not receive a complete request in the time\n"
                    "it was prepared to wait, and closes the connection.\n";
        if (v) resp.body += "\n" + explain(c, *v);
        c.phase = Phase::head;
        c.reader.reset();
        c.req = Request{};
        queue(c, nullptr, line, std::move(resp));
        return Step::handled;
    }

    // ------------------------------------------------------------- pages

    // A request read cleanly: its page (practice_pages.cpp), queued.
    void respond(Conn& c, const Request& r) { queue(c, &r, r.line, pages::answer(r, {listener.port, options.idle_timeout})); }

    // Writes a response's head (and body, unless HEAD) into the output.
    void queue(Conn& c, const Request* r, const std::string& line, Response resp) {
        bool head_only = r && r->method == "HEAD";
        bool close = resp.close || !r || !r->keep_alive;
        std::string reason(http::status_reason(resp.status));
        std::string h;
        h.reserve(256);
        h += resp.interim;
        h += "HTTP/1.1 " + std::to_string(resp.status) + " " + reason + "\r\n";
        h += "Date: " + date_header() + "\r\n";
        h += "Server: rawhttp-serve\r\n";
        bool chunked = resp.gen == GenKind::chunked;
        bool close_delimited = resp.close_delimited;
        if (!no_body_status(resp.status)) {
            h += "Content-Type: " + resp.content_type + "\r\n";
            if (chunked) {
                h += "Transfer-Encoding: chunked\r\n";
            } else if (!close_delimited) {
                std::uint64_t len = resp.gen != GenKind::none ? resp.gen_length : resp.body.size();
                h += "Content-Length: " + std::to_string(len) + "\r\n";
            }
        }
        for (const auto& [name, value] : resp.headers) h += name + ": " + value + "\r\n";
        // What the rule book calls a warning is tolerated here, and named.
        if (r && !r->warnings.empty()) h += "Rawhttp-Warnings: " + join(r->warnings) + "\r\n";
        if (close) {
            h += "Connection: close\r\n";
        } else if (r && r->minor == 0) {
            h += "Connection: keep-alive\r\n";
        }
        h += "\r\n";
        c.out += h;
        if (!head_only && !no_body_status(resp.status)) {
            if (resp.gen != GenKind::none) {
                start_generator(c, resp.gen, resp.gen_length);
            } else {
                c.out += resp.body;
            }
        }
        if (close) c.close_after = true;
        std::string status = resp.log_status.empty() ? std::to_string(resp.status) : resp.log_status;
        if (r && !r->warnings.empty()) status += " (tolerated: " + join(r->warnings) + ")";
        log(c, line, status);
    }

    static std::string join(const std::vector<std::string>& ids) {
        std::string out;
        for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
        return out;
    }
};

// ============================================================ PracticeServer

http::ReaderOptions serve_reader_options(const ServeOptions& options) {
    http::ReaderOptions o;
    o.kind = http::MessageKind::request;
    o.limits = options.limits;
    o.strict = options.strict;
    return o;
}

std::string first_request_verdict(std::string_view bytes, const ServeOptions& options,
                                  const std::vector<std::size_t>& cuts) {
    http::MessageReader reader(serve_reader_options(options));
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(bytes.size());
    for (std::size_t bound : bounds) {
        if (bound < start || bound > bytes.size()) continue;
        std::string_view piece = bytes.substr(start, bound - start);
        start = bound;
        // As handle_input: put until the piece is used or the message is decided.
        while (!piece.empty() && !reader.done() && !reader.failed()) {
            const std::size_t used = reader.put(piece);
            piece.remove_prefix(used);
            if (used == 0) break;
        }
        if (reader.done() || reader.failed()) break;
    }
    if (!reader.done() && !reader.failed()) {
        if (!reader.started()) return "timeout";  // nothing sent: serve waits, then closes
        reader.put_eof();  // the client stopped sending: request_timeout
    }
    if (reader.done()) return "accept";
    const http::Violation* v = reader.error();
    return v ? std::string(http::rule_info(v->rule).status) : std::string("timeout");
}

PracticeServer::PracticeServer(net::Listener listener, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(listener), std::move(options))) {}

PracticeServer::~PracticeServer() = default;

void PracticeServer::run(const std::atomic<bool>& stop) { impl_->run(stop); }

std::size_t PracticeServer::max_connections() const { return impl_->limit_shown.load(); }

std::uint16_t PracticeServer::port() const { return static_cast<std::uint16_t>(impl_->listener.port); }

const std::string& PracticeServer::address() const { return impl_->listener.address; }

}  // namespace rawhttp::server
