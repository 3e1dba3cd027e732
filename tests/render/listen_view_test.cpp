// ListenView: the text `rawhttp listen` shows for each step of a client,
// compared whole, colour off.
#include <doctest/doctest.h>

#include <string>

#include "capture/client_report.hpp"
#include "capture/request_tracker.hpp"
#include "render/listen_view.hpp"

using namespace rawhttp;

namespace {

render::ListenWording wording() {
    render::ListenWording w;
    w.respond_label = "--respond ok";
    w.hidden_hint = "--save FILE keeps them all";
    w.idle_hint = "(--idle-timeout)";
    w.timeout_hint = [](Limit l) { return l == Limit::max_time ? std::string(" (--max-time)") : std::string(); };
    w.worded_error = [](const Error& e) { return "worded: " + e.message; };
    return w;
}

// A report of `bytes` as handle_client fills it, fed through the tracker.
capture::ClientReport report_of(const std::string& bytes) {
    capture::RequestTracker t;
    t.feed(bytes);
    capture::ClientReport rep;
    rep.connection.remote = "127.0.0.1:50000";
    rep.connection.local = "127.0.0.1:8080";
    rep.captured = bytes;
    rep.received = bytes.size();
    rep.request_bytes = t.request_bytes();
    rep.request_complete = t.complete();
    rep.request = t.request();
    rep.findings = t.findings();
    rep.ended = t.complete() ? "complete" : "client closed";
    return rep;
}

}  // namespace

TEST_CASE("ListenView: connected, the bytes, and the request block of a complete GET with a finding") {
    render::ListenView v({}, false, wording());
    const std::string get = "GET /a HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    std::string out = v.connected(report_of(get).connection);
    out += v.bytes(get, false);
    capture::ClientReport rep = report_of(get);
    capture::Finding f;
    f.line = 2;
    f.column = 5;
    f.message = "a note\x01";
    rep.findings.push_back(f);
    out += v.request(rep);
    CHECK(out ==
          "client 127.0.0.1:50000 connected  (to 127.0.0.1:8080; 127.0.0.1:50000 is its address and ephemeral port)\n"
          "\n"
          "received (CR and LF shown as \\r \\n)\n"
          "  > GET /a HTTP/1.1\\r\\n\n"
          "  > Host: example.com\\r\\n\n"
          "  > Accept: */*\\r\\n\n"
          "  > \\r\\n\n"
          "\n"
          "request (51 bytes, complete)\n"
          "  method      GET\n"
          "  target      /a\n"
          "  version     HTTP/1.1\n"
          "  headers     2\n"
          "     1  Host    example.com\n"
          "     2  Accept  */*\n"
          "  body        none (no Content-Length, not chunked)\n"
          "\n"
          "findings\n"
          "  note   line 2, column 5: a note\\x01\n"
          "\n");
}

TEST_CASE("ListenView: a clean request has no findings; nothing received; the closed line") {
    {
        render::ListenView v({}, false, wording());
        capture::ClientReport rep = report_of("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        std::string out = v.request(rep);
        CHECK(out.find("findings\n  none: a strict HTTP/1.1 parser accepts this request, and lint finds nothing\n\n") !=
              std::string::npos);
    }
    {
        render::ListenView v({}, false, wording());
        capture::ClientReport rep = report_of("");
        rep.ended = "idle";
        CHECK(v.request(rep) == "  (nothing received: the client went quiet (--idle-timeout))\n\n");
        rep.ended = "deadline";
        CHECK(v.request(rep) == "  (nothing received: the time allowed ran out (--max-time))\n\n");
        rep.ended = "error";
        rep.error = make_error(ErrorKind::connect, "reset");
        CHECK(v.request(rep) == "  (nothing received: worded: reset)\n\n");
    }
    {
        render::ListenView v({}, false, wording());
        capture::ClientReport rep = report_of("GET / HTTP/1.1\r\n\r\n");
        rep.closed = "the client closed the connection";
        rep.duration_ms = 1.5;
        CHECK(v.closed(rep) == "client 127.0.0.1:50000: the client closed the connection (18 bytes received in 1.5 ms)\n");
        rep.closed = "the time allowed ran out";
        rep.closed_by = Limit::max_time;
        CHECK(v.closed(rep).rfind("client 127.0.0.1:50000: the time allowed ran out (--max-time) (18 bytes", 0) == 0);
    }
}

TEST_CASE("ListenView: the show cap counts the bytes past 64 KiB and says so once") {
    render::ListenView v({}, false, wording());
    std::string out = v.bytes(std::string(render::ListenView::kShowCap - 2, 'a'), false);
    out = v.bytes("bbbb", false);  // two shown, two hidden
    out += v.bytes("cccc", false);  // all hidden
    CHECK(out == "bb");
    std::string rest = v.response("HTTP/1.1 200 OK\r\n\r\n");
    CHECK(rest ==
          "\n"
          "  ... 6 more bytes not shown (--save FILE keeps them all)\n"
          "response sent (--respond ok, 19 bytes)\n"
          "  < HTTP/1.1 200 OK\\r\\n\n"
          "  < \\r\\n\n"
          "\n");
    // A response past the cap is cut too.
    render::ListenView w({}, false, wording());
    std::string big = w.response(std::string(render::ListenView::kShowCap + 3, 'x'));
    CHECK(big.size() > 3);
    CHECK(big.find("\n  ... 3 more bytes not shown\n\n") != std::string::npos);
}

TEST_CASE("ListenView: bytes after the request get their own heading") {
    render::ListenView v({}, false, wording());
    std::string out = v.bytes("GET / HTTP/1.1\r\n\r\n", false);
    out = v.bytes("more", true);
    CHECK(out == "\nmore bytes from the client, after the request\n  > more");
    capture::ClientReport rep = report_of("GET / HTTP/1.1\r\n\r\nmore");
    rep.closed = "listen was stopped";
    std::string end = v.closed(rep);
    CHECK(end.rfind("\n\nclient 127.0.0.1:50000: listen was stopped (22 bytes received in ", 0) == 0);
}
