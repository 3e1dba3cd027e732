// Parses one response from its raw bytes, fed in arrival order and in pieces
// of any size, with rawhttp's own parsers (http/), into the same
// client::Response the socket session builds, calling the same hooks
// (on_raw, on_head, on_body). The curl exchange feeds it what libcurl
// received, so both paths are judged by one parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/session.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

namespace rawhttp::compare {

class ResponseReader {
public:
    // `ex.response` and, on a parse failure, `ex.error` are filled as bytes arrive.
    ResponseReader(client::ExchangeResult& ex, std::string method, http::HeadLimits limits,
                   client::SessionHooks& hooks);

    // Feeds the next bytes. After a failure (failed()) further bytes are ignored.
    void feed(std::string_view bytes);

    // The input ended (the transfer is over). Returns what rawhttp's parser
    // makes of an end here, or nothing when the response was complete (a body
    // framed by the connection's close is complete at its end).
    std::optional<Error> finish();

    bool failed() const { return error_.has_value(); }
    const std::optional<Error>& error() const { return error_; }
    bool done() const { return state_ == State::done; }
    std::uint64_t bytes_seen() const { return seen_; }
    // Bytes after the end of the response (libcurl got more than the framing allowed).
    std::uint64_t excess_bytes() const { return excess_; }

private:
    enum class State { head, body, done, failed };
    void parse_heads();
    void body_bytes(std::string_view v);
    void fail(Error e);
    void deliver(std::string_view decoded, std::string_view raw);

    client::ExchangeResult& ex_;
    std::string method_;
    http::HeadLimits limits_;
    client::SessionHooks& hooks_;
    State state_ = State::head;
    std::string head_buf_;  // bytes of the heads not yet parsed
    client::Response partial_;  // interim responses while the final head is awaited
    http::Framing framing_ = http::Framing::none;
    std::uint64_t need_ = 0;  // content-length bytes still expected
    http::ChunkedDecoder chunked_;
    std::optional<Error> error_;
    std::uint64_t seen_ = 0;
    std::uint64_t excess_ = 0;
};

}  // namespace rawhttp::compare
