// The human view of an exchange: connection, request, raw response next to
// its parsed view, body, timing. Views always escape network bytes; only the
// body section may be written exact (when not on a terminal). ExchangeView
// writes it live, a section as each event happens; exchange_report is the
// same view written at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

struct Sections {
    bool request = false, connection = true, raw = true, parsed = true, body = false, timing = false, why = true;
    bool findings = true;  // the rule book on what the server sent: shown when there is one
    bool timeline = false;  // the sequence diagram of each connection, after the run (render/timeline.hpp)
    static Sections none() { return Sections{false, false, false, false, false, false, false, false, false}; }
    static Sections all() { return Sections{true, true, true, true, true, true, true, true, true}; }
};

// Parses a list of section names ("request,raw,...") into sections. Returns an
// error message for an unknown name (the command line adds its option's name).
std::optional<std::string> parse_sections(std::string_view list, Sections& out);

struct ReportOptions {
    Sections sections;
    Style style;
    bool hex = false;          // bytes as a hexdump
    bool escape_body = true;   // false: body bytes exact (stdout is not a terminal)
    // The terminal's width (0: not a terminal). From kWideColumns on, the parsed
    // view shows each raw line of the head with its meaning beside it.
    std::size_t columns = 0;
    static constexpr std::size_t kWideColumns = 140;
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

// The end of an exchange, as the view needs it. `why` holds the lines of the
// why section (lint findings that explain a 4xx/5xx), already formatted;
// `hints` say what did not happen and how to make it ("add --tls").
struct ExchangeEnd {
    const ExchangeCapture* capture = nullptr;
    std::vector<std::string> why;
    std::vector<std::string> hints;
    // Shown for the error instead of its own message (the CLI's wording, or
    // what happened so far when the user pressed Ctrl-C); empty: the error's.
    std::string error_message;
};

// The live view of the exchanges of one run. Each call returns the text to
// write now (often empty): the title and connection section once the
// connection is there, the request as it is written, each raw line as it
// arrives, the parsed view when the head is complete, the decoded body as it
// comes (when it is shown and the raw view is not), and the rest at the end.
class ExchangeView {
public:
    ExchangeView(ReportOptions opts, std::size_t exchange_count) : o_(std::move(opts)), count_(exchange_count) {}
    std::string begin(const client::ExchangeResult& ex);
    std::string request_written(const client::ExchangeResult& ex);
    std::string raw(const client::ExchangeResult& ex, std::string_view bytes);
    std::string head(const client::ExchangeResult& ex);
    std::string body(const client::ExchangeResult& ex, std::string_view decoded);
    std::string switched(const client::ExchangeResult& ex, std::string_view bytes);  // after a 101
    std::string end(const client::ExchangeResult& ex, const ExchangeEnd& end);
    // Whether the decoded body goes out live through body().
    bool streams_body() const { return o_.sections.body && !o_.sections.raw; }

private:
    struct State {
        bool begun = false, raw_heading = false, head_shown = false, body_heading = false;
        bool last_raw = false;           // the raw view is the section being written
        std::size_t request_shown = 0;   // request bytes shown so far
        std::uint64_t raw_shown = 0;     // raw bytes shown (at most the raw cap)
        std::uint64_t raw_offset = 0;    // raw bytes seen, for the hexdump's offsets
        std::string pending;             // the raw line (or hex row) not yet complete
        std::uint64_t body_shown = 0;
        bool switched_heading = false;
        std::uint64_t switched_shown = 0;
        bool body_ends_line = true;
    };
    State& state(const client::ExchangeResult& ex) { return states_[ex.index]; }
    std::string raw_lines(State& st, std::string_view bytes, bool flush);
    std::string raw_beside_parsed(const client::ExchangeResult& ex);  // the wide parsed view, or ""
    std::string switch_lines(const client::ExchangeResult& ex) const;
    std::string enter_raw(State& st);  // the raw view's heading, when another section came last
    std::string leave_raw(State& st);  // ends the raw view when another section comes

    ReportOptions o_;
    std::size_t count_;
    std::map<std::size_t, State> states_;
};

// The report of one exchange written at once (the events replayed in order).
std::string exchange_report(const client::ExchangeResult& ex, const ReportOptions& opts, const ExchangeEnd& end,
                            std::size_t exchange_count);

// What an exchange had done when it was interrupted: "after 2.5 s: connected
// to ...", bytes sent and received, and what it was waiting for.
std::string interrupted_summary(const client::ExchangeResult& ex, std::uint64_t raw_received, double elapsed_ms);

// Header fields as the parsed views show them: "     1  Name    value" lines,
// numbered, names aligned (up to 32 columns), everything escaped.
std::string header_table(const client::Fields& fields, const Style& style);

// A view of request bytes: "> " lines with CR/LF visible, or a hexdump.
std::string request_view(std::string_view bytes, const ReportOptions& opts, std::string_view prefix = "  > ");

// Body text for a terminal: LF kept as a line break, everything unsafe escaped.
std::string escape_body_text(std::string_view bytes, const Style& style);

}  // namespace rawhttp::render
