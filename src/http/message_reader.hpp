// The one incremental reader of HTTP/1.1 messages, for requests and
// responses (Boost.Beast's basic_parser::put / put_eof is the model): push
// bytes in as they arrive, get events out (interim 1xx heads, the head, body
// data, the end) and, at any point, every rule of the rule book the message
// broke so far. serve, listen, lint, the client session and the libcurl
// comparison all read through it, so they cannot read one message two ways.
//
// When it decides: a head is judged when its empty line arrives, when it
// passes the head limit, when its first bytes can never start a message, when
// its start line is complete and broken, or at put_eof (the stream ended, or
// the caller stopped waiting): each of these depends only on the bytes, not on
// how they were split, so a server judging a stream and lint judging a file
// reach the same verdict. Knows nothing of sockets or flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/rules.hpp"

namespace rawhttp::http {

struct ReaderOptions {
    MessageKind kind = MessageKind::response;
    Limits limits = response_limits();
    bool strict = false;       // requests: warnings are errors too (serve --strict, lint --strict)
    bool collect_all = false;  // lint: read on past errors wherever the framing allows, to find every rule
    std::size_t max_interim = 100;  // responses: interim 1xx heads before the final one (too-many-interim past it)
};

// Events, in message order. Views are valid during the call only.
class MessageHandler {
public:
    virtual ~MessageHandler() = default;
    virtual void on_interim(const MessageHead& head, std::string_view raw_head) {
        (void)head;
        (void)raw_head;
    }
    virtual void on_head(const MessageHead& head, std::string_view raw_head) {
        (void)head;
        (void)raw_head;
    }
    virtual void on_body(std::string_view decoded) { (void)decoded; }
    virtual void on_end() {}
};

class MessageReader {
public:
    enum class State { head, body, done, failed };

    explicit MessageReader(ReaderOptions options, MessageHandler* handler = nullptr);

    // A response's framing depends on the request's method (HEAD, CONNECT).
    void set_request_method(std::string_view method) { method_ = std::string(method); }
    // Feeds the next bytes. Returns how many were used: it stops at the end
    // of the final head (so a caller can act on the head before the body,
    // as serve does for /echo and 100-continue) and at the end of the
    // message (the rest belongs to the next one). Call again with the rest.
    std::size_t put(std::string_view bytes);
    // No more bytes will come (the peer closed, or the caller stopped
    // waiting): settles the verdict on what arrived.
    void put_eof();
    // Ready for the next message on the same stream.
    void reset();

    State state() const { return state_; }
    bool done() const { return state_ == State::done; }
    bool failed() const { return state_ == State::failed; }
    bool head_complete() const { return head_complete_; }
    // The message's first byte arrived.
    bool started() const { return consumed_ > 0; }

    const MessageHead& head() const { return head_; }
    std::string_view raw_head() const { return head_buf_; }  // the final head's bytes, once complete
    const BodyFraming& framing() const { return framing_; }
    std::uint64_t body_bytes() const { return body_bytes_; }   // decoded body bytes
    std::uint64_t consumed() const { return consumed_; }       // bytes of this message so far
    std::size_t interim_count() const { return interim_count_; }
    const std::vector<std::pair<std::string, std::string>>& trailers() const;

    // Every rule broken so far, in byte order; offsets count from the
    // message's first byte (interim heads included).
    const Violations& violations() const;
    // The violation that stopped the reader (failed()), or the first error
    // that collect_all read past; nullptr when none.
    const Violation* error() const;
    // put_eof came before the message ended.
    bool truncated() const { return truncated_; }

private:
    // `parsed`: head_ already holds head_buf_ read (read_clean_head), no finding.
    void judge_head(bool complete, bool parsed = false);
    void move_head_onto_copy(const char* from);
    void start_body();
    std::size_t put_body(std::string_view bytes);
    void fail(const Violation* v);
    void add(Violations&& v, std::size_t base);
    void finish_message();

    ReaderOptions opt_;
    MessageHandler* handler_;
    std::string method_ = "GET";
    State state_ = State::head;
    std::string head_buf_;
    std::size_t scanned_ = 0;      // head_buf_ bytes already searched for the head's end
    bool first_line_checked_ = false;
    std::size_t head_base_ = 0;    // offset of the current head (after interim heads)
    MessageHead head_;
    bool head_complete_ = false;
    BodyFraming framing_;
    std::uint64_t remaining_ = 0;
    std::optional<ChunkedDecoder> chunked_;
    std::size_t chunked_seen_ = 0;  // decoder violations already copied
    std::uint64_t body_bytes_ = 0;
    std::uint64_t consumed_ = 0;
    std::size_t interim_count_ = 0;
    bool truncated_ = false;
    mutable Violations violations_;
    mutable bool sorted_ = true;
    std::optional<Violation> error_;
};

}  // namespace rawhttp::http
