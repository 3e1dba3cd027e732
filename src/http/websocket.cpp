#include "http/websocket.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "core/sha1.hpp"
#include "http/message.hpp"

namespace rawhttp::http::websocket {

std::string accept_for(std::string_view key) {
    const auto digest = sha1(std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

namespace {

std::string trimmed(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return std::string(v);
}

}  // namespace

HandshakeCheck check_handshake(std::string_view request_head,
                               const std::vector<std::pair<std::string, std::string>>& response_headers) {
    HandshakeCheck c;
    for (const auto& [name, value] : response_headers) {
        if (iequals(name, "Upgrade") && iequals(trimmed(value), "websocket")) c.websocket = true;
        if (iequals(name, "Sec-WebSocket-Accept") && !c.accept) c.accept = trimmed(value);
    }
    MessageHead head;
    Violations ignored;
    parse_head(request_head, MessageKind::request, response_limits(), head, ignored);
    for (const auto& f : head.headers)
        if (iequals(f.name, "Sec-WebSocket-Key") && !c.key) c.key = trimmed(f.value);
    if (c.key) c.expected = accept_for(*c.key);
    return c;
}

std::vector<Frame> decode_frames(std::string_view b) {
    std::vector<Frame> frames;
    std::size_t pos = 0;
    while (pos + 2 <= b.size()) {
        Frame f;
        const auto b0 = static_cast<unsigned char>(b[pos]), b1 = static_cast<unsigned char>(b[pos + 1]);
        f.fin = b0 & 0x80;
        f.rsv = (b0 >> 4) & 7;
        f.opcode = b0 & 0x0f;
        f.masked = b1 & 0x80;
        std::size_t at = pos + 2;
        std::uint64_t len = b1 & 0x7f;
        const std::size_t extra = len == 126 ? 2 : len == 127 ? 8 : 0;
        if (at + extra > b.size()) break;  // the length itself has not arrived
        if (extra) {
            len = 0;
            for (std::size_t i = 0; i < extra; ++i) len = (len << 8) | static_cast<unsigned char>(b[at + i]);
            at += extra;
        }
        f.length = len;
        unsigned char mask[4] = {0, 0, 0, 0};
        if (f.masked) {
            if (at + 4 > b.size()) break;
            for (int i = 0; i < 4; ++i) mask[i] = static_cast<unsigned char>(b[at + i]);
            at += 4;
        }
        const std::size_t have = b.size() - at;
        const std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>({len, have, kShownPayload}));
        f.payload.resize(shown);
        for (std::size_t i = 0; i < shown; ++i) f.payload[i] = static_cast<char>(b[at + i] ^ mask[i % 4]);
        f.complete = len <= have;
        frames.push_back(std::move(f));
        if (!frames.back().complete) break;
        pos = at + static_cast<std::size_t>(len);
    }
    return frames;
}

std::string_view opcode_name(int opcode) {
    switch (opcode) {
        case 0x0: return "continuation";
        case 0x1: return "text";
        case 0x2: return "binary";
        case 0x8: return "close";
        case 0x9: return "ping";
        case 0xa: return "pong";
    }
    return "reserved";
}

}  // namespace rawhttp::http::websocket
