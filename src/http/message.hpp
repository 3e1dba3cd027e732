// HTTP/1.1 message parsing, in the spirit of picohttpparser: stateless head
// parsers over a caller-owned buffer (zero-copy: every view points into it),
// plus small incremental decoders for bodies. Knows nothing of sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rawhttp::http {

struct HeaderField {
    std::string_view name;   // as received
    std::string_view value;  // leading/trailing SP/HTAB trimmed
};

// Outcome of a head parse over the bytes received so far.
enum class ParseStatus { complete, incomplete, error };

struct ParseError {
    std::string message;    // what was wrong, plainly ("status code must be 3 digits")
    std::size_t offset = 0; // byte offset in the buffer where it was found
};

struct ResponseHead {
    std::string_view version;  // "HTTP/1.1"
    int major = 0, minor = 0;
    int status = 0;
    std::string_view reason;   // may be empty
    std::vector<HeaderField> headers;
    std::size_t head_bytes = 0;  // bytes consumed, including the empty line
};

// Limits that keep a hostile peer from growing memory without bound.
struct HeadLimits {
    std::size_t max_head_bytes = 1 << 20;  // whole head
    std::size_t max_headers = 1000;
};

// Parses a response head from the start of `buf`. Accepts CRLF or bare LF line
// ends. Returns complete (head filled, head_bytes set), incomplete (need more
// bytes; also enforce max_head_bytes: returns error when buf is longer than
// the limit and still incomplete), or error (err filled).
ParseStatus parse_response_head(std::string_view buf, ResponseHead& head, ParseError& err,
                                const HeadLimits& limits = {});

struct RequestHead {
    std::string_view method;
    std::string_view target;
    std::string_view version;  // "HTTP/1.1"
    int major = 0, minor = 0;
    std::vector<HeaderField> headers;
    std::size_t head_bytes = 0;
    std::size_t line_offset = 0;  // where the request line starts (after skipped empty lines)
};

// Strict request-head parser for the servers (serve, listen): CRLF only,
// single SP in the request line, token characters in method and field names,
// no whitespace before a colon, no obs-fold. Errors say which rule broke.
ParseStatus parse_request_head(std::string_view buf, RequestHead& head, ParseError& err,
                               const HeadLimits& limits = {});

// How a message body is delimited (RFC 9112 section 6.3).
enum class Framing { content_length, chunked, close, none };
std::string_view framing_name(Framing f);  // "content-length", "chunked", "close", "none"

struct BodyFraming {
    Framing framing = Framing::none;
    std::uint64_t length = 0;  // for content_length
};

// Decides a response's framing from its head and the request's method.
// Errors (returned as nullopt with err set): invalid or conflicting
// Content-Length. 1xx/204/304 and HEAD => none. Transfer-Encoding whose last
// coding is chunked => chunked; other Transfer-Encoding => close.
std::optional<BodyFraming> response_framing(const ResponseHead& head, std::string_view request_method,
                                            ParseError& err);

// Request framing for servers: Content-Length, chunked, or none (no body).
std::optional<BodyFraming> request_framing(const RequestHead& head, ParseError& err);

// Parses a Content-Length value: 1*DIGIT, no sign, no overflow.
std::optional<std::uint64_t> parse_content_length(std::string_view value);

// Case-insensitive ASCII comparison of field names.
bool iequals(std::string_view a, std::string_view b);

// Incremental chunked-body decoder. Feed it any split of the bytes; it hands
// decoded data to the caller as views into the fed buffer (zero-copy).
class ChunkedDecoder {
public:
    struct Step {
        std::size_t consumed = 0;     // bytes of input used
        std::string_view data;        // decoded body bytes found (may be empty)
        bool done = false;            // last chunk and trailers fully read
        bool error = false;           // malformed; message in error_message
    };
    // Decodes from `in` until it has produced some data, finished, failed, or
    // used all input. Call repeatedly with the unconsumed remainder.
    Step feed(std::string_view in);

    bool done() const { return state_ == State::done; }
    const std::string& error_message() const { return error_; }
    // Trailer fields received after the last chunk (copied: they are few).
    const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

private:
    enum class State { size, ext, size_lf, data, data_cr, data_lf, trailer_line, done, error };
    State state_ = State::size;
    std::uint64_t remaining_ = 0;
    int size_digits_ = 0;
    std::size_t ext_bytes_ = 0;      // chunk-extension bytes on this size line (bounded)
    bool ext_semicolon_ = false;     // a ';' has started the extensions
    std::size_t trailer_bytes_ = 0;  // trailer section bytes so far (bounded)
    std::string line_;  // a trailer line being collected (bounded)
    std::string error_;
    std::vector<std::pair<std::string, std::string>> trailers_;
};

// One-line meaning of a status code ("Not Found: the server has nothing at
// this target"), or a class description for unregistered codes.
std::string_view status_meaning(int status);
// The registered reason phrase for a code ("Not Found"), or "" when unknown.
std::string_view status_reason(int status);

}  // namespace rawhttp::http
