#include "core/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rawhttp {

namespace {

// What a non-regular file is, for "'PATH' is ..." messages.
std::string kind_phrase(mode_t mode) {
    if (S_ISDIR(mode)) return "is a folder, not a file";
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode)) return "is a character device, not a regular file";
    if (S_ISBLK(mode)) return "is a block device, not a regular file";
    if (S_ISSOCK(mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

FileRead failure(ReadFailure kind, std::string why) {
    FileRead r;
    r.failure = kind;
    r.why = std::move(why);
    return r;
}

FileRead too_large(std::size_t max_bytes) {
    return failure(ReadFailure::too_large, "is larger than " + size_name(max_bytes));
}

// Reads to the end of fd, stopping as soon as max_bytes is passed.
FileRead read_all(int fd, std::size_t max_bytes, std::size_t expected) {
    FileRead r;
    if (expected > 0) r.bytes.reserve(expected < max_bytes ? expected : max_bytes);
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return failure(ReadFailure::unreadable, std::strerror(errno));
        }
        if (n == 0) break;
        if (static_cast<std::size_t>(n) > max_bytes - r.bytes.size()) return too_large(max_bytes);
        r.bytes.append(buf, static_cast<std::size_t>(n));
    }
    return r;
}

}  // namespace

FileRead read_regular_file(const std::string& path, std::size_t max_bytes) {
    // stat first, so that opening never has a device's side effects; the
    // fstat after opening closes the race with a file swapped in between.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return failure(ReadFailure::missing, "does not exist");
        return failure(ReadFailure::unreadable, std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) return failure(ReadFailure::not_regular, kind_phrase(st.st_mode));
    if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
        FileRead r = too_large(max_bytes);
        r.size = static_cast<std::uint64_t>(st.st_size);
        return r;
    }
    // O_NONBLOCK: a FIFO swapped in after the stat opens at once instead of
    // waiting for a writer (the fstat below then refuses it).
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return failure(ReadFailure::unreadable, std::strerror(errno));
    FileRead r;
    if (::fstat(fd, &st) != 0) {
        r = failure(ReadFailure::unreadable, std::strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        r = failure(ReadFailure::not_regular, kind_phrase(st.st_mode));
    } else {
        // The size is checked again while reading: the file may be growing.
        r = read_all(fd, max_bytes, static_cast<std::size_t>(st.st_size));
    }
    ::close(fd);
    if (r.failure == ReadFailure::too_large) r.size = static_cast<std::uint64_t>(st.st_size);
    return r;
}

std::string stream_regular_file(const std::string& path, std::uint64_t expected,
                                const std::function<bool(std::string_view)>& sink) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return errno == ENOENT ? std::string("no longer exists") : "cannot be opened (" + std::string(std::strerror(errno)) + ")";
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return "cannot be read (" + std::string(std::strerror(errno)) + ")";
    if (!S_ISREG(st.st_mode)) return kind_phrase(st.st_mode);
    auto changed = [&](std::uint64_t now) {
        return "changed since the request was composed: it was " + std::to_string(expected) + " bytes, now " +
               std::to_string(now);
    };
    if (static_cast<std::uint64_t>(st.st_size) != expected) return changed(static_cast<std::uint64_t>(st.st_size));
    std::string buf(std::size_t{1} << 16, '\0');
    std::uint64_t done = 0;
    while (done < expected) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), expected - done));
        ssize_t n = ::read(fd, buf.data(), want);
        if (n < 0) {
            if (errno == EINTR) continue;
            return "cannot be read (" + std::string(std::strerror(errno)) + ")";
        }
        if (n == 0) return changed(done);  // shrank while being sent
        done += static_cast<std::uint64_t>(n);
        if (!sink(std::string_view(buf.data(), static_cast<std::size_t>(n)))) return {};
    }
    return {};
}

FileRead read_fd_bounded(int fd, std::size_t max_bytes) { return read_all(fd, max_bytes, 0); }

std::string size_name(std::size_t bytes) {
    constexpr std::size_t kib = 1024, mib = kib * 1024, gib = mib * 1024;
    if (bytes >= gib && bytes % gib == 0) return std::to_string(bytes / gib) + " GiB";
    if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
    if (bytes >= kib && bytes % kib == 0) return std::to_string(bytes / kib) + " KiB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace rawhttp
