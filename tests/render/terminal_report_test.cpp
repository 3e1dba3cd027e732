// The live view of send: what each event writes, in order, and the same
// view written at once.
#include <doctest/doctest.h>

#include <string>

#include "render/terminal_report.hpp"

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

client::ExchangeResult exchange(const ComposedRequest& req) {
    client::ExchangeResult ex;
    ex.request = &req;
    ex.destination.host = "127.0.0.1";
    ex.destination.port = 8080;
    net::ConnectionInfo c;
    c.remote = "127.0.0.1:8080";
    c.local = "127.0.0.1:50000";
    c.family = "ipv4";
    c.resolved = {"127.0.0.1:8080"};
    ex.connection = c;
    ex.connection_number = 1;
    return ex;
}

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

TEST_CASE("fit_to_width: long lines broken, continuations under the value column") {
    CHECK(render::fit_to_width("short\n", 40) == "short\n");
    // A header table line: continuations start under the value.
    CHECK(render::fit_to_width("     1  X-Long  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 30) ==
          "     1  X-Long  aaaaaaaaaaaaaa\n                aaaaaaaaaaaaaa\n                aa\n");
    // Prose breaks between words.
    CHECK(render::fit_to_width("  status      200  OK: the request succeeded", 32) ==
          "  status      200  OK: the \n                   request \n                   succeeded");
    // A raw line: under its bytes, after "  < ".
    CHECK(render::fit_to_width("  < Set-Cookie: aaaaaaaaaaaaaaaaaaaaaaaa", 24) ==
          "  < Set-Cookie: aaaaaaaa\n    aaaaaaaaaaaaaaaa");
    // Colours take no columns; UTF-8 characters take one.
    CHECK(render::fit_to_width("\x1b[2m\xc3\xa9\xc3\xa9\xc3\xa9\x1b[0m", 20) == "\x1b[2m\xc3\xa9\xc3\xa9\xc3\xa9\x1b[0m");
    std::string wrapped = render::fit_to_width("  < " + std::string(30, 'b') + "\x1b[2;36m\\r\x1b[0m", 20);
    for (std::size_t start = 0, nl; start < wrapped.size(); start = nl + 1) {
        nl = wrapped.find('\n', start);
        if (nl == std::string::npos) nl = wrapped.size();
        std::string line = wrapped.substr(start, nl - start);
        std::size_t cols = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '\x1b') {
                while (line[i] != 'm') ++i;
                continue;
            }
            ++cols;
        }
        CHECK(cols <= 20);
    }
}
