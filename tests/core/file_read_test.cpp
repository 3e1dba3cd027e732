// Tests of the bounded file reader (src/core/file_read): regular files only,
// never blocking, never past the limit.
#include "core/file_read.hpp"

#include <doctest/doctest.h>

#include "temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

using rawhttp::ReadFailure;

namespace {

namespace fs = std::filesystem;

struct TempDir : test_support::TempDir {
    TempDir() : test_support::TempDir("file-read-test") {}
};

}  // namespace

TEST_CASE("read_regular_file: a regular file up to the limit, byte for byte") {
    TempDir d;
    std::string p = d.write("f", std::string("a\0b\r\n", 5));
    auto r = rawhttp::read_regular_file(p, 5);
    CHECK(r.failure == ReadFailure::none);
    CHECK(r.bytes == std::string("a\0b\r\n", 5));
    auto empty = rawhttp::read_regular_file(d.write("e", ""), 0);
    CHECK(empty.failure == ReadFailure::none);
    CHECK(empty.bytes.empty());
}

TEST_CASE("read_regular_file: one byte over the limit is too_large, naming the limit") {
    TempDir d;
    auto r = rawhttp::read_regular_file(d.write("f", "123456"), 5);
    CHECK(r.failure == ReadFailure::too_large);
    CHECK(r.bytes.empty());
    CHECK(r.why == "is larger than 5 bytes");
}

TEST_CASE("read_regular_file: missing, folder, device and FIFO are refused at once") {
    TempDir d;
    CHECK(rawhttp::read_regular_file((d.path / "nope").string(), 100).failure == ReadFailure::missing);
    CHECK(rawhttp::read_regular_file((d.path / "nope" / "x").string(), 100).failure == ReadFailure::missing);
    auto folder = rawhttp::read_regular_file(d.path.string(), 100);
    CHECK(folder.failure == ReadFailure::not_regular);
    CHECK(folder.why == "is a folder, not a file");
    auto zero = rawhttp::read_regular_file("/dev/zero", 100);
    CHECK(zero.failure == ReadFailure::not_regular);
    CHECK(zero.why == "is a character device, not a regular file");
    REQUIRE(::mkfifo((d.path / "fifo").c_str(), 0600) == 0);
    auto start = std::chrono::steady_clock::now();
    auto fifo = rawhttp::read_regular_file((d.path / "fifo").string(), 100);  // no writer: must not wait for one
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(fifo.failure == ReadFailure::not_regular);
    CHECK(fifo.why == "is a FIFO (named pipe), not a regular file");
    CHECK(ms < 1000);
}

TEST_CASE("read_regular_file: an unreadable file gives strerror's text") {
    if (::geteuid() == 0) return;  // root reads anything
    TempDir d;
    std::string p = d.write("secret", "x");
    fs::permissions(p, fs::perms::none);
    auto r = rawhttp::read_regular_file(p, 100);
    CHECK(r.failure == ReadFailure::unreadable);
    CHECK(r.why == "Permission denied");
}

TEST_CASE("read_fd_bounded: reads a pipe to its end, and stops just past the limit") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "hello", 5) == 5);
    ::close(fds[1]);
    auto r = rawhttp::read_fd_bounded(fds[0], 5);
    ::close(fds[0]);
    CHECK(r.failure == ReadFailure::none);
    CHECK(r.bytes == "hello");

    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "hello!", 6) == 6);  // the writer stays open: the reader must not wait for its end
    auto over = rawhttp::read_fd_bounded(fds[0], 5);
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(over.failure == ReadFailure::too_large);
    CHECK(over.why == "is larger than 5 bytes");

    int zero = ::open("/dev/zero", O_RDONLY);
    REQUIRE(zero >= 0);
    auto endless = rawhttp::read_fd_bounded(zero, 1 << 20);
    ::close(zero);
    CHECK(endless.failure == ReadFailure::too_large);
    CHECK(endless.why == "is larger than 1 MiB");
}

TEST_CASE("size_name: binary units when exact, else bytes") {
    CHECK(rawhttp::size_name(1) == "1 byte");
    CHECK(rawhttp::size_name(100) == "100 bytes");
    CHECK(rawhttp::size_name(2048) == "2 KiB");
    CHECK(rawhttp::size_name(16u << 20) == "16 MiB");
    CHECK(rawhttp::size_name((16u << 20) + 1) == "16777217 bytes");
    CHECK(rawhttp::size_name(std::size_t{4} << 30) == "4 GiB");
}
