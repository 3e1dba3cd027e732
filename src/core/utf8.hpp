#pragma once
// UTF-8 decoding rules shared by the terminal renderer, the JSON output and
// the .req writer, so "valid" means the same thing everywhere.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
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
        // Eight ASCII bytes at a time: what HTTP heads and most bodies are.
        if (i + 8 <= s.size()) {
            std::uint64_t word;
            std::memcpy(&word, s.data() + i, 8);
            if ((word & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
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

// The code point of the well-formed sequence of length n (from
// sequence_length) at s[i].
inline char32_t decode(std::string_view s, std::size_t i, std::size_t n) {
    auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
    if (n == 2) return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    if (n == 3) return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
}

// Invisible characters that change how text around them is shown: Unicode's
// general category Cf (bidi embeddings, overrides, isolates and marks,
// zero-width spaces and joiners, the BOM, soft hyphen, tags...), plus the line
// and paragraph separators U+2028/U+2029, which end a bidi paragraph and
// which terminals may draw as nothing or as a line break. Shown as they are,
// these let a server make text read differently from its bytes ("Trojan
// Source"). Unassigned code points inside the listed blocks are included.
inline bool is_invisible_format(char32_t cp) {
    if (cp < 0xad) return false;  // the common case: ASCII and Latin-1
    if (cp == 0xad || cp == 0x61c || cp == 0x6dd || cp == 0x70f || cp == 0x8e2 || cp == 0x180e) return true;
    if (cp >= 0x600 && cp <= 0x605) return true;
    if (cp >= 0x890 && cp <= 0x891) return true;
    if (cp >= 0x200b && cp <= 0x200f) return true;
    if (cp >= 0x2028 && cp <= 0x202e) return true;
    if (cp >= 0x2060 && cp <= 0x206f) return true;
    if (cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb)) return true;
    if (cp == 0x110bd || cp == 0x110cd) return true;
    if (cp >= 0x13430 && cp <= 0x1343f) return true;
    if (cp >= 0x1bca0 && cp <= 0x1bca3) return true;
    if (cp >= 0x1d173 && cp <= 0x1d17a) return true;
    if (cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f)) return true;
    return false;
}

// What a terminal may act on or hide: C0 controls, DEL, C1 controls and the
// invisible format characters above.
inline bool is_terminal_unsafe(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_invisible_format(cp);
}

// The bytes with each ill-formed byte replaced by U+FFFD, for a JSON string
// that must be valid UTF-8 (the exact bytes then go beside it in base64).
inline std::string lossy(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            out += s[i++];
            continue;
        }
        std::size_t n = sequence_length(s, i);
        if (n == 0) {
            out += "\xef\xbf\xbd";
            ++i;
            continue;
        }
        out.append(s.data() + i, n);
        i += n;
    }
    return out;
}

}  // namespace rawhttp::utf8
