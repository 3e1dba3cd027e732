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
#pragma once

#include <string>
#include <string_view>

namespace rawhttp {

struct ReqWriterOptions {
    std::string source = "rawhttp listen";  // who captured it, for the first comment line
    std::string peer;                       // "127.0.0.1:54321": the client (comment); empty: not named
    std::string time;                       // when, as text (comment); empty: not named
    std::string target;                     // "127.0.0.1:8080": written as @target; empty: no @target
};

// The .req text for `exact_bytes`. Empty input gives a file of comments only
// (no request line: there is nothing to replay, and the composer says so).
std::string write_req(std::string_view exact_bytes, const ReqWriterOptions& options = {});

}  // namespace rawhttp
