#include "server/listen_session.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rawhttp::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTick = std::chrono::milliseconds(100);

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Where a head ends when read leniently: after the first empty line (CRLF or
// a bare LF), empty lines before the request line skipped. npos: not yet.
std::size_t lenient_head_end(std::string_view buf) {
    std::size_t p = 0;
    while (p < buf.size()) {
        if (buf[p] == '\n') ++p;
        else if (buf[p] == '\r' && p + 1 < buf.size() && buf[p + 1] == '\n') p += 2;
        else break;
    }
    if (p >= buf.size()) return std::string_view::npos;
    for (std::size_t i = buf.find('\n', p); i != std::string_view::npos; i = buf.find('\n', i + 1)) {
        if (i + 1 < buf.size() && buf[i + 1] == '\n') return i + 2;
        if (i + 2 < buf.size() && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
    }
    return std::string_view::npos;
}

std::string seconds_text(std::chrono::milliseconds ms) {
    auto n = ms.count();
    if (n % 1000 == 0) return std::to_string(n / 1000) + " s";
    return std::to_string(n) + " ms";
}

}  // namespace

std::pair<std::size_t, std::size_t> line_column(std::string_view bytes, std::size_t offset) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
        if (bytes[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

// ------------------------------------------------------------ RequestTracker

RequestTracker::RequestTracker(http::HeadLimits limits) : limits_(limits) {}

void RequestTracker::add_finding(std::size_t offset, std::string message) {
    Finding f;
    f.offset = offset;
    f.message = std::move(message);
    if (offset <= head_buf_.size()) {
        auto [l, c] = line_column(head_buf_, offset);
        f.line = l;
        f.column = c;
    }
    findings_.push_back(std::move(f));
}

std::size_t RequestTracker::feed(std::string_view chunk) {
    const std::uint64_t before = seen_;
    seen_ += chunk.size();
    if (complete_) return 0;
    if (!head_done_) {
        head_buf_.append(chunk);
        // The head can only end at a LF; a head over the limit ends here too.
        if (chunk.find('\n') != std::string_view::npos || head_buf_.size() > limits_.max_head_bytes) try_head();
    } else {
        body(chunk);
    }
    if (!complete_) request_bytes_ = seen_;
    return request_bytes_ > before ? static_cast<std::size_t>(request_bytes_ - before) : 0;
}

void RequestTracker::try_head() {
    http::RequestHead head;
    http::ParseError err;
    http::ParseStatus st = http::ParseStatus::error;
    if (!strict_error_noted_) st = http::parse_request_head(head_buf_, head, err, limits_);
    if (st == http::ParseStatus::incomplete) return;
    if (st == http::ParseStatus::complete) {
        parsed_ = ParsedRequest{};
        parsed_.has_head = true;
        parsed_.strict = true;
        parsed_.head_complete = true;
        parsed_.method = std::string(head.method);
        parsed_.target = std::string(head.target);
        parsed_.version = std::string(head.version);
        for (const auto& f : head.headers) parsed_.headers.emplace_back(std::string(f.name), std::string(f.value));
        parsed_.head_bytes = head.head_bytes;
        http::ParseError ferr;
        auto framing = http::request_framing(head, ferr);
        if (framing) {
            parsed_.framing = framing->framing;
            parsed_.content_length = framing->length;
        } else {
            add_finding(ferr.offset, ferr.message + " (listen does not wait for a body)");
            parsed_.framing = http::Framing::none;
        }
        head_done_ = true;
        request_bytes_ = head.head_bytes;
        body(std::string_view(head_buf_).substr(head.head_bytes));
        return;
    }
    if (!strict_error_noted_) {
        strict_error_noted_ = true;
        add_finding(err.offset, err.message);
    }
    if (head_buf_.size() > limits_.max_head_bytes) {
        lenient(std::string_view(head_buf_).substr(0, limits_.max_head_bytes), false);
        head_done_ = true;
        complete_ = true;
        request_bytes_ = seen_;
        return;
    }
    std::size_t end = lenient_head_end(head_buf_);
    if (end == std::string_view::npos) return;
    lenient(std::string_view(head_buf_).substr(0, end), true);
    head_done_ = true;
    request_bytes_ = end;
    body(std::string_view(head_buf_).substr(end));
}

void RequestTracker::lenient(std::string_view head, bool terminated) {
    ParsedRequest p;
    p.strict = false;
    p.head_complete = terminated;
    p.head_bytes = terminated ? head.size() : 0;
    std::size_t pos = 0;
    bool first = true;
    while (pos < head.size()) {
        std::size_t nl = head.find('\n', pos);
        std::string_view line = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? head.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (first) {
            if (line.empty()) continue;  // empty lines before the request line
            first = false;
            p.has_head = true;
            // method SP target SP version, split on any run of whitespace.
            std::vector<std::string_view> parts;
            std::size_t k = 0;
            while (k < line.size()) {
                while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
                std::size_t b = k;
                while (k < line.size() && line[k] != ' ' && line[k] != '\t') ++k;
                if (k > b) parts.push_back(line.substr(b, k - b));
            }
            if (!parts.empty()) p.method = std::string(parts[0]);
            if (parts.size() == 2) p.target = std::string(parts[1]);
            if (parts.size() >= 3) {
                p.version = std::string(parts.back());
                const char* b = parts[1].data();
                const char* e = parts[parts.size() - 2].data() + parts[parts.size() - 2].size();
                p.target = std::string(b, static_cast<std::size_t>(e - b));
            }
            continue;
        }
        if (line.empty()) break;  // the end of the head
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) p.headers.emplace_back(std::string(line), std::string());
        else p.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
    }
    // Framing, read leniently: chunked when Transfer-Encoding ends in it, else Content-Length.
    if (terminated) {
        for (const auto& [n, v] : p.headers) {
            if (http::iequals(trim(n), "transfer-encoding")) {
                std::string_view val = trim(v);
                std::size_t comma = val.rfind(',');
                std::string_view last = trim(comma == std::string_view::npos ? val : val.substr(comma + 1));
                if (http::iequals(last, "chunked")) p.framing = http::Framing::chunked;
            }
        }
        if (p.framing != http::Framing::chunked) {
            for (const auto& [n, v] : p.headers) {
                if (http::iequals(trim(n), "content-length")) {
                    if (auto len = http::parse_content_length(trim(v))) {
                        p.framing = http::Framing::content_length;
                        p.content_length = *len;
                        break;
                    }
                }
            }
        }
    }
    parsed_ = std::move(p);
}

void RequestTracker::body(std::string_view in) {
    switch (parsed_.framing) {
        case http::Framing::none:
        case http::Framing::close:
            complete_ = true;
            return;
        case http::Framing::content_length: {
            std::uint64_t need = parsed_.content_length - parsed_.body_bytes;
            std::uint64_t take = std::min<std::uint64_t>(need, in.size());
            parsed_.body_bytes += take;
            request_bytes_ += take;
            if (parsed_.body_bytes == parsed_.content_length) complete_ = true;
            return;
        }
        case http::Framing::chunked:
            while (!in.empty() && !complete_) {
                auto step = chunked_.feed(in);
                in.remove_prefix(step.consumed);
                parsed_.body_bytes += step.consumed;
                request_bytes_ += step.consumed;
                if (step.done) {
                    complete_ = true;
                } else if (step.error) {
                    add_finding(static_cast<std::size_t>(request_bytes_),
                                "malformed chunked body: " + chunked_.error_message() +
                                    " \xE2\x80\x94 RFC 9112 section 7.1 (listen stops waiting for the body here)");
                    complete_ = true;
                } else if (step.consumed == 0) {
                    break;
                }
            }
            return;
    }
}

void RequestTracker::finish(std::string_view why) {
    if (complete_) return;
    if (!head_done_) {
        if (head_buf_.empty()) return;  // nothing arrived
        // Note the strict parser's verdict on what did arrive.
        http::RequestHead head;
        http::ParseError err;
        if (!strict_error_noted_ &&
            http::parse_request_head(head_buf_, head, err, limits_) == http::ParseStatus::error) {
            strict_error_noted_ = true;
            add_finding(err.offset, err.message);
        }
        lenient(head_buf_, false);
        add_finding(head_buf_.size(), "no empty line ended the head: " + std::string(why) +
                                          " \xE2\x80\x94 RFC 9112 section 2.1 (a server would still be waiting, "
                                          "then answer 408 or close)");
        head_done_ = true;
        return;
    }
    if (parsed_.framing == http::Framing::content_length) {
        add_finding(static_cast<std::size_t>(request_bytes_),
                    "the body is incomplete: " + std::to_string(parsed_.body_bytes) + " of the " +
                        std::to_string(parsed_.content_length) + " bytes Content-Length announced arrived, then " +
                        std::string(why) + " \xE2\x80\x94 RFC 9112 section 6.2");
    } else if (parsed_.framing == http::Framing::chunked) {
        add_finding(static_cast<std::size_t>(request_bytes_),
                    "the chunked body did not end (no last chunk of size 0 and empty line): " + std::string(why) +
                        " \xE2\x80\x94 RFC 9112 section 7.1");
    }
}

// ------------------------------------------------------------------ accept

Result<std::unique_ptr<net::Transport>> accept_client(const net::Listener& listener, const net::Deadline& deadline,
                                                      const std::atomic<bool>& stop) {
    for (;;) {
        if (stop.load()) return std::unique_ptr<net::Transport>();
        if (deadline.passed()) return make_error(ErrorKind::timeout, "no client connected before --max-time");
        net::Deadline slice = net::Deadline::earliest(deadline, net::Deadline::after(kTick));
        pollfd p{listener.fd, POLLIN, 0};
        int r = ::poll(&p, 1, slice.poll_timeout_ms());
        if (r < 0 && errno != EINTR) return make_error(ErrorKind::connect, std::string("poll failed: ") + std::strerror(errno));
        if (r <= 0) continue;
        int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ECONNABORTED) continue;
            if (e == EMFILE || e == ENFILE) {
                ::poll(nullptr, 0, 100);
                continue;
            }
            return make_error(ErrorKind::connect, std::string("accept failed: ") + std::strerror(e));
        }
        return net::adopt_socket(fd);
    }
}

// ---------------------------------------------------------------- responses

std::string ok_response(const ParsedRequest& request, std::uint64_t bytes_received) {
    std::string body = "rawhttp listen received your request (" + std::to_string(bytes_received) + " bytes)\n";
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (request.method != "HEAD") out += body;
    return out;
}

std::string echo_response(const ParsedRequest& request, std::string_view request_bytes) {
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                      std::to_string(request_bytes.size()) + "\r\nConnection: close\r\n\r\n";
    if (request.method != "HEAD") out.append(request_bytes);
    return out;
}

// ------------------------------------------------------------ one client

namespace {

struct ReadOutcome {
    enum Kind { data, eof, timeout, stopped, error } kind = data;
    std::size_t n = 0;
    std::optional<Error> err;
};

// Reads what is there, waiting until `until` in short slices so `stop` is seen.
ReadOutcome read_some(net::Transport& t, char* buf, std::size_t cap, const net::Deadline& until,
                      const std::atomic<bool>& stop) {
    for (;;) {
        if (stop.load()) return {ReadOutcome::stopped, 0, {}};
        if (until.passed()) return {ReadOutcome::timeout, 0, {}};
        net::Deadline slice = net::Deadline::earliest(until, net::Deadline::after(kTick));
        pollfd p{t.fd(), POLLIN, 0};
        int r = ::poll(&p, 1, slice.poll_timeout_ms());
        if (r < 0 && errno != EINTR)
            return {ReadOutcome::error, 0, make_error(ErrorKind::receive, std::string("poll failed: ") + std::strerror(errno))};
        if (r <= 0) continue;
        auto got = t.read(buf, cap, net::Deadline::after(std::chrono::milliseconds(1000)));
        if (!got) {
            if (got.error().kind == ErrorKind::timeout) continue;
            return {ReadOutcome::error, 0, got.error()};
        }
        if (*got == 0) return {ReadOutcome::eof, 0, {}};
        return {ReadOutcome::data, *got, {}};
    }
}

}  // namespace

ClientReport handle_client(net::Transport& client, const ListenOptions& o, ListenHooks& hooks,
                           const std::atomic<bool>& stop) {
    ClientReport rep;
    rep.connection = client.info();
    const auto t0 = Clock::now();
    hooks.on_connected(rep.connection);
    RequestTracker tracker(o.limits);
    std::string buf(64 * 1024, '\0');

    auto record = [&](std::string_view b) {
        rep.received += b.size();
        if (rep.captured.size() < o.max_capture)
            rep.captured.append(b.substr(0, std::min(b.size(), o.max_capture - rep.captured.size())));
    };
    auto finish_report = [&] {
        rep.request = tracker.request();
        rep.findings = tracker.findings();
        rep.request_bytes = tracker.request_bytes();
        rep.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    };

    // 1. The request, until it is complete (or the client closes, goes quiet, ...).
    bool client_closed = false;
    bool stopped = false;
    std::string after;  // bytes of the completing read that came after the request
    while (!tracker.complete()) {
        net::Deadline until = o.deadline;
        if (o.idle_timeout.count() > 0) until = net::Deadline::earliest(until, net::Deadline::after(o.idle_timeout));
        ReadOutcome r = read_some(client, buf.data(), buf.size(), until, stop);
        if (r.kind == ReadOutcome::data) {
            std::string_view chunk(buf.data(), r.n);
            record(chunk);
            std::size_t mine = tracker.feed(chunk);
            if (mine > 0) hooks.on_bytes(chunk.substr(0, mine), false);
            if (mine < chunk.size()) after.assign(chunk.substr(mine));
            continue;
        }
        if (r.kind == ReadOutcome::eof) {
            client_closed = true;
            rep.ended = "client closed";
            rep.closed = "the client closed the connection";
            tracker.finish("the client closed the connection");
        } else if (r.kind == ReadOutcome::timeout) {
            if (o.deadline.passed()) {
                rep.ended = "deadline";
                rep.error = make_error(ErrorKind::timeout, "--max-time reached while the client was sending");
                tracker.finish("--max-time was reached");
            } else {
                rep.ended = "idle";
                tracker.finish("nothing more arrived for " + seconds_text(o.idle_timeout) + " (--idle-timeout)");
            }
        } else if (r.kind == ReadOutcome::stopped) {
            stopped = true;
            rep.ended = "stopped";
            tracker.finish("listen was stopped");
        } else {
            rep.ended = "error";
            rep.error = r.err;
            tracker.finish("receiving failed");
        }
        break;
    }
    if (tracker.complete()) rep.ended = "complete";
    rep.request_complete = tracker.complete();
    finish_report();
    hooks.on_request(rep);
    if (!after.empty()) hooks.on_bytes(after, true);

    // 2. The answer.
    bool can_go_on = !stopped && !rep.error;
    if (can_go_on && o.respond != RespondMode::none && rep.received > 0) {
        std::string response;
        switch (o.respond) {
            case RespondMode::ok: response = ok_response(rep.request, rep.request_bytes); break;
            case RespondMode::echo:
                response = echo_response(rep.request, std::string_view(rep.captured).substr(
                                                          0, std::min<std::uint64_t>(rep.request_bytes, rep.captured.size())));
                break;
            case RespondMode::file: response = o.file_response; break;
            case RespondMode::none: break;
        }
        auto w = client.write_all(response, net::Deadline::earliest(o.deadline, net::Deadline::after(std::chrono::seconds(10))));
        if (!w) {
            rep.error = w.error();
            rep.closed = "sending the response failed: " + w.error().message;
        } else {
            rep.response = response;
            hooks.on_response(response);
            client.shutdown_write();
        }
        // A lingering close: the client reads the answer, then closes; closing
        // at once with unread bytes pending would reset the connection.
        if (!rep.error && !client_closed) {
            net::Deadline until = net::Deadline::earliest(o.deadline, net::Deadline::after(o.linger));
            for (;;) {
                ReadOutcome r = read_some(client, buf.data(), buf.size(), until, stop);
                if (r.kind == ReadOutcome::data) {
                    std::string_view chunk(buf.data(), r.n);
                    record(chunk);
                    hooks.on_bytes(chunk, true);
                    continue;
                }
                if (r.kind == ReadOutcome::eof) rep.closed = "the client closed the connection";
                else if (r.kind == ReadOutcome::timeout)
                    rep.closed = "listen closed it (the client had not closed " + seconds_text(o.linger) +
                                 " after the response)";
                else if (r.kind == ReadOutcome::stopped) rep.closed = "listen was stopped";
                else rep.closed = "receiving failed: " + (r.err ? r.err->message : std::string("?"));
                break;
            }
        }
    } else if (can_go_on && !client_closed && (o.respond == RespondMode::none || rep.ended != "idle")) {
        // --respond none: like nc -l, wait for the client to close.
        for (;;) {
            ReadOutcome r = read_some(client, buf.data(), buf.size(), o.deadline, stop);
            if (r.kind == ReadOutcome::data) {
                std::string_view chunk(buf.data(), r.n);
                record(chunk);
                hooks.on_bytes(chunk, true);
                continue;
            }
            if (r.kind == ReadOutcome::eof) {
                rep.closed = "the client closed the connection";
            } else if (r.kind == ReadOutcome::timeout) {
                rep.closed = "--max-time reached";
                rep.error = make_error(ErrorKind::timeout, "--max-time reached while waiting for the client to close");
            } else if (r.kind == ReadOutcome::stopped) {
                rep.closed = "listen was stopped";
            } else {
                rep.closed = "receiving failed: " + (r.err ? r.err->message : std::string("?"));
                rep.error = r.err;
            }
            break;
        }
    } else if (rep.closed.empty()) {
        if (stopped) rep.closed = "listen was stopped";
        else if (rep.ended == "idle") rep.closed = "listen closed it after " + seconds_text(o.idle_timeout) + " of silence";
        else if (rep.error) rep.closed = rep.error->message;
    }
    finish_report();
    hooks.on_closed(rep);
    return rep;
}

}  // namespace rawhttp::server
