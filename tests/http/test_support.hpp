// Helpers shared by the parser tests.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/rules.hpp"

namespace http_test {

// A heap copy of exactly `s.size()` bytes (no terminating NUL), so that the
// sanitizers catch any read past the end of what was "received".
struct Exact {
    explicit Exact(std::string_view s) : bytes(new char[s.size() ? s.size() : 1]), size(s.size()) {
        if (!s.empty()) std::memcpy(bytes.get(), s.data(), s.size());
    }
    std::string_view view() const { return {bytes.get(), size}; }
    std::unique_ptr<char[]> bytes;
    std::size_t size;
};

inline bool has(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

// The bytes with CR, LF and other non-printable bytes escaped, for CAPTURE.
inline std::string printable(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\\') out += "\\\\";
        else if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else out += ch;
    }
    return out;
}

// "id@offset id@offset ...", in the order given: one string, so that a
// failing CHECK prints every rule at once.
inline std::string rules_at(const rawhttp::http::Violations& v) {
    std::string s;
    for (const auto& x : v) {
        if (!s.empty()) s += ' ';
        s += std::string(rawhttp::http::rule_info(x.rule).id) + "@" + std::to_string(x.offset);
    }
    return s;
}

// "id id ...": the rule ids only.
inline std::string rule_ids(const rawhttp::http::Violations& v) {
    std::string s;
    for (const auto& x : v) {
        if (!s.empty()) s += ' ';
        s += rawhttp::http::rule_info(x.rule).id;
    }
    return s;
}

// "id@offset" of one violation, or "none".
inline std::string rule_at(const rawhttp::http::Violation* v) {
    if (!v) return "none";
    return std::string(rawhttp::http::rule_info(v->rule).id) + "@" + std::to_string(v->offset);
}

inline std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        const std::size_t b = i;
        while (i < s.size() && s[i] != ' ') ++i;
        if (i > b) out.emplace_back(s.substr(b, i - b));
    }
    return out;
}

// `expected` as "id id@offset ...": every word an id, with its offset when
// it has one; `actual` from rules_at(). Returns `actual` rewritten to the
// detail `expected` asks for, so CHECK(matches(...) == expected) prints both.
inline std::string project(std::string_view expected, std::string_view actual) {
    const auto e = split_words(expected);
    const auto a = split_words(actual);
    std::string out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string w = a[i];
        if (i < e.size() && e[i].find('@') == std::string::npos) w = w.substr(0, w.find('@'));
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

}  // namespace http_test
