// The live view of send: what each event writes, in order, and the same
// view written at once.
#include <doctest/doctest.h>

#include <string>

#include "render/terminal_report.hpp"
#include "render/exchange_fixture.hpp"

using namespace rawhttp;

namespace {

ComposedRequest get_request() {
    ComposedRequest r;
    r.bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    r.head_bytes = r.bytes.size();
    r.method = "GET";
    r.line = 1;
    return r;
}

client::ExchangeResult exchange(const ComposedRequest& req) { return render_test::connected(req); }

void head_done(client::ExchangeResult& ex) {
    client::Response r;
    r.version = "HTTP/1.1";
    r.status = 200;
    r.reason = "OK";
    r.headers = {{"Content-Length", "5"}};
    r.framing = http::Framing::content_length;
    r.content_length = 5;
    r.raw_head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    r.head_complete = true;
    ex.response = r;
}

}  // namespace

TEST_CASE("ExchangeView: each event writes its section when it happens") {
    auto req = get_request();
    auto ex = exchange(req);
    render::ReportOptions o;
    o.sections.request = true;
    render::ExchangeView v(o, 1);

    std::string connected = v.begin(ex);
    CHECK(connected.starts_with("connection #1 (new)\n"));
    CHECK(connected.find("  connected  127.0.0.1:8080 (ipv4)") != std::string::npos);
    CHECK(v.begin(ex).empty());  // once

    ex.bytes_written = req.bytes.size();
    CHECK(v.request_written(ex) == "request (27 bytes sent)\n  > GET / HTTP/1.1\\r\\n\n  > Host: x\\r\\n\n  > \\r\\n\n\n");

    // A raw line shows when its line break comes, not before.
    CHECK(v.raw(ex, "HTTP/1.1 200 O") == "");
    CHECK(v.raw(ex, "K\r\nContent-") == "raw response\n  < HTTP/1.1 200 OK\\r\\n\n");
    CHECK(v.raw(ex, "Length: 5\r\n\r\n") == "  < Content-Length: 5\\r\\n\n  < \\r\\n\n");
    head_done(ex);
    std::string parsed = v.head(ex);
    CHECK(parsed.starts_with("\nparsed\n  version     HTTP/1.1\n"));
    CHECK(parsed.find("  framing     Content-Length: 5 bytes to come\n") != std::string::npos);
    CHECK(v.raw(ex, "hel") == "");  // a partial line waits for its line break, or the end
    ex.response->body_bytes = 5;
    ex.response->complete = true;
    CHECK(v.raw(ex, "lo") == "");
    render::ExchangeCapture cap;
    cap.add_raw(ex.response->raw_head + "hello");
    cap.add_body("hello");
    render::ExchangeEnd end;
    end.capture = &cap;
    std::string rest = v.end(ex, end);
    INFO(rest);
    CHECK(rest.starts_with("raw response, the body\n  < hello\n\nreceived\n  body        Content-Length: 5 bytes\n  raw         43 bytes received\n"));
}

TEST_CASE("ExchangeView: the body streams when it is shown without the raw view") {
    auto req = get_request();
    auto ex = exchange(req);
    render::ReportOptions o;
    o.sections.raw = false;
    o.sections.body = true;
    render::ExchangeView v(o, 1);
    head_done(ex);
    v.begin(ex);
    v.head(ex);
    CHECK(v.streams_body());
    CHECK(v.body(ex, "he") == "body\nhe");
    CHECK(v.body(ex, "\x1b[2J") == "\\e[2J");  // escaped on a terminal
}

TEST_CASE("exchange_report: the whole view at once, errors and hints at the end") {
    auto req = get_request();
    auto ex = exchange(req);
    ex.bytes_written = req.bytes.size();
    ex.error = make_error(ErrorKind::timeout, "timed out waiting for data from 127.0.0.1:8080");
    render::ExchangeCapture cap;
    render::ExchangeEnd end;
    end.capture = &cap;
    end.hints = {"add --tls"};
    std::string all = render::exchange_report(ex, {}, end, 1);
    CHECK(all.find("connection #1 (new)") < all.find("error (timeout, exit 28): timed out"));
    CHECK(all.find("hint: add --tls\n") != std::string::npos);
}

TEST_CASE("interrupted_summary: connected, bytes each way, what it waited for") {
    auto req = get_request();
    auto ex = exchange(req);
    ex.bytes_written = req.bytes.size();
    CHECK(render::interrupted_summary(ex, 0, 2500) ==
          "after 2.5 s: connected to 127.0.0.1:8080 (connection #1); sent 27 of 27 request "
          "bytes; received 0 bytes; was waiting for the response's first byte");
    head_done(ex);
    ex.response->body_bytes = 2;
    CHECK(render::interrupted_summary(ex, 41, 100).ends_with(
        "received 41 bytes; was waiting for the rest of the body (2 of 5 bytes, Content-Length)"));
    client::ExchangeResult none;
    none.destination.host = "example.com";
    CHECK(render::interrupted_summary(none, 0, 0).ends_with("not connected; was connecting to example.com:80"));
}

// Whole outputs, for exchanges read by the real response reader from raw bytes.
TEST_CASE("exchange_report: a 200 with a Content-Length body, whole") {
    render_test::Exchange e("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
               "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
               "Content-Length: 5\r\n\r\nhello",
               false);
    e.capture.add_body("hello");
    render::ExchangeEnd end;
    end.capture = &e.capture;
    std::string text = render::exchange_report(e.ex, {}, end, 1);
    CHECK(text ==
          "connection #1 (new)\n"
          "  resolved   127.0.0.1 -> 127.0.0.1:8080\n"
          "  connected  127.0.0.1:8080 (ipv4) in 0.2 ms\n"
          "  local      127.0.0.1:50000   <- local address and ephemeral port\n"
          "\n"
          "raw response\n"
          "  < HTTP/1.1 200 OK\\r\\n\n"
          "  < Date: Mon, 01 Jan 2024 00:00:00 GMT\\r\\n\n"
          "  < Content-Type: text/plain\\r\\n\n"
          "  < Content-Length: 5\\r\\n\n"
          "  < \\r\\n\n"
          "\n"
          "parsed\n"
          "  version     HTTP/1.1\n"
          "  status      200  OK: the request succeeded and the body carries the result\n"
          "  reason      OK\n"
          "  headers     3\n"
          "     1  Date            Mon, 01 Jan 2024 00:00:00 GMT\n"
          "     2  Content-Type    text/plain\n"
          "     3  Content-Length  5\n"
          "  framing     Content-Length: 5 bytes to come\n"
          "\n"
          "raw response, the body\n"
          "  < hello\n"
          "\n"
          "received\n"
          "  body        Content-Length: 5 bytes\n"
          "  raw         106 bytes received\n"
          "\n");
}

TEST_CASE("exchange_report: a 400 with why lines and the rule book's findings on a response, whole") {
    render_test::Exchange e("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
               "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nbad",
               false);
    e.capture.add_body("bad");
    render::ExchangeEnd end;
    end.capture = &e.capture;
    end.why = {"line 2, column 1: error [host-missing] no Host"};
    render::ReportOptions o;
    o.sections.timing = true;
    std::string text = render::exchange_report(e.ex, o, end, 1);
    CHECK(text ==
          "connection #1 (new)\n"
          "  resolved   127.0.0.1 -> 127.0.0.1:8080\n"
          "  connected  127.0.0.1:8080 (ipv4) in 0.2 ms\n"
          "  local      127.0.0.1:50000   <- local address and ephemeral port\n"
          "\n"
          "raw response\n"
          "  < HTTP/1.1 400 Bad Request\\r\\n\n"
          "  < Content-Length: 3\\r\\n\n"
          "  < Content-Length: 3\\r\\n\n"
          "  < \\r\\n\n"
          "\n"
          "parsed\n"
          "  version     HTTP/1.1\n"
          "  status      400  Bad Request: the server could not parse the request (malformed syntax, framing or headers)\n"
          "  reason      Bad Request\n"
          "  headers     2\n"
          "     1  Content-Length  3\n"
          "     2  Content-Length  3\n"
          "  framing     Content-Length: 3 bytes to come\n"
          "\n"
          "raw response, the body\n"
          "  < bad\n"
          "\n"
          "received\n"
          "  body        Content-Length: 3 bytes\n"
          "  raw         69 bytes received\n"
          "\n"
          "findings on the response (2, rawhttp rules ID explains each)\n"
          "  line 1, column 1: warning [date-missing] a 400 response without a Date field (an origin server with a clock must send one; a proxy adds it when it forwards)\n"
          "      RFC 9110 §6.6.1; risk: caching, caches cannot compute the response's age\n"
          "  line 3, column 1: warning [content-length-repeated] Content-Length is given 2 times with the same value; a server may reject the repetition\n"
          "      RFC 9110 §8.6; risk: smuggling, two parsers (a proxy and a server, a server and a client) may read this message's end or fields differently: request smuggling, response splitting\n"
          "\n"
          "why the server may have answered 400\n"
          "  line 2, column 1: error [host-missing] no Host\n"
          "\n"
          "timing\n"
          "  dns         0.1 ms\n"
          "  connect     0.2 ms\n"
          "  tls         -\n"
          "  written     0.3 ms\n"
          "  first byte  1.5 ms\n"
          "  total       2.0 ms\n"
          "\n");
}
