#include "server/conversation.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <algorithm>

namespace rawhttp::server {

// -------------------------------------------------------------- StreamView

namespace {

// Where a trailing, unfinished UTF-8 character starts (npos: none).
std::size_t unfinished_utf8(std::string_view s) {
    std::size_t n = s.size();
    for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
        auto c = static_cast<unsigned char>(s[n - back]);
        if ((c & 0xc0) == 0x80) continue;  // a continuation byte: look further back
        std::size_t need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
        return need > back ? n - back : std::string_view::npos;
    }
    return std::string_view::npos;
}

}  // namespace

std::string StreamView::render(std::string_view s) {
    std::string out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t nl = s.find('\n', pos);
        if (nl == std::string_view::npos) {
            if (at_line_start_) out += prefix_;
            out += render::escape_inline(s.substr(pos), style_);
            at_line_start_ = false;
            break;
        }
        out += render::escape_lines(s.substr(pos, nl + 1 - pos), style_, at_line_start_ ? std::string_view(prefix_) : "");
        at_line_start_ = true;
        pos = nl + 1;
    }
    return out;
}

std::string StreamView::feed(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (hex_) {
        std::string out = render::hexdump(bytes, prefix_, offset_);
        offset_ += bytes.size();
        return out;
    }
    offset_ += bytes.size();
    std::string data = std::move(pending_);
    pending_.clear();
    data.append(bytes);
    std::size_t cut = unfinished_utf8(data);
    if (cut != std::string_view::npos) {
        pending_ = data.substr(cut);
        data.resize(cut);
    }
    return render(data);
}

std::string StreamView::finish() {
    std::string out;
    if (!pending_.empty()) {
        std::string rest = std::move(pending_);
        pending_.clear();
        out = render(rest);
    }
    if (!at_line_start_) {
        out += '\n';
        at_line_start_ = true;
    }
    return out;
}

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
        if (o.deadline.passed()) return make_error(ErrorKind::timeout, "--max-time reached");
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

// ------------------------------------------------------------ printing hooks

namespace {

void write_fd(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

PrintingHooks::PrintingHooks(ConversationPrinting p)
    : p_(p),
      in_view_(p.style, p.hex ? "< " : render::dim("<", p.style) + " ", p.hex),
      out_view_(p.style, p.hex ? "> " : render::dim(">", p.style) + " ", p.hex) {}

void PrintingHooks::on_received(std::string_view bytes) {
    received_ += bytes.size();
    if (captured.size() < capture_cap)
        captured.append(bytes.substr(0, std::min(bytes.size(), capture_cap - captured.size())));
    write_fd(p_.out_fd, in_view_.feed(bytes));
}

void PrintingHooks::on_sent(std::string_view bytes) {
    sent_ += bytes.size();
    if (!p_.show_sent) return;
    write_fd(p_.out_fd, in_view_.finish());  // end a partial received line first
    write_fd(p_.out_fd, out_view_.feed(bytes) + out_view_.finish());
}

void PrintingHooks::on_input_closed() {
    finish();
    write_fd(p_.note_fd, render::dim("(end of input: sent FIN, the connection is half-closed; "
                                     "still showing what arrives until the other side closes)",
                                     p_.note_style) +
                             "\n");
}

void PrintingHooks::on_peer_half_closed() {
    finish();
    write_fd(p_.note_fd, render::dim("(the other side sent FIN: it will send nothing more; you may still answer, "
                                     "and Ctrl-D closes)",
                                     p_.note_style) +
                             "\n");
}

void PrintingHooks::finish() { write_fd(p_.out_fd, in_view_.finish()); }

}  // namespace rawhttp::server
