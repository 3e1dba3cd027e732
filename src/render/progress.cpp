#include "render/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace rawhttp::render {

std::string human_bytes(double b) {
    char out[32];
    if (b < 1024) std::snprintf(out, sizeof out, "%.0f B", b);
    else if (b < 1024.0 * 1024) std::snprintf(out, sizeof out, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) std::snprintf(out, sizeof out, "%.1f MiB", b / (1024.0 * 1024));
    else std::snprintf(out, sizeof out, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    return out;
}

namespace {

std::string seconds_text(double s) {
    char out[32];
    if (s < 60) std::snprintf(out, sizeof out, "%.1f s", s);
    else std::snprintf(out, sizeof out, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    return out;
}

}  // namespace

std::string progress_line(std::uint64_t bytes, std::optional<std::uint64_t> total, double elapsed_s,
                          std::size_t columns) {
    std::string line = "body " + human_bytes(static_cast<double>(bytes));
    const double rate = elapsed_s > 0 ? static_cast<double>(bytes) / elapsed_s : 0;
    if (total && *total > 0) {
        char pct[16];
        std::snprintf(pct, sizeof pct, " (%d%%)", static_cast<int>(100.0 * static_cast<double>(bytes) / static_cast<double>(*total)));
        line += " of " + human_bytes(static_cast<double>(*total)) + pct;
    }
    line += ", " + human_bytes(rate) + "/s, " + seconds_text(elapsed_s) + " elapsed";
    if (total && *total > bytes && rate > 0) line += ", " + seconds_text(static_cast<double>(*total - bytes) / rate) + " left";
    if (columns > 1 && line.size() > columns - 1) line.resize(columns - 1);
    return line;
}

std::size_t terminal_columns(int fd) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* c = std::getenv("COLUMNS")) {
        long v = std::strtol(c, nullptr, 10);
        if (v > 0 && v < 10000) return static_cast<std::size_t>(v);
    }
    return 80;
}

}  // namespace rawhttp::render
