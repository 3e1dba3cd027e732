// The transport over real loopback sockets (127.0.0.1, ::1, a unix socket in
// a temp dir). Every wait is bounded by a deadline so a bug fails, never hangs.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "net/transport.hpp"

using namespace rawhttp;
using namespace rawhttp::net;
using namespace std::chrono_literals;

namespace {

// Accepts one connection within `ms`, or returns -1.
int accept_one(int listen_fd, int ms = 5000) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return -1;
    return ::accept(listen_fd, nullptr, nullptr);
}

Listener must_listen(const std::string& host) {
    auto l = listen_on(host, 0);
    REQUIRE_MESSAGE(l.ok(), (l.ok() ? "" : l.error().message));
    return *l;
}

ConnectOptions to(const std::string& host, int port) {
    ConnectOptions o;
    o.host = host;
    o.port = port;
    o.connect_timeout = 5000ms;
    o.deadline = Deadline::after(10s);
    return o;
}

std::string read_exactly(Transport& t, std::size_t n, Deadline dl) {
    std::string out;
    char buf[4096];
    while (out.size() < n) {
        auto r = t.read(buf, std::min(sizeof buf, n - out.size()), dl);
        if (!r || *r == 0) break;
        out.append(buf, *r);
    }
    return out;
}

bool ipv6_loopback_available() {
    int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

struct Recorder : TransportObserver {
    std::string reads, writes;
    void on_read(std::string_view b) override { reads.append(b); }
    void on_write(std::string_view b) override { writes.append(b); }
};

// Client <-> server round trip over whatever `o` connects to.
void round_trip(const ConnectOptions& o, int listen_fd) {
    std::string server_got;
    std::thread server([&] {
        int fd = accept_one(listen_fd);
        if (fd < 0) return;
        auto t = adopt_socket(fd);
        server_got = read_exactly(*t, 5, Deadline::after(5s));
        (void)t->write_all("world!", Deadline::after(5s));
    });
    auto c = connect(o);
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
    Recorder rec;
    (*c)->set_observer(&rec);
    CHECK((*c)->write_all("hello", Deadline::after(5s)).ok());
    CHECK(read_exactly(**c, 6, Deadline::after(5s)) == "world!");
    server.join();
    CHECK(server_got == "hello");
    CHECK(rec.writes == "hello");
    CHECK(rec.reads == "world!");
}

}  // namespace

TEST_CASE("transport: IPv4 loopback round trip, with a real ephemeral local port") {
    Listener l = must_listen("127.0.0.1");
    CHECK(l.port > 0);
    CHECK(l.address == "127.0.0.1:" + std::to_string(l.port));
    auto o = to("127.0.0.1", l.port);
    {
        std::thread server([&] {
            int fd = accept_one(l.fd);
            if (fd < 0) return;
            auto t = adopt_socket(fd);
            CHECK(t->info().family == "ipv4");
            CHECK(t->info().local == l.address);
            char buf[16];
            (void)t->read(buf, sizeof buf, Deadline::after(5s));
        });
        auto c = connect(o);
        REQUIRE(c.ok());
        const auto& info = (*c)->info();
        CHECK(info.family == "ipv4");
        CHECK(info.remote == l.address);
        REQUIRE(info.resolved.size() == 1);
        CHECK(info.resolved[0] == l.address);
        CHECK(info.failed.empty());
        REQUIRE(info.local.rfind("127.0.0.1:", 0) == 0);
        int local_port = std::atoi(info.local.c_str() + 10);
        CHECK(local_port > 0);
        CHECK(local_port != l.port);
        CHECK(info.connect_ms >= 0);
        (*c)->shutdown_write();
        server.join();
    }
    round_trip(o, l.fd);
    ::close(l.fd);
}

TEST_CASE("transport: a closed port is refused (connect error)") {
    Listener l = must_listen("127.0.0.1");
    int port = l.port;
    ::close(l.fd);
    auto c = connect(to("127.0.0.1", port));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::connect);
    CHECK(c.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(c.error().message.find("refused") != std::string::npos);
}

TEST_CASE("transport: a name under .invalid does not resolve (resolve error)") {
    auto o = to("no-such-host.invalid", 80);
    auto c = connect(o);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::resolve);
    CHECK(c.error().message.find("could not resolve host 'no-such-host.invalid'") == 0);
}

TEST_CASE("transport: bad ports are refused before any network use") {
    auto c = connect(to("127.0.0.1", 0));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::usage);
    auto d = connect(to("127.0.0.1", 70000));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().kind == ErrorKind::usage);
}

TEST_CASE("transport: connect_timeout bounds a connect that gets no answer") {
    // A listener with a full accept queue drops further SYNs, so a connect to
    // it neither succeeds nor fails: only the timeout ends it.
    auto l = listen_on("127.0.0.1", 0, 1);
    REQUIRE(l.ok());
    std::vector<std::unique_ptr<Transport>> queued;
    bool timed_out = false;
    for (int i = 0; i < 64 && !timed_out; ++i) {
        auto o = to("127.0.0.1", l->port);
        o.connect_timeout = 200ms;
        auto start = Clock::now();
        auto c = connect(o);
        if (c.ok()) {
            queued.push_back(std::move(*c));
            continue;
        }
        auto took = Clock::now() - start;
        CHECK(c.error().kind == ErrorKind::timeout);
        CHECK(c.error().message.find("timed out after") != std::string::npos);
        CHECK(took >= 195ms);
        CHECK(took < 2s);
        timed_out = true;
    }
    if (!timed_out) MESSAGE("skipped: this kernel accepted every connection");
    ::close(l->fd);
}

TEST_CASE("transport: a silent server makes read time out at the deadline") {
    Listener l = must_listen("127.0.0.1");
    std::atomic<bool> done{false};
    std::thread server([&] {
        int fd = accept_one(l.fd);
        // Say nothing until the client gave up.
        for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(10ms);
        if (fd >= 0) ::close(fd);
    });
    auto c = connect(to("127.0.0.1", l.port));
    REQUIRE(c.ok());
    char buf[64];
    auto start = Clock::now();
    auto r = (*c)->read(buf, sizeof buf, Deadline::after(200ms));
    auto took = Clock::now() - start;
    done = true;
    server.join();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::timeout);
    CHECK(took >= 195ms);
    CHECK(took < 1500ms);
    // A deadline already passed fails at once.
    auto r2 = (*c)->read(buf, sizeof buf, Deadline{Clock::now() - 1ms});
    REQUIRE_FALSE(r2.ok());
    CHECK(r2.error().kind == ErrorKind::timeout);
    ::close(l.fd);
}

TEST_CASE("transport: FIN reads as 0, reset as a receive error") {
    Listener l = must_listen("127.0.0.1");
    SUBCASE("orderly close") {
        std::thread server([&] {
            int fd = accept_one(l.fd);
            if (fd < 0) return;
            (void)::send(fd, "bye", 3, MSG_NOSIGNAL);
            ::close(fd);
        });
        auto c = connect(to("127.0.0.1", l.port));
        REQUIRE(c.ok());
        CHECK(read_exactly(**c, 3, Deadline::after(5s)) == "bye");
        char buf[8];
        auto r = (*c)->read(buf, sizeof buf, Deadline::after(5s));
        server.join();
        REQUIRE(r.ok());
        CHECK(*r == 0);
    }
    SUBCASE("reset") {
        std::thread server([&] {
            int fd = accept_one(l.fd);
            if (fd < 0) return;
            linger lg{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            ::close(fd);
        });
        auto c = connect(to("127.0.0.1", l.port));
        REQUIRE(c.ok());
        server.join();
        char buf[8];
        auto r = (*c)->read(buf, sizeof buf, Deadline::after(5s));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::receive);
        CHECK(r.error().message.find("reset the connection (connection reset by peer)") != std::string::npos);
        // Writing to the reset connection fails as a send error, without SIGPIPE.
        Status w = ok_status();
        for (int i = 0; i < 20 && w.ok(); ++i) w = (*c)->write_all(std::string(4096, 'x'), Deadline::after(2s));
        REQUIRE_FALSE(w.ok());
        CHECK(w.error().kind == ErrorKind::send);
    }
    ::close(l.fd);
}

TEST_CASE("transport: write_all of 8 MiB to a slow reader completes") {
    Listener l = must_listen("127.0.0.1");
    const std::size_t total = 8u << 20;
    std::size_t received = 0;
    bool intact = true;
    std::thread server([&] {
        int fd = accept_one(l.fd);
        if (fd < 0) return;
        auto t = adopt_socket(fd);
        std::vector<char> buf(64 * 1024);
        auto dl = Deadline::after(30s);
        while (received < total) {
            auto r = t->read(buf.data(), buf.size(), dl);
            if (!r || *r == 0) break;
            for (std::size_t i = 0; i < *r; ++i) {
                if (buf[i] != static_cast<char>('a' + (received + i) % 26)) intact = false;
            }
            received += *r;
            std::this_thread::sleep_for(1ms);  // slow: the writer must wait for POLLOUT
        }
    });
    auto c = connect(to("127.0.0.1", l.port));
    REQUIRE(c.ok());
    std::string data(total, '\0');
    for (std::size_t i = 0; i < total; ++i) data[i] = static_cast<char>('a' + i % 26);
    auto w = (*c)->write_all(data, Deadline::after(30s));
    CHECK_MESSAGE(w.ok(), (w.ok() ? "" : w.error().message));
    server.join();
    CHECK(received == total);
    CHECK(intact);
    ::close(l.fd);
}

TEST_CASE("transport: write_all times out on a peer that never reads") {
    Listener l = must_listen("127.0.0.1");
    std::atomic<bool> done{false};
    std::thread server([&] {
        int fd = accept_one(l.fd);
        for (int i = 0; i < 1000 && !done; ++i) std::this_thread::sleep_for(10ms);
        if (fd >= 0) ::close(fd);
    });
    auto c = connect(to("127.0.0.1", l.port));
    REQUIRE(c.ok());
    std::string big(64u << 20, 'x');  // more than any socket buffer
    auto start = Clock::now();
    auto w = (*c)->write_all(big, Deadline::after(300ms));
    auto took = Clock::now() - start;
    done = true;
    server.join();
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().kind == ErrorKind::timeout);
    CHECK(took < 5s);
    ::close(l.fd);
}

TEST_CASE("transport: unix socket round trip") {
    char dir_template[] = "/tmp/rawhttp-net-XXXXXX";
    char* dir = ::mkdtemp(dir_template);
    REQUIRE(dir != nullptr);
    std::string path = std::string(dir) + "/sock";
    int lfd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(lfd >= 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    REQUIRE(::listen(lfd, 16) == 0);
    ConnectOptions o;
    o.unix_socket = path;
    o.deadline = Deadline::after(10s);
    {
        std::thread server([&] {
            int fd = accept_one(lfd);
            if (fd >= 0) ::close(fd);
        });
        auto c = connect(o);
        REQUIRE(c.ok());
        CHECK((*c)->info().family == "unix");
        CHECK((*c)->info().remote == path);
        server.join();
    }
    round_trip(o, lfd);
    ::close(lfd);
    ::unlink(path.c_str());
    // Nobody listening there any more: a connect error naming the path.
    auto gone = connect(o);
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().kind == ErrorKind::connect);
    CHECK(gone.error().message.find(path) != std::string::npos);
    ::rmdir(dir);
}

TEST_CASE("transport: IPv6 loopback round trip") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: ::1 is not configured here");
        return;
    }
    Listener l = must_listen("::1");
    CHECK(l.address == "[::1]:" + std::to_string(l.port));
    auto o = to("::1", l.port);
    {
        std::thread server([&] {
            int fd = accept_one(l.fd);
            if (fd >= 0) ::close(fd);
        });
        auto c = connect(o);
        REQUIRE(c.ok());
        CHECK((*c)->info().family == "ipv6");
        CHECK((*c)->info().remote == l.address);
        CHECK((*c)->info().local.rfind("[::1]:", 0) == 0);
        server.join();
    }
    round_trip(o, l.fd);
    ::close(l.fd);
    // A refused IPv6 address is reported in brackets.
    auto c = connect(o);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::connect);
    REQUIRE(c.error().message.find("[::1]:" + std::to_string(l.port)) != std::string::npos);
}

TEST_CASE("transport: listen_on reports a port in use") {
    Listener l = must_listen("127.0.0.1");
    // SO_REUSEADDR does not allow two listeners on one port.
    auto again = listen_on("127.0.0.1", l.port);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == ErrorKind::connect);
    CHECK(again.error().message.starts_with("cannot listen on 127.0.0.1:" + std::to_string(l.port) +
                                            ": Address already in use (another program listens there"));
    ::close(l.fd);
    auto bad = listen_on("127.0.0.1", 70000);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::usage);
}

TEST_CASE("transport: Deadline") {
    CHECK(Deadline::never().poll_timeout_ms() == -1);
    CHECK_FALSE(Deadline::never().passed());
    Deadline past{Clock::now() - 1ms};
    CHECK(past.passed());
    CHECK(past.poll_timeout_ms() == 0);
    // Rounded up, so a poll never wakes just before the deadline and spins.
    Deadline soon{Clock::now() + 1500us};
    int ms = soon.poll_timeout_ms();
    CHECK(ms >= 1);
    CHECK(ms <= 2);
    Deadline tiny{Clock::now() + 10us};
    CHECK(tiny.poll_timeout_ms() >= 0);
    CHECK(tiny.poll_timeout_ms() <= 1);
    auto a = Deadline::after(100ms), b = Deadline::after(5s);
    CHECK(*Deadline::earliest(a, b).at == *a.at);
    CHECK(*Deadline::earliest(b, a).at == *a.at);
    CHECK(*Deadline::earliest(Deadline::never(), b).at == *b.at);
    CHECK(*Deadline::earliest(a, Deadline::never()).at == *a.at);
    CHECK_FALSE(Deadline::earliest(Deadline::never(), Deadline::never()).at.has_value());
}

TEST_CASE("transport: format_address") {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(8080);
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(format_address(&in, sizeof in) == "127.0.0.1:8080");
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(443);
    in6.sin6_addr = in6addr_loopback;
    CHECK(format_address(&in6, sizeof in6) == "[::1]:443");
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::strcpy(un.sun_path, "/tmp/x.sock");
    CHECK(format_address(&un, sizeof un) == "/tmp/x.sock");
}

TEST_CASE("transport: parse_host_port") {
    auto check = [](std::string_view text, std::string host, std::optional<int> port) {
        CAPTURE(text);
        auto hp = parse_host_port(text);
        REQUIRE(hp.has_value());
        CHECK(hp->host == host);
        CHECK(hp->port == port);
    };
    check("example.com", "example.com", std::nullopt);
    check("example.com:8080", "example.com", 8080);
    check("127.0.0.1:80", "127.0.0.1", 80);
    check("[::1]:8080", "::1", 8080);
    check("[::1]", "::1", std::nullopt);
    check("::1", "::1", std::nullopt);
    check("fe80::1:2", "fe80::1:2", std::nullopt);
    check("localhost:0", "localhost", 0);
    check("localhost:65535", "localhost", 65535);
    for (std::string_view bad : {"", ":80", "[]:80", "[::1]x", "[::1]:", "[::1", "host:", "host:http", "host:65536",
                                 "host:-1", "host:99999999999", "a b:80", "host:8 0"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_host_port(bad).has_value());
    }
}
