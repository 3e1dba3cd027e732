// HTTP/1.1 messages: one head parser for requests and responses (one
// field-line routine for both, as picohttpparser's parse_headers serves
// both), framing, and an incremental chunked decoder. Every fault is reported
// as a rule of the rule book (http/rules.hpp) at a byte offset; whether it is
// fatal is the caller's decision, from the rule book's severities. Zero-copy:
// views point into the caller's buffer. Knows nothing of sockets or flags.
// The incremental reader on top of these is http/message_reader.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/rules.hpp"

namespace rawhttp::http {

// The fields the rule book reads by name. The parser tags each field as it
// reads it and notes in the head which of them appear, so that every check
// after it finds its fields, or their absence, without comparing names again
// (most heads have no Content-Length, Transfer-Encoding or Expect at all).
enum class KnownField : std::uint8_t { other, host, content_length, transfer_encoding, connection, expect, date };
// The tag of a field name, compared without regard to case (inline: it is
// asked of every field of every head, and most names end at their length).
inline KnownField known_field(std::string_view name);
// The field's name as RFC 9110 writes it ("Content-Length"); "" for other.
std::string_view known_field_name(KnownField k);
inline constexpr KnownField kKnownFields[] = {KnownField::host,       KnownField::content_length,
                                              KnownField::transfer_encoding, KnownField::connection,
                                              KnownField::expect,     KnownField::date};

struct HeaderField {
    std::string_view name;   // as received
    std::string_view value;  // leading/trailing SP/HTAB trimmed (obs-fold joined with SP in responses)
    std::size_t name_offset = 0;
    std::size_t value_offset = 0;
    KnownField known = KnownField::other;  // known_field(name)
};

// A request or response head, parsed leniently: every fault is a Violation,
// and parsing goes on wherever the structure allows, so that one broken rule
// does not hide the others (lint) and a server can pick the first error.
struct MessageHead {
    MessageKind kind = MessageKind::request;
    std::size_t line_offset = 0;  // where the start line begins (after skipped empty lines)
    std::size_t line_end = 0;     // end of the start line's content
    // request line
    std::string_view method, target;
    // status line
    int status = 0;
    std::string_view reason;
    // both
    std::string_view version;     // "HTTP/1.1" when well-formed, else the third word
    int major = -1, minor = -1;   // -1 when the version is not HTTP/D.D
    std::vector<HeaderField> headers;
    bool terminated = false;      // the empty line ending the head was read
    std::size_t empty_line = 0;   // where that empty line starts (or the end of the bytes looked at)
    std::size_t head_bytes = 0;   // bytes through the empty line (or all bytes looked at)
    std::deque<std::string> folded;  // storage for obs-fold-joined values (responses)
    std::uint32_t known_fields = 0;  // a bit for each KnownField among the headers

    // Fields are added with add_field, which keeps their tags and known_fields true.
    HeaderField& add_field(std::string_view name, std::string_view value, std::size_t name_offset,
                           std::size_t value_offset) {
        const KnownField k = known_field(name);
        known_fields |= 1u << static_cast<unsigned>(k);
        return headers.emplace_back(HeaderField{name, value, name_offset, value_offset, k});
    }
    bool has(KnownField k) const { return (known_fields >> static_cast<unsigned>(k)) & 1u; }
};
using RequestHead = MessageHead;
using ResponseHead = MessageHead;

// The offset just past the empty line that ends the head starting at `buf`
// (lines end at LF; the empty line is LF or CR LF), or nullopt. `from` is
// where a previous call stopped looking (incremental: pass the last size).
// Requests may be preceded by empty lines (RFC 9112 §2.2), which do not end
// a head. The one head-end scan of rawhttp.
std::optional<std::size_t> find_head_end(std::string_view buf, MessageKind kind, std::size_t from = 0);

// Parses the head at the start of `buf`: the bytes through its empty line,
// or, when it has none, every byte given (a truncated head: head.terminated
// is false). Bytes past limits.max_head are not looked at: a server stops
// reading there. Appends to `out` every rule broken, unsorted.
void parse_head(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head, Violations& out);

// The usual case of parse_head alone: when `buf` starts with a whole head
// that breaks no rule parse_head checks (every line CR LF, nothing out of
// place, no limit reached), parses it into `head` and returns true; its
// length is head.head_bytes, and bytes after it are not looked at. Else
// false, and `head` is to be read again by parse_head. A reader given a
// whole head at once so needs no find_head_end first (MessageReader::put).
bool read_clean_head(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head);

// Whether the first bytes of a message can never start a valid one, so a
// reader need not wait for the line's end: a request whose first byte is
// not a token character (a TLS handshake, binary), a response that does not
// start with "HTTP/". `buf` may be any prefix.
bool hopeless_start(std::string_view buf, MessageKind kind);

// The checks that need a whole request head (Host, the target's form against
// the method, Expect), appended to `out`.
void check_request_head(const MessageHead& head, Violations& out);

// How a message body is delimited (RFC 9112 §6.3).
enum class Framing { content_length, chunked, close, none };
std::string_view framing_name(Framing f);  // "content-length", "chunked", "close", "none"

// Sixteen bytes, so that it comes back from a function in two registers: at
// 24 it came back through memory written field by field and was then copied
// in 16-byte loads, which the CPU cannot forward from those stores (a stall
// on every head, seen in perf's time profile of the parser benchmark).
struct BodyFraming {
    Framing framing = Framing::none;
    bool decidable = true;     // false: the framing is broken (a server cannot find the end)
    std::uint64_t length = 0;  // for content_length
    constexpr BodyFraming() = default;
    constexpr BodyFraming(Framing f, std::uint64_t len, bool dec) : framing(f), decidable(dec), length(len) {}
};
static_assert(sizeof(BodyFraming) == 16);

// The framing of a request (RFC 9112 §6.3): Content-Length, chunked, or none;
// Content-Length and Transfer-Encoding rules appended to `out`. The one place
// that reads those two fields.
BodyFraming request_framing(const MessageHead& head, Violations& out);
// The framing of a response to `request_method`: none for HEAD, 1xx, 204,
// 304 and a 2xx to CONNECT; Transfer-Encoding ending in chunked => chunked,
// other codings => close; else Content-Length; else close.
BodyFraming response_framing(const MessageHead& head, std::string_view request_method, Violations& out);

// The rules of a response head beyond its framing (http/response_rules.cpp):
// Content-Length or Transfer-Encoding where the status allows no body, and,
// for a final head (`framing` given), Date on 2xx-4xx and a close-delimited
// body on a connection meant to stay open.
void check_response_head(const MessageHead& head, std::string_view request_method, const BodyFraming* framing,
                         Violations& out);

// Whether the connection stays open after this message (RFC 9112 §9.3):
// HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "keep-alive".
bool keeps_alive(const MessageHead& head);
bool keeps_alive(int major, int minor, bool close_token, bool keep_alive_token);
// Whether a comma-separated field value lists `token` (case-insensitive).
bool list_has_token(std::string_view list, std::string_view token);

// Parses a Content-Length value: 1*DIGIT, no sign, no overflow.
std::optional<std::uint64_t> parse_content_length(std::string_view value);

// Case-insensitive ASCII comparison of field names. Inline: the rules call
// it for every field against each name they look for, and most calls end at
// the length.
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i], y = b[i];
        if (x != y && ((x | 0x20) != (y | 0x20) || static_cast<unsigned char>((x | 0x20) - 'a') > 'z' - 'a'))
            return false;
    }
    return true;
}

namespace detail {
KnownField known_field_of_length(std::string_view name);  // http/head_parser.cpp
}

inline KnownField known_field(std::string_view name) {
    constexpr std::uint32_t kLengths = 1u << 4 | 1u << 6 | 1u << 10 | 1u << 14 | 1u << 17;
    if (name.size() > 17 || !((kLengths >> name.size()) & 1u)) return KnownField::other;
    return detail::known_field_of_length(name);
}

// Incremental chunked-body decoder (RFC 9112 §7.1). Feed it any split of the
// bytes; decoded data comes back as views into the fed buffer (zero-copy).
// Faults are rules at offsets counted from the body's first byte plus
// `base_offset`; the decoder stops at the first one whose severity for its
// message kind is an error, and goes on past the tolerated ones.
class ChunkedDecoder {
public:
    // `collect_all` (lint): the tolerable faults never stop it.
    explicit ChunkedDecoder(MessageKind kind = MessageKind::response, Limits limits = response_limits(),
                            std::size_t base_offset = 0, bool strict = false, bool collect_all = false);

    struct Step {
        std::size_t consumed = 0;  // bytes of input used
        std::string_view data;     // decoded body bytes found (may be empty)
        bool done = false;         // last chunk and trailers fully read
        bool error = false;        // a fatal rule: violations().back() says which
    };
    // Decodes from `in` until it has produced some data, finished, failed, or
    // used all input. Call repeatedly with the unconsumed remainder.
    Step feed(std::string_view in);

    bool done() const { return state_ == State::done; }
    bool failed() const { return state_ == State::error; }
    // Every rule broken so far, tolerated ones included, in byte order.
    const Violations& violations() const { return violations_; }
    // The fatal one's detail, when failed().
    std::string error_message() const;
    // Trailer fields received after the last chunk (copied: they are few).
    const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }
    std::uint64_t position() const { return pos_; }  // body bytes consumed so far

private:
    enum class State { size, ext, size_lf, data, data_cr, data_lf, trailer_line, done, error };
    bool note(Rule r, std::uint64_t at, std::string detail);  // true: fatal
    bool check_extension(std::uint64_t line_start);
    bool finish_trailer_line();

    MessageKind kind_;
    Limits limits_;
    std::size_t base_;
    bool strict_;
    bool collect_all_;
    State state_ = State::size;
    std::uint64_t pos_ = 0;         // body bytes consumed
    std::uint64_t remaining_ = 0;
    int size_digits_ = 0;
    std::uint64_t line_start_ = 0;  // where the current chunk-size line began
    bool size_ws_ = false;          // whitespace after the size on this line
    std::string ext_;               // this line's chunk-ext bytes from its ';' (bounded by max_chunk_ext)
    std::uint64_t ext_start_ = 0;
    std::size_t ext_bytes_ = 0;
    bool ext_started_ = false;
    bool bare_lf_noted_ = false, ws_noted_ = false;
    std::size_t trailer_bytes_ = 0;
    std::uint64_t trailer_line_start_ = 0;
    std::string line_;  // a trailer line being collected (bounded)
    Violations violations_;
    std::vector<std::pair<std::string, std::string>> trailers_;
};

// One-line meaning of a status code ("Not Found: the server has nothing at
// this target"), or a class description for unregistered codes.
std::string_view status_meaning(int status);
// The registered reason phrase for a code ("Not Found"), or "" when unknown.
std::string_view status_reason(int status);

}  // namespace rawhttp::http
