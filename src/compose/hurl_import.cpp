#include "compose/hurl_import.hpp"

namespace rawhttp {

namespace {

std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        char c = s[s.size() - suffix.size() + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

// "HTTP 200", "HTTP/1.1 404", "HTTP/2 *", "HTTP *": a Hurl response section's first line.
bool is_status_line(std::string_view t) {
    if (!t.starts_with("HTTP")) return false;
    std::string_view rest = t.substr(4);
    if (rest.starts_with("/")) {
        std::size_t sp = rest.find(' ');
        if (sp == std::string_view::npos) return false;
        for (char c : rest.substr(1, sp - 1))
            if (!(c >= '0' && c <= '9') && c != '.') return false;
        rest = rest.substr(sp);
    }
    if (!rest.starts_with(" ")) return false;
    rest = trim(rest);
    if (rest == "*") return true;
    if (rest.size() != 3) return false;
    for (char c : rest)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

bool looks_like_hurl(std::string_view file_name, std::string_view text) {
    if (ends_with_ci(file_name, ".hurl")) return true;
    // A .req may hold a response's text in its body (a pipelining lesson): only
    // files named otherwise (standard input, FILE.txt) are judged by their lines.
    for (std::string_view own : {".req", ".http", ".rest"})
        if (ends_with_ci(file_name, own)) return false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        if (line == "[Asserts]" || line == "[Captures]" || is_status_line(line)) return true;
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return false;
}

std::optional<std::string> hurl_send_error(std::string_view file_name, std::string_view text) {
    if (!looks_like_hurl(file_name, text)) return std::nullopt;
    std::string name = file_name.empty() ? std::string("FILE.hurl") : std::string(file_name);
    return "'" + name + "' is a Hurl file (its response sections, [Asserts] and [Captures] are Hurl's, not a .req's): "
           "turn it into a .req with 'rawhttp import " + name + " -o FILE.req', then send that";
}

}  // namespace rawhttp
