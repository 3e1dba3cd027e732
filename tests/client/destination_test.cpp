#include <doctest/doctest.h>

#include "client/session.hpp"

using namespace rawhttp;
using namespace rawhttp::client;

namespace {
ComposedRequest req_with(std::optional<std::string> host, std::optional<std::string> target = {},
                         std::optional<bool> tls = {}) {
    ComposedRequest r;
    r.line = 3;
    r.host_header = std::move(host);
    r.target = std::move(target);
    r.tls = tls;
    return r;
}
}  // namespace

TEST_CASE("destination: --to, then @target, then the Host header") {
    auto d = resolve_destination(req_with("h.test:81", "t.test:82"), {.to = "to.test:83", .unix_socket = {}, .tls = {}});
    REQUIRE(d.ok());
    CHECK(d->host == "to.test");
    CHECK(d->port == 83);
    d = resolve_destination(req_with("h.test:81", "t.test:82"), {});
    REQUIRE(d.ok());
    CHECK(d->host == "t.test");
    CHECK(d->port == 82);
    d = resolve_destination(req_with("h.test:81"), {});
    REQUIRE(d.ok());
    CHECK(d->host == "h.test");
    CHECK(d->port == 81);
}

TEST_CASE("destination: default ports and TLS") {
    auto d = resolve_destination(req_with("site.test"), {});
    REQUIRE(d.ok());
    CHECK(d->port == 80);
    CHECK_FALSE(d->tls);
    d = resolve_destination(req_with("site.test:443"), {});
    REQUIRE(d.ok());
    CHECK(d->tls);  // port 443 means TLS by default
    d = resolve_destination(req_with("site.test:443"), {.to = {}, .unix_socket = {}, .tls = false});
    REQUIRE(d.ok());
    CHECK_FALSE(d->tls);  // --no-tls
    d = resolve_destination(req_with("site.test", {}, true), {});
    REQUIRE(d.ok());
    CHECK(d->tls);
    CHECK(d->port == 443);  // @tls = true with no port
}

TEST_CASE("destination: IPv6 literals and display") {
    auto d = resolve_destination(req_with("[::1]:8080"), {});
    REQUIRE(d.ok());
    CHECK(d->host == "::1");
    CHECK(d->port == 8080);
    CHECK(d->display() == "[::1]:8080");
}

TEST_CASE("destination: errors are usage errors that say what to do") {
    auto d = resolve_destination(req_with(std::nullopt), {});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().kind == ErrorKind::usage);
    CHECK(d.error().message.find("--to") != std::string::npos);
    d = resolve_destination(req_with("h.test:99999"), {});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().message.find("port") != std::string::npos);
}

TEST_CASE("destination: --unix-socket keeps the host for display only") {
    auto d = resolve_destination(req_with("localhost"), {.to = {}, .unix_socket = "/tmp/s.sock", .tls = {}});
    REQUIRE(d.ok());
    REQUIRE(d->unix_socket.has_value());
    CHECK(*d->unix_socket == "/tmp/s.sock");
    CHECK(d->display() == "unix:/tmp/s.sock");
}

TEST_CASE("error kinds map to curl's exit codes") {
    CHECK(exit_code(ErrorKind::resolve) == 6);
    CHECK(exit_code(ErrorKind::connect) == 7);
    CHECK(exit_code(ErrorKind::malformed) == 8);
    CHECK(exit_code(ErrorKind::partial) == 18);
    CHECK(exit_code(ErrorKind::timeout) == 28);
    CHECK(exit_code(ErrorKind::tls) == 35);
    CHECK(exit_code(ErrorKind::empty_reply) == 52);
    CHECK(exit_code(ErrorKind::send) == 55);
    CHECK(exit_code(ErrorKind::receive) == 56);
    CHECK(exit_code(ErrorKind::tls_verify) == 60);
    CHECK(exit_code(ErrorKind::template_) == 2);
    CHECK(kind_name(ErrorKind::empty_reply) == "empty-reply");
}
