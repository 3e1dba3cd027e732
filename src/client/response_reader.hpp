// Reads one response from its raw bytes, fed in arrival order and in pieces of
// any size, through the one message reader (http/message_reader.hpp), into a
// client::Response, calling the session hooks (on_raw, on_head, on_body) as
// it goes. The socket session feeds it what it reads; the libcurl comparison
// feeds it what libcurl received; both are judged by the same rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/session.hpp"
#include "core/error.hpp"
#include "http/message_reader.hpp"

namespace rawhttp::client {

class ResponseReader : private http::MessageHandler {
public:
    // `ex.response` and, on a failure, the error are filled as bytes arrive.
    ResponseReader(ExchangeResult& ex, std::string_view method, const http::Limits& limits, std::size_t max_interim,
                   SessionHooks& hooks);

    // Feeds the next bytes; returns how many belong to this response (the
    // rest is a pipelined next response, or bytes after the end).
    std::size_t feed(std::string_view bytes);
    // The input ended (the peer closed). Returns what an end here means, or
    // nothing when the response was complete (a close-delimited body ends so).
    std::optional<Error> finish();
    // The caller gives up (a timeout, a reset): what was parsed stays, incomplete.
    void stop();

    bool failed() const { return error_.has_value(); }
    const std::optional<Error>& error() const { return error_; }
    bool done() const { return reader_.done(); }
    bool head_complete() const { return reader_.head_complete(); }
    std::uint64_t bytes_seen() const { return reader_.consumed(); }
    // Interim 1xx heads read so far, and the status of the last one (0: none).
    std::size_t interim_count() const { return reader_.interim_count(); }
    int last_interim_status() const { return partial_.interim.empty() ? 0 : partial_.interim.back().status; }
    // Bytes fed after the end of the response.
    std::uint64_t excess_bytes() const { return excess_; }
    // `rest` came after the end of the complete response, and no other
    // response is due on the connection: a finding on this one
    // (body-not-allowed after a 1xx/204/304 or a response to HEAD, else
    // body-extra-bytes). The connection cannot be trusted after it.
    void extra_after_end(std::string_view rest);

private:
    void on_interim(const http::MessageHead& head, std::string_view raw) override;
    void on_head(const http::MessageHead& head, std::string_view raw) override;
    void on_body(std::string_view decoded) override;
    void on_end() override;
    void settle();  // after each put: the reader's verdict into ex_

    ExchangeResult& ex_;
    SessionHooks& hooks_;
    http::Limits limits_;
    http::MessageReader reader_;
    std::string method_;
    Response partial_;  // interim responses while the final head is awaited
    std::optional<Error> error_;
    std::uint64_t excess_ = 0;
    bool head_pending_ = false;  // the final head is parsed; on_head follows its on_raw
};

// The plain words for a violation that makes a response unreadable.
std::string describe_response_error(const http::Violation& v, const http::Limits& limits);

}  // namespace rawhttp::client
