// A request line split at its two single spaces (METHOD SP TARGET SP
// VERSION): the one splitter for views and for what curl can write. Not the
// parser: the head parser (head_parser.cpp) reads and judges broken lines.
#pragma once

#include <optional>
#include <string_view>

namespace rawhttp::http {

struct RequestLineParts {
    std::string_view method, target, version;
};

// The three parts, or nullopt unless the line is exactly three non-empty
// parts separated by single spaces.
inline std::optional<RequestLineParts> split_request_line(std::string_view line) {
    const std::size_t a = line.find(' ');
    if (a == std::string_view::npos || a == 0) return std::nullopt;
    const std::size_t b = line.find(' ', a + 1);
    if (b == std::string_view::npos || b == a + 1 || b + 1 == line.size()) return std::nullopt;
    if (line.find(' ', b + 1) != std::string_view::npos) return std::nullopt;
    return RequestLineParts{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)};
}

}  // namespace rawhttp::http
