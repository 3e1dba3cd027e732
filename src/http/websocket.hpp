// WebSocket as far as send shows it after a 101 (RFC 6455): the handshake's
// Sec-WebSocket-Accept checked against the key sent, and frames decoded
// (FIN, opcode, mask, length, payload). Knows no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rawhttp::http::websocket {

// RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string accept_for(std::string_view key);

struct HandshakeCheck {
    bool websocket = false;             // the response's Upgrade names websocket
    std::optional<std::string> key;     // Sec-WebSocket-Key the request sent
    std::optional<std::string> accept;  // Sec-WebSocket-Accept the server answered
    std::string expected;               // what the key calls for (empty without a key)
    bool ok() const { return key && accept && *accept == expected; }
};

// The request's head bytes and the 101 response's fields.
HandshakeCheck check_handshake(std::string_view request_head,
                               const std::vector<std::pair<std::string, std::string>>& response_headers);

struct Frame {
    bool fin = false;
    int rsv = 0;             // RSV1-3 bits, 0 unless an extension is in use
    int opcode = 0;
    bool masked = false;     // a server must not mask (RFC 6455 §5.1)
    std::uint64_t length = 0;
    std::string payload;     // unmasked, at most kShownPayload bytes of it
    bool complete = false;   // every byte of the frame arrived
};

constexpr std::size_t kShownPayload = 4096;

// Frames from the start of `bytes`, in order; the last may be incomplete.
std::vector<Frame> decode_frames(std::string_view bytes);

// "text", "binary", "close", "ping", "pong", "continuation", or "reserved".
std::string_view opcode_name(int opcode);

}  // namespace rawhttp::http::websocket
