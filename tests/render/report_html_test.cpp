// The report page: self-contained, every network byte escaped, lines linked
// to their findings; and the recorder that feeds it.
#include <doctest/doctest.h>

#include <string>

#include "render/html.hpp"
#include "render/report_exchange.hpp"
#include "render/report_html.hpp"

using namespace rawhttp;

TEST_CASE("html_escape and html_wire_line: markup and control bytes never reach the page raw") {
    CHECK(render::html_escape("<script>alert('x')</script> & \"q\"") ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    CHECK(render::html_escape("a\x1b[2Jb") == "a\\e[2Jb");
    CHECK(render::html_wire_line("GET /<b> HTTP/1.1\r\n") ==
          "GET /&lt;b&gt; HTTP/1.1<span class=\"eol\">\\r</span><span class=\"eol\">\\n</span>");
    CHECK(render::html_wire_line("a\\b\x01\n") == "a\\\\b\\x01<span class=\"eol\">\\n</span>");
}

TEST_CASE("report_html: one page, nothing to fetch, findings and lines linked both ways") {
    render::ReportPage page;
    page.title = "rawhttp send <t>.req";
    render::ReportSide side;
    render::ReportExchange ex;
    ex.title = "request 1";
    ex.phases = {{"dns lookup", 0, 1, 0}, {"connect (TCP)", 1, 2, 1}};
    ex.total_ms = 3;
    ex.request.heading = "request";
    ex.request.bytes = "GET / HTTP/1.1\nHost: <img src=x>\r\n\r\n";
    ex.request.total = ex.request.bytes.size();
    ex.request.meanings = render::request_meanings(ex.request.bytes, ex.request.bytes.size());
    ex.request.findings.push_back({"bare-lf", "warning", "a bare LF", "RFC 9112 §2.2", "use CR LF", 1});
    side.exchanges.push_back(ex);
    page.sides.push_back(side);
    const std::string html = render::report_html(page);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<title>rawhttp send &lt;t&gt;.req</title>") != std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("Host: &lt;img src=x&gt;") != std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("default-src 'none'") != std::string::npos);  // the page's own rule: nothing fetched
    CHECK(html.find("<tr id=\"s0e1-req-l1\" class=\"flagged\">") != std::string::npos);
    CHECK(html.find("href=\"#s0e1-req-f1\"") != std::string::npos);
    CHECK(html.find("<li id=\"s0e1-req-f1\">") != std::string::npos);
    CHECK(html.find("href=\"#s0e1-req-l1\">line 1</a>") != std::string::npos);
    CHECK(html.find("request line: method GET, target /, version HTTP/1.1") != std::string::npos);
    CHECK(html.find("field 1 (Host)") != std::string::npos);
    CHECK(html.find("data-for=\"s0e1-req-hex\"") != std::string::npos);
    CHECK(html.find("<pre class=\"hex\" id=\"s0e1-req-hex\" hidden>") != std::string::npos);
    CHECK(html.find("class=\"waterfall\"") != std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    CHECK(html.find("class=\"sides\"") != std::string::npos);  // one side: one column

    page.sides.push_back(side);
    CHECK(render::report_html(page).find("class=\"sides two\"") != std::string::npos);
}

TEST_CASE("report_diagrams: every read its own arrow, unless the body would make the page endless") {
    render::Conversation c;
    for (int i = 0; i < 10; ++i) {
        render::ConvEvent e;
        e.t_ms = i;
        e.connection = 1;
        e.kind = render::ConvKind::read;
        e.size = 1;
        e.bytes = "x";
        c.events.push_back(e);
    }
    c.events.insert(c.events.begin() + 1, render::ConvEvent{0.5, 1, render::ConvKind::head_end});
    auto all = render::report_diagrams(c, 64);
    REQUIRE(all.size() == 1);
    std::size_t arrows = 0;
    for (const auto& s : all[0].steps) arrows += s.kind == render::ConvKind::read;
    CHECK(arrows == 10);
    auto few = render::report_diagrams(c, 4);
    arrows = 0;
    std::size_t reads = 0;
    for (const auto& s : few[0].steps)
        if (s.kind == render::ConvKind::read) {
            ++arrows;
            reads += s.reads;
        }
    CHECK(arrows < 10);
    CHECK(reads == 10);
}

TEST_CASE("timing_phases: one after another from the exchange's start, a reused connection without connect") {
    client::ExchangeResult ex;
    ex.timing.dns_ms = 1;
    ex.timing.connect_ms = 2;
    ex.timing.written_ms = 4;
    ex.timing.first_byte_ms = 10;
    ex.timing.total_ms = 12;
    auto p = render::timing_phases(ex);
    REQUIRE(p.size() == 5);
    CHECK(p[0].name == "dns lookup");
    CHECK(p[1].start_ms == doctest::Approx(1));
    CHECK(p[2].name == "send request");
    CHECK(p[2].start_ms == doctest::Approx(3));
    CHECK(p[2].ms == doctest::Approx(1));
    CHECK(p[3].ms == doctest::Approx(6));
    CHECK(p[4].ms == doctest::Approx(2));
    ex.reused_connection = true;
    CHECK(render::timing_phases(ex).front().name == "send request");
}

namespace {

struct Sink : client::SessionHooks {
    int heads = 0, reads = 0;
    void on_head(const client::ExchangeResult&) override { ++heads; }
    void on_socket_read(std::size_t, std::string_view) override { ++reads; }
};

}  // namespace

TEST_CASE("ConversationRecorder: passes every hook on, keeps the raw bytes, places interim responses") {
    Sink sink;
    render::ConversationRecorder rec(sink);
    client::ExchangeResult ex;
    ex.index = 0;
    ex.connection_number = 1;
    rec.on_event(1, "connecting to 127.0.0.1:9 (TCP)");
    rec.on_event(1, "TCP connection established in 0.1 ms: 127.0.0.1:5555 -> 127.0.0.1:9");
    rec.on_socket_read(1, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    rec.on_raw(ex, "HTTP/1.1 100 Continue\r\n\r\n");
    rec.on_raw(ex, "HTTP/1.1 200 OK\r\n\r\n");
    client::Response r;
    r.status = 200;
    r.reason = "OK";
    r.head_complete = true;
    client::InterimResponse i;
    i.status = 100;
    i.reason = "Continue";
    i.raw_head = "HTTP/1.1 100 Continue\r\n\r\n";
    r.interim.push_back(i);
    ex.response = r;
    rec.on_head(ex);
    rec.on_exchange_done(ex);
    CHECK(sink.heads == 1);
    CHECK(sink.reads == 1);
    const auto& rc = rec.recording();
    CHECK(rc.raw_of(0) == "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    CHECK(rc.raw_total(0) == 44);
    CHECK(rc.conversation.client_address(1) == "127.0.0.1:5555");
    CHECK(rc.conversation.server_address(1) == "127.0.0.1:9");
    bool interim = false, head = false;
    for (const auto& e : rc.conversation.events) {
        interim = interim || (e.kind == render::ConvKind::interim && e.text == "100 Continue");
        head = head || (e.kind == render::ConvKind::head_end && e.text == "200 OK");
    }
    CHECK(interim);
    CHECK(head);
}

TEST_CASE("chunked_meanings: size lines, data (line breaks in it too), the last chunk, trailers, the end") {
    auto m = render::chunked_meanings("5\r\nhello\r\nA;ext=1\r\nab\ncd\nefgh\r\n0\r\nX-T: 1\r\n\r\n");
    REQUIRE(m.size() == 9);
    CHECK(m[0] == "chunk size: 0x5 = 5 bytes of data follow, then CR LF");
    CHECK(m[1] == "chunk data");
    CHECK(m[2] == "chunk size: 0xA = 10 bytes of data follow, then CR LF");
    CHECK(m[3] == "chunk data");
    CHECK(m[4] == "chunk data");
    CHECK(m[5] == "chunk data");
    CHECK(m[6] == "the last chunk (size 0): the data ends; trailer fields may follow");
    CHECK(m[7] == "trailer field");
    CHECK(m[8] == "the empty line: the chunked body ends");
}
