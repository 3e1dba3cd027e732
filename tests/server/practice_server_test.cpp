// The practice server over real loopback sockets: a PracticeServer on
// 127.0.0.1 port 0 in a thread, clients made of raw bytes. Every read and
// write has a deadline, so a bug fails a test instead of hanging it.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/transport.hpp"
#include "server/practice_server.hpp"

using namespace rawhttp;
using namespace std::chrono_literals;
using net::Clock;
using net::Deadline;

namespace {

// The server in a thread, stopped and joined on destruction.
struct TestServer {
    std::atomic<bool> stop{false};
    std::ostringstream log;  // read only after stop() (the server thread writes it)
    std::unique_ptr<server::PracticeServer> srv;
    std::thread thread;
    int port = 0;

    explicit TestServer(server::ServeOptions o = {}) {
        auto l = net::listen_on("127.0.0.1", 0);
        REQUIRE_MESSAGE(l.ok(), (l.ok() ? "" : l.error().message));
        o.log = &log;
        srv = std::make_unique<server::PracticeServer>(std::move(*l), o);
        port = srv->port();
        thread = std::thread([this] { srv->run(stop); });
    }
    void halt() {
        stop = true;
        if (thread.joinable()) thread.join();
    }
    ~TestServer() { halt(); }
};

struct Reply {
    int status = 0;
    std::string head;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool chunked = false;
    std::vector<std::size_t> chunk_sizes;
    std::vector<int> interim;

    std::optional<std::string> header(std::string_view name) const {
        for (const auto& [n, v] : headers) {
            if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                }))
                return v;
        }
        return std::nullopt;
    }
};

// A raw client with a small, independent response reader.
// Its socket is its own, so that a test can make it close with a reset.
struct Client {
    std::unique_ptr<net::Transport> t;
    int fd = -1;  // t's socket
    std::string buf;
    Deadline deadline;

    explicit Client(int port, std::chrono::milliseconds limit = 10s) : deadline(Deadline::after(limit)) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd >= 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE_MESSAGE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0, std::strerror(errno));
        t = net::adopt_socket(fd);
    }

    // The server has sent something (or closed): a look that does not wait.
    bool answered() {
        auto r = t->wait_readable(Deadline::after(0ms));
        return r && *r == net::Transport::Ready::transport;
    }

    // Closing will reset the connection (RST), as a client that crashed.
    void reset_on_close() {
        linger lg{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }

    bool send(std::string_view bytes) { return t->write_all(bytes, deadline).ok(); }

    // Reads more into buf; false at FIN, error or timeout.
    bool fill() {
        char tmp[65536];
        auto r = t->read(tmp, sizeof tmp, deadline);
        if (!r || *r == 0) return false;
        buf.append(tmp, *r);
        return true;
    }

    bool need(std::size_t n) {
        while (buf.size() < n) {
            if (!fill()) return false;
        }
        return true;
    }

    std::optional<std::string> take_line() {
        for (;;) {
            auto e = buf.find("\r\n");
            if (e != std::string::npos) {
                std::string line = buf.substr(0, e);
                buf.erase(0, e + 2);
                return line;
            }
            if (!fill()) return std::nullopt;
        }
    }

    std::optional<Reply> reply(bool head_request = false) {
        Reply r;
        for (;;) {
            auto end = buf.find("\r\n\r\n");
            while (end == std::string::npos) {
                if (!fill()) return std::nullopt;
                end = buf.find("\r\n\r\n");
            }
            std::string head = buf.substr(0, end + 4);
            buf.erase(0, end + 4);
            if (head.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
            int status = std::atoi(head.c_str() + 9);
            if (status >= 100 && status < 200) {
                r.interim.push_back(status);
                continue;
            }
            r.status = status;
            r.head = head;
            std::size_t pos = head.find("\r\n") + 2;
            while (pos < head.size() - 2) {
                std::size_t e = head.find("\r\n", pos);
                std::string line = head.substr(pos, e - pos);
                auto colon = line.find(':');
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                r.headers.push_back({line.substr(0, colon), value});
                pos = e + 2;
            }
            break;
        }
        if (head_request || r.status == 204 || r.status == 304) return r;
        if (auto te = r.header("Transfer-Encoding")) {
            r.chunked = true;
            for (;;) {
                auto size_line = take_line();
                if (!size_line) return std::nullopt;
                std::size_t n = std::stoul(*size_line, nullptr, 16);
                if (n == 0) {
                    auto trailer_end = take_line();
                    if (!trailer_end || !trailer_end->empty()) return std::nullopt;
                    return r;
                }
                r.chunk_sizes.push_back(n);
                if (!need(n + 2)) return std::nullopt;
                r.body.append(buf, 0, n);
                if (buf.compare(n, 2, "\r\n") != 0) return std::nullopt;
                buf.erase(0, n + 2);
            }
        }
        if (auto cl = r.header("Content-Length")) {
            std::size_t n = std::stoull(*cl);
            if (!need(n)) return std::nullopt;
            r.body = buf.substr(0, n);
            buf.erase(0, n);
            return r;
        }
        while (fill()) {
        }
        r.body = std::move(buf);
        buf.clear();
        return r;
    }

    // True when the server closes the connection with nothing more to say.
    bool closed_by_server() {
        if (!buf.empty()) return false;
        char tmp[256];
        auto r = t->read(tmp, sizeof tmp, deadline);
        return r.ok() && *r == 0;
    }
};

std::string get(std::string_view path, std::string_view extra = "") {
    return "GET " + std::string(path) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra) + "\r\n";
}

std::string pattern(std::size_t n) {
    static const std::string p = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_\n";
    std::string s;
    s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) s += p[i % p.size()];
    return s;
}

std::optional<Reply> one_shot(int port, std::string_view request, bool head_request = false) {
    Client c(port);
    if (!c.send(request)) return std::nullopt;
    return c.reply(head_request);
}

}  // namespace

TEST_CASE("serve: / is a small page about the practice server") {
    TestServer s;
    auto r = one_shot(s.port, get("/"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(r->header("Server") == "rawhttp-serve");
    CHECK(r->header("Date").has_value());
    CHECK(r->header("Content-Length") == std::to_string(r->body.size()));
    CHECK(r->body.find("practice server") != std::string::npos);
    CHECK(r->body.find("/echo") != std::string::npos);
    CHECK(r->body.find("/slow/N") != std::string::npos);
    s.halt();
    CHECK(s.log.str().find("127.0.0.1:") == 0);
    CHECK(s.log.str().find("\"GET / HTTP/1.1\" 200") != std::string::npos);
}

TEST_CASE("serve: /echo returns the exact request bytes, head and body") {
    TestServer s;
    SUBCASE("Content-Length body") {
        std::string req =
            "POST /echo?x=1 HTTP/1.1\r\nHost: localhost\r\nX-Odd:   spaced out  \r\nContent-Length: 11\r\n\r\nhello world";
        auto r = one_shot(s.port, req);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->header("Content-Type") == "text/plain");
        CHECK(r->body == req);
    }
    SUBCASE("chunked body: the framing is echoed too") {
        std::string req = "PUT /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n";
        auto r = one_shot(s.port, req);
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == req);
    }
    SUBCASE("a body sent in pieces") {
        Client c(s.port);
        std::string head = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6\r\n\r\n";
        REQUIRE(c.send(head + "ab"));
        std::this_thread::sleep_for(50ms);
        REQUIRE(c.send("cd"));
        std::this_thread::sleep_for(50ms);
        REQUIRE(c.send("ef"));
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->body == head + "abcdef");
    }
    SUBCASE("HEAD /echo: the length, no body") {
        std::string req = "HEAD /echo HTTP/1.1\r\nHost: localhost\r\n\r\n";
        Client c(s.port);
        REQUIRE(c.send(req));
        auto r = c.reply(true);
        REQUIRE(r);
        CHECK(r->header("Content-Length") == std::to_string(req.size()));
        REQUIRE(c.send(get("/status/201")));  // and nothing stray came before the next reply
        auto r2 = c.reply();
        REQUIRE(r2);
        CHECK(r2->status == 201);
    }
}

TEST_CASE("serve: keep-alive, two requests on one connection") {
    TestServer s;
    Client c(s.port);
    REQUIRE(c.send(get("/")));
    auto a = c.reply();
    REQUIRE(a);
    CHECK(a->status == 200);
    CHECK_FALSE(a->header("Connection").has_value());
    REQUIRE(c.send(get("/redirect")));
    auto b = c.reply();
    REQUIRE(b);
    CHECK(b->status == 302);
    CHECK(b->header("Location") == "/");
    CHECK_FALSE(b->body.empty());
}

TEST_CASE("serve: pipelined requests in one write are answered in order") {
    TestServer s;
    Client c(s.port);
    std::string first = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc";
    REQUIRE(c.send(first + get("/status/404") + get("/bytes/70000") + get("/chunked/10") + get("/", "Connection: close\r\n")));
    auto r1 = c.reply();
    auto r2 = c.reply();
    auto r3 = c.reply();
    auto r4 = c.reply();
    auto r5 = c.reply();
    REQUIRE(r1);
    REQUIRE(r2);
    REQUIRE(r3);
    REQUIRE(r4);
    REQUIRE(r5);
    CHECK(r1->body == first);
    CHECK(r2->status == 404);
    CHECK(r3->body == pattern(70000));
    CHECK(r4->body == pattern(10));
    CHECK(r5->status == 200);
    CHECK(r5->header("Connection") == "close");
    CHECK(c.closed_by_server());
}

TEST_CASE("serve: /chunked/3000 is 3000 bytes in chunks of at most 1024") {
    TestServer s;
    auto r = one_shot(s.port, get("/chunked/3000"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->chunked);
    CHECK_FALSE(r->header("Content-Length").has_value());
    CHECK(r->body.size() == 3000);
    CHECK(r->body == pattern(3000));
    REQUIRE_FALSE(r->chunk_sizes.empty());
    for (auto n : r->chunk_sizes) CHECK(n <= 1024);
    auto empty = one_shot(s.port, get("/chunked/0"));
    REQUIRE(empty);
    CHECK(empty->chunked);
    CHECK(empty->body.empty());
}

TEST_CASE("serve: /bytes/N") {
    TestServer s;
    auto r = one_shot(s.port, get("/bytes/100000"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("Content-Length") == "100000");
    CHECK(r->body == pattern(100000));
    // Bigger than every buffer, streamed as the socket drains.
    auto big = one_shot(s.port, get("/bytes/30000000"));
    REQUIRE(big);
    CHECK(big->body.size() == 30000000u);
    CHECK(big->body.compare(29999936, 64, pattern(64)) == 0);
    auto head = one_shot(s.port, "HEAD /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n", true);
    REQUIRE(head);
    CHECK(head->header("Content-Length") == "5000");
    auto too_big = one_shot(s.port, get("/bytes/1073741825"));
    REQUIRE(too_big);
    CHECK(too_big->status == 404);
}

TEST_CASE("serve: /status/N, /slow/N and unknown pages") {
    TestServer s;
    auto teapot = one_shot(s.port, get("/status/418"));
    REQUIRE(teapot);
    CHECK(teapot->status == 418);
    auto none = one_shot(s.port, get("/status/204"));
    REQUIRE(none);
    CHECK(none->status == 204);
    CHECK_FALSE(none->header("Content-Length").has_value());
    auto unknown = one_shot(s.port, get("/status/599"));
    REQUIRE(unknown);
    CHECK(unknown->status == 599);
    auto hint = one_shot(s.port, get("/status/103"));
    REQUIRE(hint);
    CHECK(hint->interim == std::vector<int>{103});
    CHECK(hint->status == 200);
    auto out_of_range = one_shot(s.port, get("/status/600"));
    REQUIRE(out_of_range);
    CHECK(out_of_range->status == 404);
    auto missing = one_shot(s.port, get("/nope?x"));
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body.find("/chunked/N") != std::string::npos);
    auto start = Clock::now();
    auto slow = one_shot(s.port, get("/slow/3"));
    auto took = Clock::now() - start;
    REQUIRE(slow);
    CHECK(slow->body == pattern(3));
    CHECK(took >= 250ms);
    CHECK(took < 3s);
    auto options = one_shot(s.port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(options);
    CHECK(options->status == 204);
    CHECK(options->header("Allow").has_value());
    // A method the rule book accepts (a token in capitals) that serve does not offer: 405 with Allow.
    auto brew = one_shot(s.port, "BREW /status/418 HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(brew);
    CHECK(brew->status == 405);
    CHECK(brew->header("Allow").has_value());
    CHECK(brew->body.find("RFC 9110") != std::string::npos);
    auto absolute = one_shot(s.port, "GET http://localhost/status/202?x=y HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(absolute);
    CHECK(absolute->status == 202);
}

TEST_CASE("serve: HTTP/1.0 closes unless keep-alive is asked for") {
    TestServer s;
    {
        Client c(s.port);
        REQUIRE(c.send("GET / HTTP/1.0\r\n\r\n"));
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->header("Connection") == "close");
        CHECK(c.closed_by_server());
    }
    {
        Client c(s.port);
        REQUIRE(c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->header("Connection") == "keep-alive");
        REQUIRE(c.send("GET /chunked/100 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        auto r2 = c.reply();  // no chunked coding for HTTP/1.0: the body ends at close
        REQUIRE(r2);
        CHECK_FALSE(r2->chunked);
        CHECK(r2->body == pattern(100));
    }
}

TEST_CASE("serve: Expect: 100-continue gets an interim 100 before the body") {
    TestServer s;
    Client c(s.port);
    std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
    REQUIRE(c.send(head));
    auto line = c.take_line();
    REQUIRE(line);
    CHECK(*line == "HTTP/1.1 100 Continue");
    REQUIRE(c.take_line() == std::string());
    REQUIRE(c.send("body"));
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->body == head + "body");
}

TEST_CASE("serve: malformed requests get a 400 that names the rule, then a close") {
    TestServer s;
    struct Case {
        const char* name;
        std::string request;
        const char* mention;
    };
    std::vector<Case> cases = {
        {"space before colon", "GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", "[space-before-colon]"},
        {"no Host", "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n", "[host-missing]"},
        {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "[host-repeated]"},
        {"TE and CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
         "[content-length-with-transfer-encoding]"},
        {"TE not ending in chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", "RFC 9112 §6.3"},
        {"bad Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", "[content-length-invalid]"},
        {"bad chunk", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunked"},
    };
    for (const auto& k : cases) {
        CAPTURE(k.name);
        Client c(s.port);
        REQUIRE(c.send(k.request));
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(r->header("Connection") == "close");
        CHECK(r->body.find("RFC 9112") != std::string::npos);
        CHECK_MESSAGE(r->body.find(k.mention) != std::string::npos, r->body);
        CHECK(c.closed_by_server());
    }
    {
        // The rule book's warnings: tolerated and named by default, rejected with strict.
        auto lf = one_shot(s.port, "GET / HTTP/1.1\nHost: localhost\n\n");
        REQUIRE(lf);
        CHECK(lf->status == 200);
        CHECK(lf->header("Rawhttp-Warnings") == "bare-lf");
        server::ServeOptions so;
        so.strict = true;
        TestServer strict(so);
        for (std::string req : {"GET / HTTP/1.1\nHost: localhost\n\n", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"}) {
            auto r = one_shot(strict.port, req);
            REQUIRE(r);
            CHECK(r->status == 400);
            CHECK(r->body.find("RFC 9112") != std::string::npos);
        }
    }
    // lint's line and column are in the explanation.
    auto r = one_shot(s.port, "GET / HTTP/1.1\r\nHost : localhost\r\n\r\n");
    REQUIRE(r);
    CHECK(r->body.find("line 2, column 5: error [space-before-colon]") != std::string::npos);
}

TEST_CASE("serve: other refusals: 505, 501, 413, 431") {
    TestServer s;
    auto v2 = one_shot(s.port, "GET / HTTP/2.0\r\nHost: a\r\n\r\n");
    REQUIRE(v2);
    CHECK(v2->status == 505);
    auto preface = one_shot(s.port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    REQUIRE(preface);
    CHECK(preface->status == 505);
    CHECK(preface->body.find("HTTP/2") != std::string::npos);
    auto gzip = one_shot(s.port, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    REQUIRE(gzip);
    CHECK(gzip->status == 501);
    CHECK(gzip->body.find("gzip") != std::string::npos);
    auto huge_echo = one_shot(s.port, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 17000000\r\n\r\nxyz");
    REQUIRE(huge_echo);
    CHECK(huge_echo->status == 413);
    // A head that never ends within 1 MiB.
    Client c(s.port);
    std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(server::kMaxHeadBytes + 10, 'a');
    (void)c.send(big);  // the server may answer before taking it all
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->status == 431);
}

TEST_CASE("serve: a large body to a page that is not /echo is read and discarded") {
    TestServer s;
    Client c(s.port);
    const std::size_t n = 20u << 20;
    REQUIRE(c.send("PUT /status/201 HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n"));
    REQUIRE(c.send(std::string(n, 'z')));
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->status == 201);
    REQUIRE(c.send(get("/")));  // and the connection is still in step
    auto r2 = c.reply();
    REQUIRE(r2);
    CHECK(r2->status == 200);
}

TEST_CASE("serve: 408 for a stalled request, a quiet close for an idle connection") {
    server::ServeOptions o;
    o.idle_timeout = 300ms;
    TestServer s(o);
    SUBCASE("partial head") {
        Client c(s.port);
        auto start = Clock::now();
        REQUIRE(c.send("GET / HTTP/1.1\r\nHost: localhost\r\n"));
        auto r = c.reply();
        auto took = Clock::now() - start;
        REQUIRE(r);
        CHECK(r->status == 408);
        CHECK(r->header("Connection") == "close");
        CHECK(r->body.find("Request Timeout") != std::string::npos);
        CHECK(took >= 250ms);
        CHECK(took < 3s);
        CHECK(c.closed_by_server());
    }
    SUBCASE("partial body") {
        Client c(s.port);
        REQUIRE(c.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc"));
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 408);
        CHECK(r->body.find("3 of the 10") != std::string::npos);
    }
    SUBCASE("idle keep-alive connection") {
        Client c(s.port);
        REQUIRE(c.send(get("/")));
        REQUIRE(c.reply());
        auto start = Clock::now();
        CHECK(c.closed_by_server());
        auto took = Clock::now() - start;
        CHECK(took >= 200ms);
        CHECK(took < 3s);
    }
    SUBCASE("progress keeps a slow client alive") {
        Client c(s.port);
        std::string req = get("/");
        for (char ch : req) {
            REQUIRE(c.send(std::string(1, ch)));
            std::this_thread::sleep_for(20ms);  // total well beyond the idle timeout
        }
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 200);
    }
}

// Both ends of every connection live in this process: 2000 descriptors and
// more, past the usual soft limit of 1024. Raise it to the hard limit first,
// before the server thread starts (which raises it too, but in a race).
static bool enough_descriptors(rlim_t need) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
    if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
        ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur >= need;
}

TEST_CASE("serve: 1000 concurrent connections, each doing a request") {
    const int n = 1000;
    REQUIRE_MESSAGE(enough_descriptors(2 * n + 64),
                    "RLIMIT_NOFILE's hard limit is below " << 2 * n + 64 << ": raise it (ulimit -Hn) to run this test");
    TestServer s;
    auto start = Clock::now();
    std::vector<std::unique_ptr<Client>> clients;
    clients.reserve(n);
    for (int i = 0; i < n; ++i) clients.push_back(std::make_unique<Client>(s.port, 60s));
    // All are open at once; now every one asks, then every one reads.
    for (int i = 0; i < n; ++i) REQUIRE(clients[i]->send(get("/status/" + std::to_string(200 + i % 100))));
    int ok = 0;
    for (int i = 0; i < n; ++i) {
        auto r = clients[i]->reply();
        if (r && r->status == 200 + i % 100) ++ok;
    }
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    CHECK(ok == n);
    CHECK(took < 60s);
    MESSAGE("1000 concurrent connections served in " << took.count() << " ms");
}

TEST_CASE("serve: /chunked/N of every shape, from the shared block of chunks") {
    TestServer s;
    // Around the block of 16 full chunks and the short last chunk.
    for (std::size_t n : {1u, 1023u, 1024u, 1025u, 16384u, 16385u, 50000u, 300000u}) {
        auto r = one_shot(s.port, get("/chunked/" + std::to_string(n)));
        REQUIRE(r);
        CHECK(r->chunked);
        CHECK_MESSAGE(r->body == pattern(n), "/chunked/" << n);
        for (auto k : r->chunk_sizes) CHECK(k <= 1024);
    }
    // Two on one connection: the generator leaves the connection in step.
    Client c(s.port);
    REQUIRE(c.send(get("/chunked/2049") + get("/bytes/70000")));
    auto a = c.reply();
    auto b = c.reply();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->body == pattern(2049));
    CHECK(b->body == pattern(70000));
}

TEST_CASE("serve: a full table makes room: the idlest keep-alive connection is closed") {
    server::ServeOptions o;
    o.max_connections = 2;
    TestServer s(o);
    Client a(s.port), b(s.port);
    REQUIRE(a.send(get("/")));
    REQUIRE(a.reply());
    std::this_thread::sleep_for(20ms);
    REQUIRE(b.send(get("/")));
    REQUIRE(b.reply());
    CHECK(s.srv->max_connections() == 2u);
    Client c(s.port);  // a third: a, idle longest, makes room
    REQUIRE(c.send(get("/status/202")));
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->status == 202);
    CHECK(a.closed_by_server());
    REQUIRE(b.send(get("/status/203")));  // b kept its place
    auto rb = b.reply();
    REQUIRE(rb);
    CHECK(rb->status == 203);
}

TEST_CASE("serve: a full table of partial heads: the oldest gets 408 and makes room") {
    server::ServeOptions o;
    o.max_connections = 2;
    TestServer s(o);
    Client a(s.port), b(s.port);
    REQUIRE(a.send("GET / HTTP/1.1\r\nHost: a\r\n"));
    std::this_thread::sleep_for(50ms);
    REQUIRE(b.send("GET / HTTP/1.1\r\nHost: b\r\n"));
    std::this_thread::sleep_for(50ms);
    Client c(s.port);
    REQUIRE(c.send(get("/status/202")));
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->status == 202);
    auto ra = a.reply();
    REQUIRE(ra);
    CHECK(ra->status == 408);
    // The library words the limit; it knows no option names.
    CHECK(ra->body.find("(the server's connection limit)") != std::string::npos);
    REQUIRE(b.send("\r\n"));  // b, younger, is still served
    auto rb = b.reply();
    REQUIRE(rb);
    CHECK(rb->status == 200);
}

TEST_CASE("serve: a full table of busy connections: 503 with Retry-After") {
    server::ServeOptions o;
    o.max_connections = 1;
    TestServer s(o);
    Client a(s.port);
    REQUIRE(a.send(get("/slow/30")));  // busy for 3 s
    REQUIRE(a.fill());                 // its head arrived: a holds the only place
    Client b(s.port);
    REQUIRE(b.send(get("/")));
    auto r = b.reply();
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->header("Retry-After") == "1");
    CHECK(r->header("Connection") == "close");
    CHECK(r->body.find("(the server's connection limit)") != std::string::npos);
    CHECK(b.closed_by_server());
    auto ra = a.reply();  // a was not disturbed
    REQUIRE(ra);
    CHECK(ra->body == pattern(30));
}

TEST_CASE("serve: max_per_client: one address's connections beyond the cap get 503") {
    server::ServeOptions o;
    o.max_per_client = 2;
    // A caller's name for a limit is shown beside the library's words.
    o.limit_name = [](server::Limit l) { return l == server::Limit::max_per_client ? std::string("per-client cap") : std::string(); };
    TestServer s(o);
    Client a(s.port), b(s.port);
    REQUIRE(a.send(get("/")));
    REQUIRE(a.reply());
    REQUIRE(b.send(get("/")));
    REQUIRE(b.reply());
    Client c(s.port);
    REQUIRE(c.send(get("/")));
    auto r = c.reply();
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->header("Retry-After") == "1");
    CHECK(r->body.find("(the server's limit per client, per-client cap)") != std::string::npos);
    REQUIRE(a.send(get("/status/201")));  // the first two still are served
    auto ra = a.reply();
    REQUIRE(ra);
    CHECK(ra->status == 201);
}

TEST_CASE("serve: the head deadline ends a head that trickles in steadily") {
    server::ServeOptions o;
    o.idle_timeout = 2s;
    o.head_timeout = 400ms;
    TestServer s(o);
    Client c(s.port);
    auto start = Clock::now();
    REQUIRE(c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Drip: "));
    // A byte every 50 ms: never silent for the idle timeout, yet never done.
    std::optional<Reply> r;
    for (int i = 0; i < 60 && Clock::now() - start < 3s; ++i) {
        std::this_thread::sleep_for(50ms);
        if (!c.send("a")) break;
        if (c.answered()) break;
    }
    r = c.reply();
    auto took = Clock::now() - start;
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(r->body.find("(the server's head limit)") != std::string::npos);
    CHECK(r->body.find("400 ms") != std::string::npos);
    CHECK(took >= 350ms);
    CHECK(took < 1500ms);
}

TEST_CASE("serve: the body deadline: a drip gets 408, a steady upload gets through") {
    server::ServeOptions o;
    o.idle_timeout = 5s;
    o.body_timeout = 300ms;
    o.min_body_rate = 100;  // each byte buys 10 ms
    TestServer s(o);
    SUBCASE("a byte every 50 ms falls behind") {
        Client c(s.port);
        auto start = Clock::now();
        REQUIRE(c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"));
        for (int i = 0; i < 60 && Clock::now() - start < 3s; ++i) {
            std::this_thread::sleep_for(50ms);
            if (!c.send("b")) break;
            if (c.answered()) break;
        }
        auto r = c.reply();
        auto took = Clock::now() - start;
        REQUIRE(r);
        CHECK(r->status == 408);
        CHECK(r->body.find("(the server's minimum body rate)") != std::string::npos);
        CHECK(r->body.find("of the 1000") != std::string::npos);
        CHECK(took >= 300ms);
        CHECK(took < 2s);
    }
    SUBCASE("100 bytes every 50 ms keeps ahead") {
        Client c(s.port);
        REQUIRE(c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"));
        for (int i = 0; i < 10; ++i) {
            std::this_thread::sleep_for(50ms);
            REQUIRE(c.send(std::string(100, 'b')));
        }
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 200);
    }
}

TEST_CASE("serve: the connection limit follows the descriptor limit") {
    TestServer s;
    auto r = one_shot(s.port, get("/"));  // run() has started, and sized its table
    REQUIRE(r);
    rlimit rl{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    std::size_t limit = s.srv->max_connections();
    CHECK(limit > 0);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 128) CHECK(limit == rl.rlim_cur - 64);
    CHECK(limit != 4096u);
}

TEST_CASE("serve: clients that vanish mid-request or mid-response do not stop the server") {
    TestServer s;
    {
        Client c(s.port);  // half a head, then gone
        REQUIRE(c.send("GET / HTTP/1.1\r\nHo"));
    }
    {
        Client c(s.port);  // half a body, then reset
        REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc"));
        c.reset_on_close();
    }
    {
        Client c(s.port);  // asks for 50 MB, reads a little, leaves
        REQUIRE(c.send(get("/bytes/50000000")));
        REQUIRE(c.fill());
    }
    {
        Client c(s.port);  // asks for a slow drip, leaves
        REQUIRE(c.send(get("/slow/100")));
    }
    {
        Client c(s.port);  // asks for a large chunked body and resets
        REQUIRE(c.send(get("/chunked/50000000")));
        REQUIRE(c.fill());
        c.reset_on_close();
    }
    {
        Client c(s.port);  // half-closes after a head without its empty line
        REQUIRE(c.send("GET / HTTP/1.1\r\nHost: a\r\n"));
        c.t->shutdown_write();
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(r->body.find("ended early") != std::string::npos);
        CHECK(r->body.find("[head-unterminated]") != std::string::npos);
    }
    {
        Client c(s.port);  // half-closes after a full request: still answered
        REQUIRE(c.send(get("/bytes/200000")));
        c.t->shutdown_write();
        auto r = c.reply();
        REQUIRE(r);
        CHECK(r->body.size() == 200000u);
    }
    std::this_thread::sleep_for(300ms);  // let the drip hit the closed socket
    auto r = one_shot(s.port, get("/"));
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("serve: run() returns soon after stop is set") {
    auto s = std::make_unique<TestServer>();
    Client c(s->port);  // an open connection does not hold it up
    REQUIRE(c.send(get("/")));
    REQUIRE(c.reply());
    auto start = Clock::now();
    s->halt();
    CHECK(Clock::now() - start < 1s);
    CHECK(c.closed_by_server());
}
