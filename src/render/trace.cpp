#include "render/trace.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace rawhttp::render {

std::string trace_entry(double elapsed_ms, std::string_view label, TraceDirection direction,
                        std::string_view bytes, bool hex, const Style& style) {
    const bool in = direction == TraceDirection::read;
    char head[128];
    std::snprintf(head, sizeof head, "[%10.3f ms] %.*s%s%s %s %zu bytes\n", elapsed_ms, static_cast<int>(label.size()),
                  label.data(), label.empty() ? "" : " ", in ? "<" : ">", in ? "read" : "write", bytes.size());
    std::string text = dim(head, style);
    if (hex) text += hexdump(bytes, "  ");
    else text += escape_lines(bytes, style, in ? "  < " : "  > ");
    return text;
}

void TraceWriter::entry(TraceDirection direction, std::string_view bytes, std::string_view label) const {
    if (fd_ < 0) return;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
    std::string text = trace_entry(ms, label, direction, bytes, hex_, style_);
    std::string_view rest(text);
    while (!rest.empty()) {
        ssize_t n = ::write(fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace rawhttp::render
