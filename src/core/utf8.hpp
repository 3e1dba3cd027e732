#pragma once
// UTF-8 decoding rules shared by the terminal renderer, the JSON output and
// the .req writer, so "valid" means the same thing everywhere.
#include <cstddef>
#include <string_view>

namespace rawhttp::utf8 {

// Length (2-4) of the well-formed multi-byte sequence at s[i], or 0 when it is
// not one: a bad lead or continuation byte, truncated, overlong, a surrogate,
// beyond U+10FFFF. With allow_c1 = false, C1 controls (U+0080-U+009F) also
// count as invalid: a terminal may act on them, so displays escape them.
inline std::size_t sequence_length(std::string_view s, std::size_t i, bool allow_c1 = true) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    std::size_t n;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xc0) != 0x80) return 0;
    unsigned char c1 = b(i + 1);
    if (c == 0xe0 && c1 < 0xa0) return 0;  // overlong
    if (c == 0xed && c1 > 0x9f) return 0;  // surrogates
    if (c == 0xf0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xf4 && c1 > 0x8f) return 0;  // beyond U+10FFFF
    if (!allow_c1 && c == 0xc2 && c1 < 0xa0) return 0;
    return n;
}

inline bool is_valid(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

}  // namespace rawhttp::utf8
