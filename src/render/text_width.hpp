// How wide text is on a terminal, and fitting it into the terminal's width:
// one measure for every view (ANSI colours take no column, nor do UTF-8
// continuation bytes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rawhttp::render {

// Terminal columns of escaped text.
std::size_t display_width(std::string_view line);

// Fits each line of `text` (which may hold ANSI colours and UTF-8) into
// `columns`: a longer line is broken, its continuations indented under the
// value column (after the line's last run of two or more spaces, as in
// "  status      200  OK..."), or under the bytes of a "  < " raw line.
std::string fit_to_width(std::string_view text, std::size_t columns);

}  // namespace rawhttp::render
