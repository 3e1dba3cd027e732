// The sequence diagram of a connection as inline SVG for the report page:
// the same steps as the terminal timeline, client lane on the left, server
// lane on the right, time going down. Each read and write is one arrow
// (<g class="arrow read|write">, with data-reads/data-writes/data-bytes), so
// a reader of the page, or a test, can count them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "render/timeline.hpp"

namespace rawhttp::render {

// `id` makes the arrowhead markers unique when a page holds several diagrams.
// The lanes are named `client_name` and `server_name` above their addresses;
// the last line is `summary`, else who closed first (closing_summary).
std::string timeline_svg(const std::vector<TimelineStep>& steps, std::string_view client, std::string_view server,
                         std::string_view id, std::string_view client_name = "client",
                         std::string_view server_name = "server", std::string_view summary = {});

}  // namespace rawhttp::render
