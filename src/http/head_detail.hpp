// Internal to src/http/: the pieces the head parser, the request checks and
// the chunked decoder's trailers share.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace rawhttp::http::detail {

// A line of a head: [start, end) without its line ending; `lf` is the offset
// of its LF, or npos when the bytes ended first.
struct Line {
    std::size_t start = 0, end = 0;
    std::size_t lf = std::string_view::npos;
};

// The request line: method, target, version, and every rule they break.
void check_request_line(std::string_view buf, const Line& line, const Limits& limits, MessageHead& head,
                        Violations& out);
// The status line of a response.
void check_status_line(std::string_view buf, const Line& line, MessageHead& head, Violations& out);

// One field line (name ":" OWS value OWS) at `offset`, its CR LF excluded:
// the one field-line routine, for heads and chunked trailers alike. Returns
// false when the line holds no usable field (no colon, no name).
bool read_field_line(std::string_view line, std::size_t offset, HeaderField& field, Violations& out);

// Comma-separated list members, OWS trimmed, with their offsets in `v`.
std::vector<std::pair<std::string_view, std::size_t>> list_members(std::string_view v);

}  // namespace rawhttp::http::detail
