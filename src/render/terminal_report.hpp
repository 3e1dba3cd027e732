// The human view of an exchange: connection, request, raw response next to
// its parsed view, body, timing. Views always escape network bytes; only the
// body section may be written exact (when not on a terminal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

struct Sections {
    bool request = false, connection = true, raw = true, parsed = true, body = false, timing = false, why = true;
};

// Parses "--show request,raw,..." into sections. Returns an error message for an unknown name.
std::optional<std::string> parse_sections(std::string_view list, Sections& out);

struct ReportOptions {
    Sections sections;
    Style style;
    bool hex = false;          // bytes as a hexdump
    bool escape_body = true;   // false: body bytes exact (stdout is not a terminal)
};

// Captures what one exchange needs for its report, with bounded memory.
struct ExchangeCapture {
    std::string raw;            // the response's raw bytes, first raw_cap of them
    std::uint64_t raw_total = 0;
    std::string body;           // decoded body, first body_cap bytes
    std::uint64_t body_total = 0;
    std::size_t raw_cap = 64 * 1024;
    std::size_t body_cap = 1024 * 1024;
    void add_raw(std::string_view b);
    void add_body(std::string_view b);
    bool raw_truncated() const { return raw_total > raw.size(); }
    bool body_truncated() const { return body_total > body.size(); }
};

// The report of one exchange. `why` holds the lines of the why section (lint
// findings that explain a 4xx/5xx), already formatted, or is empty.
std::string exchange_report(const client::ExchangeResult& ex, const ExchangeCapture& cap,
                            const ReportOptions& opts, const std::vector<std::string>& why,
                            std::size_t exchange_count);

// A view of request bytes: "> " lines with CR/LF visible, or a hexdump.
std::string request_view(std::string_view bytes, const ReportOptions& opts, std::string_view prefix = "  > ");

// Body text for a terminal: LF kept as a line break, everything unsafe escaped.
std::string escape_body_text(std::string_view bytes, const Style& style);

}  // namespace rawhttp::render
