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

std::string seconds_text(std::chrono::milliseconds ms) {
    auto n = ms.count();
    if (n % 1000 == 0) return std::to_string(n / 1000) + " s";
    return std::to_string(n) + " ms";
}

}  // namespace

// ------------------------------------------------------------------ accept

Result<std::unique_ptr<net::Transport>> accept_client(const net::Listener& listener, const net::Deadline& deadline,
                                                      const std::atomic<bool>& stop) {
    for (;;) {
        if (stop.load()) return std::unique_ptr<net::Transport>();
        if (deadline.passed()) {
            Error e = make_error(ErrorKind::timeout, "no client connected in the time allowed");
            e.limit = Limit::max_time;  // the command line names its option
            return e;
        }
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

std::string ok_response(const capture::ParsedRequest& request, std::uint64_t bytes_received) {
    std::string body = "rawhttp listen received your request (" + std::to_string(bytes_received) + " bytes)\n";
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (request.method != "HEAD") out += body;
    return out;
}

std::string echo_response(const capture::ParsedRequest& request, std::string_view request_bytes) {
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
        auto ready = t.wait_readable(slice);
        if (!ready) return {ReadOutcome::error, 0, ready.error()};
        if (*ready == net::Transport::Ready::timeout) continue;
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

capture::ClientReport handle_client(net::Transport& client, const ListenOptions& o, ListenHooks& hooks,
                           const std::atomic<bool>& stop) {
    capture::ClientReport rep;
    rep.connection = client.info();
    const auto t0 = Clock::now();
    hooks.on_connected(rep.connection);
    capture::RequestTracker tracker(o.limits);
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
                rep.error = make_error(ErrorKind::timeout, "the time allowed ran out while the client was sending");
                rep.error->limit = Limit::max_time;
                tracker.finish("the time allowed ran out");
            } else {
                rep.ended = "idle";  // the command line words it with its option
                tracker.finish("nothing more arrived for " + seconds_text(o.idle_timeout));
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
                rep.closed = "the time allowed ran out";
                rep.closed_by = Limit::max_time;
                rep.error = make_error(ErrorKind::timeout, "the time allowed ran out while waiting for the client to close");
                rep.error->limit = Limit::max_time;
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
