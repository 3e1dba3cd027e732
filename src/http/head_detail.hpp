// Internal to src/http/: the pieces the head parser, the request checks and
// the chunked decoder's trailers share.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "http/chars.hpp"
#include "http/message.hpp"

namespace rawhttp::http::detail {

// A line of a head: [start, end) without its line ending; `lf` is the offset
// of its LF, or npos when the bytes ended first.
struct Line {
    std::size_t start = 0, end = 0;
    std::size_t lf = std::string_view::npos;
};

// parse_head's general reading, for any bytes (parse_head tries a one-pass
// reading of a clean head first and falls back to this one; both give the
// same result wherever the first succeeds). Exposed for the tests and the
// fuzz target that compare the two.
void parse_head_general(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head,
                        Violations& out);

// The one-pass reading (read_clean_head) in each of its builds: `portable`
// runs on any CPU (its value scan the one scan_field_value picks), `avx2` is
// compiled for AVX2 with the scans inlined and runs where avx2_supported()
// (elsewhere it is the portable one); `chosen` is the one parse_head uses.
// For the tests and the fuzz target, which hold each to the general reading.
enum class CleanReading { chosen, portable, avx2 };
bool read_clean_head_as(CleanReading as, std::string_view buf, MessageKind kind, const Limits& limits,
                        MessageHead& head);

// The request line: method, target, version, and every rule they break.
void check_request_line(std::string_view buf, const Line& line, const Limits& limits, MessageHead& head,
                        Violations& out);
// The common request line at the start of [b, e), read in one pass: a known
// method other than CONNECT, an origin-form target of URI characters without
// %-escapes, HTTP/1.1 or HTTP/1.0, single spaces, then CR. Returns that CR
// (and sets head's method, target and version) when the line is one
// check_request_line passes without a finding; null, touching nothing, when
// check_request_line must judge it.
const char* clean_request_line(const char* b, const char* e, const Limits& limits, MessageHead& head);
// The status line of a response.
void check_status_line(std::string_view buf, const Line& line, MessageHead& head, Violations& out);
// The common status line at the start of [b, e), in one pass: HTTP/1.1 or
// HTTP/1.0, a status of 100-599, no reason or a reason of field-value bytes,
// then CR. Returns that CR (and sets what check_status_line sets) when
// check_status_line would pass the line without a finding; null, touching
// nothing, otherwise.
const char* clean_status_line(const char* b, const char* e, MessageHead& head);

// One field line (name ":" OWS value OWS) at `offset`, its CR LF excluded:
// the one field-line routine, for heads and chunked trailers alike. Returns
// false when the line holds no usable field (no colon, no name).
bool read_field_line(std::string_view line, std::size_t offset, HeaderField& field, Violations& out);

// Comma-separated list members, OWS trimmed, with their offsets in `v`.
std::vector<std::pair<std::string_view, std::size_t>> list_members(std::string_view v);
// The same members handed to fn(member, offset) one by one, with no list
// built (the framing reads a field or two of every message).
template <class Fn>
void for_each_list_member(std::string_view v, Fn&& fn) {
    std::size_t start = 0;
    while (start <= v.size()) {
        std::size_t comma = v.find(',', start);
        if (comma == std::string_view::npos) comma = v.size();
        const std::string_view raw = v.substr(start, comma - start);
        const std::string_view t = trim_ows(raw);
        fn(t, start + static_cast<std::size_t>(t.data() - raw.data()));
        start = comma + 1;
    }
}

}  // namespace rawhttp::http::detail
