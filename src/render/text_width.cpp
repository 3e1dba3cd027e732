#include "render/text_width.hpp"

#include <string>

namespace rawhttp::render {

namespace {

// The length of the ANSI sequence starting at i ("\x1b[2;36m"), or 0.
std::size_t ansi_length(std::string_view s, std::size_t i) {
    if (s[i] != '\x1b' || i + 1 >= s.size() || s[i + 1] != '[') return 0;
    std::size_t j = i + 2;
    while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) ++j;
    return j < s.size() ? j + 1 - i : s.size() - i;
}

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

}  // namespace

std::size_t display_width(std::string_view line) {
    std::size_t cols = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t n = ansi_length(line, i)) {
            i += n;
            continue;
        }
        if (!continuation_byte(line[i])) ++cols;
        ++i;
    }
    return cols;
}

namespace {

// Where a broken line's continuations start.
std::size_t hanging_indent(std::string_view line, std::size_t columns) {
    std::size_t col = 0, run = 0, indent = 0;
    bool text = false;
    for (std::size_t i = 0; i < line.size() && col < columns;) {
        if (std::size_t n = ansi_length(line, i)) {
            i += n;
            continue;
        }
        const char c = line[i];
        if (c == ' ') {
            ++run;
        } else {
            if (text && run >= 2) indent = col;
            text = true;
            run = 0;
        }
        if (!continuation_byte(c)) ++col;
        ++i;
    }
    const std::size_t fallback = line.starts_with("  < ") || line.starts_with("  > ") ? 4 : 2;
    return indent == 0 || indent > columns * 2 / 3 ? fallback : indent;  // leave room for the text
}

std::string fit_line(std::string_view line, std::size_t columns) {
    if (display_width(line) <= columns) return std::string(line);
    const std::size_t indent = hanging_indent(line, columns);
    // Prose breaks between words; raw and request lines anywhere (their spaces are bytes).
    const bool prose = !line.starts_with("  < ") && !line.starts_with("  > ");
    std::string out;
    std::size_t col = 0;
    std::size_t space_at = std::string::npos, cells_after = 0;  // the last break point of this piece
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t n = ansi_length(line, i)) {
            out.append(line.substr(i, n));
            i += n;
            continue;
        }
        const char c = line[i++];
        if (continuation_byte(c)) {
            out += c;
            continue;
        }
        if (col >= columns) {
            const std::string cont = "\n" + std::string(indent, ' ');
            if (prose && space_at != std::string::npos) {
                out.insert(space_at, cont);
                col = indent + cells_after;
            } else {
                out += cont;
                col = indent;
            }
            space_at = std::string::npos;
            cells_after = 0;
        }
        ++col;
        out += c;
        if (c == ' ' && col > indent + 1) {
            space_at = out.size();
            cells_after = 0;
        } else {
            ++cells_after;
        }
    }
    return out;
}

}  // namespace

std::string fit_to_width(std::string_view text, std::size_t columns) {
    if (columns < 20) return std::string(text);  // too narrow to fit anything sensibly
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        out += fit_line(text.substr(start, end - start), columns);
        if (nl == std::string_view::npos) break;
        out += '\n';
        start = nl + 1;
    }
    return out;
}

}  // namespace rawhttp::render
