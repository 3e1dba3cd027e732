// Showing a byte stream as it arrives (StreamView), and the hooks that print
// a conversation (client/conversation.hpp) that way: chat and listen --chat.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client/conversation.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

// Shows a byte stream as it arrives, in pieces of any size: escaped like
// render::escape_lines (CR and LF visible, each LF then a real line break,
// control bytes and invalid UTF-8 escaped), `prefix` at the start of each
// line, a UTF-8 character split between two reads kept whole; or, with hex,
// as a hexdump whose offsets run on from piece to piece.
class StreamView {
public:
    StreamView(Style style, std::string prefix, bool hex = false)
        : style_(style), prefix_(std::move(prefix)), hex_(hex) {}
    // The text to print for these bytes now.
    std::string feed(std::string_view bytes);
    // The text for anything held back, ending an unfinished line.
    std::string finish();
    bool at_line_start() const { return at_line_start_ && pending_.empty(); }
    std::uint64_t offset() const { return offset_; }

private:
    std::string render(std::string_view bytes);
    Style style_;
    std::string prefix_;
    bool hex_ = false;
    bool at_line_start_ = true;
    std::string pending_;  // the start of a UTF-8 character whose rest has not arrived
    std::uint64_t offset_ = 0;
};

// Hooks that print the conversation: received bytes escaped on `out_fd` as
// they arrive ("< " lines, or a hexdump), and with show_sent each line sent
// ("> " lines); the half-close note on `note_fd` (-1: none). --trace is the
// transport's observer (render::TraceWriter), not these hooks.
struct ConversationPrinting {
    int out_fd = 1;
    int note_fd = 2;
    Style style;  // colours for `out_fd`
    Style note_style;
    bool hex = false;
    bool show_sent = false;
};

class PrintingHooks : public client::ConversationHooks {
public:
    explicit PrintingHooks(ConversationPrinting p);
    void on_received(std::string_view bytes) override;
    void on_sent(std::string_view bytes) override;
    void on_input_closed() override;
    void on_peer_half_closed() override;
    // Ends an unfinished line of received bytes.
    void finish();
    std::uint64_t received() const { return received_; }
    std::uint64_t sent() const { return sent_; }
    // Everything received (for listen --chat --save), at most `cap` bytes kept.
    std::string captured;
    std::size_t capture_cap = 0;

private:
    ConversationPrinting p_;
    StreamView in_view_;
    StreamView out_view_;
    std::uint64_t received_ = 0, sent_ = 0;
};

}  // namespace rawhttp::render
