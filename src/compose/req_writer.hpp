// The .req writer: the inverse of the composer. Turns bytes captured on the
// wire (by `rawhttp listen`) into the text of a .req file that
// compose_requests() turns back into exactly those bytes, so that
// `rawhttp send` replays a captured request byte for byte.
//
// The file uses `@eol = keep`: its line breaks are the request's own (CRLF
// where the client sent CRLF, a bare LF where it sent one). Plain text is
// written as it is; {{CR}}, {{LF}}, {{CRLF}}, {{TAB}}, {{SP}}, {{NUL}},
// {{hex:..}} and {{"{{"}} write the bytes the file could not hold plainly
// (control bytes, invalid UTF-8, a "{{", a line the preamble would swallow,
// a ### line, trailing whitespace an editor would strip, the body's final
// line break, which the composer treats as the editor's).
//
// A large capture does not fit a .req: ReqFileWriter streams it, keeps the
// head in the .req and puts the body in a side file that the .req names as
// {{file:NAME.body}} (relative to the .req), so the replay is still exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rawhttp {

struct ReqWriterOptions {
    std::string source = "rawhttp listen";  // who captured it, for the first comment line
    std::string peer;                       // "127.0.0.1:54321": the client (comment); empty: not named
    std::string time;                       // when, as text (comment); empty: not named
    std::string target;                     // "127.0.0.1:8080": written as @target; empty: no @target
    // Non-empty: the request goes on with the bytes of this file (a path
    // relative to the .req), written as {{file:body_file}} after `exact_bytes`.
    std::string body_file;
    std::uint64_t body_file_bytes = 0;  // its size, for the comment
};

// The .req text for `exact_bytes`. Empty input gives a file of comments only
// (no request line: there is nothing to replay, and the composer says so).
std::string write_req(std::string_view exact_bytes, const ReqWriterOptions& options = {});

// Above this many bytes a capture's body goes to a side file: a .req stays
// small enough to read and edit, and the capture is never held whole.
constexpr std::size_t kReqInlineMax = 1u << 20;

// The side file of a .req: "x.req" -> "x.body", any other name + ".body".
// Bytes that cannot stand in {{file:...}} (braces, control bytes) become '_'.
std::string side_file_path(const std::string& req_path);

// Where the head of `bytes` ends, as the composer reads it (after the first
// empty line that follows the request line); npos: it has not ended.
std::size_t req_head_end(std::string_view bytes);

// Writes a capture to a .req as it arrives. Up to `inline_max` bytes stay in
// memory; past that, the bytes after the head (or all of them, if the head
// has not ended) are moved to side_file_path(req_path) and every later byte
// is appended there at once, so memory stays bounded whatever the size.
class ReqFileWriter {
public:
    ReqFileWriter(std::string req_path, ReqWriterOptions options, std::size_t inline_max = kReqInlineMax);
    ~ReqFileWriter();
    ReqFileWriter(const ReqFileWriter&) = delete;
    ReqFileWriter& operator=(const ReqFileWriter&) = delete;

    // The next bytes of the stream. False once writing the side file failed.
    bool append(std::string_view bytes);
    // Writes the .req (and closes the side file). False: see error().
    bool finish();

    std::uint64_t bytes() const { return total_; }
    bool spilled() const { return spilled_; }
    std::uint64_t side_bytes() const { return side_bytes_; }
    const std::string& req_path() const { return req_path_; }
    const std::string& side_path() const { return side_path_; }
    const std::string& error() const { return error_; }

private:
    bool spill();
    bool write_side(std::string_view bytes);

    std::string req_path_, side_path_;
    ReqWriterOptions options_;
    std::size_t inline_max_;
    std::string inline_;  // the part written into the .req itself
    int fd_ = -1;         // the side file, once spilled
    bool spilled_ = false;
    std::uint64_t total_ = 0, side_bytes_ = 0;
    std::string error_;
};

}  // namespace rawhttp
