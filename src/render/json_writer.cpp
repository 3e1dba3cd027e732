#include "render/json_writer.hpp"

#include <charconv>
#include <cmath>

#include "core/utf8.hpp"

namespace rawhttp::render {

void JsonWriter::indent(int depth) { out_.append(static_cast<std::size_t>(depth) * 2, ' '); }

void JsonWriter::element() {
    if (after_key_) {  // the value of a key follows it on its line
        after_key_ = false;
        return;
    }
    if (levels_.empty()) return;  // the document's one value
    out_ += levels_.back().empty ? "\n" : ",\n";
    levels_.back().empty = false;
    indent(depth_ + static_cast<int>(levels_.size()));
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
    append_json_string(out_, name);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
    element();
    if (utf8::is_valid(s)) append_json_string(out_, s);
    else append_json_string(out_, utf8::lossy(s));
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
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
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
