#include "render/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/utf8.hpp"

namespace rawhttp::render {

namespace {

constexpr auto kEscaped = [] {  // the bytes a JSON string escapes: ", \\ and C0
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
    t['"'] = t['\\'] = true;
    return t;
}();

// The first byte at or after `i` that a JSON string must escape (", \ or a
// C0 control), or n. Sixteen bytes at a time where SSE2 is (every x86-64):
// the exchange reports are mostly long runs of plain text.
std::size_t next_to_escape(const char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), c0 = _mm_set1_epi8(0x1f);
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        // v <= 0x1f, unsigned: max(v, 0x1f) is 0x1f.
        const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, c0), c0);
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), control);
        if (const int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
#endif
    while (i < n && !kEscaped[static_cast<unsigned char>(p[i])]) ++i;
    return i;
}

// ",\n" and the indentation of the deepest line written in one append.
constexpr std::string_view kBreak =
    ",\n                                                                ";
}  // namespace

void JsonWriter::indent(int depth) { out_.append(static_cast<std::size_t>(depth) * 2, ' '); }

void JsonWriter::element() {
    if (after_key_) {  // the value of a key follows it on its line
        after_key_ = false;
        return;
    }
    if (levels_.empty()) return;  // the document's one value
    const std::size_t first = levels_.back().empty ? 1 : 0;  // no comma before the first
    levels_.back().empty = false;
    const std::size_t spaces = static_cast<std::size_t>(depth_ + static_cast<int>(levels_.size())) * 2;
    if (spaces <= kBreak.size() - 2) {
        out_.append(kBreak.data() + first, 2 - first + spaces);
    } else {
        out_.append(kBreak.data() + first, 2 - first);
        out_.append(spaces, ' ');
    }
}

JsonWriter& JsonWriter::begin_object() {
    element();
    out_ += '{';
    levels_.push_back({});
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    const bool empty = levels_.back().empty;
    levels_.pop_back();
    if (!empty) {
        out_ += '\n';
        indent(depth_ + static_cast<int>(levels_.size()));
    }
    out_ += bracket;
    return *this;
}

JsonWriter& JsonWriter::end_object() { return close('}'); }

JsonWriter& JsonWriter::begin_array() {
    element();
    out_ += '[';
    levels_.push_back({});
    return *this;
}

JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
    element();
    // Keys are the program's own words: almost never anything to escape.
    if (next_to_escape(name.data(), 0, name.size()) == name.size()) {
        out_.reserve(out_.size() + name.size() + 4);
        out_ += '"';
        out_.append(name);
        out_.append("\": ", 3);
    } else {
        append_json_string(out_, name);
        out_.append(": ", 2);
    }
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
    element();
    if (utf8::is_valid(s)) append_json_string(out_, s);
    else append_json_string(out_, utf8::lossy(s));
    return *this;
}

JsonWriter& JsonWriter::valid_string(std::string_view s) {
    element();
    append_json_string(out_, s);
    return *this;
}

JsonWriter& JsonWriter::number(std::uint64_t v) {
    element();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
}

JsonWriter& JsonWriter::number(std::int64_t v) {
    element();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
}

JsonWriter& JsonWriter::number(double v) {
    element();
    append_json_double(out_, v);
    return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
    element();
    out_ += v ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    element();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::strings(const std::vector<std::string>& v) {
    begin_array();
    for (const auto& s : v) string(s);
    return end_array();
}

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = next_to_escape(s.data(), 0, s.size()); i < s.size();
         i = next_to_escape(s.data(), i + 1, s.size())) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        out.append(s.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(s.data() + plain, s.size() - plain);
    out += '"';
}

void append_json_double(std::string& out, double v) {
    if (!std::isfinite(v)) {  // nlohmann writes what JSON cannot hold as null
        out += "null";
        return;
    }
    if (v == 0) {
        out += std::signbit(v) ? "-0.0" : "0.0";
        return;
    }
    // The shortest digits that read back as v, as d.ddde±X.
    char sci[40];
    const char* end = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific).ptr;
    std::string_view text(sci, static_cast<std::size_t>(end - sci));
    if (text.front() == '-') {
        out += '-';
        text.remove_prefix(1);
    }
    const std::size_t e_at = text.find('e');
    std::string digits;
    for (char c : text.substr(0, e_at))
        if (c != '.') digits += c;
    int exp10 = 0;
    std::from_chars(text.data() + e_at + 1 + (text[e_at + 1] == '+'), text.data() + text.size(), exp10);
    // nlohmann's layout: n is where the decimal point falls in the digits.
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1;
    constexpr int kMinExp = -4, kMaxExp = 15;
    if (k <= n && n <= kMaxExp) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= kMaxExp) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n), std::string::npos);
    } else if (kMinExp < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        int e = n - 1;
        out += e < 0 ? '-' : '+';
        e = std::abs(e);
        if (e < 10) out += '0';
        out += std::to_string(e);
    }
}

}  // namespace rawhttp::render
