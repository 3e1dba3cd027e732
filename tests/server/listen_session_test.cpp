// The library parts of listen and chat: RequestTracker (when is the first
// request complete), StreamView (bytes shown as they arrive) and converse()
// over a socketpair. Every socket operation has a deadline.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "server/conversation.hpp"
#include "server/listen_session.hpp"

using namespace rawhttp;
using namespace std::chrono_literals;

TEST_CASE("RequestTracker: a GET is complete at its empty line; later bytes are not the request's") {
    server::RequestTracker t;
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
        server::RequestTracker t;
        t.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
        CHECK_FALSE(t.complete());
        CHECK(t.feed("llo!!") == 3);
        CHECK(t.complete());
        CHECK(t.request().body_bytes == 5);
        CHECK(t.request().framing == http::Framing::content_length);
    }
    SUBCASE("chunked") {
        server::RequestTracker t;
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
    server::RequestTracker t;
    t.feed("GET / HTTP/1.1\nHost: a\n\n");
    REQUIRE(t.complete());
    CHECK(t.request().strict);  // only a warning: what the rule says is lint's to show
    CHECK(t.request().method == "GET");
    CHECK(t.request().target == "/");
    CHECK(t.request().version == "HTTP/1.1");
    REQUIRE(t.request().headers.size() == 1);
    CHECK(t.request().headers[0].second == "a");
    CHECK(t.findings().empty());  // one finding per byte: lint's, not a second one from the tracker
    server::RequestTracker bad;
    bad.feed("GET / HTTP/1.1\r\nHost: a b\r\n\r\n");
    REQUIRE(bad.complete());
    CHECK_FALSE(bad.request().strict);  // host-invalid: an error a strict server rejects
}

TEST_CASE("RequestTracker: a request cut short says what was missing") {
    SUBCASE("no empty line") {
        server::RequestTracker t;
        t.feed("GET / HTTP/1.1\r\nHost: a\r\n");
        t.finish("the client closed the connection");
        CHECK_FALSE(t.complete());
        REQUIRE_FALSE(t.findings().empty());
        CHECK(t.findings().back().message.find("no terminating empty line") != std::string::npos);
        CHECK(t.request().method == "GET");
    }
    SUBCASE("short body") {
        server::RequestTracker t;
        t.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
        t.finish("the client closed the connection");
        REQUIRE_FALSE(t.findings().empty());
        CHECK(t.findings().back().message.find("announces 10 bytes but the body has 3") != std::string::npos);
    }
}

TEST_CASE("StreamView: escapes as bytes arrive, keeps a UTF-8 character split between reads whole") {
    server::StreamView v({}, "< ");
    std::string out = v.feed("caf\xc3");
    out += v.feed("\xa9\r\nnext\x1b[2J");
    out += v.finish();
    CHECK(out == "< caf\xc3\xa9\\r\\n\n< next\\e[2J\n");
    server::StreamView hex({}, "", true);
    std::string h = hex.feed(std::string(16, 'a'));
    h += hex.feed("b");
    CHECK(h.find("00000010  62 ") != std::string::npos);  // offsets run on from read to read
}

namespace {

struct Pair {
    std::unique_ptr<net::Transport> mine;
    int peer = -1;
    Pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        mine = net::adopt_socket(fds[0]);
        peer = fds[1];
    }
    ~Pair() {
        if (peer >= 0) ::close(peer);
    }
    // Everything the peer can read until EOF or 2 s.
    std::string drain() {
        std::string got;
        char buf[4096];
        for (;;) {
            pollfd p{peer, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) break;
            ssize_t n = ::read(peer, buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, static_cast<std::size_t>(n));
        }
        return got;
    }
};

struct Recorded : server::ConversationHooks {
    std::string received, sent;
    bool input_closed = false;
    void on_received(std::string_view b) override { received.append(b); }
    void on_sent(std::string_view b) override { sent.append(b); }
    void on_input_closed() override { input_closed = true; }
};

}  // namespace

TEST_CASE("converse: piped lines go out with CRLF (or LF), the end of input half-closes") {
    for (bool bare_lf : {false, true}) {
        CAPTURE(bare_lf);
        Pair pair;
        int in[2];
        REQUIRE(::pipe(in) == 0);
        std::string typed = "GET / HTTP/1.1\nHost: x\r\n\nno newline at the end";
        REQUIRE(::write(in[1], typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
        ::close(in[1]);
        REQUIRE(::write(pair.peer, "HTTP/1.1 200 OK\r\n", 17) == 17);
        server::ConversationOptions o;
        o.input_fd = in[0];
        o.bare_lf = bare_lf;
        o.deadline = net::Deadline::after(5s);
        Recorded hooks;
        std::atomic<bool> stop{false};
        // The peer closes once it has read everything (our FIN): then converse ends.
        std::string got;
        std::thread peer([&] {
            got = pair.drain();
            ::shutdown(pair.peer, SHUT_WR);
        });
        auto end = server::converse(*pair.mine, o, hooks, stop);
        peer.join();
        ::close(in[0]);
        REQUIRE(end.ok());
        CHECK(*end == server::ConversationEnd::peer_closed);
        std::string eol = bare_lf ? "\n" : "\r\n";
        CHECK(got == "GET / HTTP/1.1" + eol + "Host: x" + eol + eol + "no newline at the end");
        CHECK(hooks.sent == got);
        CHECK(hooks.received == "HTTP/1.1 200 OK\r\n");
        CHECK(hooks.input_closed);
    }
}

TEST_CASE("converse: stop (Ctrl-C) ends it; the deadline is a timeout") {
    Pair pair;
    int in[2];
    REQUIRE(::pipe(in) == 0);  // input that stays open and silent
    server::ConversationOptions o;
    o.input_fd = in[0];
    Recorded hooks;
    SUBCASE("stop") {
        std::atomic<bool> stop{true};
        auto end = server::converse(*pair.mine, o, hooks, stop);
        REQUIRE(end.ok());
        CHECK(*end == server::ConversationEnd::stopped);
    }
    SUBCASE("deadline") {
        std::atomic<bool> stop{false};
        o.deadline = net::Deadline::after(200ms);
        auto end = server::converse(*pair.mine, o, hooks, stop);
        REQUIRE_FALSE(end.ok());
        CHECK(end.error().kind == ErrorKind::timeout);
    }
    ::close(in[0]);
    ::close(in[1]);
}
