// What a client sent, read as it arrives (no sockets): RequestTracker tells
// when the first request of a stream is complete, and what was read of it
// (ParsedRequest) and how an unfinished one ended (Finding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/message_reader.hpp"

namespace rawhttp::capture {

// A parse problem: where, and what.
struct Finding {
    std::size_t offset = 0;  // byte offset in the client's stream
    std::size_t line = 0;    // 1-based
    std::size_t column = 0;  // 1-based, in bytes
    std::string message;
};

// The first request as it was read. Strings are copies of the bytes received.
struct ParsedRequest {
    bool has_head = false;   // a request line was read
    bool strict = true;      // false: read leniently after the strict parser stopped
    bool head_complete = false;
    std::string method, target, version;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t head_bytes = 0;  // with its empty line; 0 while the head has not ended
    http::Framing framing = http::Framing::none;
    std::uint64_t content_length = 0;  // for Framing::content_length
    std::uint64_t body_bytes = 0;      // body bytes received (raw, chunked framing included)
};

// Follows one client's stream through the one message reader, with every
// leniency on (nothing is rejected: a request with bare LFs still
// completes), and tells when its first request is complete. What the request
// breaks is lint's to say (the same reader, the same rule book); the
// tracker's own findings only say how an unfinished request ended.
class RequestTracker {
public:
    explicit RequestTracker(http::Limits limits = {});
    // Feeds the next bytes of the stream. Returns how many of them belong to
    // the first request (all of them until it is complete, none after).
    std::size_t feed(std::string_view chunk);
    // The stream stopped (closed, silent) before the request was complete:
    // settles the view of what arrived and notes what was missing.
    void finish(std::string_view why);

    bool complete() const { return complete_; }
    std::uint64_t request_bytes() const { return request_bytes_; }
    const ParsedRequest& request() const { return parsed_; }
    const std::vector<Finding>& findings() const { return findings_; }

private:
    void update();

    http::MessageReader reader_;
    bool complete_ = false;
    std::uint64_t request_bytes_ = 0;
    ParsedRequest parsed_;
    std::vector<Finding> findings_;
};

}  // namespace rawhttp::capture
