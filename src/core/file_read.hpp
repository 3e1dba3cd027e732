// Reading a whole input file without trusting it: only a regular file (a
// device, FIFO, folder or socket is refused before a byte is read), never
// blocking on a FIFO that has no writer, and never more than a limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace rawhttp {

enum class ReadFailure { none, missing, not_regular, too_large, unreadable };

struct FileRead {
    ReadFailure failure = ReadFailure::none;
    std::string bytes;  // the whole file when failure == none
    // Otherwise what went wrong: for missing, not_regular and too_large a
    // phrase to follow the path ("is a FIFO (named pipe), not a regular
    // file", "is larger than 16 MiB"); for unreadable, strerror's text.
    std::string why;
    // For too_large: the file's size when a stat gave it (0 when unknown).
    std::uint64_t size = 0;
};

// The file at `path`, if it is a regular file of at most max_bytes.
FileRead read_regular_file(const std::string& path, std::size_t max_bytes);

// Everything readable from `fd` (standard input) up to its end, or
// too_large as soon as more than max_bytes have arrived.
FileRead read_fd_bounded(int fd, std::size_t max_bytes);

// Hands the bytes of the regular file at `path` to `sink` in pieces of at
// most 64 KiB, in order, until its end or until sink returns false: the way
// a body too large to hold is sent. The file must still be a regular file of
// exactly `expected` bytes (it was measured when the request was composed);
// otherwise, or on a read error, the result is what went wrong, as a phrase
// to follow the path. Empty when every byte (or as many as sink took) went.
std::string stream_regular_file(const std::string& path, std::uint64_t expected,
                                const std::function<bool(std::string_view)>& sink);

// A byte count for messages: "64 MiB", "12 KiB", "100 bytes".
std::string size_name(std::size_t bytes);

}  // namespace rawhttp
