// A two-way conversation over one connection, as with netcat or telnet: the
// lines read from an input (a terminal, or a pipe) go out with CRLF (or a bare
// LF), the bytes that arrive are handed over as they arrive. `rawhttp chat`
// (Alice's side) and `rawhttp listen --chat` (Bob's side) both use it; it is a
// client's loop (it speaks over a connection, whoever opened it), so it lives
// here and not in server/. Showing it: render/stream_view.hpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/transport.hpp"

namespace rawhttp::client {

struct ConversationOptions {
    int input_fd = 0;         // where the lines come from (standard input)
    bool bare_lf = false;     // end each line with LF instead of CRLF
    // Send what a read gives at once, even without a LF: on a terminal a
    // read returns a partial line only when Ctrl-D was pressed on it.
    // Otherwise (a pipe) bytes are held until their LF, or the end of input.
    bool send_partial_lines = false;
    net::Deadline deadline;   // the whole conversation's
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

}  // namespace rawhttp::client
