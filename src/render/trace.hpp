// --trace: every socket read and write as it happens, with the time since the
// command started, the direction, the size and the bytes (escaped, or a
// hexdump), like `curl --trace-ascii --trace-time`: the app-level tcpdump.
// One renderer for send, listen and chat, so the three look alike.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "net/transport.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

enum class TraceDirection { read, write };

// One entry: "[    12.345 ms] #1 < read 42 bytes" (the label, "#1" here, may
// be empty), then the bytes, "  < " / "  > " before each escaped line, or a
// hexdump. Always ends with a line break.
std::string trace_entry(double elapsed_ms, std::string_view label, TraceDirection direction,
                        std::string_view bytes, bool hex, const Style& style);

// Writes trace entries to a file descriptor (stderr), timed from its creation.
// It is also a TransportObserver, so a connection can report its own reads
// and writes: transport.set_observer(&trace).
class TraceWriter : public net::TransportObserver {
public:
    TraceWriter(int fd, bool hex, Style style, std::string label = {})
        : fd_(fd), hex_(hex), style_(style), label_(std::move(label)), t0_(std::chrono::steady_clock::now()) {}
    void set_label(std::string label) { label_ = std::move(label); }
    void entry(TraceDirection direction, std::string_view bytes, std::string_view label) const;
    void on_read(std::string_view bytes) override { entry(TraceDirection::read, bytes, label_); }
    void on_write(std::string_view bytes) override { entry(TraceDirection::write, bytes, label_); }

private:
    int fd_;
    bool hex_;
    Style style_;
    std::string label_;
    std::chrono::steady_clock::time_point t0_;
};

}  // namespace rawhttp::render
