#include "lint/lint.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace rawhttp::lint;
using namespace std::string_literals;

namespace {

const std::string kOk = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

std::vector<Finding> lint(const std::string& bytes) { return lint_request(bytes); }

// The finding with this id, or null.
const Finding* find(const std::vector<Finding>& fs, std::string_view id) {
    for (const auto& f : fs)
        if (f.id == id) return &f;
    return nullptr;
}

// Exactly one finding with `id`, at line:column, with this status.
void expect_one(const std::string& bytes, std::string_view id, std::size_t line, std::size_t column,
                std::string_view status, Severity sev) {
    auto fs = lint(bytes);
    CAPTURE(bytes);
    CAPTURE(id);
    const Finding* f = find(fs, id);
    REQUIRE(f != nullptr);
    CHECK(f->line == line);
    CHECK(f->column == column);
    CHECK(f->expect_status == status);
    CHECK(f->severity == sev);
    CHECK(!f->rfc.empty());
    CHECK(!f->fix.empty());
    CHECK(!f->message.empty());
    std::size_t n = 0;
    for (const auto& g : fs) n += g.id == id;
    CHECK(n == 1);
}

}  // namespace

TEST_CASE("lint: well-formed requests have no findings") {
    CHECK(lint(kOk).empty());
    CHECK(lint("GET /a?b=c HTTP/1.0\r\n\r\n").empty());  // HTTP/1.0 needs no Host
    CHECK(lint("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").empty());
    CHECK(lint("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").empty());
    CHECK(lint("GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n").empty());
    CHECK(lint("GET / HTTP/1.1\r\nHost: [::1]:8080\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n").empty());
    CHECK(lint("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").empty());  // an empty line before is ignored
    CHECK(!has_error(lint("GET / HTTP/1.1\r\nHost:\r\n\r\n")));  // an empty Host is allowed (a warning: nginx refuses it)
}

TEST_CASE("lint: Host missing or repeated in HTTP/1.1") {
    expect_one("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", "host-missing", 3, 1, "400", Severity::error);
    CHECK(find(lint("GET / HTTP/1.0\r\n\r\n"), "host-missing") == nullptr);
    expect_one("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", "host-repeated", 3, 1, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "host-invalid", 2, 8, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "host-invalid", 2, 8, "400", Severity::error);
    CHECK(find(lint("GET / HTTP/1.1\r\nHost: a.example:80\r\n\r\n"), "host-invalid") == nullptr);
}

TEST_CASE("lint: bare LF and bare CR") {
    auto fs = lint("GET / HTTP/1.1\nHost: h\n\n");
    const Finding* f = find(fs, "bare-lf");
    REQUIRE(f != nullptr);
    CHECK(f->line == 1);
    CHECK(f->column == 15);
    CHECK(f->severity == Severity::warning);
    CHECK(f->message.find("2 more lines") != std::string::npos);
    CHECK(f->message.find("Node answers 400") != std::string::npos);
    CHECK(find(lint(kOk), "bare-lf") == nullptr);
    // A CRLF request with one bare LF line in the middle.
    expect_one("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", "bare-lf", 2, 8, "400", Severity::warning);
    expect_one("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "bare-lf", 1, 1, "400", Severity::warning);  // before the request line
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", "bare-cr", 3, 5, "400", Severity::error);
    CHECK(find(lint("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"), "field-value-invalid-char") == nullptr);
}

TEST_CASE("lint: whitespace before the colon, before the first field, and obs-fold") {
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX-A : v\r\n\r\n", "space-before-colon", 3, 4, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX-A\t: v\r\n\r\n", "space-before-colon", 3, 4, "400", Severity::error);
    CHECK(find(lint("GET / HTTP/1.1\r\nHost: h\r\nX-A:  v\r\n\r\n"), "space-before-colon") == nullptr);
    expect_one("GET / HTTP/1.1\r\n Host: h\r\n\r\n", "whitespace-before-first-field", 2, 1, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n", "obs-fold", 4, 1, "400", Severity::error);
    CHECK(find(lint("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n"), "whitespace-before-first-field") == nullptr);
}

TEST_CASE("lint: invalid characters in method, target, field names and values") {
    expect_one("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", "method-invalid-char", 1, 2, "400", Severity::error);
    expect_one("get / HTTP/1.1\r\nHost: h\r\n\r\n", "method-not-uppercase", 1, 1, "400", Severity::error);
    CHECK(lint("get / HTTP/1.1\r\nHost: h\r\n\r\n")[0].message.find("did you mean GET") != std::string::npos);
    // A digit in the method: a token, but nginx (A-Z, - and _ only) and Node both answer 400: an error.
    expect_one("G3T / HTTP/1.1\r\nHost: h\r\n\r\n", "method-unusual-char", 1, 1, "400", Severity::error);
    expect_one("BREW / HTTP/1.1\r\nHost: h\r\n\r\n", "method-unknown", 1, 1, "400", Severity::warning);
    expect_one("FROB / HTTP/1.1\r\nHost: h\r\n\r\n", "method-unknown", 1, 1, "400", Severity::warning);
    CHECK(find(lint("M-SEARCH / HTTP/1.1\r\nHost: h\r\n\r\n"), "method-unknown") == nullptr);  // Node knows it
    expect_one("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", "options-asterisk", 1, 9, "400", Severity::warning);
    expect_one("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n"s, "target-invalid-char", 1, 7, "400", Severity::error);
    expect_one("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"s, "target-invalid-char", 1, 6, "400", Severity::error);
    expect_one("GET /a{b} HTTP/1.1\r\nHost: h\r\n\r\n", "target-uri-char", 1, 7, "400", Severity::warning);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX@Y: v\r\n\r\n", "field-name-invalid-char", 3, 2, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"s, "field-value-invalid-char", 3, 5, "400", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"s, "field-value-invalid-char", 3, 5, "400",
               Severity::error);
    CHECK(lint("GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n"s).empty());  // obs-text is allowed
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n", "field-missing-colon", 3, 1, "400",
               Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", "field-name-empty", 3, 1, "400", Severity::error);
}

TEST_CASE("lint: the request line's shape") {
    expect_one("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", "request-line-spaces", 1, 5, "400", Severity::warning);
    expect_one("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", "request-line-spaces", 1, 15, "400", Severity::warning);
    expect_one(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", "request-line-leading-whitespace", 1, 1, "400", Severity::error);
    expect_one("GET /\r\n\r\n", "request-line-parts", 1, 6, "400", Severity::error);
    expect_one("GET /my file HTTP/1.1\r\nHost: h\r\n\r\n", "request-line-parts", 1, 8, "400", Severity::error);
    CHECK(lint("GET /my file HTTP/1.1\r\nHost: h\r\n\r\n")[0].message.find("space inside the target") !=
          std::string::npos);
}

TEST_CASE("lint: the version's syntax and support") {
    expect_one("GET / HTTP/2.0\r\nHost: h\r\n\r\n", "version-unsupported", 1, 7, "505", Severity::error);
    // HTTP/0.9 had no version in its request line: "HTTP/0.9" is no valid HTTP/1.x version (400), not a 505.
    expect_one("GET / HTTP/0.9\r\nHost: h\r\n\r\n", "version-invalid", 1, 7, "400", Severity::error);
    expect_one("GET / HTTP/3.0\r\nHost: h\r\n\r\n", "version-unsupported", 1, 7, "505", Severity::error);
    expect_one("GET / HTTP/1.2\r\nHost: h\r\n\r\n", "version-minor", 1, 7, "400", Severity::warning);
    expect_one("GET / http/1.1\r\nHost: h\r\n\r\n", "version-invalid", 1, 7, "400", Severity::error);
    CHECK(lint("GET / http/1.1\r\nHost: h\r\n\r\n")[0].message.find("case-sensitive") != std::string::npos);
    expect_one("GET / HTTP/1\r\nHost: h\r\n\r\n", "version-invalid", 1, 7, "400", Severity::error);
    expect_one("GET / HTTP/1.10\r\nHost: h\r\n\r\n", "version-invalid", 1, 7, "400", Severity::error);
    // Host is required only once the version is known to be 1.1.
    CHECK(find(lint("GET / HTTP/2.0\r\n\r\n"), "host-missing") == nullptr);
}

TEST_CASE("lint: the target's form against the method") {
    expect_one("GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", "target-form", 1, 5, "400", Severity::error);
    expect_one("GET * HTTP/1.1\r\nHost: h\r\n\r\n", "target-asterisk", 1, 5, "400", Severity::error);
    expect_one("CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n", "target-form", 1, 9, "400", Severity::error);
    expect_one("CONNECT example.com HTTP/1.1\r\nHost: h\r\n\r\n", "target-form", 1, 9, "400", Severity::error);
    CHECK(find(lint("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), "target-form") == nullptr);
    // CONNECT is for proxies: nginx and Node both refuse it even in its right form.
    auto connect = lint("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    REQUIRE(connect.size() == 1);
    CHECK(connect[0].id == "connect-origin");
    CHECK(find(lint("POST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"), "target-form") == nullptr);
}

TEST_CASE("lint: overlong targets and heads are the rule book's limits, errors at the byte that passes them") {
    const rawhttp::http::Limits lim;
    std::string long_target = "GET /" + std::string(lim.max_request_line, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    expect_one(long_target, "target-too-long", 1, lim.max_request_line + 1, "414", Severity::error);
    CHECK(find(lint("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n"), "target-too-long") == nullptr);
    std::string long_field = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(lim.max_field_line, 'v') + "\r\n\r\n";
    expect_one(long_field, "field-line-too-long", 3, lim.max_field_line + 1, "431", Severity::error);
    std::string big = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 40; ++i) big += "X-" + std::to_string(i) + ": " + std::string(500, 'v') + "\r\n";
    big += "\r\n";
    CHECK(find(lint(big), "head-too-large") == nullptr);  // 20 KiB: under the 32 KiB limit
    CHECK(find(lint(kOk), "head-too-large") == nullptr);
    std::string huge = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 10; ++i) huge += "X-" + std::to_string(i) + ": " + std::string(4000, 'v') + "\r\n";
    huge += "\r\n";
    auto found = lint(huge);
    const auto* f = find(found, "head-too-large");
    REQUIRE(f != nullptr);
    CHECK(f->offset == lim.max_head);
    CHECK(f->expect_status == "431");
    CHECK(f->severity == Severity::error);
    // A server stops reading at the limit: nothing past it is judged, not even Host.
    CHECK(find(found, "host-missing") == nullptr);
    std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (std::size_t i = 0; i < lim.max_fields; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    many += "\r\n";
    expect_one(many, "too-many-fields", lim.max_fields + 2, 1, "431", Severity::error);
}

TEST_CASE("lint: Content-Length invalid, repeated, conflicting, not matching the body") {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\n";
    expect_one(head + "Content-Length: -1\r\n\r\n", "content-length-invalid", 3, 17, "400", Severity::error);
    expect_one(head + "Content-Length: 5x\r\n\r\nhello", "content-length-invalid", 3, 17, "400", Severity::error);
    expect_one(head + "Content-Length: 99999999999999999999999\r\n\r\n", "content-length-invalid", 3, 17, "400",
               Severity::error);
    expect_one(head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "content-length-conflict", 4, 17, "400",
               Severity::error);
    expect_one(head + "Content-Length: 5, 6\r\n\r\nhello!", "content-length-conflict", 3, 20, "400", Severity::error);
    expect_one(head + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "content-length-repeated", 4, 1, "400",
               Severity::error);  // nginx and Node both refuse it, though RFC 9110 lets a server accept it
    expect_one(head + "Content-Length: 5, 5\r\n\r\nhello", "content-length-repeated", 3, 17, "400", Severity::error);
    expect_one(head + "Content-Length: 50\r\n\r\nshort", "content-length-exceeds-body", 5, 6, "timeout",
               Severity::error);
    expect_one(head + "Content-Length: 2\r\n\r\nhello", "body-extra-bytes", 5, 3, "400", Severity::warning);
    CHECK(lint(head + "Content-Length: 5\r\n\r\nhello\r\n").empty());  // one trailing CRLF is ignored
}

TEST_CASE("lint: Transfer-Encoding rules") {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\n";
    const std::string chunks = "5\r\nhello\r\n0\r\n\r\n";
    expect_one(head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks,
               "content-length-with-transfer-encoding", 3, 1, "400", Severity::error);
    expect_one(head + "Transfer-Encoding: gzip\r\n\r\nhello", "transfer-encoding-not-chunked", 3, 20, "400",
               Severity::error);
    // A server cannot process a coding it does not know (RFC 9112 §6.1: 501): an error.
    expect_one(head + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "transfer-encoding-unknown", 3, 20, "501",
               Severity::error);
    expect_one(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
               "transfer-encoding-repeated", 4, 1, "400", Severity::warning);
    expect_one(head + "Transfer-Encoding:\r\n\r\n", "transfer-encoding-not-chunked", 3, 19, "400", Severity::error);
    expect_one(head + "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunks, "transfer-encoding-chunked-twice", 3, 20,
               "400", Severity::error);
    // RFC 9112 §6.1: a recipient MUST treat the framing of an HTTP/1.0 message with Transfer-Encoding as faulty.
    expect_one("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, "transfer-encoding-http10", 2, 1,
               "400", Severity::error);
    CHECK(lint(head + "Transfer-Encoding: Chunked\r\n\r\n" + chunks).empty());  // codings are case-insensitive
    CHECK(lint(head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunks).size() == 1);  // only the 501
}

TEST_CASE("lint: a malformed or unfinished chunked body") {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    auto fs = lint(head + "zz\r\nhello\r\n0\r\n\r\n");
    const Finding* f = find(fs, "chunked-malformed");
    REQUIRE(f != nullptr);
    CHECK(f->line == 5);
    CHECK(f->expect_status == "400");
    CHECK(f->severity == Severity::error);
    expect_one(head + "5\r\nhelloXX\r\n0\r\n\r\n", "chunked-malformed", 6, 6, "400", Severity::error);
    expect_one(head + "5\r\nhello\r\n", "chunked-incomplete", 7, 1, "timeout", Severity::error);
    expect_one(head + "5\r\nhello\r\n0\r\n\r\nGET", "body-extra-bytes", 9, 1, "400", Severity::warning);
    // The grammar of chunk lines decides where the body ends: errors for a request (RFC 9112 §7.1).
    expect_one(head + "5\nhello\r\n0\r\n\r\n", "chunked-bare-lf", 5, 2, "400", Severity::error);
    expect_one(head + "5 \r\nhello\r\n0\r\n\r\n", "chunked-size-whitespace", 5, 2, "400", Severity::error);
    CHECK(lint(head + "5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n").empty());  // extensions and trailers are fine
    expect_one(head + "5\r\nhel", "chunked-incomplete", 6, 4, "timeout", Severity::error);
}

TEST_CASE("lint: a body with no framing, and a head with no end") {
    expect_one("POST / HTTP/1.1\r\nHost: h\r\n\r\nname=value", "body-without-framing", 4, 1, "411",
               Severity::warning);
    CHECK(lint("POST / HTTP/1.1\r\nHost: h\r\n\r\n").empty());
    expect_one("GET / HTTP/1.1\r\nHost: h\r\n", "head-unterminated", 3, 1, "timeout", Severity::error);
    expect_one("GET / HTTP/1.1\r\nHost: h", "head-unterminated", 2, 8, "timeout", Severity::error);
    expect_one("", "empty-request", 1, 1, "timeout", Severity::error);
    expect_one("\r\n\r\n", "empty-request", 3, 1, "timeout", Severity::error);
}

TEST_CASE("lint: findings come in byte order, several rules at once") {
    auto fs = lint("get  index.html http/1.1\nX : y\n\n");
    REQUIRE(fs.size() >= 5);
    for (std::size_t i = 1; i < fs.size(); ++i) CHECK(fs[i - 1].offset <= fs[i].offset);
    CHECK(find(fs, "method-not-uppercase") != nullptr);
    CHECK(find(fs, "request-line-spaces") != nullptr);
    CHECK(find(fs, "target-form") != nullptr);
    CHECK(find(fs, "version-invalid") != nullptr);
    CHECK(find(fs, "space-before-colon") != nullptr);
    CHECK(find(fs, "bare-lf") != nullptr);
}

TEST_CASE("lint: what nginx alone refuses in Host and the target") {
    expect_one("GET / HTTP/1.1\r\nHost: :80\r\n\r\n", "host-unusual", 2, 7, "400", Severity::warning);
    expect_one("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", "host-unusual", 2, 7, "400", Severity::warning);
    CHECK(lint("GET / HTTP/1.1\r\nHost: a.b:80\r\n\r\n").empty());
    expect_one("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", "target-bad-percent", 1, 7, "400", Severity::warning);
    expect_one("GET /a% HTTP/1.1\r\nHost: x\r\n\r\n", "target-bad-percent", 1, 7, "400", Severity::warning);
    CHECK(lint("GET /a%20b%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n").empty());
    // chunked takes no parameters: both nginx and Node refuse "chunked;q=1".
    expect_one("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n",
               "transfer-encoding-not-chunked", 3, 20, "400", Severity::error);
}

TEST_CASE("lint: Expect other than 100-continue") {
    expect_one("GET / HTTP/1.1\r\nHost: h\r\nExpect: foo\r\n\r\n", "expect-unknown", 3, 9, "417", Severity::warning);
    CHECK(lint("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 0\r\n\r\n").empty());
}

TEST_CASE("lint: findings_for_status picks what explains a status") {
    auto fs = lint("GET / HTTP/1.1\r\nX : y\r\n\r\n");
    auto why = findings_for_status(fs, 400);
    CHECK(why.size() == 2);  // host-missing, space-before-colon
    CHECK(findings_for_status(fs, 404).empty());
    CHECK(findings_for_status(lint("GET / HTTP/2.0\r\n\r\n"), 505).size() == 1);
    CHECK(findings_for_status(lint("GET / HTTP/1.1\r\nHost: h\r\n"), 408).size() == 1);
}

TEST_CASE("lint: explain_status says whether findings predict a status, only reject the request, or nothing") {
    using How = StatusExplanation::How;
    auto missing_host = lint("GET / HTTP/1.1\r\nX : y\r\n\r\n");
    auto predicted = explain_status(missing_host, 400);
    CHECK(predicted.how == How::predicted);
    CHECK(predicted.findings.size() == 2);
    // A lowercase method: lint predicts 400, a server answering 501 is still explained by the error.
    auto lower = lint("get / HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE_FALSE(lower.empty());
    auto rejected = explain_status(lower, 501);
    CHECK(rejected.how == How::rejected);
    REQUIRE_FALSE(rejected.findings.empty());
    for (const auto& f : rejected.findings) CHECK(f.severity == Severity::error);
    auto clean = explain_status(lint("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), 404);
    CHECK(clean.how == How::unexplained);
    CHECK(clean.findings.empty());
    auto waited = explain_status(lint("GET / HTTP/1.1\r\nHost: h\r\n"), 408);
    CHECK(waited.how == How::predicted);
    CHECK(waited.findings.size() == 1);
}

// The same request in pieces (as a body streamed from a file arrives) gives
// the same findings as in one piece, wherever it is cut.
TEST_CASE("lint: a request put in pieces is judged as the whole") {
    const std::vector<std::string> cases = {
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n0123456789",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nX",
        "POST / HTTP/1.1\r\nHost: a\r\n\r\nbody",
        "GET / HTTP/1.1\nHost: a\n\n",
    };
    for (const auto& c : cases) {
        const auto whole = lint_request(c);
        for (std::size_t cut = 0; cut <= c.size(); ++cut) {
            for (std::size_t cut2 = cut; cut2 <= c.size(); cut2 += 7) {
                RequestLint pieces(LintOptions{});
                pieces.put(std::string_view(c).substr(0, cut));
                pieces.put(std::string_view(c).substr(cut, cut2 - cut));
                pieces.put(std::string_view(c).substr(cut2));
                const auto got = pieces.finish(c);
                CAPTURE(c);
                CAPTURE(cut);
                CAPTURE(cut2);
                REQUIRE(got.size() == whole.size());
                for (std::size_t i = 0; i < got.size(); ++i) {
                    CHECK(got[i].id == whole[i].id);
                    CHECK(got[i].offset == whole[i].offset);
                    CHECK(got[i].message == whole[i].message);
                }
            }
        }
    }
}
