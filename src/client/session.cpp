// The client session: a file's requests over rawhttp's own connections, in
// order or pipelined, with keep-alive, reconnection of a closed kept-alive
// connection, CONNECT tunnels, 100-continue and 101 upgrades, each exchange
// told to the hooks as it happens.
//
// One job, hence the length: every path shares the connection, its receive
// buffer and the deadlines, and reads through the one response reader.
#include "client/session.hpp"

#include "client/proxy_tunnel.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "client/response_reader.hpp"
#include "compose/wire_bytes.hpp"
#include "tls/tls_transport.hpp"

namespace rawhttp::client {

namespace {

// A stretch [begin, end) of a request's wire bytes: all of it, or its head
// or its body around a 100-continue.
struct WirePart {
    const ComposedRequest* req = nullptr;
    std::uint64_t begin = 0, end = 0;
    bool empty() const { return end <= begin; }
    std::uint64_t size() const { return end - begin; }
};

using net::Clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The receive buffer: bytes [start, end) are received and not yet consumed.
// Reads go straight into its free space (no copy); it only grows for a head
// that does not fit, and never beyond the head limit plus one read.
class RecvBuffer {
public:
    static constexpr std::size_t kReadSize = 256 * 1024;

    std::string_view view() const { return {data_.get() + start_, end_ - start_}; }
    std::size_t size() const { return end_ - start_; }
    void consume(std::size_t n) {
        start_ += n;
        if (start_ == end_) start_ = end_ = 0;
    }
    // Free space for one read, after moving unconsumed bytes to the front.
    char* prepare(std::size_t& cap) {
        if (size_ < kReadSize) grow(kReadSize);
        if (start_ > 0 && (size_ - end_) < kReadSize / 4) {
            std::memmove(data_.get(), data_.get() + start_, end_ - start_);
            end_ -= start_;
            start_ = 0;
        }
        if (size_ - end_ < kReadSize / 4) grow(size_ * 2);
        cap = size_ - end_;
        return data_.get() + end_;
    }
    void commit(std::size_t n) { end_ += n; }

private:
    // Not zero-filled (as a vector's resize would be): a page is touched
    // only when a read fills it, so a small response costs a page, not 256 KiB.
    void grow(std::size_t size) {
        std::unique_ptr<char[]> bigger(new char[size]);
        if (end_ > start_) std::memcpy(bigger.get() + start_, data_.get() + start_, end_ - start_);
        data_ = std::move(bigger);
        size_ = size;
    }

    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t start_ = 0, end_ = 0;
};

struct Connection {
    std::unique_ptr<net::Transport> transport;
    Destination destination;
    std::size_t number = 0;
    bool usable = false;
    RecvBuffer buffer;
    // After a 2xx to CONNECT: the requests that follow go through the tunnel
    // to this authority, whatever their own destination.
    std::optional<std::string> tunnel;
    bool tunnel_tls = false;  // TLS runs inside the tunnel
};


// Forwards socket-level traffic to the session hooks (for --trace).
class TraceForwarder : public net::TransportObserver {
public:
    TraceForwarder(SessionHooks& hooks, std::size_t number) : hooks_(hooks), number_(number) {}
    void on_read(std::string_view b) override { hooks_.on_socket_read(number_, b); }
    void on_write(std::string_view b) override { hooks_.on_socket_write(number_, b); }
    void on_event(std::string_view what) override { hooks_.on_event(number_, what); }

private:
    SessionHooks& hooks_;
    std::size_t number_;
};


// Whether the request has `token` in a `field` header (read by the one head
// parser, whatever else the head breaks).
bool request_has(const ComposedRequest& req, std::string_view field, std::string_view token) {
    const std::string_view head(req.bytes.data(), std::min(req.head_bytes, req.bytes.size()));
    http::MessageHead parsed;
    http::Violations ignored;
    http::parse_head(head, http::MessageKind::request, http::response_limits(), parsed, ignored);
    for (const auto& f : parsed.headers)
        if (http::iequals(f.name, field) && http::list_has_token(f.value, token)) return true;
    return false;
}

// Asks the server to close after answering.
bool request_closes(const ComposedRequest& req) { return request_has(req, "Connection", "close"); }

std::string fmt_ms(double ms) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", ms);
    return b;
}

// The TLS part of the connection, for --trace.
std::string tls_event(const net::ConnectionInfo& c) {
    std::string e = "TLS handshake done" + (c.tls_ms ? " in " + fmt_ms(*c.tls_ms) : std::string()) + ": " +
                    c.tls_version.value_or("?") + ", " + c.tls_cipher.value_or("?") +
                    ", ALPN " + c.tls_alpn.value_or("none");
    if (c.cert_subject) e += "; certificate " + *c.cert_subject;
    if (c.cert_issuer) e += ", issued by " + *c.cert_issuer;
    if (!c.cert_names.empty()) {
        e += ", names";
        for (const auto& n : c.cert_names) e += " " + n;
    }
    if (c.cert_expiry) e += ", expires " + *c.cert_expiry;
    return e;
}

enum class ReadOutcome { done, failed, retry };

class SessionRunner {
public:
    SessionRunner(const SessionOptions& o, SessionHooks& h) : options_(o), hooks_(h) {
        if (o.max_time.count() > 0) deadline_ = net::Deadline::after(o.max_time);
        deadline_.cancel = o.cancel;
    }
    ~SessionRunner() { close_connection(); }

    std::vector<ExchangeResult> run(const std::vector<ComposedRequest>& requests,
                                    const std::vector<Destination>& destinations) {
        std::vector<ExchangeResult> results;
        results.reserve(requests.size());  // a result is large: never moved as the vector grows
        std::size_t i = 0;
        while (i < requests.size()) {
            if (options_.pipeline) {
                std::size_t j = i + 1;
                while (j < requests.size() && destinations[j] == destinations[i]) ++j;
                bool ok = run_pipelined(requests, destinations, i, j, results);
                i = j;
                if (!ok && options_.stop_on_error) break;
            } else {
                if (options_.before_request && !options_.before_request(i, results)) break;
                results.push_back(run_one(requests[i], destinations[i], i));
                bool failed = results.back().error.has_value();
                done(results.back());
                ++i;
                if (failed && options_.stop_on_error) break;
            }
        }
        return results;
    }

private:
    // The deadline of one read or write: --max-time, and the idle timeout.
    net::Deadline io_deadline() const {
        net::Deadline d = head_deadline_ ? net::Deadline::earliest(deadline_, *head_deadline_) : deadline_;
        if (options_.idle_timeout.count() <= 0) return d;
        return net::Deadline::earliest(d, net::Deadline::after(options_.idle_timeout));
    }

    // Drops the current connection (closing its socket), saying so to --trace.
    void close_connection() {
        if (!conn_) return;
        hooks_.on_event(conn_->number, "closed by rawhttp");
        conn_.reset();
    }

    // Opens a connection for `ex`, recording its info and timing.
    bool open(ExchangeResult& ex) {
        hooks_.on_event(connections_ + 1, "connecting to " + ex.destination.display() + " (TCP)");
        net::ConnectOptions co;
        co.host = options_.proxy_host ? *options_.proxy_host : ex.destination.host;
        co.port = options_.proxy_host ? options_.proxy_port : ex.destination.port;
        co.unix_socket = ex.destination.unix_socket;
        co.connect_timeout = options_.connect_timeout;
        co.deadline = deadline_;
        auto t = net::connect(co);
        if (!t) {
            ex.error = t.error();
            hooks_.on_event(connections_ + 1, "connect failed: " + t.error().message);
            return false;
        }
        if (options_.proxy_host) ex.notes.push_back(proxy_note(ex, (*t)->info()));
        {
            const auto& c = (*t)->info();
            hooks_.on_event(connections_ + 1, "TCP connection established in " + fmt_ms(c.connect_ms) + ": " +
                                                  c.local + " -> " + c.remote);
        }
        if (ex.destination.tls) {
            ex.connection = (*t)->info();  // the TCP part worked: show it even if TLS fails
            net::TlsOptions tls{ex.destination.server_name, options_.tls_verify, options_.ca_file};
            auto secured = [&]() -> Result<std::unique_ptr<net::Transport>> {
                if (options_.proxy_host)  // TLS runs inside the proxy's tunnel, end to end
                    if (auto tunnel = open_tunnel(**t, authority_of(ex.destination), deadline_); !tunnel)
                        return tunnel.error();
                return net::start_tls(std::move(*t), tls, deadline_);
            }();
            if (!secured) {
                // Numbered and timed like any connection: "#1", not "#0", with its DNS and connect times.
                ex.error = secured.error();
                hooks_.on_event(connections_ + 1, "TLS handshake failed: " + secured.error().message);
                ex.connection_number = ++connections_;
                ex.reused_connection = false;
                ex.timing.dns_ms = ex.connection->dns_ms;
                ex.timing.connect_ms = ex.connection->connect_ms;
                return false;
            }
            t = std::move(secured);
            hooks_.on_event(connections_ + 1, tls_event((*t)->info()));
        }
        conn_ = std::make_unique<Connection>();
        conn_->transport = std::move(*t);
        conn_->destination = ex.destination;
        conn_->number = ++connections_;
        conn_->usable = true;
        forwarder_ = std::make_unique<TraceForwarder>(hooks_, conn_->number);
        conn_->transport->set_observer(forwarder_.get());
        const auto& info = conn_->transport->info();
        ex.connection = info;
        ex.connection_number = conn_->number;
        ex.reused_connection = false;
        ex.timing.dns_ms = info.dns_ms;
        ex.timing.connect_ms = info.connect_ms;
        ex.timing.tls_ms = info.tls_ms;
        hooks_.on_connected(ex, info);
        return true;
    }

    // The connection view's second hop: where the proxy was asked to go.
    static std::string proxy_note(const ExchangeResult& ex, const net::ConnectionInfo& info) {
        return "through the proxy " + info.remote + (ex.destination.tls ? ": CONNECT " + authority_of(ex.destination) +
                                                                              ", then TLS inside the tunnel"
                                                                        : ": the request goes to it as written");
    }

    bool attach(ExchangeResult& ex) {
        if (conn_ && conn_->usable && conn_->tunnel) return attach_tunnel(ex);
        if (conn_ && conn_->usable && conn_->destination == ex.destination) {
            ex.connection = conn_->transport->info();
            ex.connection_number = conn_->number;
            ex.reused_connection = true;
            return true;
        }
        close_connection();
        return open(ex);
    }

    // Sends `ex` through the CONNECT tunnel, starting TLS inside it first
    // when the request wants TLS (SNI: the request's host).
    bool attach_tunnel(ExchangeResult& ex) {
        ex.tunnel = conn_->tunnel;
        ex.connection_number = conn_->number;
        ex.reused_connection = true;
        if (ex.destination.tls && !conn_->tunnel_tls) {
            hooks_.on_event(conn_->number, "starting TLS inside the tunnel to " + *conn_->tunnel);
            net::TlsOptions tls{ex.destination.server_name, options_.tls_verify, options_.ca_file};
            auto secured = net::start_tls(std::move(conn_->transport), tls, deadline_);
            if (!secured) {
                ex.error = secured.error();
                hooks_.on_event(conn_->number, "TLS handshake inside the tunnel failed: " + secured.error().message);
                conn_.reset();  // the socket went with the failed handshake
                return false;
            }
            conn_->transport = std::move(*secured);
            conn_->transport->set_observer(forwarder_.get());
            conn_->tunnel_tls = true;
            ex.connection = conn_->transport->info();
            ex.timing.tls_ms = ex.connection->tls_ms;
            hooks_.on_event(conn_->number, tls_event(*ex.connection));
            hooks_.on_connected(ex, *ex.connection);
            return true;
        }
        ex.connection = conn_->transport->info();
        return true;
    }

    // Writes `part`, the next part of the request (all of it, or its head
    // or body around a 100-continue); a body file too large to hold is read
    // from disk as it goes (compose/wire_bytes.hpp).
    bool write_request(ExchangeResult& ex, const WirePart& part, Clock::time_point t0) {
        std::optional<Error> failed;
        auto file_error = for_each_wire_piece(*part.req, part.begin, part.end, [&](std::string_view piece) {
            auto st = conn_->transport->write_all(piece, io_deadline());
            if (!st) failed = explain(st.error());
            else ex.bytes_written += piece.size();
            return st.ok();
        });
        if (!failed && file_error) failed = std::move(file_error);
        if (failed) {
            ex.error = std::move(failed);
            conn_->usable = false;
            return false;
        }
        ex.timing.written_ms = ms_since(t0);
        hooks_.on_request_written(ex);
        return true;
    }

    // With Expect: 100-continue and a body: the body, held back until the
    // server answers 100 (or stays silent for the timeout). Empty otherwise.
    WirePart held_body(const ComposedRequest& req) const {
        const std::uint64_t size = wire_size(req);
        if (options_.expect100_timeout.count() <= 0 || req.head_bytes >= size) return {};
        if (!request_has(req, "Expect", "100-continue")) return {};
        return WirePart{&req, req.head_bytes, size};
    }

    ExchangeResult run_one(const ComposedRequest& req, const Destination& dest, std::size_t index) {
        for (int attempt = 0;; ++attempt) {
            ExchangeResult ex;
            ex.index = index;
            ex.request = &req;
            ex.destination = dest;
            // CONNECT speaks plain HTTP to the proxy; TLS is for inside the tunnel it opens.
            if (req.method == "CONNECT" && !(conn_ && conn_->usable && conn_->tunnel)) ex.destination.tls = false;
            auto t0 = Clock::now();
            if (!attach(ex)) {
                ex.timing.total_ms = ms_since(t0);
                return ex;
            }
            // Through a tunnel there is nothing to reconnect to: no retry.
            bool reused = ex.reused_connection && !ex.tunnel;
            const WirePart body = held_body(req);
            const WirePart first{&req, 0, wire_size(req) - body.size()};
            if (!write_request(ex, first, t0)) {
                if (reused && attempt == 0 && ex.error->kind == ErrorKind::send) {
                    close_connection();
                    continue;
                }
                ex.timing.total_ms = ms_since(t0);
                return ex;
            }
            ReadOutcome r = read_response(ex, req, t0, /*may_retry=*/reused && attempt == 0, body);
            if (r == ReadOutcome::retry) {
                close_connection();
                retry_note_ = true;
                continue;
            }
            if (retry_note_) {
                ex.notes.push_back("the server had closed the kept-alive connection; rawhttp reconnected and sent the request again");
                retry_note_ = false;
            }
            ex.timing.total_ms = ms_since(t0);
            return ex;
        }
    }

    // The hooks see the exchange; then it keeps only its outcome unless the caller keeps responses.
    void done(ExchangeResult& ex) {
        hooks_.on_exchange_done(ex);
        if (options_.keep_responses || !ex.response) return;
        Response& r = *ex.response;
        r.headers = {};
        r.trailers = {};
        r.interim = {};
        r.raw_head = {};
        r.violations = {};
        ex.notes = {};
    }

    // Keeps the exchanges [base, base + keep) of a pipelined group in results
    // (the one at `failed` moved to the end of them when it is not among them)
    // and drops the rest, which were never answered.
    static void keep_group(std::vector<ExchangeResult>& results, std::size_t base, std::size_t keep,
                           std::size_t failed) {
        if (failed >= keep) {
            results[base + keep] = std::move(results[base + failed]);
            ++keep;
        }
        results.erase(results.begin() + static_cast<std::ptrdiff_t>(base + keep), results.end());
    }

    // Writes requests [i, j) back to back, then reads their responses in order.
    bool run_pipelined(const std::vector<ComposedRequest>& requests, const std::vector<Destination>& dests,
                       std::size_t i, std::size_t j, std::vector<ExchangeResult>& results) {
        auto t0 = Clock::now();
        // Built in place: the caller reserved a result for every request.
        const std::size_t base = results.size();
        for (std::size_t k = i; k < j; ++k) {
            ExchangeResult& ex = results.emplace_back();
            ex.index = k;
            ex.request = &requests[k];
            ex.destination = dests[k];
        }
        const std::size_t n = j - i;
        if (!attach(results[base])) {
            results[base].timing.total_ms = ms_since(t0);
            keep_group(results, base, 1, 0);
            done(results.back());
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            auto& ex = results[base + k];
            ex.connection = conn_->transport->info();
            ex.connection_number = conn_->number;
            ex.reused_connection = true;
        }
        if (auto failed = write_pipelined(requests, i, results, base, n, t0)) {
            results[base + *failed].timing.total_ms = ms_since(t0);
            keep_group(results, base, 0, *failed);
            done(results.back());
            return false;
        }
        for (std::size_t k = 0; k < n; ++k) {
            auto& ex = results[base + k];
            if (!conn_ || !conn_->usable) {
                ex.error = make_error(ErrorKind::empty_reply,
                                      "the connection ended before this pipelined request was answered");
                ex.timing.total_ms = ms_since(t0);
                keep_group(results, base, k + 1, k);
                done(results.back());
                return false;
            }
            read_response(ex, requests[i + k], t0, false, {}, /*more_due=*/k + 1 < n);
            ex.timing.total_ms = ms_since(t0);
            const bool failed = ex.error.has_value();
            done(ex);
            if (failed) {
                keep_group(results, base, k + 1, k);
                return false;
            }
        }
        return true;
    }

    // Writes the n pipelined requests from requests[i] back to back, gathered
    // into writes of up to kPipelineBatch bytes: one write per small request
    // was most of the time of thousands of pipelined GETs. A piece that large
    // goes out on its own, uncopied. Each exchange is told written when the
    // write holding its last byte is out. Returns the group index of the
    // exchange a failure is charged to (its error set), or nothing.
    std::optional<std::size_t> write_pipelined(const std::vector<ComposedRequest>& requests, std::size_t i,
                                               std::vector<ExchangeResult>& results, std::size_t base,
                                               std::size_t n, Clock::time_point t0) {
        static constexpr std::size_t kPipelineBatch = 64 * 1024;
        struct Share {
            std::size_t k;      // group index
            std::size_t bytes;  // of its request, in the batch
            bool last;          // the batch ends its request
        };
        std::string batch;
        std::vector<Share> shares;
        std::optional<Error> failed;
        auto out = [&](std::string_view bytes) {
            auto st = conn_->transport->write_all(bytes, io_deadline());
            if (!st) failed = explain(st.error());
            return st.ok();
        };
        auto flush = [&] {
            if (!batch.empty() && !out(batch)) return false;
            const double at = ms_since(t0);
            for (const Share& sh : shares) {
                ExchangeResult& ex = results[base + sh.k];
                ex.bytes_written += sh.bytes;
                if (!sh.last) continue;
                ex.timing.written_ms = at;
                hooks_.on_request_written(ex);
            }
            batch.clear();
            shares.clear();
            return true;
        };
        for (std::size_t k = 0; k < n; ++k) {
            const ComposedRequest& req = requests[i + k];
            shares.push_back({k, 0, false});
            auto file_error = for_each_wire_piece(req, 0, wire_size(req), [&](std::string_view piece) {
                if (piece.size() >= kPipelineBatch) {
                    if (!flush()) return false;
                    if (!out(piece)) return false;
                    results[base + k].bytes_written += piece.size();
                    shares.push_back({k, 0, false});
                    return true;
                }
                batch.append(piece);
                shares.back().bytes += piece.size();
                if (batch.size() < kPipelineBatch) return true;
                if (!flush()) return false;
                shares.push_back({k, 0, false});  // the rest of this request, if any
                return true;
            });
            if (failed || file_error) {
                // A failed write is charged to the first exchange whose bytes
                // were not all out; a body file that could not be read, to its own.
                const std::size_t at = failed && !shares.empty() ? shares.front().k : k;
                results[base + at].error = failed ? std::move(*failed) : std::move(*file_error);
                conn_->usable = false;
                return at;
            }
            shares.back().last = true;
        }
        if (!flush()) {
            const std::size_t at = shares.empty() ? n - 1 : shares.front().k;
            results[base + at].error = std::move(*failed);
            conn_->usable = false;
            return at;
        }
        return std::nullopt;
    }

    // Reads into the connection buffer, until `until` at the latest. Returns
    // bytes read (0 at EOF) or an error.
    Result<std::size_t> fill(ExchangeResult& ex, Clock::time_point t0, const net::Deadline& until = {}) {
        std::size_t cap = 0;
        char* p = conn_->buffer.prepare(cap);
        auto n = conn_->transport->read(p, cap, net::Deadline::earliest(io_deadline(), until));
        if (n && *n > 0) {
            conn_->buffer.commit(*n);
            if (!ex.timing.first_byte_ms) ex.timing.first_byte_ms = ms_since(t0);
        }
        return n;
    }

    // Says which limit a timeout hit, so the user knows which option to raise.
    Error explain(Error e) const {
        if (e.kind != ErrorKind::timeout) return e;
        if (deadline_.passed()) {
            e.message += " (the time allowed for the whole run, " + seconds(options_.max_time) + ", ran out)";
            e.limit = Limit::max_time;
        } else if (head_deadline_ && head_deadline_->passed()) {
            e.message += " (the response head did not complete within " + seconds(options_.head_timeout) + ")";
            e.limit = Limit::head_timeout;
        } else if (options_.idle_timeout.count() > 0) {
            e.message += " (nothing moved for " + seconds(options_.idle_timeout) + ")";
            e.limit = Limit::idle_timeout;
        }
        return e;
    }

    static std::string seconds(std::chrono::milliseconds ms) {
        char b[32];
        std::snprintf(b, sizeof b, "%g s", static_cast<double>(ms.count()) / 1000.0);
        return b;
    }

    void fail(ExchangeResult& ex, Error e) {
        e = explain(std::move(e));
        // What arrived but was never parsed still belongs in the raw view.
        if (!ex.response || !ex.response->head_complete) {
            std::string_view rest = conn_->buffer.view();
            if (!rest.empty()) hooks_.on_raw(ex, rest);
            conn_->buffer.consume(rest.size());
        }
        ex.error = std::move(e);
        if (ex.response) ex.response->complete = false;
        conn_->usable = false;
    }

    // Reads the response to `req`. `body`, when not empty, is the request body
    // held back for a 100 Continue: sent on 100, or when the server stays
    // silent for the expect100 timeout; never sent when a final status comes first.
    ReadOutcome read_response(ExchangeResult& ex, const ComposedRequest& req, Clock::time_point t0, bool may_retry,
                              WirePart body, bool more_due = false) {
        auto& buf = conn_->buffer;
        net::Deadline continue_deadline;
        if (!body.empty()) continue_deadline = net::Deadline::after(options_.expect100_timeout);
        if (buf.size() > 0 && !ex.timing.first_byte_ms) ex.timing.first_byte_ms = ms_since(t0);
        ResponseReader reader(ex, req.method, options_.limits, options_.max_interim, hooks_);
        // However steadily a head trickles in, it must end in time (a drip of a
        // byte a second defeats the idle timeout alone).
        if (options_.head_timeout.count() > 0) head_deadline_ = net::Deadline::after(options_.head_timeout);
        struct HeadClock {
            std::optional<net::Deadline>& d;
            ~HeadClock() { d.reset(); }
        } clock{head_deadline_};
        for (;;) {
            if (head_deadline_ && reader.head_complete()) head_deadline_.reset();
            if (buf.size() > 0) {
                buf.consume(reader.feed(buf.view()));
                if (reader.failed()) {
                    fail(ex, *reader.error());
                    return ReadOutcome::done;
                }
                if (!body.empty()) {
                    if (reader.head_complete()) {
                        ex.body_withheld = true;
                        ex.notes.push_back("the server answered " + std::to_string(ex.response->status) +
                                           " before the body was sent (Expect: 100-continue): the body, " +
                                           std::to_string(body.size()) + " bytes, was not sent");
                        body = {};
                    } else if (reader.interim_count() > 0 && reader.last_interim_status() == 100) {
                        if (!write_request(ex, body, t0)) {
                            reader.stop();
                            fail(ex, *ex.error);
                            return ReadOutcome::done;
                        }
                        body = {};
                    }
                }
                if (reader.done()) break;
            }
            auto n = fill(ex, t0, body.empty() ? net::Deadline{} : continue_deadline);
            if (!n && !body.empty() && n.error().kind == ErrorKind::timeout && continue_deadline.passed() &&
                !deadline_.passed()) {
                // As curl does: a server that says nothing may simply not know 100-continue.
                ex.notes.push_back("no 100 Continue or final status within " + seconds(options_.expect100_timeout) +
                                   " (Expect: 100-continue): the body was sent anyway");
                if (!write_request(ex, body, t0)) {
                    reader.stop();
                    fail(ex, *ex.error);
                    return ReadOutcome::done;
                }
                body = {};
                continue;
            }
            if (!n) {
                if (may_retry && reader.bytes_seen() == 0 && n.error().kind == ErrorKind::receive)
                    return ReadOutcome::retry;
                reader.stop();
                fail(ex, n.error());
                return ReadOutcome::done;
            }
            if (*n == 0) {
                if (may_retry && reader.bytes_seen() == 0) return ReadOutcome::retry;
                if (auto e = reader.finish()) {
                    fail(ex, *e);
                    return ReadOutcome::done;
                }
                conn_->usable = false;  // a close-delimited body ended with the connection
                break;
            }
        }
        Response& r = *ex.response;
        if (r.framing == http::Framing::close) conn_->usable = false;
        if (req.method == "CONNECT" && r.status / 100 == 2 && !conn_->tunnel) {
            // The connection is now a tunnel: the next requests go through it.
            conn_->tunnel = request_target(req);
            conn_->usable = true;
            hooks_.on_event(conn_->number, "tunnel to " + *conn_->tunnel + " open (" + std::to_string(r.status) +
                                               " to CONNECT): the next requests go through it");
            return ReadOutcome::done;
        }
        if (r.status == 101) {
            read_switched(ex);
            conn_->usable = false;  // it speaks another protocol now
            return ReadOutcome::done;
        }
        if (!more_due && buf.size() > 0) {
            // No response is due, yet bytes came after this one's end.
            reader.extra_after_end(buf.view());
            buf.consume(buf.size());
            conn_->usable = false;
        }
        if (!response_keeps_alive(r) || request_closes(req)) conn_->usable = false;
        // The server may still wait for the body we did not send: the next
        // request would be read as that body.
        if (ex.body_withheld) conn_->usable = false;
        return ReadOutcome::done;
    }

    // After a 101: reads what the server sends in the new protocol until it
    // closes, or is quiet for upgrade_wait, or the session's time is up.
    void read_switched(ExchangeResult& ex) {
        auto& buf = conn_->buffer;
        auto take = [&](std::string_view b) {
            ex.switched_total += b.size();
            if (ex.switched.size() < ExchangeResult::kSwitchedCap)
                ex.switched.append(b.substr(0, std::min(b.size(), ExchangeResult::kSwitchedCap - ex.switched.size())));
            hooks_.on_switched(ex, b);
        };
        if (buf.size() > 0) {
            take(buf.view());
            buf.consume(buf.size());
        }
        for (;;) {
            std::size_t cap = 0;
            char* p = buf.prepare(cap);
            auto n = conn_->transport->read(p, cap,
                                            net::Deadline::earliest(deadline_, net::Deadline::after(options_.upgrade_wait)));
            if (!n) {
                if (n.error().kind == ErrorKind::interrupted || deadline_.passed()) ex.error = explain(n.error());
                return;  // else quiet for upgrade_wait, or reset: what came is what there is
            }
            if (*n == 0) return;
            take(std::string_view(p, *n));
        }
    }

    const SessionOptions& options_;
    SessionHooks& hooks_;
    net::Deadline deadline_;
    std::unique_ptr<Connection> conn_;
    std::unique_ptr<TraceForwarder> forwarder_;
    std::size_t connections_ = 0;
    bool retry_note_ = false;
    std::optional<net::Deadline> head_deadline_;  // while a response head is awaited
};

}  // namespace

bool response_keeps_alive(const Response& r) {
    bool close = false, keep_alive = false;
    for (const auto& [name, value] : r.headers) {
        if (!http::iequals(name, "Connection")) continue;
        close = close || http::list_has_token(value, "close");
        keep_alive = keep_alive || http::list_has_token(value, "keep-alive");
    }
    return http::keeps_alive(1, r.version == "HTTP/1.0" ? 0 : 1, close, keep_alive);
}

std::string request_target(const ComposedRequest& req) {
    std::string_view b(req.bytes);
    b = b.substr(0, b.find_first_of("\r\n"));
    const std::size_t sp = b.find(' ');
    if (sp == std::string_view::npos) return {};
    b.remove_prefix(sp + 1);
    return std::string(b.substr(0, b.find(' ')));
}

std::string Destination::display() const {
    if (unix_socket) return "unix:" + *unix_socket;
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

std::vector<ExchangeResult> run_session(const std::vector<ComposedRequest>& requests,
                                        const std::vector<Destination>& destinations,
                                        const SessionOptions& options, SessionHooks& hooks) {
    SessionRunner runner(options, hooks);
    return runner.run(requests, destinations);
}

Result<Destination> resolve_destination(const ComposedRequest& request, const DestinationOverrides& o) {
    Destination d;
    std::optional<std::string> where;
    std::string from;
    if (o.to) { where = o.to; from = "--to"; }
    else if (request.target) { where = request.target; from = "@target"; }
    else if (request.host_header) { where = request.host_header; from = "the Host header"; }
    d.tls = o.tls.value_or(request.tls.value_or(false));
    if (request.host_header) {
        if (auto h = net::parse_host_port(*request.host_header)) d.server_name = h->host;
    }
    if (o.unix_socket) {
        d.unix_socket = o.unix_socket;
        d.host = where ? *where : "localhost";
        return d;
    }
    if (!where || where->empty()) {
        return make_error(ErrorKind::usage,
                          "request " + std::string("on line ") + std::to_string(request.line) +
                              " has no destination: add a Host header, '@target = HOST[:PORT]', or use --to HOST[:PORT]");
    }
    if (where->find("://") != std::string::npos) {
        // The curl habit: a URL where HOST[:PORT] is meant.
        std::string rest = where->substr(where->find("://") + 3);
        rest = rest.substr(0, rest.find('/'));
        return make_error(ErrorKind::usage, from + " '" + *where + "' is a URL: write HOST[:PORT] only" +
                                                (rest.empty() ? std::string() : " (" + rest + ")") +
                                                (where->starts_with("https://") ? ", with --tls" : "") +
                                                "; the path goes in the request line");
    }
    auto hp = net::parse_host_port(*where);
    if (!hp || hp->host.empty() || (hp->port && (*hp->port < 1 || *hp->port > 65535))) {
        return make_error(ErrorKind::usage, from + " '" + *where +
                                                "' is not a place to connect to: expected HOST[:PORT] with a port from 1 to 65535" +
                                                (from == "--to" ? "" : " (or use --to HOST[:PORT])"));
    }
    d.host = hp->host;
    if (d.server_name.empty()) d.server_name = d.host;
    if (hp->port) {
        d.port = *hp->port;
        if (!o.tls && !request.tls && d.port == 443) d.tls = true;
    } else {
        d.port = d.tls ? 443 : 80;
    }
    return d;
}

}  // namespace rawhttp::client
