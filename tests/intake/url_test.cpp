// Tests of the URL reader for `send URL` (src/intake/url): what curl 7.88
// puts in the request line and Host header for a URL.
#include "intake/url.hpp"

#include <doctest/doctest.h>

using namespace rawhttp::intake;

TEST_CASE("url: scheme, host, port, target as curl sends them") {
    auto u = parse_url("http://127.0.0.1:8080/a/b?x=1");
    REQUIRE(u);
    CHECK_FALSE(u->tls);
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == 8080);
    CHECK(u->target == "/a/b?x=1");
    CHECK(u->host_header() == "127.0.0.1:8080");
    CHECK(u->authority() == "127.0.0.1:8080");

    auto s = parse_url("HTTPS://Example.COM");
    REQUIRE(s);
    CHECK(s->tls);
    CHECK(s->port == 443);
    CHECK(s->target == "/");
    CHECK(s->host_header() == "Example.COM");  // curl keeps the case
    CHECK(s->authority() == "Example.COM:443");

    // The scheme's own port is left out of Host, as curl does.
    CHECK(parse_url("http://h:80/")->host_header() == "h");
    CHECK(parse_url("https://h:443/")->host_header() == "h");
    CHECK(parse_url("https://h:80/")->host_header() == "h:80");
    CHECK(parse_url("http://h?q")->target == "/?q");
}

TEST_CASE("url: userinfo is decoded, the fragment dropped, dot segments removed") {
    auto u = parse_url("http://u%40x:p%3Aw@127.0.0.1:9/a/./b/../c?q=1&r#frag");
    REQUIRE(u);
    CHECK(*u->user == "u@x");
    CHECK(*u->password == "p:w");
    CHECK(u->target == "/a/c?q=1&r");
    CHECK(parse_url("http://h/a/b/..", true)->target == "/a/b/..");
    CHECK(parse_url("http://h/a/b/..")->target == "/a/");
    CHECK(parse_url("http://h/a//b/%7e?")->target == "/a//b/%7e?");
    // Bytes past ASCII: percent-encoded in the path, kept in the query (curl 7.88).
    CHECK(parse_url("http://h/\xc3\xa4?x=\xc3\xa9")->target == "/%c3%a4?x=\xc3\xa9");
    CHECK_FALSE(parse_url("http://user@h/")->password);
}

TEST_CASE("url: IPv6 literals keep their brackets") {
    auto u = parse_url("http://[::1]:8080/v6");
    REQUIRE(u);
    CHECK(u->host == "[::1]");
    CHECK(u->host_header() == "[::1]:8080");
    CHECK(u->authority() == "[::1]:8080");
    CHECK(parse_url("https://[2001:db8::1]/")->authority() == "[2001:db8::1]:443");
}

TEST_CASE("url: mistakes are usage errors that say what is wrong") {
    auto msg = [](std::string_view url) {
        auto u = parse_url(url);
        REQUIRE_FALSE(u);
        CHECK(u.error().kind == rawhttp::ErrorKind::usage);
        return u.error().message;
    };
    CHECK(msg("ftp://h/").find("scheme 'ftp'") != std::string::npos);
    CHECK(msg("http://h/a b").find("space") != std::string::npos);
    CHECK(msg("http://h:0/").find("port") != std::string::npos);
    CHECK(msg("http://h:65536/").find("port") != std::string::npos);
    CHECK(msg("http://h:8x/").find("port") != std::string::npos);
    CHECK(msg("http:///x").find("no host") != std::string::npos);
    CHECK(msg("http://[::1/").find("never closes") != std::string::npos);
    CHECK(msg("http://[::g]/").find("IPv6") != std::string::npos);
    CHECK(msg("http://a\\b/").find("host name") != std::string::npos);
    CHECK(msg("not-a-url").find("not a URL") != std::string::npos);
}

TEST_CASE("url: looks_like_url tells a URL from a path") {
    CHECK(looks_like_url("http://x"));
    CHECK(looks_like_url("HTTPS://x"));
    CHECK(looks_like_url("ftp://x"));  // a URL still, refused by parse_url with its scheme named
    CHECK_FALSE(looks_like_url("requests/get.req"));
    CHECK_FALSE(looks_like_url("./http://x"));
    CHECK_FALSE(looks_like_url("://x"));
    CHECK_FALSE(looks_like_url("1http://x"));
}

TEST_CASE("url: remove_dot_segments (RFC 3986 5.2.4)") {
    CHECK(remove_dot_segments("/a/b/c/./../../g") == "/a/g");
    CHECK(remove_dot_segments("/../a") == "/a");
    CHECK(remove_dot_segments("/.") == "/");
    CHECK(remove_dot_segments("/a/.") == "/a/");
    CHECK(remove_dot_segments("/") == "/");
}
