// serve's error pages without a socket: the message reader fed real bytes,
// then the verdict and the page serve would send.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "http/message_reader.hpp"
#include "server/practice_connection.hpp"
#include "server/practice_error_pages.hpp"
#include "server/practice_server.hpp"

using namespace rawhttp;
using namespace std::chrono_literals;
namespace errors = rawhttp::server::errors;

namespace {

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A reader that has taken `bytes`, as serve's does.
http::MessageReader fed(std::string_view bytes, const server::ServeOptions& o) {
    http::MessageReader r(server::serve_reader_options(o));
    while (!bytes.empty() && !r.done() && !r.failed()) {
        std::size_t used = r.put(bytes);
        if (used == 0) break;
        bytes.remove_prefix(used);
    }
    return r;
}

}  // namespace

TEST_CASE("serve's 408: which deadline, in words; the caller's name for it beside them") {
    server::ServeOptions o;
    o.idle_timeout = 500ms;
    const std::string wire = "GET / HTTP/1.1\r\nHost: a\r\n";
    auto reader = fed(wire, o);
    auto plain = errors::timed_out(errors::Deadline::idle, reader, wire, o);
    CHECK(plain.response.status == 408);
    CHECK(plain.response.close);
    CHECK(plain.line == "GET / HTTP/1.1");
    CHECK(has(plain.response.body, "within 500 ms of the last byte received\n(the server's idle limit)."));
    CHECK(has(plain.response.body, "25 bytes of it arrived"));
    CHECK_FALSE(has(plain.response.body, "--idle-timeout"));  // the library knows no option names

    o.limit_name = [](server::Limit l) { return l == server::Limit::idle_timeout ? std::string("--idle-timeout") : ""; };
    auto again = fed(wire, o);
    auto named = errors::timed_out(errors::Deadline::idle, again, wire, o);
    CHECK(has(named.response.body, "(the server's idle limit, --idle-timeout)."));

    auto body_reader = fed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc", o);
    auto slow = errors::timed_out(errors::Deadline::body, body_reader, "POST / HTTP/1.1\r\n", o);
    CHECK(slow.response.status == 408);
    CHECK(has(slow.response.body, "3 of the 10 body bytes announced by Content-Length"));
    CHECK(has(slow.response.body, "(the server's minimum body rate)"));
}

TEST_CASE("serve's deadline on bytes that already broke a rule: the rule's status, not 408") {
    server::ServeOptions o;
    const std::string wire = "GET / HTTP/1.1\r\nHost : a\r\n";  // a space before the colon, then silence
    auto reader = fed(wire, o);
    auto r = errors::timed_out(errors::Deadline::head, reader, wire, o);
    CHECK(r.response.status == 400);
    CHECK(has(r.response.body, "broke a rule"));
    CHECK(has(r.response.body, "`rawhttp lint FILE.req` explains every rule"));
}

TEST_CASE("serve's 400 for a request cut short, 413 for /echo, 503s that say which limit") {
    server::ServeOptions o;
    const std::string wire = "GET / HTTP/1.1\r\nHost: a\r\n";
    auto reader = fed(wire, o);
    auto early = errors::ended_early(reader, wire, o);
    CHECK(early.response.status == 400);
    CHECK(has(early.response.body, "the client closed its side"));

    auto big = errors::echo_too_large("POST /echo HTTP/1.1");
    CHECK(big.response.status == 413);
    CHECK(big.line == "POST /echo HTTP/1.1");

    o.max_per_client = 3;
    auto per = errors::too_many_from("127.0.0.1", o);
    CHECK(per.status == 503);
    CHECK(has(per.body, "at most 3 connections from one address (the server's limit per client), and 127.0.0.1"));
    auto full = errors::table_full(20, o);
    CHECK(full.status == 503);
    CHECK(has(full.body, "All 20 connections this server takes at once (the server's connection limit) are busy"));
    REQUIRE(full.headers.size() == 1);
    CHECK(full.headers[0].first == "Retry-After");
}

TEST_CASE("serve's pool: a buffer comes back with its storage, a reader and request come back reset") {
    server::conn::Pool pool(server::serve_reader_options({}));
    std::string b = pool.take_buffer();
    b.assign(1000, 'x');
    const char* storage = b.data();
    pool.give_buffer(b);
    CHECK(b.capacity() <= 15);  // the connection keeps nothing
    std::string again = pool.take_buffer();
    CHECK(again.empty());
    CHECK(again.data() == storage);  // the same storage, no new allocation

    auto e = pool.take_exchange();
    e->reader.put("GET / HT");
    e->req.wire = "GET / HT";
    CHECK(e->reader.started());
    pool.give_exchange(e);
    CHECK(e == nullptr);
    auto e2 = pool.take_exchange();
    CHECK_FALSE(e2->reader.started());
    CHECK(e2->req.wire.empty());
}
