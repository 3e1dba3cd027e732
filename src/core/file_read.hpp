// Reading a whole input file without trusting it: only a regular file (a
// device, FIFO, folder or socket is refused before a byte is read), never
// blocking on a FIFO that has no writer, and never more than a limit.
#pragma once

#include <cstddef>
#include <string>

namespace rawhttp {

enum class ReadFailure { none, missing, not_regular, too_large, unreadable };

struct FileRead {
    ReadFailure failure = ReadFailure::none;
    std::string bytes;  // the whole file when failure == none
    // Otherwise what went wrong: for missing, not_regular and too_large a
    // phrase to follow the path ("is a FIFO (named pipe), not a regular
    // file", "is larger than 16 MiB"); for unreadable, strerror's text.
    std::string why;
};

// The file at `path`, if it is a regular file of at most max_bytes.
FileRead read_regular_file(const std::string& path, std::size_t max_bytes);

// Everything readable from `fd` (standard input) up to its end, or
// too_large as soon as more than max_bytes have arrived.
FileRead read_fd_bounded(int fd, std::size_t max_bytes);

// A byte count for messages: "64 MiB", "12 KiB", "100 bytes".
std::string size_name(std::size_t bytes);

}  // namespace rawhttp
