// stdout, shared by the clients `rawhttp listen` serves at once, a thread
// each: one client's view is shown live, several are collected and printed
// whole, so no two views interleave.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

#include "render/escape.hpp"

namespace rawhttp::cli {

// stdout, shared by the clients. A client alone is shown live, byte by byte
// as today; once several are connected, each view is collected and printed
// whole when its client ends, so no two views ever interleave.
class Screen {
public:
    struct View {
        std::string remote;
        bool live = false;
        bool continued = false;  // it was live, then others came: the rest is a block
        bool cut_mid_line = false;  // ... and a line of it was half shown then
        std::string buffer;
    };

    void attach(View& v);
    void write(View& v, const std::string& s);
    // Prints what the client's view collected, and a blank line after it.
    void detach(View& v, bool separator);
    render::Style style_;

private:
    std::mutex m_;
    std::size_t attached_ = 0;
    View* live_ = nullptr;
    bool mid_line_ = false;  // the live view's last line is not finished yet
};

}  // namespace rawhttp::cli
