// libFuzzer target for the terminal escapers (render/escape, the body view and
// json_for_terminal). Checks, for arbitrary bytes: the output is valid UTF-8
// and holds no character a terminal acts on or hides (C0 but the line breaks
// a multi-line view adds, DEL, C1, invisible format characters); escape_inline
// loses nothing (its escapes decode back to the input); and the JSON written
// to a terminal is the same document as the one written to a pipe.
#include "core/utf8.hpp"
#include "fuzz_support.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"
#include "render/terminal_report.hpp"

#include <cstdint>
#include <string>
#include <string_view>

using namespace rawhttp;

namespace {

void check_safe(std::string_view out, bool newlines_allowed) {
    FUZZ_CHECK(utf8::is_valid(out));
    for (std::size_t i = 0; i < out.size();) {
        unsigned char c = static_cast<unsigned char>(out[i]);
        if (c < 0x80) {
            FUZZ_CHECK(!utf8::is_terminal_unsafe(c) || (newlines_allowed && c == '\n'));
            ++i;
            continue;
        }
        std::size_t n = utf8::sequence_length(out, i);
        FUZZ_CHECK(n != 0);
        FUZZ_CHECK(!utf8::is_terminal_unsafe(utf8::decode(out, i, n)));
        i += n;
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The inverse of escape_inline (no colour): \\ \r \n \t \0 \e \xNN.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        FUZZ_CHECK(i + 1 < s.size());
        char e = s[++i];
        switch (e) {
            case '\\': out += '\\'; break;
            case 'r': out += '\r'; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case '0': out += '\0'; break;
            case 'e': out += '\x1b'; break;
            case 'x': {
                FUZZ_CHECK(i + 2 < s.size());
                int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
                FUZZ_CHECK(hi >= 0 && lo >= 0);
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                break;
            }
            default: FUZZ_CHECK(!"unknown escape");
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string in(reinterpret_cast<const char*>(data), size);

    const std::string inline_view = render::escape_inline(in);
    check_safe(inline_view, false);
    FUZZ_CHECK(unescape(inline_view) == in);

    check_safe(render::escape_message(in), false);
    check_safe(render::escape_lines(in, {}, "  < "), true);
    check_safe(render::escape_body_text(in, {}), true);

    // As send --json would carry it: a header field, a reason and a body.
    render::json doc;
    render::put_text(doc, "reason", in);
    render::put_bytes(doc, "body", in);
    doc["headers"] = render::fields_json({{in, in}});
    doc["message"] = in;  // a string not made valid beforehand: dump's last resort
    const std::string piped = render::dump(doc, false);
    const std::string shown = render::dump(doc, true);
    check_safe(shown, true);  // dump indents with line breaks
    FUZZ_CHECK(render::json::parse(shown) == render::json::parse(piped));
    return 0;
}
