// The one head parser (parse_head, with check_request_head and the framing
// rules on top), as a table of cases in the spirit of llhttp's markdown test
// corpus: the exact bytes, the kind, the rules broken (ids, in byte order,
// with their offsets where the case pins them) and the fields parsed. Every
// case is also parsed at every prefix: shorter than the head, it is not
// terminated; from the head's end on, the result is the same.
#include "http/chars.hpp"
#include "http/message.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace rawhttp::http;
using namespace std::string_literals;
using http_test::Exact;
using http_test::project;
using http_test::rule_at;
using http_test::rules_at;

namespace {

constexpr MessageKind REQ = MessageKind::request;
constexpr MessageKind RES = MessageKind::response;

struct HeadCase {
    const char* name;
    std::string bytes;
    MessageKind kind = REQ;
    // Every rule broken, in byte order: "id" or "id@offset" words; "" = none.
    const char* rules = "";
    // The first error (for this kind, not strict): "id@offset" or "none";
    // nullptr: not checked.
    const char* first = nullptr;
    // Parsed fields; nullptr (or -1) = not checked.
    const char* method = nullptr;
    const char* target = nullptr;
    const char* version = nullptr;
    int status = -1;
    const char* reason = nullptr;
    const char* headers = nullptr;  // "Name: value | Name: value"
    bool prefixes = true;           // also check every prefix (small cases)
};

struct Parsed {
    MessageHead head;
    Violations head_rules;  // parse_head's only
    Violations all;         // with the request checks and the framing, sorted
    BodyFraming framing;
};

Parsed parse(std::string_view bytes, MessageKind kind, const Limits& limits) {
    Parsed p;
    parse_head(bytes, kind, limits, p.head, p.head_rules);
    sort_violations(p.head_rules);
    p.all = p.head_rules;
    if (kind == REQ) {
        check_request_head(p.head, p.all);
        p.framing = request_framing(p.head, p.all);
    } else {
        p.framing = response_framing(p.head, "GET", p.all);
    }
    sort_violations(p.all);
    return p;
}

Limits limits_for(MessageKind kind) { return kind == REQ ? Limits{} : response_limits(); }

std::string headers_of(const MessageHead& h) {
    std::string s;
    for (const auto& f : h.headers) {
        if (!s.empty()) s += " | ";
        s += std::string(f.name) + ": " + std::string(f.value);
    }
    return s;
}

bool inside(std::string_view part, std::string_view buf) {
    return part.data() >= buf.data() && part.data() + part.size() <= buf.data() + buf.size();
}

// The views of `h` point into `buf` at the offsets the head records.
void check_views(const MessageHead& h, std::string_view buf) {
    for (const auto& f : h.headers) {
        CAPTURE(f.name);
        REQUIRE(inside(f.name, buf));
        CHECK(static_cast<std::size_t>(f.name.data() - buf.data()) == f.name_offset);
        if (inside(f.value, buf))  // else an obs-fold-joined value, in head.folded
            CHECK(static_cast<std::size_t>(f.value.data() - buf.data()) == f.value_offset);
    }
    if (!h.method.empty()) CHECK(inside(h.method, buf));
    if (!h.target.empty()) CHECK(inside(h.target, buf));
    if (!h.reason.empty()) CHECK(inside(h.reason, buf));
}

std::size_t off(std::string_view part, std::string_view buf) {
    return part.empty() ? 0 : static_cast<std::size_t>(part.data() - buf.data());
}

void check_same(const Parsed& a, std::string_view abuf, const Parsed& b, std::string_view bbuf) {
    CHECK(rules_at(a.all) == rules_at(b.all));
    CHECK(a.head.method == b.head.method);
    CHECK(a.head.target == b.head.target);
    CHECK(a.head.version == b.head.version);
    CHECK(a.head.status == b.head.status);
    CHECK(a.head.reason == b.head.reason);
    CHECK(a.head.major == b.head.major);
    CHECK(a.head.minor == b.head.minor);
    CHECK(a.head.head_bytes == b.head.head_bytes);
    CHECK(a.head.line_offset == b.head.line_offset);
    CHECK(a.head.line_end == b.head.line_end);
    CHECK(a.head.empty_line == b.head.empty_line);
    CHECK(headers_of(a.head) == headers_of(b.head));
    CHECK(off(a.head.method, abuf) == off(b.head.method, bbuf));
    CHECK(off(a.head.target, abuf) == off(b.head.target, bbuf));
    CHECK(off(a.head.reason, abuf) == off(b.head.reason, bbuf));
    REQUIRE(a.head.headers.size() == b.head.headers.size());
    for (std::size_t i = 0; i < a.head.headers.size(); ++i) {
        CHECK(a.head.headers[i].name_offset == b.head.headers[i].name_offset);
        CHECK(a.head.headers[i].value_offset == b.head.headers[i].value_offset);
    }
    CHECK(a.framing.framing == b.framing.framing);
    CHECK(a.framing.length == b.framing.length);
    CHECK(a.framing.decidable == b.framing.decidable);
}

std::string many_fields(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "X-" + std::to_string(i) + ": v\r\n";
    return s;
}

const std::vector<HeadCase>& cases() {
    static const std::vector<HeadCase> table = {
        // ---- requests: well-formed
        {.name = "a typical request",
         .bytes = "POST /submit?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\n",
         .rules = "", .first = "none", .method = "POST", .target = "/submit?x=1", .version = "HTTP/1.1",
         .headers = "Host: example.com | Content-Length: 3"},
        {.name = "absolute-form", .bytes = "GET http://example.com/a?b#c HTTP/1.1\r\nHost: example.com\r\n\r\n",
         .rules = "", .first = "none", .target = "http://example.com/a?b#c"},
        {.name = "HTTP/1.0 needs no Host", .bytes = "GET / HTTP/1.0\r\n\r\n", .rules = "", .first = "none",
         .version = "HTTP/1.0", .headers = ""},
        {.name = "leading empty lines are skipped", .bytes = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "", .first = "none", .method = "GET", .target = "/"},
        {.name = "values: trimmed, obs-text and HTAB kept inside, empty allowed",
         .bytes = "GET / HTTP/1.1\r\nHost: x\r\nA: \t x \xC3\xA9\ty \t\r\nB:\r\nC:   \r\n\r\n", .rules = "",
         .first = "none", .headers = "Host: x | A: x \xC3\xA9\ty | B:  | C: "},
        {.name = "duplicate fields kept in order", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX: 1\r\nx: 2\r\nX: 3\r\n\r\n",
         .rules = "", .headers = "Host: x | X: 1 | x: 2 | X: 3"},
        {.name = "a token method nobody registered", .bytes = "M-SEAR / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "method-unknown@0", .first = "none", .method = "M-SEAR"},
        // "M-SEARCH!" and "GET2" are tokens (RFC 9110 §9.1) with no lowercase letter, so not a
        // case error; but nginx (A-Z, - and _ only) and Node (known methods only) both answer 400.
        {.name = "a token method with '!'", .bytes = "M-SEARCH! / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "method-unusual-char@0", .first = "method-unusual-char@0", .method = "M-SEARCH!"},
        {.name = "a token method with a digit", .bytes = "GET2 / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "method-unusual-char@0", .first = "method-unusual-char@0"},
        {.name = "Expect: 100-continue, any case", .bytes = "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\n\r\n",
         .rules = "", .first = "none"},
        {.name = "chunked request", .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
         .rules = "", .first = "none"},
        {.name = "IPv6 host with port", .bytes = "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", .rules = "",
         .first = "none"},

        // ---- requests: the issue's cases
        {.name = "http:/x is in no target form", .bytes = "GET http:/x HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "target-form@4", .first = "target-form@4", .target = "http:/x"},
        {.name = "chunked;q=1 is not chunked",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
         .rules = "transfer-encoding-not-chunked@45", .first = "transfer-encoding-not-chunked@45"},
        {.name = "Host with userinfo", .bytes = "GET / HTTP/1.1\r\nHost: user@127.0.0.1:8080\r\n\r\n",
         .rules = "host-invalid@26", .first = "host-invalid@26"},
        {.name = "Host with a path", .bytes = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080/path\r\n\r\n",
         .rules = "host-invalid@36", .first = "host-invalid@36"},
        {.name = "Host as a list", .bytes = "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", .rules = "host-invalid@24",
         .first = "host-invalid@24"},
        {.name = "Content-Length: 5, 5", .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n",
         .rules = "content-length-repeated@42", .first = "content-length-repeated@42"},
        {.name = "bare LF in the head is a warning", .bytes = "GET / HTTP/1.1\nHost: x\n\n", .rules = "bare-lf@14",
         .first = "none", .method = "GET", .target = "/", .version = "HTTP/1.1", .headers = "Host: x"},
        {.name = "two spaces in the request line", .bytes = "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "request-line-spaces@4", .first = "none", .method = "GET", .target = "/", .version = "HTTP/1.1"},
        {.name = "an unknown expectation", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n",
         .rules = "expect-unknown@33", .first = "none"},
        {.name = "lowercase method", .bytes = "get / HTTP/1.1\r\nHost: x\r\n\r\n", .rules = "method-not-uppercase@0",
         .first = "method-not-uppercase@0", .method = "get"},
        {.name = "CONNECT to an origin server",
         .bytes = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", .rules = "connect-origin@0",
         .first = "connect-origin@0", .target = "example.com:443"},
        {.name = "CONNECT with an origin-form target", .bytes = "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "connect-origin@0 target-form@8", .first = "connect-origin@0"},
        {.name = "the HTTP/2 preface: 505 first", .bytes = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
         .rules = "method-unknown@0 version-unsupported@6", .first = "version-unsupported@6", .method = "PRI",
         .target = "*", .version = "HTTP/2.0", .headers = ""},
        {.name = "101 header fields", .bytes = "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields(100) + "\r\n",
         .rules = "too-many-fields", .first = "too-many-fields", .prefixes = false},

        // ---- requests: the start line
        {.name = "OPTIONS *", .bytes = "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", .rules = "options-asterisk@8",
         .first = "none", .target = "*"},
        {.name = "* is only for OPTIONS", .bytes = "GET * HTTP/1.1\r\nHost: x\r\n\r\n", .rules = "target-asterisk@4",
         .first = "target-asterisk@4"},
        {.name = "a bad percent escape", .bytes = "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "target-bad-percent@6", .first = "none"},
        {.name = "a VCHAR that is no URI character", .bytes = "GET /a\"b HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "target-uri-char@6", .first = "none"},
        {.name = "a control byte in the target", .bytes = "GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "target-invalid-char@5", .first = "target-invalid-char@5"},
        {.name = "a DEL in the method", .bytes = "GE\x7fT / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "method-invalid-char@2", .first = "method-invalid-char@2"},
        {.name = "the TLS handshake", .bytes = "\x16\x03\x01\x02\x00\r\n\r\n"s,
         .rules = "method-invalid-char@0 request-line-parts@5",
         .first = "method-invalid-char@0"},
        {.name = "an unregistered uppercase method", .bytes = "FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "method-unknown@0", .first = "none"},
        {.name = "HTTP/1.2", .bytes = "GET / HTTP/1.2\r\nHost: x\r\n\r\n", .rules = "version-minor@6",
         .first = "none"},
        {.name = "lowercase http", .bytes = "GET / http/1.1\r\nHost: x\r\n\r\n", .rules = "version-invalid@6",
         .first = "version-invalid@6"},
        {.name = "HTTP/0.9", .bytes = "GET / HTTP/0.9\r\n\r\n", .rules = "version-invalid@6",
         .first = "version-invalid@6"},
        {.name = "HTTP/3.0", .bytes = "GET / HTTP/3.0\r\n\r\n", .rules = "version-unsupported@6",
         .first = "version-unsupported@6"},
        {.name = "two parts (HTTP/0.9 style)", .bytes = "GET /\r\nHost: x\r\n\r\n", .rules = "request-line-parts@5",
         .first = "request-line-parts@5", .method = "GET", .target = "/"},
        {.name = "four parts", .bytes = "GET / HTTP/1.1 x\r\nHost: x\r\n\r\n",
         .rules = "request-line-parts@5 version-invalid@15", .first = "request-line-parts@5"},
        {.name = "a space inside the target", .bytes = "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "request-line-parts@6", .first = "request-line-parts@6"},
        {.name = "leading whitespace", .bytes = " GET / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "request-line-leading-whitespace@0", .first = "request-line-leading-whitespace@0",
         .method = "GET"},
        {.name = "a trailing space", .bytes = "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
         .rules = "request-line-spaces@14", .first = "none", .version = "HTTP/1.1"},

        // ---- requests: field lines
        {.name = "whitespace before the colon", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX : y\r\n\r\n",
         .rules = "space-before-colon@26", .first = "space-before-colon@26", .headers = "Host: x | X: y"},
        {.name = "no colon", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
         .rules = "field-missing-colon@25", .first = "field-missing-colon@25", .headers = "Host: x"},
        {.name = "an empty name", .bytes = "GET / HTTP/1.1\r\nHost: x\r\n: y\r\n\r\n", .rules = "field-name-empty@25",
         .first = "field-name-empty@25"},
        {.name = "a bad name byte", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX(y: z\r\n\r\n",
         .rules = "field-name-invalid-char@26", .first = "field-name-invalid-char@26"},
        {.name = "a control byte in a value", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX: a\x01" "b\r\n\r\n",
         .rules = "field-value-invalid-char@29", .first = "field-value-invalid-char@29"},
        {.name = "a NUL in a value", .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n"s,
         .rules = "field-value-invalid-char@29", .first = "field-value-invalid-char@29"},
        {.name = "a bare CR", .bytes = "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n", .rules = "bare-cr@23 host-invalid@23",
         .first = "bare-cr@23"},
        {.name = "obs-fold in a request is an error, not joined",
         .bytes = "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", .rules = "obs-fold@31", .first = "obs-fold@31",
         .headers = "Host: x | X: a"},
        {.name = "whitespace before the first field",
         .bytes = "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
         .rules = "whitespace-before-first-field@16 host-missing@26", .first = "whitespace-before-first-field@16",
         .headers = ""},
        {.name = "a bare LF before the request line", .bytes = "\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
         .rules = "bare-lf@0", .first = "none"},

        // ---- requests: the whole head
        {.name = "no Host", .bytes = "GET / HTTP/1.1\r\n\r\n", .rules = "host-missing@16", .first = "host-missing@16"},
        {.name = "two Hosts", .bytes = "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .rules = "host-repeated@25",
         .first = "host-repeated@25"},
        {.name = "an empty Host", .bytes = "GET / HTTP/1.1\r\nHost:\r\n\r\n", .rules = "host-empty@21",
         .first = "none"},
        {.name = "an empty label", .bytes = "GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", .rules = "host-unusual@22",
         .first = "none"},
        {.name = "a leading dot", .bytes = "GET / HTTP/1.1\r\nHost: .a:80\r\n\r\n", .rules = "host-unusual@22",
         .first = "none"},
        {.name = "an empty label at the end", .bytes = "GET / HTTP/1.1\r\nHost: a.b..\r\n\r\n",
         .rules = "host-unusual@22", .first = "none"},
        {.name = "a trailing dot is a full name", .bytes = "GET / HTTP/1.1\r\nHost: a.example.\r\n\r\n",
         .rules = "", .first = "none"},
        {.name = "an IPv4 address and port", .bytes = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
         .rules = "", .first = "none"},
        {.name = "a bad byte after a dot", .bytes = "GET / HTTP/1.1\r\nHost: a.b/c\r\n\r\n",
         .rules = "host-invalid@25", .first = "host-invalid@25"},

        // ---- requests: framing
        {.name = "Content-Length not a number", .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
         .rules = "content-length-invalid@42", .first = "content-length-invalid@42"},
        {.name = "Content-Length with a sign", .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n",
         .rules = "content-length-invalid@42"},
        {.name = "two different lengths",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
         .rules = "content-length-conflict@61", .first = "content-length-conflict@61"},
        {.name = "the same length twice, in two fields",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
         .rules = "content-length-repeated@45", .first = "content-length-repeated@45"},
        {.name = "Content-Length and Transfer-Encoding",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         .rules = "content-length-with-transfer-encoding@26", .first = "content-length-with-transfer-encoding@26"},
        {.name = "gzip, chunked: a coding few servers decode",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
         .rules = "transfer-encoding-unknown@45", .first = "transfer-encoding-unknown@45"},
        {.name = "chunked, chunked",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
         .rules = "transfer-encoding-chunked-twice@45", .first = "transfer-encoding-chunked-twice@45"},
        {.name = "chunked, gzip", .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
         .rules = "transfer-encoding-not-chunked@45"},
        {.name = "two Transfer-Encoding fields",
         .bytes = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
         .rules = "transfer-encoding-unknown@45 transfer-encoding-repeated@51", .first = "transfer-encoding-unknown@45"},
        {.name = "Transfer-Encoding in HTTP/1.0", .bytes = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
         .rules = "transfer-encoding-http10@17", .first = "transfer-encoding-http10@17"},
        {.name = "error offsets count skipped empty lines",
         .bytes = "\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
         .rules = "content-length-conflict@63"},

        // ---- responses
        {.name = "a typical response", .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", .kind = RES,
         .rules = "", .first = "none", .version = "HTTP/1.1", .status = 200, .reason = "OK",
         .headers = "Content-Length: 0"},
        {.name = "a reason with spaces", .bytes = "HTTP/1.0 404 Not Found\r\n\r\n", .kind = RES, .rules = "",
         .version = "HTTP/1.0", .status = 404, .reason = "Not Found"},
        {.name = "no reason, no space", .bytes = "HTTP/1.1 204\r\n\r\n", .kind = RES, .rules = "", .status = 204,
         .reason = ""},
        {.name = "obs-fold is joined with SP, a warning", .bytes = "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\tc\r\nY: d\r\n\r\n",
         .kind = RES, .rules = "obs-fold@23 obs-fold@27", .first = "none", .status = 200,
         .headers = "X: a b c | Y: d"},
        {.name = "bare LF in a response", .bytes = "HTTP/1.1 200 OK\nA: b\n\n", .kind = RES, .rules = "bare-lf@15",
         .first = "none", .reason = "OK", .headers = "A: b"},
        {.name = "HTTP/2 in a status line", .bytes = "HTTP/2 200\r\n\r\n", .kind = RES,
         .rules = "status-line-invalid@5", .first = "status-line-invalid@5"},
        {.name = "a two-digit status", .bytes = "HTTP/1.1 20 OK\r\n\r\n", .kind = RES,
         .rules = "status-line-invalid@11", .first = "status-line-invalid@11"},
        {.name = "a four-digit status", .bytes = "HTTP/1.1 2000 OK\r\n\r\n", .kind = RES,
         .rules = "status-line-invalid@12"},
        {.name = "a status below 100", .bytes = "HTTP/1.1 099 Low\r\n\r\n", .kind = RES,
         .rules = "status-code-range@9", .first = "none", .status = 99},
        {.name = "lowercase protocol", .bytes = "http/1.1 200 OK\r\n\r\n", .kind = RES,
         .rules = "status-line-invalid@0", .first = "status-line-invalid@0"},
        {.name = "HTTP/1.2 response", .bytes = "HTTP/1.2 200 OK\r\n\r\n", .kind = RES, .rules = "version-minor@7",
         .first = "none"},
        {.name = "HTTP/3.0 response", .bytes = "HTTP/3.0 200 OK\r\n\r\n", .kind = RES,
         .rules = "version-unsupported@5", .first = "version-unsupported@5"},
        {.name = "a control byte in the reason", .bytes = "HTTP/1.1 200 O\x01K\r\n\r\n", .kind = RES,
         .rules = "status-line-invalid@14"},
        {.name = "Content-Length: 5, 5 in a response", .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n",
         .kind = RES, .rules = "content-length-repeated@33", .first = "none"},
        {.name = "an invalid Content-Length in a response", .bytes = "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
         .kind = RES, .rules = "content-length-invalid@33", .first = "content-length-invalid@33"},
        {.name = "Content-Length and chunked in a response",
         .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .kind = RES,
         .rules = "content-length-with-transfer-encoding@17", .first = "none"},
        {.name = "whitespace before the first field of a response",
         .bytes = "HTTP/1.1 200 OK\r\n X: y\r\n\r\n", .kind = RES,
         .rules = "whitespace-before-first-field@17", .first = "whitespace-before-first-field@17", .headers = ""},
        {.name = "1000 fields is the response limit", .bytes = "HTTP/1.1 200 OK\r\n" + many_fields(1000) + "\r\n",
         .kind = RES, .rules = "", .prefixes = false},
        {.name = "1001 fields", .bytes = "HTTP/1.1 200 OK\r\n" + many_fields(1001) + "\r\n", .kind = RES,
         .rules = "too-many-fields", .first = "too-many-fields", .prefixes = false},
    };
    return table;
}

void check_case(const HeadCase& c) {
    const Limits limits = limits_for(c.kind);
    Exact whole(c.bytes);
    const Parsed p = parse(whole.view(), c.kind, limits);
    CHECK(p.head.terminated);
    CHECK(p.head.kind == c.kind);
    CHECK(project(c.rules, rules_at(p.all)) == std::string(c.rules));
    if (c.first) CHECK(project(c.first, rule_at(first_error(p.all, c.kind))) == std::string(c.first));
    if (c.method) CHECK(p.head.method == c.method);
    if (c.target) CHECK(p.head.target == c.target);
    if (c.version) CHECK(p.head.version == c.version);
    if (c.status >= 0) CHECK(p.head.status == c.status);
    if (c.reason) CHECK(p.head.reason == c.reason);
    if (c.headers) CHECK(headers_of(p.head) == c.headers);
    check_views(p.head, whole.view());

    // The head's end, as the one scan finds it.
    const auto end = find_head_end(whole.view(), c.kind);
    REQUIRE(end.has_value());
    CHECK(*end == p.head.head_bytes);
    CHECK(p.head.empty_line < p.head.head_bytes);

    if (!c.prefixes) return;
    std::size_t scanned = 0;
    std::optional<std::size_t> found;
    for (std::size_t k = 0; k <= c.bytes.size(); ++k) {
        CAPTURE(k);
        Exact pre(std::string_view(c.bytes).substr(0, k));
        // incremental scan, resuming where the previous one stopped
        if (!found) {
            found = find_head_end(pre.view(), c.kind, scanned);
            scanned = k;
            if (found) CHECK(*found == p.head.head_bytes);
        }
        CHECK(find_head_end(pre.view(), c.kind).has_value() == (k >= p.head.head_bytes));
        const Parsed q = parse(pre.view(), c.kind, limits);
        check_views(q.head, pre.view());
        if (k < p.head.head_bytes) {
            CHECK_FALSE(q.head.terminated);
            continue;
        }
        CHECK(q.head.terminated);
        check_same(p, whole.view(), q, pre.view());
    }
    CHECK(found.has_value());
}

}  // namespace

TEST_CASE("head parser: the table of cases, at every prefix") {
    for (const HeadCase& c : cases()) {
        const std::string case_name = c.name;
        CAPTURE(case_name);
        const std::string bytes = http_test::printable(c.bytes.substr(0, 200));
        CAPTURE(bytes);
        check_case(c);
    }
}

TEST_CASE("head parser: views point into the buffer") {
    const std::string s = "POST /submit?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc";
    Exact e(s);
    const Parsed p = parse(e.view(), REQ, Limits{});
    CHECK(p.head.method.data() == e.view().data());
    CHECK(p.head.target.data() == e.view().data() + 5);
    CHECK(p.head.version.data() == e.view().data() + 17);
    CHECK(p.head.line_offset == 0);
    CHECK(p.head.line_end == 25);
    CHECK(p.head.head_bytes == s.size() - 3);
    CHECK(p.head.empty_line == s.size() - 5);
    CHECK(p.head.major == 1);
    CHECK(p.head.minor == 1);
    REQUIRE(p.head.headers.size() == 2);
    CHECK(p.head.headers[0].name_offset == 27);
    CHECK(p.head.headers[0].value_offset == 33);
    CHECK(p.framing.framing == Framing::content_length);
    CHECK(p.framing.length == 3);

    const std::string l = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    Exact le(l);
    const Parsed q = parse(le.view(), REQ, Limits{});
    CHECK(q.head.line_offset == 4);
    CHECK(q.head.method.data() == le.view().data() + 4);
    CHECK(q.head.head_bytes == l.size());
}

TEST_CASE("head parser: an unterminated head is parsed as far as it goes") {
    // the last line the bytes ended inside is unfinished, not judged: "Acc" may become "Accept: */*"
    for (const std::string s : {"GET /x HTTP/1.1\r\nHost: a\r\nAccept: */*", "GET /x HTTP/1.1\r\nHost: a\r\nAcc",
                                "GET /x HTTP/1.1\r\nHost: a\r\n\r"}) {
        CAPTURE(http_test::printable(s));
        Exact e(s);
        MessageHead h;
        Violations v;
        parse_head(e.view(), REQ, Limits{}, h, v);
        CHECK_FALSE(h.terminated);
        CHECK(h.head_bytes == s.size());
        CHECK(h.empty_line == s.size());
        CHECK(h.method == "GET");
        CHECK(h.target == "/x");
        CHECK(headers_of(h) == "Host: a");
        CHECK(rules_at(v) == "");
    }
    // an unfinished request line: only what its first byte settles
    MessageHead h1;
    Violations v1;
    parse_head("GET /x HTT", REQ, Limits{}, h1, v1);
    CHECK(rules_at(v1) == "");
    Violations v1b;
    parse_head("\x16\x03\x01", REQ, Limits{}, h1, v1b);
    CHECK(rules_at(v1b) == "method-invalid-char@0");
    // an unfinished line already past its limit
    Violations v1c;
    parse_head("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(9000, 'v'), REQ, Limits{}, h1, v1c);
    CHECK(rules_at(v1c) == "field-line-too-long@8217");

    MessageHead e2;
    Violations v2;
    parse_head("", REQ, Limits{}, e2, v2);
    CHECK(rules_at(v2) == "empty-request@0");
    Violations v3;
    parse_head("\r\n\r\n", REQ, Limits{}, e2, v3);
    CHECK(rules_at(v3) == "empty-request@4");
    Violations v4;
    parse_head("", RES, response_limits(), e2, v4);
    CHECK(v4.empty());
}

TEST_CASE("head parser: a reused head is cleared") {
    MessageHead h;
    Violations v;
    parse_head("HTTP/1.1 200 OK\r\nA: b\r\n\r\n", RES, response_limits(), h, v);
    REQUIRE(h.status == 200);
    parse_head("GET / HTTP/1.1\r\n\r\n", REQ, Limits{}, h, v);
    CHECK(h.kind == REQ);
    CHECK(h.status == 0);
    CHECK(h.reason.empty());
    CHECK(h.headers.empty());
    CHECK(h.method == "GET");
}

TEST_CASE("head parser: limits, exactly at and one past") {
    SUBCASE("max_fields: 100 fields pass, the 101st is too-many-fields (431)") {
        const std::string ok = "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields(99) + "\r\n";
        CHECK(rules_at(parse(ok, REQ, Limits{}).all) == "");
        const std::string fields = "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields(100);
        const std::string bad = fields + "\r\n";
        const Parsed p = parse(bad, REQ, Limits{});
        const std::size_t last = fields.rfind("X-99:");
        CHECK(rules_at(p.all) == "too-many-fields@" + std::to_string(last));
        CHECK(p.head.headers.size() == 101);  // all parsed, the limit is reported
        CHECK(rule_info(Rule::too_many_fields).status == "431");
    }
    SUBCASE("a smaller max_fields") {
        Limits l;
        l.max_fields = 2;
        const std::string s = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        CHECK(rules_at(parse(s, REQ, l).all) == "too-many-fields@31");
    }
    SUBCASE("max_request_line") {
        Limits l;
        l.max_request_line = 20;
        const std::string at = "GET /" + std::string(7, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";  // 21 bytes
        const std::string ok = "GET /" + std::string(6, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";  // 20 bytes
        CHECK(rules_at(parse(ok, REQ, l).all) == "");
        CHECK(rules_at(parse(at, REQ, l).all) == "target-too-long@20");
        const std::string big = "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
        CHECK(rules_at(parse(big, REQ, Limits{}).all) == "target-too-long@8192");
    }
    SUBCASE("max_field_line") {
        const std::string prefix = "GET / HTTP/1.1\r\nHost: x\r\n";
        const std::string line_ok = "X: " + std::string(8192 - 3, 'v');
        CHECK(rules_at(parse(prefix + line_ok + "\r\n\r\n", REQ, Limits{}).all) == "");
        const std::string line_bad = line_ok + "v";
        CHECK(rules_at(parse(prefix + line_bad + "\r\n\r\n", REQ, Limits{}).all) ==
              "field-line-too-long@" + std::to_string(prefix.size() + 8192));
    }
    SUBCASE("max_head: a head of exactly max_head bytes, and one more") {
        Limits l;
        l.max_head = 64;
        const std::string base = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
        const std::string ok = base + std::string(64 - base.size() - 4, 'v') + "\r\n\r\n";
        REQUIRE(ok.size() == 64);
        const Parsed p = parse(ok, REQ, l);
        CHECK(p.head.terminated);
        CHECK(rules_at(p.all) == "");
        // one byte more, cut inside a value: only the limit is reported
        const std::string over = base + std::string(80, 'v') + "\r\n\r\n";
        const Parsed q = parse(over, REQ, l);
        CHECK_FALSE(q.head.terminated);
        CHECK(q.head.head_bytes == 64);  // bytes past the limit are not looked at
        CHECK(rules_at(q.head_rules) == "head-too-large@64");
        CHECK(rule_at(first_error(q.all, REQ)) == "head-too-large@64");
    }
    SUBCASE("large_head: a warning past 16 KiB, for requests only") {
        std::string fields;
        for (int i = 0; fields.size() < 16384; ++i) fields += "X-" + std::to_string(i) + ": " + std::string(500, 'v') + "\r\n";
        const std::string big = "GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n";
        REQUIRE(big.size() > 16384);
        REQUIRE(big.size() < 32768);
        const Parsed p = parse(big, REQ, Limits{});
        CHECK(rules_at(p.all) == "head-large@16384");
        CHECK(first_error(p.all, REQ) == nullptr);
        CHECK(rule_at(first_error(p.all, REQ, true)) == "head-large@16384");
        CHECK(rule_info(Rule::head_large).status == "431");
        const std::string at = "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(5448, 'v') + "\r\nY: " +
                               std::string(5447, 'v') + "\r\nZ: " + std::string(5447, 'v') + "\r\n\r\n";
        REQUIRE(at.size() == 16384);
        CHECK(rules_at(parse(at, REQ, Limits{}).all) == "");
        CHECK(rules_at(parse("HTTP/1.1 200 OK\r\n" + fields + "\r\n", RES, response_limits()).all) == "");
    }
    SUBCASE("max_head: the line the limit cuts is not judged") {
        // A head one byte over max_head is cut between its last CR and LF: the cut line "\r"
        // is not judged (no bare-cr, no field-missing-colon), so the first error is
        // head-too-large (431, RFC 6585 §5): a server that stops reading at the limit has not
        // seen that line end. (The code judged it, answering bare-cr, until 2b53b24.)
        Limits l;
        l.max_head = 64;
        const std::string base = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
        const std::string bad = base + std::string(64 - base.size() - 3, 'v') + "\r\n\r\n";
        REQUIRE(bad.size() == 65);
        const Parsed q = parse(bad, REQ, l);
        CHECK_FALSE(q.head.terminated);
        CHECK(rules_at(q.head_rules) == "head-too-large@64");
        CHECK(rule_at(first_error(q.all, REQ)) == "head-too-large@64");
        // the same at the default limit, cut inside a field name
        const std::string huge = "GET / HTTP/1.1\r\nHost: x\r\n" + many_fields(5000);
        MessageHead h;
        Violations v;
        parse_head(huge, REQ, Limits{}, h, v);
        sort_violations(v);
        CHECK(rules_at(v) ==
              "too-many-fields@" + std::to_string(huge.find("X-99:")) + " head-large@16384 head-too-large@32768");
    }
}

TEST_CASE("find_head_end: exact offsets") {
    struct Row {
        std::string_view bytes;
        MessageKind kind;
        std::optional<std::size_t> end;
    };
    const Row rows[] = {
        {"GET / HTTP/1.1\r\n\r\n", REQ, 18},
        {"GET / HTTP/1.1\n\n", REQ, 16},
        {"GET / HTTP/1.1\n\r\n", REQ, 17},
        {"GET / HTTP/1.1\r\n\nrest", REQ, 17},
        {"GET / HTTP/1.1\r\nA: b\r\n\r\nbody", REQ, 24},
        {"\r\n\r\nGET / HTTP/1.1\r\n\r\n", REQ, 22},  // leading empty lines do not end a head
        {"\n\n\nGET / HTTP/1.1\n\n", REQ, 19},
        {"\r\n\r\n", REQ, std::nullopt},
        {"\n", REQ, std::nullopt},
        {"", REQ, std::nullopt},
        {"GET / HTTP/1.1\r\n", REQ, std::nullopt},
        {"GET / HTTP/1.1\r\n\r", REQ, std::nullopt},
        {"GET / HTTP/1.1\r\nA: b\r\r\n", REQ, std::nullopt},  // a CR alone is not a line end
        {"HTTP/1.1 200 OK\r\n\r\n", RES, 19},
        {"HTTP/1.1 200 OK\n\n", RES, 17},
        {"HTTP/1.1 200 OK\r\nA: b\r\n", RES, std::nullopt},
        // A response's first line may be empty (and wrong): the empty line
        // after it ends the head there, as parse_head reads it (found by fuzz_head_paths).
        {"\n\nT\r\n\r\n", RES, 2},
        {"\n\r\nHTTP/1.1 200 OK\r\n\r\n", RES, 3},
    };
    for (const Row& r : rows) {
        CAPTURE(http_test::printable(r.bytes));
        Exact e(r.bytes);
        CHECK(find_head_end(e.view(), r.kind) == r.end);
        // and resuming from every point of an earlier scan finds the same end
        for (std::size_t from = 0; from <= r.bytes.size(); ++from) {
            CAPTURE(from);
            Exact pre(r.bytes.substr(0, from));
            if (find_head_end(pre.view(), r.kind)) break;  // the earlier scan would have found it
            CHECK(find_head_end(e.view(), r.kind, from) == r.end);
        }
    }
}

TEST_CASE("hopeless_start: the first bytes can never start a message") {
    CHECK(hopeless_start("\x16\x03\x01", REQ));
    CHECK(hopeless_start("\x16", REQ));
    CHECK(hopeless_start(" GET", REQ));
    CHECK(hopeless_start("\r\n\x16", REQ));
    CHECK(hopeless_start("\x80", REQ));
    CHECK_FALSE(hopeless_start("", REQ));
    CHECK_FALSE(hopeless_start("G", REQ));
    CHECK_FALSE(hopeless_start("get", REQ));  // a token: judged at the line's end
    CHECK_FALSE(hopeless_start("\r\n", REQ));
    CHECK_FALSE(hopeless_start("\r", REQ));
    CHECK_FALSE(hopeless_start("\r\nGET", REQ));

    CHECK(hopeless_start("X", RES));
    CHECK(hopeless_start("\x16\x03", RES));
    CHECK(hopeless_start("HTTX", RES));
    CHECK(hopeless_start("http/1.1", RES));
    CHECK_FALSE(hopeless_start("", RES));
    CHECK_FALSE(hopeless_start("H", RES));
    CHECK_FALSE(hopeless_start("HTTP/", RES));
    CHECK_FALSE(hopeless_start("HTTP/1.1 200", RES));
}

TEST_CASE("head parser: obs-fold edge cases in responses") {
    // RFC 9112 §5.2: each obs-fold is replaced by SP; then, as for any field
    // value, the leading and trailing whitespace is not part of it (RFC 9110 §5.5).
    const Parsed a = parse("HTTP/1.1 200 OK\r\nX:\r\n b\r\n\r\n", RES, response_limits());
    CHECK(rules_at(a.all) == "obs-fold@21");
    CHECK(headers_of(a.head) == "X: b");  // RFC 9110 §5.5: no leading whitespace after the join
    const Parsed b = parse("HTTP/1.1 200 OK\r\nX: a\r\n \r\n\r\n", RES, response_limits());
    CHECK(headers_of(b.head) == "X: a");  // nor trailing
}

TEST_CASE("head parser: the fields the rules read by name are tagged, in any case") {
    CHECK(known_field("Host") == KnownField::host);
    CHECK(known_field("hOST") == KnownField::host);
    CHECK(known_field("date") == KnownField::date);
    CHECK(known_field("EXPECT") == KnownField::expect);
    CHECK(known_field("connection") == KnownField::connection);
    CHECK(known_field("content-length") == KnownField::content_length);
    CHECK(known_field("Transfer-encoding") == KnownField::transfer_encoding);
    // Same lengths, other names; near misses.
    CHECK(known_field("Hose") == KnownField::other);
    CHECK(known_field("Accept") == KnownField::other);
    CHECK(known_field("User-Agent") == KnownField::other);
    CHECK(known_field("Content-Type") == KnownField::other);
    CHECK(known_field("Content_Length") == KnownField::other);
    CHECK(known_field("Host ") == KnownField::other);
    CHECK(known_field("") == KnownField::other);

    // Every byte value at every position of every known name, in either case:
    // the tag is the one a plain case-blind comparison gives.
    std::size_t wrong = 0;
    for (const KnownField tag : kKnownFields)
        for (int upper = 0; upper < 2; ++upper) {
            const std::string lower = detail::ascii_lower(known_field_name(tag));
            std::string name = lower;
            if (upper)
                for (char& c : name) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
            for (std::size_t i = 0; i < name.size(); ++i)
                for (int byte = 0; byte < 256; ++byte) {
                    std::string changed = name;
                    changed[i] = static_cast<char>(byte);
                    const KnownField expected = iequals(changed, lower) ? tag : KnownField::other;
                    if (known_field(changed) != expected) ++wrong;
                }
        }
    CHECK(wrong == 0);

    // Both readings (clean, and general with a bare LF) tag the fields and the head.
    for (const char* text : {"GET / HTTP/1.1\r\nhost: a\r\nX: 1\r\ncontent-LENGTH: 0\r\n\r\n",
                             "GET / HTTP/1.1\nhost: a\r\nX: 1\r\ncontent-LENGTH: 0\r\n\r\n"}) {
        const Parsed p = parse(text, REQ, Limits{});
        REQUIRE(p.head.headers.size() == 3);
        CHECK(p.head.headers[0].known == KnownField::host);
        CHECK(p.head.headers[1].known == KnownField::other);
        CHECK(p.head.headers[2].known == KnownField::content_length);
        CHECK(p.head.has(KnownField::host));
        CHECK(p.head.has(KnownField::content_length));
        CHECK_FALSE(p.head.has(KnownField::transfer_encoding));
        CHECK_FALSE(p.head.has(KnownField::date));
    }
    // A head read again starts with no fields known.
    MessageHead head;
    Violations v;
    parse_head("HTTP/1.1 200 OK\r\nDate: x\r\n\r\n", RES, response_limits(), head, v);
    CHECK(head.has(KnownField::date));
    parse_head("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", RES, response_limits(), head, v);
    CHECK_FALSE(head.has(KnownField::date));
}
