// How rawhttp spells a byte it shows escaped, in every view and every
// message: \r \n \t \0 \e, a backslash as \\, anything else as \xNN. One
// spelling, so that what lint quotes, what send shows and what an error
// message says of the same bytes read alike. Which bytes are escaped is each
// caller's policy (render/escape.hpp for the network's bytes on a terminal);
// how they are written is this.
#pragma once

#include <string>

namespace rawhttp::byte_escape {

inline constexpr char kHexDigits[] = "0123456789abcdef";

// Two lower-case hex digits, as the hexdump writes a byte.
inline void append_hex_digits(std::string& out, unsigned char c) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 15];
}

// \xNN, whatever the byte.
inline void append_hex(std::string& out, unsigned char c) {
    out += "\\x";
    append_hex_digits(out, c);
}

// The byte's escape: its name where it has one, else \xNN.
inline void append(std::string& out, unsigned char c) {
    switch (c) {
        case '\r': out += "\\r"; return;
        case '\n': out += "\\n"; return;
        case '\t': out += "\\t"; return;
        case '\0': out += "\\0"; return;
        case 0x1b: out += "\\e"; return;
        case '\\': out += "\\\\"; return;
        default: append_hex(out, c);
    }
}

}  // namespace rawhttp::byte_escape
