// The report page (send/compare/relay --report FILE.html): one self-contained
// HTML file, nothing loaded from anywhere (inline CSS, inline SVG, a few
// lines of inline script for the hex views), light and printable for
// handouts. The page is written from values (ReportPage), never from flags;
// every byte from the network in them is escaped here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "render/timeline.hpp"

namespace rawhttp::render {

struct ReportFinding {
    std::string id;        // the rule's id ("bare-lf")
    std::string severity;  // "error", "warning"
    std::string message;
    std::string rfc;
    std::string fix;
    std::size_t line = 0;  // 1-based line of the message it concerns (0: the message as a whole)
};

// A message (request or response) shown line by line beside its meaning.
struct ReportMessage {
    std::string heading;                // "request, as sent"
    std::string bytes;                  // exact bytes (the first of them when truncated)
    std::uint64_t total = 0;            // bytes in all
    std::vector<std::string> meanings;  // one per line of `bytes` (lines end at LF); may be shorter
    std::vector<ReportFinding> findings;
};

// One bar of the waterfall: a phase of an exchange, from its start.
struct ReportPhase {
    std::string name;
    double start_ms = 0;
    double ms = 0;
    int colour = -1;  // 0-5: the same colour for the same kind of phase; -1: by row
};

struct ReportExchange {
    std::string title;               // "request 1: GET / -> 200 OK"
    std::vector<std::string> facts;  // "connection #1 (new)", "127.0.0.1:54321 -> 127.0.0.1:8080"
    std::vector<ReportPhase> phases;
    double total_ms = 0;
    ReportMessage request, response;
    std::string error;               // empty: none
};

struct ReportDiagram {
    std::string title;  // "connection #1"
    std::string client, server;
    std::string client_name = "client", server_name = "server";  // the lanes' names
    std::string summary;  // the diagram's last line; empty: who closed first
    std::vector<TimelineStep> steps;
};

// One party's view: send has one side; compare has two (rawhttp, libcurl),
// shown in two columns.
struct ReportSide {
    std::string name;
    std::vector<ReportDiagram> diagrams;
    std::vector<ReportExchange> exchanges;
};

struct ReportPage {
    std::string title;     // "rawhttp send get.req"
    std::string subtitle;  // what ran, where, when
    std::vector<std::string> notes;
    std::vector<ReportSide> sides;
};

std::string report_html(const ReportPage& page);

// The diagrams of every connection of a conversation, body reads grouped so
// that no diagram grows past about `max_body_arrows` body arrows.
std::vector<ReportDiagram> report_diagrams(const Conversation& conv, std::size_t max_body_arrows = 64);

// The lines of `bytes`, each with its LF (the last one may have none).
std::vector<std::string_view> split_lines(std::string_view bytes);

}  // namespace rawhttp::render
