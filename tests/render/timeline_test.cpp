// The sequence diagram's layout: events in, steps and lines out.
#include <doctest/doctest.h>

#include <string>

#include "render/timeline.hpp"

using namespace rawhttp;
using render::ConvEvent;
using render::ConvKind;

namespace {

ConvEvent ev(double t, ConvKind k, std::string bytes = {}, std::string text = {}) {
    ConvEvent e;
    e.t_ms = t;
    e.connection = 1;
    e.kind = k;
    e.size = bytes.size();
    e.bytes = std::move(bytes);
    e.text = std::move(text);
    return e;
}

// A plain exchange: connect, one write, the head in one read, the body in many.
render::Conversation plain(std::size_t body_reads) {
    render::Conversation c;
    c.events.push_back(ev(10, ConvKind::connecting, {}, "127.0.0.1:8080"));
    c.events.push_back(ev(10.5, ConvKind::established, {}, "127.0.0.1:54321"));
    // Recorded later, but timed from the connection's own measures: before "established".
    c.events.push_back(ev(10.2, ConvKind::resolved, "0.2 ms", "127.0.0.1:8080"));
    c.events.push_back(ev(10.2, ConvKind::syn_sent));
    c.events.push_back(ev(11, ConvKind::write, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    c.events.push_back(ev(12, ConvKind::read, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
    c.events.push_back(ev(12.1, ConvKind::head_end, {}, "200 OK"));
    for (std::size_t i = 0; i < body_reads; ++i) c.events.push_back(ev(13 + static_cast<double>(i), ConvKind::read, "0123456789"));
    c.events.push_back(ev(40, ConvKind::exchange_end));
    c.events.push_back(ev(41, ConvKind::fin_received, {}, "FIN received: the peer closed its side"));
    c.events.push_back(ev(42, ConvKind::closed, {}, "closed by rawhttp"));
    return c;
}

}  // namespace

TEST_CASE("timeline_steps: the steps follow the events' times, from the connection's first event") {
    auto steps = render::timeline_steps(plain(1), 1, 8);
    REQUIRE(steps.size() >= 8);
    for (std::size_t i = 1; i < steps.size(); ++i) CHECK(steps[i - 1].t_ms <= steps[i].t_ms);
    CHECK(steps[0].t_ms == doctest::Approx(0));
    CHECK(steps[0].kind == ConvKind::connecting);
    CHECK(steps[1].kind == ConvKind::resolved);  // sorted before "established", though recorded after
    CHECK(steps[2].kind == ConvKind::syn_sent);
    CHECK(steps[2].side == render::StepSide::to_server);
    CHECK(steps[3].kind == ConvKind::established);
    CHECK(steps[3].label == "SYN-ACK: established, local port 54321");
    CHECK(steps[4].side == render::StepSide::to_server);
    CHECK(steps[4].label == "27 B  GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n");
    CHECK(steps[5].side == render::StepSide::to_client);
    CHECK(steps[6].label == "end of head: 200 OK");
    CHECK(render::closing_summary(steps) == "the server closed first (FIN at 31.0 ms)");
}

TEST_CASE("timeline_steps: body reads are grouped N to an arrow; 1 keeps every read") {
    auto grouped = render::timeline_steps(plain(20), 1, 8);
    std::size_t arrows = 0, reads = 0;
    std::uint64_t bytes = 0;
    for (const auto& s : grouped)
        if (s.kind == ConvKind::read) {
            ++arrows;
            reads += s.reads;
            bytes += s.bytes;
        }
    CHECK(arrows == 1 + 3);  // the head's read, then 8 + 8 + 4
    CHECK(reads == 21);
    CHECK(bytes == 40 + 200);
    bool found = false;
    for (const auto& s : grouped) found = found || s.label == "body: 8 reads, 80 B (until 10.0 ms)";
    CHECK(found);

    auto each = render::timeline_steps(plain(20), 1, 1);
    arrows = 0;
    for (const auto& s : each) arrows += s.kind == ConvKind::read;
    CHECK(arrows == 21);
}

TEST_CASE("timeline_lines: every line fits the columns, long labels are cut with ...") {
    render::Conversation c = plain(3);
    c.events.push_back(ev(43, ConvKind::write, std::string(200, 'A')));
    for (std::size_t columns : {80u, 60u, 120u}) {
        render::TimelineOptions o;
        o.columns = columns;
        auto lines = render::timeline_lines(c, 1, o);
        REQUIRE(lines.size() > 5);
        for (const auto& l : lines) {
            CHECK(l.size() <= columns);
            CHECK(l.find('\n') == std::string::npos);
        }
        bool cut = false;
        for (const auto& l : lines) cut = cut || (l.find("200 B  AAAA") != std::string::npos && l.find("...") != std::string::npos);
        CHECK(cut);
    }
    render::TimelineOptions o;
    auto lines = render::timeline_lines(c, 1, o);
    CHECK(lines[0] == "connection #1: 127.0.0.1:54321 -> 127.0.0.1:8080");
    // Arrows end on the server's lane, in the last column.
    bool write_arrow = false, read_arrow = false;
    for (const auto& l : lines) {
        if (l.find("|-- 27 B  GET / HTTP/1.1") != std::string::npos) {
            write_arrow = true;
            CHECK(l.size() == 80);
            CHECK(l.substr(78) == ">|");
        }
        if (l.find("|<-- 40 B  HTTP/1.1 200 OK") != std::string::npos) {
            read_arrow = true;
            CHECK(l.size() == 80);
            CHECK(l.back() == '|');
        }
    }
    CHECK(write_arrow);
    CHECK(read_arrow);
    CHECK(lines.back().find("the server closed first") != std::string::npos);
}

TEST_CASE("timeline_lines: arrows appear in the order of their times") {
    render::Conversation c;
    c.events.push_back(ev(5, ConvKind::write, "first"));
    c.events.push_back(ev(3, ConvKind::read, "earlier"));  // recorded after, happened before
    c.events.push_back(ev(9, ConvKind::write, "last"));
    auto lines = render::timeline_lines(c, 1, {});
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    CHECK(all.find("earlier") < all.find("first"));
    CHECK(all.find("first") < all.find("last"));
    CHECK(all.find("    0.000 ms |<-- 7 B  earlier") != std::string::npos);
    CHECK(all.find("    6.000 ms |-- 4 B  last") != std::string::npos);
    CHECK(lines.back().find("still open") != std::string::npos);
}

TEST_CASE("timeline_lines: network bytes are escaped to ASCII, colour only when asked") {
    render::Conversation c;
    c.events.push_back(ev(1, ConvKind::read, "\x1b[2J caf\xc3\xa9 \xff"));
    c.events.push_back(ev(2, ConvKind::rst_received, {}, "RST received"));
    auto plain_lines = render::timeline_lines(c, 1, {});
    std::string all;
    for (const auto& l : plain_lines) all += l;
    CHECK(all.find('\x1b') == std::string::npos);
    CHECK(all.find("\\e[2J caf\\xc3\\xa9 \\xff") != std::string::npos);
    CHECK(all.find("RST: the server reset the connection") != std::string::npos);
    CHECK(plain_lines.back().find("reset the connection first") != std::string::npos);
    render::TimelineOptions o;
    o.style.color = true;
    auto coloured = render::timeline_lines(c, 1, o);
    bool red = false;
    for (const auto& l : coloured) red = red || (l.find("\x1b[") != std::string::npos && l.find("RST") != std::string::npos);
    CHECK(red);
}

TEST_CASE("closing_summary: a connect that failed is no connection, not one left open") {
    render::Conversation c;
    c.events.push_back(ev(1, ConvKind::connecting, {}, "127.0.0.1:1"));
    c.events.push_back(ev(2, ConvKind::connect_failed, {}, "connect failed: refused"));
    auto steps = render::timeline_steps(c, 1, 8);
    REQUIRE(steps.size() == 2);
    CHECK(steps[1].alarm);
    CHECK(render::closing_summary(steps) == "no connection: the connect failed");
}

TEST_CASE("classify_event: the session's and the transport's wording") {
    CHECK(render::classify_event("connecting to 127.0.0.1:8080 (TCP)") == ConvKind::connecting);
    CHECK(render::classify_event("TCP connection established in 0.1 ms: a -> b") == ConvKind::established);
    CHECK(render::classify_event("FIN received: the peer closed its side") == ConvKind::fin_received);
    CHECK(render::classify_event("RST received: the peer reset the connection") == ConvKind::rst_received);
    CHECK(render::classify_event("FIN sent: no more bytes from this side") == ConvKind::fin_sent);
    CHECK(render::classify_event("closed by rawhttp") == ConvKind::closed);
    CHECK(render::classify_event("TLS handshake done in 3.0 ms: TLSv1.3") == ConvKind::tls_done);
    CHECK(render::classify_event("tunnel to x:443 open (200)") == ConvKind::note);
}
