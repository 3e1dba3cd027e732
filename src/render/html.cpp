#include "render/html.hpp"

#include "render/escape.hpp"

namespace rawhttp::render {

namespace {

std::string entities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

std::string html_escape(std::string_view text) { return entities(escape_message(text)); }

std::string html_wire_line(std::string_view line) {
    std::string out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i < line.size() && line[i] != '\r' && line[i] != '\n') continue;
        if (i > start) out += entities(escape_inline(line.substr(start, i - start)));
        if (i < line.size()) out += line[i] == '\r' ? "<span class=\"eol\">\\r</span>" : "<span class=\"eol\">\\n</span>";
        start = i + 1;
    }
    return out;
}

}  // namespace rawhttp::render
