// Text made safe for an HTML page: every byte from the network goes through
// here before it is written into the report (as element text or attribute).
#pragma once

#include <string>
#include <string_view>

namespace rawhttp::render {

// &, <, >, " and ' as entities; control bytes, invalid UTF-8 and invisible
// format characters escaped first (escape_message: \r, \xNN...), so the page
// holds valid UTF-8 and nothing that can start markup or a script.
std::string html_escape(std::string_view text);

// One line of wire bytes for the annotated view: CR and LF as visible
// markers (<span class="eol">\r</span>), every other byte escaped and
// HTML-escaped.
std::string html_wire_line(std::string_view line);

}  // namespace rawhttp::render
