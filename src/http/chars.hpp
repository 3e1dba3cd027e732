// Character classes and small scanners shared by the HTTP parsers (internal to
// src/http/). Table-driven so that the hot loops do one load and one test per
// byte; field values and the head's end are scanned 16 or 32 bytes at a time
// (http/scan_simd.hpp).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/scan_simd.hpp"

namespace rawhttp::http::detail {

enum : std::uint8_t {
    kTchar = 1,       // RFC 9110 section 5.6.2 tchar
    kFieldValue = 2,  // HTAB / SP / VCHAR / obs-text (RFC 9110 section 5.5)
    kTarget = 4,      // VCHAR: printable ASCII, no SP (request-target bytes)
    kDigit = 8,
    kUri = 16,      // RFC 3986 characters a URI may hold: unreserved, reserved and %
    kRegName = 32,  // a reg-name's characters (RFC 3986 §3.2.2, pct-encoding's %) and the port's digits
    kUriPlain = 64,  // kUri without %: a target that needs no %-escape check
    kHostLabel = 128,  // kRegName without '.': the bytes of one label of a host name
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        std::uint8_t f = 0;
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (alpha || digit) f |= kTchar;
        switch (c) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
            case '-': case '.': case '^': case '_': case '`': case '|': case '~':
                f |= kTchar;
                break;
            default: break;
        }
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) f |= kFieldValue;
        if (c > 0x20 && c < 0x7f) f |= kTarget;
        if (digit) f |= kDigit;
        if (alpha || digit || std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos)
            f |= c == '%' ? kUri : kUri | kUriPlain;
        if (alpha || digit || std::string_view("-._~!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos)
            f |= c == '.' ? kRegName : kRegName | kHostLabel;
        t[static_cast<std::size_t>(c)] = f;
    }
    return t;
}

inline constexpr std::array<std::uint8_t, 256> kChars = make_char_table();

// Where byte i of `width` bytes (at most 8) lands in the word an unaligned
// load of them gives, as a shift: for comparing a few bytes as one word.
constexpr unsigned loaded_byte_shift(std::size_t i, std::size_t width) {
    return static_cast<unsigned>(8 * (std::endian::native == std::endian::little ? i : width - 1 - i));
}

inline bool is_tchar(unsigned char c) { return kChars[c] & kTchar; }
inline bool is_field_value_byte(unsigned char c) { return kChars[c] & kFieldValue; }
inline bool is_target_byte(unsigned char c) { return kChars[c] & kTarget; }
inline bool is_uri_char(unsigned char c) { return kChars[c] & kUri; }
inline bool is_reg_name_char(unsigned char c) { return kChars[c] & kRegName; }
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool is_ows(unsigned char c) { return c == ' ' || c == '\t'; }

inline const char* scan_class(const char* p, const char* end, std::uint8_t cls) {
    while (end - p >= 4) {
        if (!(kChars[static_cast<unsigned char>(p[0])] & cls)) return p;
        if (!(kChars[static_cast<unsigned char>(p[1])] & cls)) return p + 1;
        if (!(kChars[static_cast<unsigned char>(p[2])] & cls)) return p + 2;
        if (!(kChars[static_cast<unsigned char>(p[3])] & cls)) return p + 3;
        p += 4;
    }
    while (p < end && (kChars[static_cast<unsigned char>(*p)] & cls)) ++p;
    return p;
}

// First byte in [p, end) that is not a field-value byte (so CR, LF, NUL, other
// CTLs and DEL stop it), or end: SIMD where the CPU has it (http/scan_simd.hpp).
inline const char* scan_field_value(const char* p, const char* end) {
    return scan_field_value_best.load(std::memory_order_relaxed)(p, end);
}
// First LF followed by LF or CR LF in [p, end), or end (SSE2 where there is SSE2).
inline const char* find_empty_line(const char* p, const char* end) { return find_empty_line_sse2(p, end); }

inline const char* scan_tchars(const char* p, const char* end) { return scan_class(p, end, kTchar); }
inline const char* scan_target(const char* p, const char* end) { return scan_class(p, end, kTarget); }

inline std::string_view trim_ows(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_ows(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && is_ows(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// ASCII lowercase (field names, methods, codings: never locale-dependent).
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// "0x0B" for error messages.
inline std::string hex_byte(unsigned char c) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string s = "0x";
    s += digits[c >> 4];
    s += digits[c & 15];
    return s;
}

// A byte as a learner would name it in an error message: 'x' for printable
// ASCII, otherwise NUL / CR / LF / HTAB / DEL / 0xNN.
inline std::string describe_byte(unsigned char c) {
    switch (c) {
        case 0: return "NUL (0x00)";
        case '\r': return "CR (0x0D)";
        case '\n': return "LF (0x0A)";
        case '\t': return "HTAB (0x09)";
        case ' ': return "SP (0x20)";
        case 0x7f: return "DEL (0x7F)";
        default: break;
    }
    if (c > 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    if (c < 0x20) return "control byte " + hex_byte(c);
    return "byte " + hex_byte(c);
}

}  // namespace rawhttp::http::detail
