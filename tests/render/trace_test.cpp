// The --trace renderer shared by send, listen and chat.
#include <doctest/doctest.h>

#include <unistd.h>

#include <string>

#include "render/trace.hpp"

using namespace rawhttp;

TEST_CASE("trace_entry: time, label, direction, size, then the bytes escaped") {
    std::string e = render::trace_entry(12.3456, "#1", render::TraceDirection::read, "HTTP/1.1 200 OK\r\n\x1b[2J", false, {});
    CHECK(e == "[    12.346 ms] #1 < read 21 bytes\n  < HTTP/1.1 200 OK\\r\\n\n  < \\e[2J\n");
    std::string w = render::trace_entry(0.5, "", render::TraceDirection::write, "GET /", false, {});
    CHECK(w == "[     0.500 ms] > write 5 bytes\n  > GET /\n");  // no label; ends its line
}

TEST_CASE("trace_entry: --hex gives a hexdump") {
    std::string e = render::trace_entry(1, "#2", render::TraceDirection::write, "GET\r\n", true, {});
    CHECK(e == "[     1.000 ms] #2 > write 5 bytes\n  00000000  47 45 54 0d 0a                                    |GET..|\n");
}

TEST_CASE("TraceWriter: an observer that writes each read and write to its descriptor") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        render::TraceWriter w(fds[1], false, {}, "#3");
        net::TransportObserver& o = w;
        o.on_write("ping\n");
        o.on_read("pong\n");
    }
    ::close(fds[1]);
    std::string got;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    CHECK(got.find("] #3 > write 5 bytes\n  > ping\\n\n") != std::string::npos);
    CHECK(got.find("] #3 < read 5 bytes\n  < pong\\n\n") != std::string::npos);
    CHECK(got.find("write") < got.find("read"));
}
