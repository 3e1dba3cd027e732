#include "render/stream_view.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace rawhttp::render {

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
      in_view_(p.style, p.hex ? "< " : dim("<", p.style) + " ", p.hex),
      out_view_(p.style, p.hex ? "> " : dim(">", p.style) + " ", p.hex) {}

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
    write_fd(p_.note_fd, dim("(end of input: sent FIN, the connection is half-closed; "
                                     "still showing what arrives until the other side closes)",
                                     p_.note_style) +
                             "\n");
}

void PrintingHooks::on_peer_half_closed() {
    finish();
    write_fd(p_.note_fd, dim("(the other side sent FIN: it will send nothing more; you may still answer, "
                                     "and Ctrl-D closes)",
                                     p_.note_style) +
                             "\n");
}

void PrintingHooks::finish() { write_fd(p_.out_fd, in_view_.finish()); }

}  // namespace rawhttp::render
