// converse() over a socketpair: what chat and listen --chat run. Every
// socket operation has a deadline.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "client/conversation.hpp"

using namespace rawhttp;
using namespace std::chrono_literals;

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

struct Recorded : client::ConversationHooks {
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
        client::ConversationOptions o;
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
        auto end = client::converse(*pair.mine, o, hooks, stop);
        peer.join();
        ::close(in[0]);
        REQUIRE(end.ok());
        CHECK(*end == client::ConversationEnd::peer_closed);
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
    client::ConversationOptions o;
    o.input_fd = in[0];
    Recorded hooks;
    SUBCASE("stop") {
        std::atomic<bool> stop{true};
        auto end = client::converse(*pair.mine, o, hooks, stop);
        REQUIRE(end.ok());
        CHECK(*end == client::ConversationEnd::stopped);
    }
    SUBCASE("deadline") {
        std::atomic<bool> stop{false};
        o.deadline = net::Deadline::after(200ms);
        auto end = client::converse(*pair.mine, o, hooks, stop);
        REQUIRE_FALSE(end.ok());
        CHECK(end.error().kind == ErrorKind::timeout);
        CHECK(end.error().limit == Limit::max_time);  // the command line names the option
        CHECK(end.error().message.find("--") == std::string::npos);
    }
    ::close(in[0]);
    ::close(in[1]);
}
