// The sequence diagram of a connection, client on the left, server on the
// right, time going down: a pure layout from the recorded conversation to
// steps (shared by the terminal and the report's SVG), and from steps to
// lines that fit the terminal (send --show timeline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "render/conversation.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

enum class StepSide {
    to_server,  // an arrow from the client to the server
    to_client,  // an arrow from the server to the client
    client,     // a note on the client's side (resolve, connect failed)
    server,     // a note on the server's side (interim response, end of head)
    both,       // a note across (TLS handshake, other events)
};

struct TimelineStep {
    double t_ms = 0;  // since the connection's first event
    StepSide side = StepSide::both;
    ConvKind kind = ConvKind::note;
    std::string label;         // ASCII, network bytes escaped, not yet cut
    std::uint64_t bytes = 0;   // bytes the arrow carries
    std::size_t reads = 0;     // reads the arrow stands for (body reads are grouped)
    std::size_t writes = 0;
    bool alarm = false;        // a failure or a reset: shown in red
};

// The steps of one connection, ordered by time. After the end of a head,
// the body's reads are grouped `body_reads_per_arrow` to an arrow (1: every
// read its own arrow). The last step says who closed first.
std::vector<TimelineStep> timeline_steps(const Conversation& conv, std::size_t connection,
                                         std::size_t body_reads_per_arrow);

// Who closed first: "the server closed first (FIN at 3.2 ms)", or that the
// connection was still open; empty when there are no steps.
std::string closing_summary(const std::vector<TimelineStep>& steps);

struct TimelineOptions {
    std::size_t columns = 80;             // every line fits (at least 40 are used)
    std::size_t body_reads_per_arrow = 8;
    Style style;                          // colours: writes, reads, alarms
};

// The diagram of one connection as lines (no line breaks in them), each at
// most `columns` wide when colours are stripped.
std::vector<std::string> timeline_lines(const Conversation& conv, std::size_t connection, const TimelineOptions& options);

// Every connection's diagram, a blank line between them, ready to print.
std::string timeline_text(const Conversation& conv, const TimelineOptions& options);

// Cuts `text` (ASCII) to `width` columns, ending in "..." when cut.
std::string cut_label(std::string_view text, std::size_t width);

}  // namespace rawhttp::render
