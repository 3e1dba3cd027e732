// One client connection through the relay: two threads, one per direction,
// each reading its side in bounded pieces, judging them with the one message
// reader and writing them on before reading more (so memory is one buffer
// per direction, and a slow reader slows its writer: backpressure).
//
// One job, hence the length: the two pumps, the proxy's answers, tunnels and
// upgrades all act on one connection's shared state (Conn) and stop together.
#include "relay/relay.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "http/message_reader.hpp"
#include "relay/proxy_rewrite.hpp"
#include "server/listen_session.hpp"
#include "tls/tls_transport.hpp"

namespace rawhttp::relay {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kSlice = 100ms;             // how often a waiting thread looks at stop and the deadlines
constexpr std::size_t kBufBytes = 64 * 1024;  // one read, per direction

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string seconds_text(std::chrono::milliseconds ms) {
    if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
    return std::to_string(ms.count()) + " ms";
}

// One socket of the connection. Its reads are one thread's and its writes
// the other's; an SSL object must not be used by two threads at once, so
// with TLS a mutex serialises the two (plain TCP needs none).
struct Endpoint {
    std::unique_ptr<net::Transport> t;
    bool tls = false;
    std::mutex m;
};

// An exchange while it is under way.
struct Live {
    Exchange ex;
    Clock::time_point t0;
    std::string method = "GET";  // guarded by Conn::m: the response's framing needs it
    bool head_known = false;     // guarded by Conn::m
    bool request_done = false, response_done = false;
    bool response_head_filled = false, request_head_filled = false;
};

void keep_shown(Side& s, std::string_view bytes, std::size_t cap) {
    s.started = true;
    s.bytes += bytes.size();
    if (s.shown.size() < cap) s.shown.append(bytes.substr(0, std::min(bytes.size(), cap - s.shown.size())));
}

void fill_head(Side& s, const http::MessageReader& r) {
    const http::MessageHead& h = r.head();
    s.head_complete = r.head_complete();
    s.raw_head = std::string(r.raw_head());
    s.method = std::string(h.method);
    s.target = std::string(h.target);
    s.version = std::string(h.version);
    s.status = h.status;
    s.reason = std::string(h.reason);
    s.headers.clear();
    for (const auto& f : h.headers) s.headers.emplace_back(std::string(f.name), std::string(f.value));
    s.framing = r.framing().decidable ? r.framing().framing : http::Framing::none;
    s.content_length = r.framing().length;
}

void fill_end(Side& s, const http::MessageReader& r, http::MessageKind kind) {
    if (!s.head_complete) fill_head(s, r);
    s.body_bytes = r.body_bytes();
    s.interim = r.interim_count();
    s.complete = r.done() && r.framing().decidable;  // collect_all marks an unfollowable framing done
    s.findings.clear();
    for (const auto& v : r.violations()) s.findings.push_back(lint::make_finding(v, s.shown, kind));
}

http::ReaderOptions reader_options(http::MessageKind kind) {
    http::ReaderOptions o;
    o.kind = kind;
    o.limits = kind == http::MessageKind::request ? http::Limits{} : http::response_limits();
    // The relay rejects nothing: it reads on past what it reports, as listen does.
    o.collect_all = true;
    return o;
}

bool has_upgrade(const Side& s) {
    for (const auto& [n, v] : s.headers)
        if (http::iequals(n, "upgrade")) return true;
    return false;
}

enum class Mode { http, awaiting, tunnel };

struct Conn {
    const RelayOptions& o;
    RelayHooks& hooks;
    std::atomic<std::uint64_t>& next_id;
    const std::atomic<bool>& stop;
    Clock::time_point started = Clock::now();

    std::mutex m;  // the report, the exchange queues, the hooks
    std::condition_variable cv;
    ConnectionReport rep;
    Endpoint client, upstream;
    std::string upstream_authority;  // proxy mode: where `upstream` goes
    std::thread down;                // the upstream -> client thread
    std::deque<std::shared_ptr<Live>> awaiting;  // requests whose response has not started, in order
    std::deque<std::shared_ptr<Live>> order;     // exchanges not yet reported, in order
    std::size_t index = 0;

    std::atomic<bool> aborted{false};
    std::string abort_reason;  // guarded by m
    std::atomic<Clock::rep> last_activity{Clock::now().time_since_epoch().count()};
    std::atomic<Mode> mode{Mode::http};
    std::atomic<bool> upstream_closed{false};
    std::atomic<Clock::rep> upstream_closed_at{0};
    std::atomic<bool> retiring{false};
    std::atomic<int> first_close{0};  // who closed first: 1 the client, 2 the upstream  // proxy: the upstream is being replaced; its thread ends quietly

    Conn(const RelayOptions& opts, RelayHooks& h, std::atomic<std::uint64_t>& ids, const std::atomic<bool>& s)
        : o(opts), hooks(h), next_id(ids), stop(s) {}

    void touch() { last_activity = Clock::now().time_since_epoch().count(); }
    Clock::duration quiet() const { return Clock::now() - Clock::time_point(Clock::duration(last_activity.load())); }

    // Ends the connection for both threads: a side misbehaved, or the run stops.
    void abort(const std::string& why, bool error, Limit limit = Limit::none) {
        {
            std::lock_guard<std::mutex> lock(m);
            if (aborted.load()) return;
            abort_reason = why;
            rep.ended_by = limit;
            rep.error = rep.error || error;
            aborted = true;
        }
        // Wakes a thread blocked in poll or in a write on either socket.
        if (client.t) client.t->abort();
        if (upstream.t) upstream.t->abort();
        cv.notify_all();
    }

    std::shared_ptr<Live> new_exchange() {
        auto l = std::make_shared<Live>();
        l->t0 = Clock::now();
        l->ex.id = ++next_id;
        l->ex.connection = rep.number;
        l->ex.client = rep.client.remote;
        l->ex.started_at = std::chrono::system_clock::now();
        std::lock_guard<std::mutex> lock(m);
        l->ex.index = ++index;
        l->ex.upstream = rep.upstream ? rep.upstream->remote : std::string();
        hooks.on_exchange_start(l->ex);
        order.push_back(l);
        ++rep.exchanges;
        return l;
    }

    // Reports, in order, every exchange whose two sides are done. Under m.
    void report_ready() {
        while (!order.empty() && order.front()->request_done && order.front()->response_done) {
            hooks.on_exchange(order.front()->ex);
            order.pop_front();
        }
        cv.notify_all();
    }
    void request_done(const std::shared_ptr<Live>& l) {
        std::lock_guard<std::mutex> lock(m);
        l->request_done = true;
        report_ready();
    }
    void response_done(const std::shared_ptr<Live>& l) {
        std::lock_guard<std::mutex> lock(m);
        l->response_done = true;
        report_ready();
    }
};

// ------------------------------------------------------------ socket steps

struct Got {
    enum Kind { data, eof, idle, linger, stopped, error } kind = data;
    std::size_t n = 0;
    std::string why;
};

// Reads what `e` has, waiting in slices so that stop, an abort and the idle
// and linger deadlines are seen.
Got read_from(Conn& c, Endpoint& e, char* buf, bool is_client) {
    const bool quit_on_retire = !is_client;
    for (;;) {
        if (c.aborted.load() || c.stop.load() || (quit_on_retire && c.retiring.load())) return {Got::stopped, 0, {}};
        if (c.o.deadline.passed()) {
            c.abort("the relay's run time ran out", false, Limit::max_time);
            return {Got::stopped, 0, {}};
        }
        // The wait sees what OpenSSL already holds, which a poll() of the socket cannot.
        auto ready = e.t->wait_readable(net::Deadline::after(kSlice));
        if (!ready && ready.error().kind != ErrorKind::interrupted) return {Got::error, 0, ready.error().message};
        if (!ready || *ready == net::Transport::Ready::timeout) {
            if (c.quiet() >= c.o.idle_timeout) return {Got::idle, 0, {}};
            if (is_client && c.upstream_closed.load() &&
                Clock::now() - Clock::time_point(Clock::duration(c.upstream_closed_at.load())) >= c.o.linger)
                return {Got::linger, 0, {}};
            continue;
        }
        if (c.aborted.load() || (quit_on_retire && c.retiring.load())) return {Got::stopped, 0, {}};
        // A TLS connection's one SSL object serves both directions: one call at a time.
        std::unique_lock<std::mutex> lock(e.m, std::defer_lock);
        if (e.tls) lock.lock();
        auto r = e.t->read(buf, kBufBytes, net::Deadline::after(e.tls ? kSlice : c.o.idle_timeout));
        if (!r && e.tls && r.error().kind == ErrorKind::timeout) continue;  // only a record's start had come
        if (!r) return {r.error().kind == ErrorKind::timeout ? Got::idle : Got::error, 0, r.error().message};
        if (*r == 0) return {Got::eof, 0, {}};
        return {Got::data, *r, {}};
    }
}

Status write_to(Conn& c, Endpoint& e, std::string_view bytes) {
    if (bytes.empty()) return ok_status();
    net::Deadline d = net::Deadline::earliest(c.o.deadline, net::Deadline::after(c.o.idle_timeout));
    if (e.tls) {
        std::lock_guard<std::mutex> lock(e.m);
        return e.t->write_all(bytes, d);
    }
    return e.t->write_all(bytes, d);
}

void shutdown_write(Endpoint& e) {
    if (!e.t) return;
    std::lock_guard<std::mutex> lock(e.m);
    e.t->shutdown_write();
}

Result<std::unique_ptr<net::Transport>> connect_upstream(const RelayOptions& o, const std::string& host, int port,
                                                          bool tls) {
    net::ConnectOptions co;
    co.host = host;
    co.port = port;
    co.connect_timeout = o.connect_timeout;
    co.deadline = o.deadline;
    auto t = net::connect(co);
    if (!t || !tls) return t;
    net::TlsOptions to;
    to.server_name = host;
    to.verify = o.upstream.verify;
    to.ca_file = o.upstream.ca_file;
    return net::start_tls(std::move(*t), to,
                          net::Deadline::earliest(o.deadline, net::Deadline::after(o.connect_timeout)));
}

// ------------------------------------------------------ upstream -> client

void pump_down(Conn& c) {
    http::MessageReader reader(reader_options(http::MessageKind::response));
    std::shared_ptr<Live> cur;
    bool blind = false;  // the upstream's bytes can no longer be read as HTTP
    std::string buf(kBufBytes, '\0');
    std::vector<std::shared_ptr<Live>> finished;

    auto take_exchange = [&] {
        {
            std::lock_guard<std::mutex> lock(c.m);
            if (!c.awaiting.empty()) {
                cur = c.awaiting.front();
                c.awaiting.pop_front();
            }
        }
        if (!cur) {
            // Bytes no request asked for (a server's early 408, say): an exchange of their own.
            cur = c.new_exchange();
            std::lock_guard<std::mutex> lock(c.m);
            cur->request_done = true;
        }
        reader.reset();
        std::lock_guard<std::mutex> lock(c.m);
        reader.set_request_method(cur->method);
        cur->ex.first_byte_ms = ms_since(cur->t0);
    };
    auto end_response = [&](bool complete_or_failed) {
        (void)complete_or_failed;
        fill_end(cur->ex.response, reader, http::MessageKind::response);
        finished.push_back(cur);
    };

    auto observe = [&](std::string_view chunk) {
        while (!chunk.empty()) {
            if (c.mode.load() == Mode::tunnel) {
                std::lock_guard<std::mutex> lock(c.m);
                c.rep.tunnel_down += chunk.size();
                return;
            }
            if (blind) {
                std::lock_guard<std::mutex> lock(c.m);
                c.rep.unparsed_down += chunk.size();
                return;
            }
            if (!cur) take_exchange();
            std::size_t used = reader.put(chunk);
            std::string_view mine = chunk.substr(0, used);
            keep_shown(cur->ex.response, mine, c.o.show_cap);
            if (cur->ex.sink) cur->ex.sink->response_bytes(mine);
            chunk.remove_prefix(used);
            if (reader.head_complete() && !cur->response_head_filled) {
                fill_head(cur->ex.response, reader);
                cur->response_head_filled = true;
            }
            // A framing no reader can follow ends the reading (collect_all marks it done).
            const bool unreadable = reader.failed() || (reader.head_complete() && !reader.framing().decidable);
            if (reader.done() && !unreadable) {
                end_response(true);
                const int st = cur->ex.response.status;
                std::string method;
                {
                    std::lock_guard<std::mutex> lock(c.m);
                    method = cur->method;
                }
                if (st == 101 || (method == "CONNECT" && st >= 200 && st < 300)) {
                    cur->ex.tunnel = true;
                    std::lock_guard<std::mutex> lock(c.m);
                    c.rep.tunnel = true;
                    c.mode = Mode::tunnel;
                } else if (c.mode.load() == Mode::awaiting) {
                    c.mode = Mode::http;  // no tunnel after all: the client's bytes are HTTP again
                }
                cur.reset();
                reader.reset();
            } else if (unreadable) {
                end_response(false);
                cur->ex.response.ended =
                    "the response cannot be read on as HTTP (" +
                    std::string(reader.error() ? http::rule_info(reader.error()->rule).id : "unreadable") +
                    "): the rest of the connection is passed on unparsed";
                blind = true;
                cur.reset();
            } else if (used == 0) {
                break;
            }
        }
    };

    for (;;) {
        Got g = read_from(c, c.upstream, buf.data(), false);
        if (g.kind == Got::data) {
            c.touch();
            std::string_view chunk(buf.data(), g.n);
            {
                std::lock_guard<std::mutex> lock(c.m);
                c.rep.from_upstream += g.n;
            }
            observe(chunk);
            auto w = write_to(c, c.client, chunk);
            if (!w) {
                c.abort("sending to the client failed: " + w.error().message, true);
                break;
            }
            for (auto& f : finished) {
                f->ex.total_ms = ms_since(f->t0);
                c.response_done(f);
            }
            finished.clear();
            continue;
        }
        if (g.kind == Got::eof) {
            if (cur) {
                reader.put_eof();
                end_response(reader.done());
                if (!reader.done())
                    cur->ex.response.ended = "the upstream closed the connection before the response was complete";
                cur->ex.total_ms = ms_since(cur->t0);
                c.response_done(cur);
                cur.reset();
            }
            c.upstream_closed_at = Clock::now().time_since_epoch().count();
            c.upstream_closed = true;
            int none = 0;
            c.first_close.compare_exchange_strong(none, 2);
            shutdown_write(c.client);  // the upstream's FIN, passed on
            break;
        }
        if (g.kind == Got::stopped) break;
        if (g.kind == Got::idle) {
            bool due;
            {
                std::lock_guard<std::mutex> lock(c.m);
                due = !c.awaiting.empty() || cur;
            }
            c.abort(due ? "the upstream sent nothing for " + seconds_text(c.o.idle_timeout) + " while a response was due"
                        : "the connection was idle for " + seconds_text(c.o.idle_timeout),
                    due, Limit::idle_timeout);
            break;
        }
        c.abort("receiving from the upstream failed: " + g.why, true);
        break;
    }
    if (cur && !c.retiring.load()) {
        reader.put_eof();
        end_response(false);
        if (cur->ex.response.ended.empty()) cur->ex.response.ended = "the connection ended before the response was complete";
        c.response_done(cur);
    }
}

// ------------------------------------------------------ client -> upstream

bool start_down(Conn& c) {
    try {
        c.down = std::thread([&c] { pump_down(c); });
        return true;
    } catch (const std::system_error& e) {
        c.abort(std::string("no thread for the upstream side (") + e.what() + ")", true);
        return false;
    }
}

class UpPump {
public:
    explicit UpPump(Conn& c) : c_(c), reader_(reader_options(http::MessageKind::request)) {}
    void run();

private:
    // Takes the next client bytes: judges them, and returns what to write
    // upstream (the bytes themselves; in proxy mode, rewritten heads). False:
    // the connection ends (an answer of the relay's own was sent).
    bool observe(std::string_view chunk, std::string& out);
    void head_done();
    bool proxy_head(std::string& out);
    bool ensure_upstream(const ProxyTarget& t, bool start_thread);
    void answer(int status, std::string_view reason, const std::string& body);
    void end_request(bool complete);

    Conn& c_;
    http::MessageReader reader_;
    std::shared_ptr<Live> cur_;
    bool blind_ = false;
    std::vector<std::shared_ptr<Live>> finished_;
};

void UpPump::end_request(bool complete) {
    fill_end(cur_->ex.request, reader_, http::MessageKind::request);
    if (complete) cur_->ex.received_ms = ms_since(cur_->t0);
    finished_.push_back(cur_);
    cur_.reset();
}

void UpPump::head_done() {
    fill_head(cur_->ex.request, reader_);
    cur_->request_head_filled = true;
    const Side& s = cur_->ex.request;
    if (s.method == "CONNECT" || has_upgrade(s)) c_.mode = Mode::awaiting;
    std::lock_guard<std::mutex> lock(c_.m);
    cur_->method = s.method;
    cur_->head_known = true;
}

void UpPump::answer(int status, std::string_view reason, const std::string& body) {
    std::string bytes = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    if (!body.empty())
        bytes += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    bytes += status >= 300 ? "Connection: close\r\n\r\n" : "\r\n";
    bytes += body;
    http::MessageReader r(reader_options(http::MessageKind::response));
    r.set_request_method(cur_->ex.request.method);
    r.put(bytes);
    if (!r.done()) r.put(std::string_view(bytes).substr(r.consumed()));
    Side& s = cur_->ex.response;
    keep_shown(s, bytes, c_.o.show_cap);
    fill_head(s, r);
    fill_end(s, r, http::MessageKind::response);
    cur_->ex.answered_by_relay = true;
    cur_->ex.first_byte_ms = ms_since(cur_->t0);
    if (cur_->ex.sink) cur_->ex.sink->response_bytes(bytes);
    auto w = write_to(c_, c_.client, bytes);
    cur_->ex.total_ms = ms_since(cur_->t0);
    {
        std::lock_guard<std::mutex> lock(c_.m);
        cur_->response_done = true;
    }
    if (!w) c_.abort("sending to the client failed: " + w.error().message, true);
}

bool UpPump::ensure_upstream(const ProxyTarget& t, bool start_thread) {
    if (c_.upstream.t && c_.upstream_authority == t.authority && !c_.upstream_closed.load()) return true;
    if (c_.upstream.t) {
        // Another host on this client connection: the answers still due from
        // the old one come first, then it is replaced.
        std::unique_lock<std::mutex> lock(c_.m);
        c_.cv.wait_for(lock, c_.o.idle_timeout, [&] {
            return c_.awaiting.empty() && std::all_of(c_.order.begin(), c_.order.end(), [&](const auto& l) {
                       return l->response_done || l == cur_;
                   });
        });
        lock.unlock();
        c_.retiring = true;
        c_.upstream.t->abort();
        if (c_.down.joinable()) c_.down.join();
        c_.retiring = false;
        c_.upstream_closed = false;
        std::lock_guard<std::mutex> l2(c_.m);
        c_.upstream.t.reset();
    }
    auto up = connect_upstream(c_.o, t.host, t.port, false);
    if (!up) {
        answer(502, "Bad Gateway",
               "rawhttp relay (a forward proxy) could not reach " + t.authority + ": " + up.error().message + "\n");
        return false;
    }
    {
        std::lock_guard<std::mutex> lock(c_.m);
        c_.upstream.t = std::move(*up);
        c_.upstream.tls = false;
        c_.upstream_authority = t.authority;
        c_.rep.upstream = c_.upstream.t->info();
        cur_->ex.upstream = c_.rep.upstream->remote;
        c_.hooks.on_upstream(c_.rep);
    }
    return !start_thread || start_down(c_);
}

bool UpPump::proxy_head(std::string& out) {
    Side& s = cur_->ex.request;
    auto t = proxy_target(s.method, s.target);
    if (!t) {
        // Not a proxy request: the relay answers it, as a proxy would.
        c_.mode = Mode::http;
        answer(400, "Bad Request", "rawhttp relay --as-proxy: " + t.error().message + "\n");
        return false;
    }
    if (t->connect) {
        if (!ensure_upstream(*t, false)) return false;
        // The proxy's own answer; from here the bytes go by blind (TLS stays end to end).
        cur_->ex.proxy = ProxyChange{"", t->authority};
        c_.mode = Mode::tunnel;
        {
            std::lock_guard<std::mutex> lock(c_.m);
            c_.rep.tunnel = true;
        }
        cur_->ex.tunnel = true;
        answer(200, "Connection Established", "");
        // Its thread starts after that answer, so nothing from the upstream can come before it.
        return !c_.aborted.load() && start_down(c_);
    }
    if (!ensure_upstream(*t, true)) return false;
    std::string sent = rewrite_head(s.raw_head, reader_.head(), *t, c_.o.add_via ? via_value(s.version) : "");
    cur_->ex.proxy = ProxyChange{sent, t->authority};
    out += sent;
    {
        std::lock_guard<std::mutex> lock(c_.m);
        c_.awaiting.push_back(cur_);
    }
    return true;
}

bool UpPump::observe(std::string_view chunk, std::string& out) {
    while (!chunk.empty()) {
        const Mode mode = c_.mode.load();
        if (mode != Mode::http || blind_) {
            // A tunnel, bytes sent while a CONNECT or Upgrade awaits its answer,
            // or a stream that cannot be read as HTTP: passed on as they are.
            std::lock_guard<std::mutex> lock(c_.m);
            (mode == Mode::http ? c_.rep.unparsed_up : c_.rep.tunnel_up) += chunk.size();
            out += chunk;
            return true;
        }
        if (!cur_) {
            // CR LF between messages belongs to no exchange (RFC 9112 §2.2).
            std::size_t skip = 0;
            while (skip < chunk.size() && (chunk[skip] == '\r' || chunk[skip] == '\n')) ++skip;
            out += chunk.substr(0, skip);
            chunk.remove_prefix(skip);
            if (chunk.empty()) return true;
            cur_ = c_.new_exchange();
            reader_.reset();
            if (!c_.o.as_proxy) {
                std::lock_guard<std::mutex> lock(c_.m);
                c_.awaiting.push_back(cur_);
            }
        }
        const bool had_head = reader_.head_complete();
        std::size_t used = reader_.put(chunk);
        std::string_view mine = chunk.substr(0, used);
        keep_shown(cur_->ex.request, mine, c_.o.show_cap);
        if (cur_->ex.sink) cur_->ex.sink->request_bytes(mine);
        chunk.remove_prefix(used);
        if (!had_head && reader_.head_complete()) {
            head_done();
            if (c_.o.as_proxy) {
                if (!proxy_head(out)) {
                    end_request(true);
                    return false;
                }
                if (c_.mode.load() == Mode::tunnel) {
                    end_request(true);
                    continue;
                }
            } else {
                out += mine;
            }
        } else if (!c_.o.as_proxy || reader_.head_complete()) {
            out += mine;  // the body, or (plain relay) the head as it comes
        }
        const bool unreadable = reader_.failed() || (reader_.head_complete() && !reader_.framing().decidable);
        if (reader_.done() && !unreadable) {
            end_request(true);
        } else if (unreadable) {
            cur_->ex.request.ended = "the request cannot be read on as HTTP (" +
                                     std::string(reader_.error() ? http::rule_info(reader_.error()->rule).id
                                                                 : "unreadable") +
                                     "): the rest of the connection is passed on unparsed";
            if (c_.o.as_proxy && !reader_.head_complete()) out += cur_->ex.request.raw_head;
            end_request(false);
            blind_ = true;
        } else if (used == 0) {
            break;
        }
    }
    return true;
}

void UpPump::run() {
    std::string buf(kBufBytes, '\0');
    std::string out;
    for (;;) {
        Got g = read_from(c_, c_.client, buf.data(), true);
        if (g.kind == Got::data) {
            c_.touch();
            std::string_view chunk(buf.data(), g.n);
            {
                std::lock_guard<std::mutex> lock(c_.m);
                c_.rep.from_client += g.n;
            }
            out.clear();
            const bool go_on = observe(chunk, out);
            if (!out.empty()) {
                if (!c_.upstream.t) {
                    c_.abort("no upstream to send the client's bytes to", true);
                    break;
                }
                auto w = write_to(c_, c_.upstream, out);
                if (!w) {
                    c_.abort("sending to the upstream failed: " + w.error().message, true);
                    break;
                }
            }
            for (auto& f : finished_) {
                if (f->ex.received_ms) f->ex.forwarded_ms = ms_since(f->t0);
                c_.request_done(f);
            }
            finished_.clear();
            if (!go_on) {
                // The relay answered the request itself and closes, as a proxy does
                // after an error: a lingering close, so the client reads the answer
                // before the connection goes (closing on unread bytes would reset it).
                shutdown_write(c_.client);
                c_.upstream_closed_at = Clock::now().time_since_epoch().count();
                c_.upstream_closed = true;
                while (read_from(c_, c_.client, buf.data(), true).kind == Got::data) {
                }
                c_.abort("the relay answered the request itself and closed the connection", false);
                break;
            }
            continue;
        }
        if (g.kind == Got::eof) {
            if (cur_) {
                reader_.put_eof();
                const bool complete = reader_.done();
                if (!complete) cur_->ex.request.ended = "the client closed the connection before the request was complete";
                end_request(complete);
                for (auto& f : finished_) c_.request_done(f);
                finished_.clear();
                if (!complete) {
                    c_.abort("the client closed the connection in the middle of a request (" +
                                 std::to_string(reader_.consumed()) + " bytes of it arrived)",
                             true);
                    break;
                }
            }
            // The client's FIN, passed on; the answers still due go on coming back.
            int none = 0;
            c_.first_close.compare_exchange_strong(none, 1);
            shutdown_write(c_.upstream);
            break;
        }
        if (g.kind == Got::stopped) break;
        if (g.kind == Got::linger) {
            c_.abort("the upstream closed the connection; the client had not closed " + seconds_text(c_.o.linger) +
                         " later",
                     false);
            break;
        }
        if (g.kind == Got::idle) {
            const bool mid = cur_ && reader_.started();
            bool due;
            {
                std::lock_guard<std::mutex> lock(c_.m);
                due = !c_.awaiting.empty();
            }
            if (mid)
                c_.abort("the client sent nothing for " + seconds_text(c_.o.idle_timeout) + " in the middle of a request",
                         true, Limit::idle_timeout);
            else if (due)
                c_.abort("the upstream sent nothing for " + seconds_text(c_.o.idle_timeout) + " while a response was due",
                         true, Limit::idle_timeout);
            else
                c_.abort("the connection was idle for " + seconds_text(c_.o.idle_timeout), false, Limit::idle_timeout);
            break;
        }
        c_.abort("receiving from the client failed: " + g.why, true);
        break;
    }
    if (cur_) {
        reader_.put_eof();
        if (cur_->ex.request.ended.empty()) cur_->ex.request.ended = "the connection ended before the request was complete";
        end_request(reader_.done());
        for (auto& f : finished_) c_.request_done(f);
        finished_.clear();
    }
}

}  // namespace

// ------------------------------------------------------------ a connection

ConnectionReport relay_connection(std::unique_ptr<net::Transport> client, std::size_t number, const RelayOptions& o,
                                  RelayHooks& hooks, std::atomic<std::uint64_t>& next_id,
                                  const std::atomic<bool>& stop) {
    Conn c(o, hooks, next_id, stop);
    c.rep.number = number;
    c.rep.client = client->info();
    c.client.t = std::move(client);
    {
        std::lock_guard<std::mutex> lock(c.m);
        hooks.on_connected(c.rep);
    }
    if (!o.as_proxy) {
        auto up = connect_upstream(o, o.upstream.host, o.upstream.port, o.upstream.tls);
        if (!up) {
            std::lock_guard<std::mutex> lock(c.m);
            c.rep.error = true;
            c.rep.ended = "cannot reach the upstream " + o.upstream.host + ":" + std::to_string(o.upstream.port) +
                          ": " + up.error().message + " (the client's connection is closed)";
            c.rep.tls_failure = up.error().tls_failure;
        } else {
            c.upstream.t = std::move(*up);
            c.upstream.tls = o.upstream.tls;
            {
                std::lock_guard<std::mutex> lock(c.m);
                c.rep.upstream = c.upstream.t->info();
                hooks.on_upstream(c.rep);
            }
            if (start_down(c)) UpPump(c).run();
        }
    } else {
        UpPump(c).run();  // each upstream the requests name starts its own down thread
    }
    // The client side ended; the upstream side ends on its own (its close,
    // the idle timeout) or with the abort.
    if (c.down.joinable()) c.down.join();
    std::lock_guard<std::mutex> lock(c.m);
    if (c.rep.ended.empty()) {
        if (!c.abort_reason.empty()) c.rep.ended = c.abort_reason;
        else if (c.first_close.load() == 2) c.rep.ended = "the upstream closed the connection, then the client did";
        else c.rep.ended = "the client closed the connection, then the upstream did";
        if (stop.load() && c.abort_reason.empty()) c.rep.ended = "the relay was stopped";
    }
    // Exchanges still open when the connection ended are reported as they are.
    for (auto& l : c.order) {
        if (!l->response_done && l->ex.response.ended.empty())
            l->ex.response.ended = l->ex.response.started ? "the connection ended before the response was complete"
                                                          : "no response came before the connection ended";
        l->request_done = l->response_done = true;
    }
    c.report_ready();
    c.rep.duration_ms = ms_since(c.started);
    hooks.on_closed(c.rep);
    return c.rep;
}

// ------------------------------------------------------------ the listener

Status serve_relay(const net::Listener& listener, const RelayOptions& o, std::size_t max_clients, RelayHooks& hooks,
                   const std::atomic<bool>& stop) {
    std::atomic<std::uint64_t> ids{0};
    std::mutex m;
    std::condition_variable cv;
    std::map<std::size_t, std::thread> running;
    std::vector<std::size_t> ended;
    std::size_t clients = 0;
    Status result = ok_status();
    auto reap = [&](std::unique_lock<std::mutex>& lock) {
        std::vector<std::size_t> ids_done;
        ids_done.swap(ended);
        for (std::size_t id : ids_done) {
            std::thread t = std::move(running[id]);
            running.erase(id);
            lock.unlock();
            t.join();
            lock.lock();
        }
    };
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m);
            reap(lock);
            while (running.size() >= max_clients && !stop.load()) {
                cv.wait_for(lock, kSlice);
                reap(lock);
            }
        }
        if (stop.load()) break;
        auto client = server::accept_client(listener, o.deadline, stop);
        if (!client) {
            result = client.error();
            break;
        }
        if (!*client) break;
        std::size_t number = ++clients;
        std::lock_guard<std::mutex> lock(m);
        try {
            running[number] = std::thread([&, number, t = std::move(*client)]() mutable {
                relay_connection(std::move(t), number, o, hooks, ids, stop);
                std::lock_guard<std::mutex> l2(m);
                ended.push_back(number);
                cv.notify_all();
            });
        } catch (const std::system_error&) {
            running.erase(number);  // out of threads: this client is dropped, the relay goes on
        }
    }
    std::unique_lock<std::mutex> lock(m);
    while (!running.empty()) {
        cv.wait_for(lock, kSlice);
        reap(lock);
    }
    return result;
}

}  // namespace rawhttp::relay
