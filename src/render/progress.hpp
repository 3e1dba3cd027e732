// The progress line of a body being received, curl's meter in one line:
// bytes so far, of how many (when Content-Length says), rate, time elapsed
// and left. Drawn on stderr, only when it is a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rawhttp::render {

// "body 1.5 KiB of 4.0 KiB (37%), 1.2 KiB/s, 1.3 s elapsed, 2.1 s left",
// cut to fit `columns` (never longer than columns - 1, so the cursor stays on the line).
std::string progress_line(std::uint64_t bytes, std::optional<std::uint64_t> total, double elapsed_s,
                          std::size_t columns);

// "512 B", "1.5 KiB", "3.0 MiB", "1.2 GiB".
std::string human_bytes(double bytes);

// The width of the terminal on fd (TIOCGWINSZ), else $COLUMNS, else 80.
std::size_t terminal_columns(int fd);

}  // namespace rawhttp::render
