// Small text helpers the .req composer and its front ends (.http files, Hurl
// import, response references) share. Internal to src/compose.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_escape.hpp"

namespace rawhttp::compose_text {

inline bool is_ws(char c) { return c == ' ' || c == '\t'; }

// Without leading and trailing whitespace (SP, HTAB, CR, FF, VT).
inline std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// A variable name's characters: letters, digits, '_', '-' and '.'.
inline bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

inline bool is_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_name_char(c)) return false;
    return true;
}

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality.
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

// Whether `s` ends with `suffix` (given in lowercase), ignoring ASCII case.
inline bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// A line of a source file (.req, .http, .hurl): its content, its line break
// ("\r\n", "\n", or "" for a last line without one) and its 1-based number.
struct SourceLine {
    std::string_view content;
    std::string_view term;
    std::size_t number = 0;
};

// `piece` is one whole line, its line break included when it has one.
inline SourceLine source_line(std::string_view piece, std::size_t number) {
    std::size_t term = 0;
    if (!piece.empty() && piece.back() == '\n') term = piece.size() >= 2 && piece[piece.size() - 2] == '\r' ? 2 : 1;
    return SourceLine{piece.substr(0, piece.size() - term), piece.substr(piece.size() - term), number};
}

// Every line of `text` (none after a final line break).
inline std::vector<SourceLine> source_lines(std::string_view text) {
    std::vector<SourceLine> lines;
    std::size_t pos = 0, number = 1;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(source_line(text.substr(pos, end - pos), number++));
        pos = end;
    }
    return lines;
}

// Bytes as a {{hex:...}} expression, which the composer writes back exactly:
// how the front ends carry bytes a .req cannot hold literally.
inline std::string hex_expr(std::string_view bytes) {
    std::string out = "{{hex:";
    for (char ch : bytes) byte_escape::append_hex_digits(out, static_cast<unsigned char>(ch));
    return out + "}}";
}

// Text from a file quoted in a message: CR, LF, TAB and other control bytes
// escaped (and bytes past ASCII too, unless `keep_non_ascii`: UTF-8 text of
// an editor's file), cut after `limit` bytes.
inline std::string show(std::string_view s, std::size_t limit = 60, bool keep_non_ascii = false) {
    std::string out;
    std::size_t n = 0;
    for (char ch : s) {
        if (n++ == limit) {
            out += "...";
            break;
        }
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !keep_non_ascii)) byte_escape::append(out, c);
        else out += ch;  // a backslash too: the message is prose
    }
    return out;
}

}  // namespace rawhttp::compose_text
