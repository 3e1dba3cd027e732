// RequestTracker: when is the first request of a client's stream complete,
// and what was read of it. StreamView is tested in render/, converse() in client/.
#include <doctest/doctest.h>

#include <string>

#include "capture/request_tracker.hpp"

using namespace rawhttp;

TEST_CASE("RequestTracker: a GET is complete at its empty line; later bytes are not the request's") {
    capture::RequestTracker t;
    CHECK(t.feed("GET / HTTP/1.1\r\nHo") == 18);
    CHECK_FALSE(t.complete());
    // The rest of the head and the start of a second, pipelined request.
    CHECK(t.feed("st: a\r\n\r\nGET /2") == 9);
    CHECK(t.complete());
    CHECK(t.request_bytes() == 27);
    CHECK(t.request().strict);
    CHECK(t.request().method == "GET");
    CHECK(t.request().headers.size() == 1);
    CHECK(t.findings().empty());
    CHECK(t.feed("more") == 0);
}

TEST_CASE("RequestTracker: Content-Length and chunked bodies, in pieces") {
    SUBCASE("Content-Length") {
        capture::RequestTracker t;
        t.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
        CHECK_FALSE(t.complete());
        CHECK(t.feed("llo!!") == 3);
        CHECK(t.complete());
        CHECK(t.request().body_bytes == 5);
        CHECK(t.request().framing == http::Framing::content_length);
    }
    SUBCASE("chunked") {
        capture::RequestTracker t;
        t.feed("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab");
        CHECK_FALSE(t.complete());
        t.feed("c\r\n0\r");
        CHECK_FALSE(t.complete());
        t.feed("\n\r\n");
        CHECK(t.complete());
        CHECK(t.request().framing == http::Framing::chunked);
    }
}

TEST_CASE("RequestTracker: bare LF completes the request; the rule book calls it a warning, not a rejection") {
    capture::RequestTracker t;
    t.feed("GET / HTTP/1.1\nHost: a\n\n");
    REQUIRE(t.complete());
    CHECK(t.request().strict);  // only a warning: what the rule says is lint's to show
    CHECK(t.request().method == "GET");
    CHECK(t.request().target == "/");
    CHECK(t.request().version == "HTTP/1.1");
    REQUIRE(t.request().headers.size() == 1);
    CHECK(t.request().headers[0].second == "a");
    CHECK(t.findings().empty());  // one finding per byte: lint's, not a second one from the tracker
    capture::RequestTracker bad;
    bad.feed("GET / HTTP/1.1\r\nHost: a b\r\n\r\n");
    REQUIRE(bad.complete());
    CHECK_FALSE(bad.request().strict);  // host-invalid: an error a strict server rejects
}

TEST_CASE("RequestTracker: a request cut short says what was missing") {
    SUBCASE("no empty line") {
        capture::RequestTracker t;
        t.feed("GET / HTTP/1.1\r\nHost: a\r\n");
        t.finish("the client closed the connection");
        CHECK_FALSE(t.complete());
        REQUIRE_FALSE(t.findings().empty());
        CHECK(t.findings().back().message.find("no terminating empty line") != std::string::npos);
        CHECK(t.request().method == "GET");
    }
    SUBCASE("short body") {
        capture::RequestTracker t;
        t.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
        t.finish("the client closed the connection");
        REQUIRE_FALSE(t.findings().empty());
        CHECK(t.findings().back().message.find("announces 10 bytes but the body has 3") != std::string::npos);
    }
}
