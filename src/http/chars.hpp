// Character classes and small scanners shared by the HTTP parsers (internal to
// src/http/). Table-driven so that the hot loops do one load and one test per
// byte; field values are scanned 16 bytes at a time where SSE2 is available.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rawhttp::http::detail {

enum : std::uint8_t {
    kTchar = 1,       // RFC 9110 section 5.6.2 tchar
    kFieldValue = 2,  // HTAB / SP / VCHAR / obs-text (RFC 9110 section 5.5)
    kTarget = 4,      // VCHAR: printable ASCII, no SP (request-target bytes)
    kDigit = 8,
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
        t[static_cast<std::size_t>(c)] = f;
    }
    return t;
}

inline constexpr std::array<std::uint8_t, 256> kChars = make_char_table();

inline bool is_tchar(unsigned char c) { return kChars[c] & kTchar; }
inline bool is_field_value_byte(unsigned char c) { return kChars[c] & kFieldValue; }
inline bool is_target_byte(unsigned char c) { return kChars[c] & kTarget; }
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
// CTLs and DEL stop it), or end.
inline const char* scan_field_value(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i k1f = _mm_set1_epi8(0x1f);
    const __m128i ktab = _mm_set1_epi8('\t');
    const __m128i kdel = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // x <= 0x1f (unsigned) <=> max(x, 0x1f) == 0x1f
        const __m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(x, k1f), k1f);
        const __m128i tab = _mm_cmpeq_epi8(x, ktab);
        const __m128i del = _mm_cmpeq_epi8(x, kdel);
        const __m128i bad = _mm_or_si128(_mm_andnot_si128(tab, ctl), del);
        const int mask = _mm_movemask_epi8(bad);
        if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    return scan_class(p, end, kFieldValue);
}

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
