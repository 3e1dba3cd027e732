// run_session against small scripted servers on 127.0.0.1 (real sockets).
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "client/session.hpp"

using namespace rawhttp;
using namespace rawhttp::client;

namespace {

// Accepts connections one after another; on each, for every request head it
// reads (up to an empty line) it sends the next scripted answer. After
// `answers_per_connection` answers it closes the connection (0: never).
class ScriptedServer {
public:
    ScriptedServer(std::vector<std::string> answers, std::size_t answers_per_connection)
        : answers_(std::move(answers)), per_conn_(answers_per_connection) {
        auto l = net::listen_on("127.0.0.1", 0);
        REQUIRE(l.ok());
        listener_ = *l;
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_.fd);
    }
    int port() const { return listener_.port; }
    std::atomic<int> connections{0};
    std::string received;  // every byte, all connections

private:
    void serve() {
        std::size_t next = 0;
        while (!stop_ && next < answers_.size()) {
            pollfd p{listener_.fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int fd = ::accept(listener_.fd, nullptr, nullptr);
            if (fd < 0) continue;
            ++connections;
            std::size_t on_this = 0;
            std::string buf;
            while (!stop_ && next < answers_.size() && (per_conn_ == 0 || on_this < per_conn_)) {
                std::size_t end = buf.find("\r\n\r\n");
                if (end != std::string::npos) {
                    buf.erase(0, end + 4);
                    const std::string& a = answers_[next++];
                    (void)!::send(fd, a.data(), a.size(), MSG_NOSIGNAL);
                    ++on_this;
                    continue;
                }
                pollfd c{fd, POLLIN, 0};
                if (::poll(&c, 1, 50) <= 0) continue;
                char tmp[4096];
                ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
                if (n <= 0) break;
                buf.append(tmp, static_cast<std::size_t>(n));
                received.append(tmp, static_cast<std::size_t>(n));
            }
            ::close(fd);
        }
    }

    std::vector<std::string> answers_;
    std::size_t per_conn_;
    net::Listener listener_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::vector<ComposedRequest> requests(std::initializer_list<const char*> methods_and_paths) {
    std::vector<ComposedRequest> out;
    for (const char* mp : methods_and_paths) {
        ComposedRequest r;
        std::string s = mp;
        r.method = s.substr(0, s.find(' '));
        r.bytes = s + " HTTP/1.1\r\nHost: t\r\n\r\n";
        r.head_bytes = r.bytes.size();
        out.push_back(r);
    }
    return out;
}

std::vector<ExchangeResult> run(ScriptedServer& srv, const std::vector<ComposedRequest>& reqs, bool pipeline = false) {
    std::vector<Destination> dests(reqs.size(), Destination{"127.0.0.1", srv.port(), false, {}, "127.0.0.1"});
    SessionOptions o;
    o.max_time = std::chrono::milliseconds(5000);
    o.pipeline = pipeline;
    SessionHooks hooks;
    return run_session(reqs, dests, o, hooks);
}

const std::string ok3 = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";

}  // namespace

TEST_CASE("session: keep-alive reuses one connection") {
    ScriptedServer srv({ok3, ok3, ok3}, 0);
    auto res = run(srv, requests({"GET /1", "GET /2", "GET /3"}));
    REQUIRE(res.size() == 3);
    for (const auto& ex : res) {
        CHECK_FALSE(ex.error.has_value());
        CHECK(ex.connection_number == 1);
    }
    CHECK_FALSE(res[0].reused_connection);
    CHECK(res[2].reused_connection);
    CHECK(srv.connections == 1);
}

TEST_CASE("session: keep_responses = false lets each response's head go once the hooks have seen it") {
    struct Seen : SessionHooks {
        std::vector<std::size_t> fields;
        void on_exchange_done(const ExchangeResult& ex) override { fields.push_back(ex.response->headers.size()); }
    };
    for (bool pipeline : {false, true}) {
        CAPTURE(pipeline);
        ScriptedServer srv({ok3, ok3}, 0);
        auto reqs = requests({"GET /1", "GET /2"});
        std::vector<Destination> dests(reqs.size(), Destination{"127.0.0.1", srv.port(), false, {}, "127.0.0.1"});
        SessionOptions o;
        o.max_time = std::chrono::milliseconds(5000);
        o.pipeline = pipeline;
        o.keep_responses = false;
        Seen hooks;
        auto res = run_session(reqs, dests, o, hooks);
        REQUIRE(res.size() == 2);
        CHECK(hooks.fields == std::vector<std::size_t>{1, 1});  // the hooks saw the whole response
        for (const auto& ex : res) {
            REQUIRE(ex.response.has_value());
            CHECK(ex.response->status == 200);  // the outcome stays
            CHECK(ex.response->body_bytes == 3);
            CHECK(ex.response->headers.empty());  // the head is gone
            CHECK(ex.response->raw_head.empty());
        }
    }
}

TEST_CASE("session: a server that closes a kept-alive connection gets the request again on a new one") {
    // The server answers one request per connection, without saying Connection: close.
    ScriptedServer srv({ok3, ok3}, 1);
    auto res = run(srv, requests({"GET /1", "GET /2"}));
    REQUIRE(res.size() == 2);
    CHECK_FALSE(res[1].error.has_value());
    CHECK(res[1].connection_number == 2);
    REQUIRE(res[1].notes.size() == 1);
    CHECK(res[1].notes[0].find("reconnected") != std::string::npos);
    CHECK(srv.connections == 2);
}

TEST_CASE("session: Connection: close in the response means a new connection next time, without a retry note") {
    std::string closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc";
    ScriptedServer srv({closing, ok3}, 1);
    auto res = run(srv, requests({"GET /1", "GET /2"}));
    REQUIRE(res.size() == 2);
    CHECK_FALSE(res[1].error.has_value());
    CHECK(res[1].connection_number == 2);
    CHECK(res[1].notes.empty());
}

TEST_CASE("session: pipelining writes every request before the first answer") {
    ScriptedServer srv({ok3, "HTTP/1.1 204 No Content\r\n\r\n", ok3}, 0);
    auto res = run(srv, requests({"GET /1", "GET /2", "GET /3"}), true);
    REQUIRE(res.size() == 3);
    CHECK(res[1].response->status == 204);
    CHECK(res[2].response->body_bytes == 3);
    CHECK(srv.connections == 1);
}

TEST_CASE("session: pipelined requests go out gathered, every byte once and in order, each told written") {
    // 1500 small requests (about 40 KiB each side of a 64 KiB gathering),
    // and one in the middle whose 100 KiB body is a piece written on its own.
    std::vector<ComposedRequest> reqs;
    for (int i = 0; i < 1500; ++i) {
        ComposedRequest r;
        r.method = "GET";
        r.bytes = "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
        r.head_bytes = r.bytes.size();
        if (i == 700) {
            r.method = "POST";
            r.bytes = "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 102400\r\n\r\n";
            r.head_bytes = r.bytes.size();
            r.bytes += std::string(102400, 'b');
        }
        reqs.push_back(r);
    }
    std::string all;
    for (const auto& r : reqs) all += r.bytes;
    ScriptedServer srv(std::vector<std::string>(reqs.size(), ok3), 0);
    struct Written : SessionHooks {
        std::vector<std::size_t> order;
        void on_request_written(const ExchangeResult& ex) override {
            CHECK(ex.bytes_written == ex.request->bytes.size());
            order.push_back(ex.index);
        }
    } hooks;
    std::vector<Destination> dests(reqs.size(), Destination{"127.0.0.1", srv.port(), false, {}, "127.0.0.1"});
    SessionOptions o;
    o.max_time = std::chrono::milliseconds(10000);
    o.pipeline = true;
    auto res = run_session(reqs, dests, o, hooks);
    REQUIRE(res.size() == reqs.size());
    for (std::size_t i = 0; i < res.size(); ++i) {
        CAPTURE(i);
        REQUIRE_FALSE(res[i].error.has_value());
        CHECK(res[i].index == i);
        CHECK(res[i].response->body_bytes == 3);
        CHECK(res[i].bytes_written == reqs[i].bytes.size());
        CHECK(res[i].timing.written_ms.has_value());
    }
    REQUIRE(hooks.order.size() == reqs.size());
    for (std::size_t i = 0; i < hooks.order.size(); ++i) CHECK(hooks.order[i] == i);
    CHECK(srv.received == all);
    CHECK(srv.connections == 1);
}

TEST_CASE("session: HEAD's Content-Length does not swallow the next response") {
    ScriptedServer srv({"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", ok3}, 0);
    auto res = run(srv, requests({"HEAD /", "GET /"}));
    REQUIRE(res.size() == 2);
    CHECK(res[0].response->framing == http::Framing::none);
    CHECK(res[0].response->body_bytes == 0);
    CHECK(res[1].response->body_bytes == 3);
}

TEST_CASE("session: after 101 Switching Protocols the connection is not reused") {
    ScriptedServer srv({"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", ok3}, 1);
    auto res = run(srv, requests({"GET /up", "GET /next"}));
    REQUIRE(res.size() == 2);
    CHECK(res[0].response->status == 101);
    CHECK(res[1].connection_number == 2);
    CHECK(res[1].notes.empty());
}

TEST_CASE("session: the first failure ends the run, like curl") {
    ScriptedServer srv({"HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n", ok3}, 0);
    auto res = run(srv, requests({"GET /1", "GET /2"}));
    REQUIRE(res.size() == 1);
    REQUIRE(res[0].error.has_value());
    CHECK(res[0].error->kind == ErrorKind::malformed);
}

TEST_CASE("session: before_request may rewrite the next request from the answers so far, or stop the run") {
    ScriptedServer srv({ok3, ok3}, 0);
    auto reqs = requests({"GET /1", "GET /placeholder", "GET /3"});
    std::vector<Destination> dests(reqs.size(), Destination{"127.0.0.1", srv.port(), false, {}, "127.0.0.1"});
    SessionOptions o;
    o.max_time = std::chrono::milliseconds(5000);
    std::vector<std::size_t> seen;  // how many exchanges were done when each request was due
    o.before_request = [&](std::size_t i, const std::vector<ExchangeResult>& done) {
        seen.push_back(done.size());
        if (i == 1) {
            REQUIRE(done.size() == 1);
            REQUIRE(done[0].response);
            reqs[1] = requests({("GET /status-" + std::to_string(done[0].response->status)).c_str()})[0];
        }
        return i < 2;  // the third is not sent
    };
    SessionHooks hooks;
    auto res = run_session(reqs, dests, o, hooks);
    REQUIRE(res.size() == 2);
    CHECK(seen == std::vector<std::size_t>{0, 1, 2});
    CHECK(res[1].request == &reqs[1]);
    CHECK(srv.received.find("GET /status-200 HTTP/1.1\r\n") != std::string::npos);
    CHECK(srv.received.find("/3") == std::string::npos);
    CHECK(srv.connections == 1);
}
