// A two-way conversation over one connection, as with netcat or telnet: the
// lines read from an input (a terminal, or a pipe) go out with CRLF (or a bare
// LF), the bytes that arrive are handed over as they arrive. `rawhttp chat`
// (Alice's side) and `rawhttp listen --chat` (Bob's side) both use it.
// Also: StreamView, which shows a byte stream as it arrives, escaped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/transport.hpp"
#include "render/escape.hpp"

namespace rawhttp::server {

struct ConversationOptions {
    int input_fd = 0;         // where the lines come from (standard input)
    bool bare_lf = false;     // end each line with LF instead of CRLF
    // Send what a read gives at once, even without a LF: on a terminal a
    // read returns a partial line only when Ctrl-D was pressed on it.
    // Otherwise (a pipe) bytes are held until their LF, or the end of input.
    bool send_partial_lines = false;
    net::Deadline deadline;   // --max-time
    // true (chat, like telnet): the conversation ends when the other side
    // closes. false (listen --chat): a client's FIN is a half-close; one may
    // still answer it, and the conversation ends with one's own end of input.
    bool end_on_peer_close = true;
};

class ConversationHooks {
public:
    virtual ~ConversationHooks() = default;
    virtual void on_received(std::string_view bytes) { (void)bytes; }
    virtual void on_sent(std::string_view bytes) { (void)bytes; }
    // The input ended: the connection was half-closed (no more writes).
    virtual void on_input_closed() {}
    // The other side sent FIN while the input is still open (end_on_peer_close false).
    virtual void on_peer_half_closed() {}
};

enum class ConversationEnd {
    peer_closed,  // the other side closed the connection
    stopped,      // `stop` was set (Ctrl-C)
};

// Runs the conversation until the peer closes, `stop` is set, the deadline
// passes or the connection fails. Errors: receive (56), send (55), timeout (28).
Result<ConversationEnd> converse(net::Transport& connection, const ConversationOptions& options,
                                 ConversationHooks& hooks, const std::atomic<bool>& stop);

// Shows a byte stream as it arrives, in pieces of any size: escaped like
// render::escape_lines (CR and LF visible, each LF then a real line break,
// control bytes and invalid UTF-8 escaped), `prefix` at the start of each
// line, a UTF-8 character split between two reads kept whole; or, with hex,
// as a hexdump whose offsets run on from piece to piece.
class StreamView {
public:
    StreamView(render::Style style, std::string prefix, bool hex = false)
        : style_(style), prefix_(std::move(prefix)), hex_(hex) {}
    // The text to print for these bytes now.
    std::string feed(std::string_view bytes);
    // The text for anything held back, ending an unfinished line.
    std::string finish();
    bool at_line_start() const { return at_line_start_ && pending_.empty(); }
    std::uint64_t offset() const { return offset_; }

private:
    std::string render(std::string_view bytes);
    render::Style style_;
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
    render::Style style;  // colours for `out_fd`
    render::Style note_style;
    bool hex = false;
    bool show_sent = false;
};

class PrintingHooks : public ConversationHooks {
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

}  // namespace rawhttp::server
