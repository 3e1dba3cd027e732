#include "client/conversation.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <algorithm>

namespace rawhttp::client {

// ------------------------------------------------------------ conversation

Result<ConversationEnd> converse(net::Transport& t, const ConversationOptions& o, ConversationHooks& hooks,
                                 const std::atomic<bool>& stop) {
    const std::string_view eol = o.bare_lf ? "\n" : "\r\n";
    bool input_open = true;
    std::string line;  // input not yet sent (waiting for its LF)
    char buf[64 * 1024];

    auto send = [&](std::string_view bytes) -> Status {
        if (bytes.empty()) return ok_status();
        auto w = t.write_all(bytes, net::Deadline::earliest(o.deadline, net::Deadline::after(std::chrono::seconds(30))));
        if (!w) return w;
        hooks.on_sent(bytes);
        return ok_status();
    };

    bool peer_eof = false;  // the other side sent FIN (and the input is still open)
    for (;;) {
        if (stop.load()) return ConversationEnd::stopped;
        if (o.deadline.passed()) {
            Error e = make_error(ErrorKind::timeout, "the time allowed for the conversation ran out");
            e.limit = Limit::max_time;  // the command line names its option
            return e;
        }
        net::Deadline slice = net::Deadline::earliest(o.deadline, net::Deadline::after(std::chrono::milliseconds(200)));
        // The connection (until the peer's FIN) and the input, whichever has bytes first.
        bool net_ready = false, input_ready = false;
        if (!peer_eof) {
            auto ready = t.wait_readable(slice, input_open ? o.input_fd : -1);
            if (!ready) {
                if (ready.error().kind == ErrorKind::interrupted) continue;
                return ready.error();
            }
            net_ready = *ready == net::Transport::Ready::transport;
            input_ready = *ready == net::Transport::Ready::other;
        } else if (input_open) {
            int r = net::wait_for(o.input_fd, POLLIN, slice);
            if (r < 0 && errno != EINTR) return make_error(ErrorKind::receive, std::string("poll failed: ") + std::strerror(errno));
            input_ready = r > 0;
        }
        if (!net_ready && !input_ready) continue;

        if (net_ready) {
            auto got = t.read(buf, sizeof buf, net::Deadline::after(std::chrono::milliseconds(1000)));
            if (!got) {
                if (got.error().kind != ErrorKind::timeout) return got.error();
            } else if (*got == 0) {
                if (o.end_on_peer_close || !input_open) return ConversationEnd::peer_closed;
                peer_eof = true;
                hooks.on_peer_half_closed();
            } else {
                hooks.on_received(std::string_view(buf, *got));
            }
        }

        if (input_ready) {
            ssize_t n = ::read(o.input_fd, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
            if (n <= 0) {
                // End of input (Ctrl-D): what is left goes as it is, then the half-close.
                if (auto s = send(line); !s) return peer_eof ? Result<ConversationEnd>(ConversationEnd::peer_closed) : s.error();
                line.clear();
                t.shutdown_write();
                input_open = false;
                if (peer_eof) return ConversationEnd::peer_closed;
                hooks.on_input_closed();
                continue;
            }
            line.append(buf, static_cast<std::size_t>(n));
            std::size_t start = 0;
            std::string out;
            for (std::size_t nl = line.find('\n'); nl != std::string::npos; nl = line.find('\n', start)) {
                std::size_t end = nl;
                if (end > start && line[end - 1] == '\r') --end;  // a CRLF typed or piped in counts as one break
                out.append(line, start, end - start);
                out.append(eol);
                start = nl + 1;
            }
            line.erase(0, start);
            if (o.send_partial_lines) {
                out += line;
                line.clear();
            }
            if (auto s = send(out); !s) return peer_eof ? Result<ConversationEnd>(ConversationEnd::peer_closed) : s.error();
        }
    }
}

}  // namespace rawhttp::client
