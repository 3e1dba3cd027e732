// Making bytes safe and visible: bytes from the network never reach a
// terminal raw. Control characters (C0, DEL, C1 in any encoding), escape
// sequences, invisible format characters (bidi controls, zero-width marks:
// utf8::is_invisible_format) and invalid UTF-8 are shown escaped; CR and LF
// can be made visible.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rawhttp::render {

struct Style {
    bool color = false;  // ANSI colours for markers (terminal, NO_COLOR unset)
};

// Whether the bytes are valid UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view bytes);

// One-line escape: printable ASCII and valid UTF-8 stay; everything else as
// \r \n \t \0 \e \xNN; a backslash as \\. A multi-byte character that is
// escaped (C1, invisible format) is shown byte by byte: U+202E as \xe2\x80\xae.
std::string escape_inline(std::string_view bytes, const Style& style = {});

// Bytes from the network as one line of ASCII: escape_inline, then every
// byte past 0x7e as \xNN (a column per character, whatever the terminal):
// the sequence diagram and the report page's titles.
std::string ascii_escaped(std::string_view bytes);

// For rawhttp's own messages, which may quote network bytes (an error naming
// a header value): escapes like escape_inline but leaves backslashes alone,
// since a message is prose, not bytes to reconstruct.
std::string escape_message(std::string_view text, const Style& style = {});

// Multi-line view of raw wire bytes: like escape_inline, but each LF is shown
// as the visible marker and then a real line break, so the text keeps its
// lines ("HTTP/1.1 200 OK\r\n" + newline). `prefix` starts every line.
std::string escape_lines(std::string_view bytes, const Style& style = {}, std::string_view prefix = "");

// `hexdump -C` style: offset, 16 hex bytes, ASCII column. `prefix` starts every line.
std::string hexdump(std::string_view bytes, std::string_view prefix = "", std::size_t base_offset = 0);

// ANSI helpers; return the text unchanged when style.color is false.
std::string dim(std::string_view text, const Style& style);
std::string bold(std::string_view text, const Style& style);
std::string red(std::string_view text, const Style& style);
std::string green(std::string_view text, const Style& style);
std::string yellow(std::string_view text, const Style& style);
std::string cyan(std::string_view text, const Style& style);

// Whether to colour output on this file descriptor (a tty, NO_COLOR unset, TERM not dumb).
bool want_color(int fd);

}  // namespace rawhttp::render
