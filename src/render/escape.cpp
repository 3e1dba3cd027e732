#include "render/escape.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/byte_escape.hpp"
#include "core/utf8.hpp"

namespace rawhttp::render {

namespace {

void append_escape(std::string& out, unsigned char c) { byte_escape::append(out, c); }

// Appends bytes, escaping what is unsafe; markers coloured when asked.
void escape_into(std::string& out, std::string_view s, const Style& style, bool lines, std::string_view prefix,
                 bool keep_backslash = false) {
    const char* on = style.color ? "\x1b[2;36m" : "";
    const char* off = style.color ? "\x1b[0m" : "";
    bool at_line_start = true;
    for (std::size_t i = 0; i < s.size();) {
        if (lines && at_line_start) {
            out += prefix;
            at_line_start = false;
        }
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            // Copy the whole run of plain ASCII at once.
            std::size_t j = i;
            while (j < s.size()) {
                unsigned char d = static_cast<unsigned char>(s[j]);
                if (d < 0x20 || d >= 0x7f || d == '\\') break;
                ++j;
            }
            out.append(s.data() + i, j - i);
            i = j;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = utf8::sequence_length(s, i, /*allow_c1=*/false)) {
                if (!utf8::is_invisible_format(utf8::decode(s, i, n))) {
                    out.append(s.data() + i, n);
                } else {
                    // Shown by its bytes, as C1 controls and invalid UTF-8 are,
                    // so one notation covers everything escaped: \xe2\x80\xae.
                    out += on;
                    for (std::size_t k = 0; k < n; ++k) append_escape(out, static_cast<unsigned char>(s[i + k]));
                    out += off;
                }
                i += n;
                continue;
            }
        }
        if (c == '\\') {
            out += keep_backslash ? "\\" : "\\\\";
            ++i;
            continue;
        }
        out += on;
        append_escape(out, c);
        out += off;
        if (lines && c == '\n') {
            out += '\n';
            at_line_start = true;
        }
        ++i;
    }
}

std::string wrap(std::string_view text, const char* code, const Style& style) {
    if (!style.color) return std::string(text);
    std::string out = code;
    out += text;
    out += "\x1b[0m";
    return out;
}

}  // namespace

bool is_valid_utf8(std::string_view s) { return utf8::is_valid(s); }

std::string escape_inline(std::string_view bytes, const Style& style) {
    std::string out;
    out.reserve(bytes.size() + 8);
    escape_into(out, bytes, style, false, "");
    return out;
}

std::string ascii_escaped(std::string_view bytes) {
    const std::string shown = escape_inline(bytes, {});
    std::string out;
    out.reserve(shown.size());
    for (unsigned char c : shown) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            byte_escape::append_hex(out, c);
        }
    }
    return out;
}

std::string escape_message(std::string_view text, const Style& style) {
    std::string out;
    out.reserve(text.size() + 8);
    escape_into(out, text, style, false, "", /*keep_backslash=*/true);
    return out;
}

std::string escape_lines(std::string_view bytes, const Style& style, std::string_view prefix) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8 + 8);
    escape_into(out, bytes, style, true, prefix);
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out;
}

std::string hexdump(std::string_view bytes, std::string_view prefix, std::size_t base) {
    std::string out;
    for (std::size_t off = 0; off < bytes.size(); off += 16) {
        char line[96];
        int n = std::snprintf(line, sizeof line, "%08zx  ", base + off);
        out += prefix;
        out.append(line, static_cast<std::size_t>(n));
        for (std::size_t k = 0; k < 16; ++k) {
            if (off + k < bytes.size()) {
                unsigned char c = static_cast<unsigned char>(bytes[off + k]);
                byte_escape::append_hex_digits(out, c);
                out += ' ';
            } else {
                out += "   ";
            }
            if (k == 7) out += ' ';
        }
        out += " |";
        for (std::size_t k = 0; k < 16 && off + k < bytes.size(); ++k) {
            unsigned char c = static_cast<unsigned char>(bytes[off + k]);
            out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
        }
        out += "|\n";
    }
    return out;
}

std::string dim(std::string_view t, const Style& s) { return wrap(t, "\x1b[2m", s); }
std::string bold(std::string_view t, const Style& s) { return wrap(t, "\x1b[1m", s); }
std::string red(std::string_view t, const Style& s) { return wrap(t, "\x1b[31m", s); }
std::string green(std::string_view t, const Style& s) { return wrap(t, "\x1b[32m", s); }
std::string yellow(std::string_view t, const Style& s) { return wrap(t, "\x1b[33m", s); }
std::string cyan(std::string_view t, const Style& s) { return wrap(t, "\x1b[36m", s); }

bool want_color(int fd) {
    if (std::getenv("NO_COLOR") && *std::getenv("NO_COLOR")) return false;
    const char* term = std::getenv("TERM");
    if (term && std::strcmp(term, "dumb") == 0) return false;
    return ::isatty(fd) == 1;
}

}  // namespace rawhttp::render
