// The progress line of a slow body.
#include <doctest/doctest.h>

#include "render/progress.hpp"

using namespace rawhttp;

TEST_CASE("progress_line: bytes, total and share, rate, elapsed and time left") {
    CHECK(render::progress_line(1536, 4096, 1.0, 200) ==
          "body 1.5 KiB of 4.0 KiB (37%), 1.5 KiB/s, 1.0 s elapsed, 1.7 s left");
    // No Content-Length: no total, no time left.
    CHECK(render::progress_line(512, std::nullopt, 2.0, 200) == "body 512 B, 256 B/s, 2.0 s elapsed");
    CHECK(render::progress_line(3u << 20, std::nullopt, 90.0, 200) == "body 3.0 MiB, 34.1 KiB/s, 1m30s elapsed");
}

TEST_CASE("progress_line: cut to the terminal, one column spare") {
    std::string line = render::progress_line(1536, 4096, 1.0, 20);
    CHECK(line.size() == 19);
    CHECK(line == "body 1.5 KiB of 4.0");
}

TEST_CASE("human_bytes") {
    CHECK(render::human_bytes(0) == "0 B");
    CHECK(render::human_bytes(1023) == "1023 B");
    CHECK(render::human_bytes(1024) == "1.0 KiB");
    CHECK(render::human_bytes(5.0 * 1024 * 1024 * 1024) == "5.0 GiB");
}
