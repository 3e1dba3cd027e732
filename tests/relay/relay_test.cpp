// relay_connection over loopback sockets: a scripted upstream on one side, a
// client socket on the other. Pairing by order (a HEAD's response has no
// body whatever its Content-Length says), bytes passed on unchanged, a
// stalled upstream ended by the idle timeout. Every socket has a deadline.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/transport.hpp"
#include "relay/relay.hpp"

using namespace rawhttp;
using namespace std::chrono_literals;

namespace {

struct Collect : relay::RelayHooks {
    std::mutex m;
    std::vector<relay::Exchange> exchanges;
    relay::ConnectionReport closed;
    void on_exchange(const relay::Exchange& ex) override {
        std::lock_guard<std::mutex> lock(m);
        exchanges.push_back(ex);
    }
    void on_closed(const relay::ConnectionReport& c) override { closed = c; }
};

// Reads from fd until `want` bytes came, the peer closed, or 5 s passed.
std::string read_for(int fd, std::size_t want) {
    std::string got;
    auto end = std::chrono::steady_clock::now() + 5s;
    char buf[4096];
    while (got.size() < want && std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

// The same through a transport (the relay's client side).
std::string read_all(net::Transport& t, std::size_t want) {
    std::string got;
    auto end = net::Deadline::after(5s);
    char buf[4096];
    while (got.size() < want && !end.passed()) {
        auto n = t.read(buf, sizeof buf, net::Deadline::earliest(end, net::Deadline::after(100ms)));
        if (!n) {
            if (n.error().kind == ErrorKind::timeout) continue;
            break;
        }
        if (*n == 0) break;
        got.append(buf, *n);
    }
    return got;
}

int accept_one(int listen_fd) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return -1;
    return ::accept(listen_fd, nullptr, nullptr);
}

// Runs one relayed connection: `client` writes `request`, the upstream
// answers what `answer` returns for the bytes it got, the client reads.
struct Run {
    std::string upstream_got, client_got;
    Collect hooks;
};

void run(const std::string& request, std::size_t upstream_wants, const std::string& answer, std::size_t client_wants,
         Run& r, std::chrono::milliseconds idle = 5000ms) {
    auto up = net::listen_on("127.0.0.1", 0);
    REQUIRE(up.ok());
    auto front = net::listen_on("127.0.0.1", 0);
    REQUIRE(front.ok());
    std::thread upstream([&] {
        int fd = accept_one(up->fd);
        if (fd < 0) return;
        r.upstream_got = read_for(fd, upstream_wants);
        if (!answer.empty()) (void)::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
        else read_for(fd, 1);  // stall: say nothing until the relay gives up
        ::close(fd);
    });
    relay::RelayOptions o;
    o.upstream.host = "127.0.0.1";
    o.upstream.port = up->port;
    o.idle_timeout = idle;
    o.linger = 200ms;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> ids{0};
    std::thread relaying([&] {
        int fd = accept_one(front->fd);
        if (fd < 0) return;
        relay::relay_connection(net::adopt_socket(fd), 1, o, r.hooks, ids, stop);
    });
    net::ConnectOptions co;
    co.host = "127.0.0.1";
    co.port = front->port;
    co.connect_timeout = 2000ms;
    auto client = net::connect(co);
    REQUIRE(client.ok());
    REQUIRE((*client)->write_all(request, net::Deadline::after(2000ms)).ok());
    r.client_got = read_all(**client, client_wants);
    client->reset();  // the client closes
    upstream.join();
    relaying.join();
    ::close(up->fd);
    ::close(front->fd);
}

}  // namespace

TEST_CASE("relay_connection: pipelined exchanges paired in order; a HEAD's response has no body") {
    const std::string request = "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"          // to HEAD: no body follows
        "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope!";  // to GET
    Run r;
    run(request, request.size(), answer, answer.size(), r);
    CHECK(r.upstream_got == request);  // unchanged
    CHECK(r.client_got == answer);
    REQUIRE(r.hooks.exchanges.size() == 2);
    const auto& a = r.hooks.exchanges[0];
    const auto& b = r.hooks.exchanges[1];
    CHECK(a.request.method == "HEAD");
    CHECK(a.response.status == 200);
    CHECK(a.response.framing == http::Framing::none);
    CHECK(a.response.complete);
    CHECK(b.request.target == "/b");
    CHECK(b.response.status == 404);
    CHECK(b.response.body_bytes == 5);
    CHECK(b.index == 2);
    CHECK(r.hooks.closed.exchanges == 2);
    CHECK(r.hooks.closed.from_client == request.size());
    CHECK(r.hooks.closed.from_upstream == answer.size());
}

TEST_CASE("relay_connection: findings from the rule book on both sides") {
    const std::string request = "GET / HTTP/1.1\nHost: x\n\n";  // bare LFs: a warning
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi";
    Run r;
    run(request, request.size(), answer, answer.size(), r);
    CHECK(r.client_got == answer);
    REQUIRE(r.hooks.exchanges.size() == 1);
    const auto& ex = r.hooks.exchanges[0];
    REQUIRE_FALSE(ex.request.findings.empty());
    CHECK(ex.request.findings[0].id == "bare-lf");
    bool conflict = false;
    for (const auto& f : ex.response.findings) conflict = conflict || f.id == "content-length-conflict";
    CHECK(conflict);
}

TEST_CASE("relay_connection: an upstream that says nothing is ended by the idle timeout, with the reason") {
    const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    Run r;
    auto t0 = std::chrono::steady_clock::now();
    run(request, request.size(), "", 1, r, 300ms);
    CHECK(std::chrono::steady_clock::now() - t0 < 4s);
    CHECK(r.client_got.empty());
    CHECK(r.hooks.closed.error);
    CHECK(r.hooks.closed.ended.find("the upstream sent nothing") != std::string::npos);
    REQUIRE(r.hooks.exchanges.size() == 1);
    CHECK_FALSE(r.hooks.exchanges[0].response.started);
}
