// parse_head's two readings agree: the one-pass reading of a clean head and
// the general one (detail::parse_head_general) give the same head and the
// same findings at the same offsets, on clean heads and on every one-byte
// change of them (every byte value at every position), for requests and
// responses, at the server's and the client's limits and at tight ones.
#include "http/head_detail.hpp"
#include "http/message.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace rawhttp::http;

namespace {

// Everything parse_head hands back, as text, offsets included.
std::string describe(const MessageHead& h, const Violations& v) {
    std::string s = std::string(h.method) + "|" + std::string(h.target) + "|" + std::string(h.version) + "|" +
                    std::to_string(h.status) + "|" + std::string(h.reason) + "|" + std::to_string(h.major) + "." +
                    std::to_string(h.minor) + "|" + std::to_string(h.terminated) + "|" +
                    std::to_string(h.line_offset) + "," + std::to_string(h.line_end) + "," +
                    std::to_string(h.empty_line) + "," + std::to_string(h.head_bytes) + "\n";
    for (const auto& f : h.headers)
        s += std::string(f.name) + "@" + std::to_string(f.name_offset) + "=" + std::string(f.value) + "@" +
             std::to_string(f.value_offset) + " known " + std::to_string(static_cast<int>(f.known)) + "\n";
    s += "known fields " + std::to_string(h.known_fields) + "\n";
    for (const auto& f : h.folded) s += "folded " + f + "\n";
    for (const auto& x : v) s += std::string(rule_info(x.rule).id) + "@" + std::to_string(x.offset) + " " + x.detail + "\n";
    return s;
}

std::size_t compared = 0;

void same_readings(const std::string& bytes, MessageKind kind, const Limits& limits) {
    MessageHead a, b;
    Violations va, vb;
    parse_head(bytes, kind, limits, a, va);
    detail::parse_head_general(bytes, kind, limits, b, vb);
    ++compared;
    const std::string da = describe(a, va), db = describe(b, vb);
    if (da != db) {
        INFO("bytes: " << bytes);
        CHECK(da == db);
    }
    // Both builds of the one-pass reading take the same heads, as the general reading reads them.
    MessageHead p, x;
    const bool took = detail::read_clean_head_as(detail::CleanReading::portable, bytes, kind, limits, p);
    const bool took_avx2 = detail::read_clean_head_as(detail::CleanReading::avx2, bytes, kind, limits, x);
    if (took != took_avx2 || (took && (describe(p, {}) != db || describe(x, {}) != db))) {
        INFO("bytes: " << bytes);
        CHECK(took == took_avx2);
        if (took) CHECK(describe(p, {}) == db);
        if (took_avx2) CHECK(describe(x, {}) == db);
    }
}

Limits tight() {
    Limits l;
    l.max_request_line = 40;
    l.max_field_line = 30;
    l.max_fields = 3;
    l.max_head = 150;
    l.large_head = 100;
    return l;
}

const std::string kRequest =
    "GET /search?q=a+b&x=%41 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\nContent-Length: 5\r\nX-Empty:\r\nX-Tab: a\tb \r\n\r\nhello";
// Without a %-escape, so that its request line is the one-pass reading's own.
const std::string kRequestPlain =
    "POST /api/v1/items?id=7 HTTP/1.0\r\nHost: 127.0.0.1:8080\r\nContent-Length: 2\r\n\r\n{}";
const std::string kResponse =
    "HTTP/1.1 200 OK\r\nDate: Sat, 22 Nov 2025 18:46:10 GMT\r\nContent-Type: text/html\r\n"
    "Transfer-Encoding: chunked\r\nX-Obs: caf\xc3\xa9\r\nVary:  Accept-Encoding  \r\n\r\n5\r\nhello";
// A status line with no reason phrase.
const std::string kResponseBare = "HTTP/1.0 404\r\nContent-Length: 0\r\n\r\n";

}  // namespace

TEST_CASE("head paths: the one-pass and the general reading agree on every one-byte change") {
    const Limits limits[] = {Limits{}, response_limits(), tight()};
    for (MessageKind kind : {MessageKind::request, MessageKind::response}) {
      for (const std::string& base : kind == MessageKind::request ? std::vector<std::string>{kRequest, kRequestPlain}
                                                                  : std::vector<std::string>{kResponse, kResponseBare})
        for (const Limits& l : limits) {
            same_readings(base, kind, l);
            for (std::size_t at = 0; at < base.size(); ++at)
                for (int c = 0; c < 256; ++c) {
                    std::string s = base;
                    s[at] = static_cast<char>(c);
                    same_readings(s, kind, l);
                }
            for (std::size_t cut = 0; cut <= base.size(); ++cut) same_readings(base.substr(0, cut), kind, l);
        }
    }
    CHECK(compared > 100000);
}

TEST_CASE("head paths: request lines the one-pass reading hands to the full check") {
    for (const char* line : {"GET / HTTP/1.1", "get / HTTP/1.1", "FOO / HTTP/1.1", "CONNECT a:443 HTTP/1.1",
                             "OPTIONS * HTTP/1.1", "GET http://a/ HTTP/1.1", "GET /%zz HTTP/1.1", "GET /a%20b HTTP/1.1",
                             "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET / HTTP/2.0",
                             "GET / HTTP/1.2", "GET / http/1.1", "GET /<> HTTP/1.1", "GET / HTTP/1.0", "GET /"}) {
        same_readings(std::string(line) + "\r\nHost: a\r\n\r\n", MessageKind::request, Limits{});
        same_readings(std::string(line) + "\nHost: a\n\n", MessageKind::request, Limits{});
    }
}

TEST_CASE("head paths: status lines the one-pass reading hands to the full check") {
    for (const char* line : {"HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.0 599 x", "HTTP/1.1 600 x",
                             "HTTP/1.1 099 x", "HTTP/1.1 100 Continue", "HTTP/1.2 200 OK", "HTTP/2 200",
                             "HTTP/2.0 200 OK",
                             "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK", "HTTP/1.1 200\tOK", "HTTP/1.1  200 OK",
                             "http/1.1 200 OK", "HTTP/1.1 200 O\x01K", "HTTP/1.1 200 caf\xc3\xa9", "HTTP/1.1 200 OK ",
                             "HTTP/1.1 20a OK", "HTTP/1.1 200 OK\x7f", "HTTP/1.1", "HTTP/1.1 "}) {
        same_readings(std::string(line) + "\r\nContent-Length: 0\r\n\r\n", MessageKind::response, response_limits());
        same_readings(std::string(line) + "\nContent-Length: 0\n\n", MessageKind::response, response_limits());
        same_readings(std::string(line) + "\r\n", MessageKind::response, response_limits());
    }
}

TEST_CASE("head paths: the usual start lines are read in one pass, at the request line's limit too") {
    // The one-pass readings of a start line take what they say they take, and
    // give what the full checks give.
    for (const char* line : {"HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.0 599 Whatever it is",
                             "HTTP/1.1 101 Switching Protocols", "HTTP/1.1 200 caf\xc3\xa9\tok"}) {
        const std::string head = std::string(line) + "\r\n\r\n";
        MessageHead a, b;
        const char* cr = detail::clean_status_line(head.data(), head.data() + head.size(), a);
        const std::size_t len = std::string_view(line).size();
        REQUIRE(cr == head.data() + len);
        Violations v;
        detail::check_status_line(head, detail::Line{0, len, len + 1}, b, v);
        CHECK(v.empty());
        CHECK(describe(a, {}) == describe(b, {}));
    }
    for (const char* line :
         {"HTTP/1.1 600 x", "HTTP/1.1 099 x", "HTTP/1.2 200 OK", "HTTP/1.1 200\tOK", "HTTP/1.1 20"}) {
        const std::string head = std::string(line) + "\r\n\r\n";
        MessageHead a;
        CHECK(detail::clean_status_line(head.data(), head.data() + head.size(), a) == nullptr);
        CHECK(a.status == 0);
    }
    Limits l = tight();  // a request line of at most 40 bytes
    for (std::size_t len : {std::size_t{39}, std::size_t{40}, std::size_t{41}}) {
        const std::string line = "GET /" + std::string(len - 14, 'a') + " HTTP/1.1";
        REQUIRE(line.size() == len);
        const std::string head = line + "\r\nHost: a\r\n\r\n";
        MessageHead h;
        const char* cr = detail::clean_request_line(head.data(), head.data() + head.size(), l, h);
        CHECK((cr != nullptr) == (len <= 40));
        if (cr) CHECK(h.target.size() == len - 13);
        same_readings(head, MessageKind::request, l);
    }
    for (const char* line : {"GET / HTTP/1.1", "HEAD /a?b=c HTTP/1.0", "DELETE /x/y HTTP/1.1"}) {
        const std::string head = std::string(line) + "\r\nHost: a\r\n\r\n";
        MessageHead h;
        CHECK(detail::clean_request_line(head.data(), head.data() + head.size(), Limits{}, h) ==
              head.data() + std::string_view(line).size());
    }
}
