// The battery as data: one row per test. Ids are the rule's id, or the
// rule's id and a word for the variant; the bytes are written as they go on
// the wire, with $HOST for the target.
#include "probe/battery.hpp"

#include <cstdlib>

namespace rawhttp::probe {

namespace {

const std::string kGet = "GET / HTTP/1.1\r\nHost: $HOST\r\n";
const std::string kPost = "POST / HTTP/1.1\r\nHost: $HOST\r\n";
const std::string kChunked = kPost + "Transfer-Encoding: chunked\r\n\r\n";

// A literal with its NUL bytes kept.
template <std::size_t N>
std::string lit(const char (&s)[N]) {
    return std::string(s, N - 1);
}

struct Row {
    const char* id;
    const char* rule;  // the rule book's id, or "" for a control
    const char* category;
    Baseline baseline;
    std::string bytes;
    const char* about;
};

std::vector<Row> rows() {
    const std::string long_target = "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: $HOST\r\n\r\n";
    const std::string long_field = kGet + "X-Long: " + std::string(9000, 'v') + "\r\n\r\n";
    std::string many_fields = kGet;
    for (int i = 0; i < 101; ++i) many_fields += "X-F" + std::to_string(i) + ": v\r\n";
    many_fields += "\r\n";
    std::string huge_head = kGet, large_head = kGet;
    for (int i = 0; i < 40; ++i) huge_head += "X-H" + std::to_string(i) + ": " + std::string(1000, 'h') + "\r\n";
    for (int i = 0; i < 20; ++i) large_head += "X-H" + std::to_string(i) + ": " + std::string(1000, 'h') + "\r\n";
    huge_head += "\r\n";
    std::string long_trailer = kChunked + "5\r\nhello\r\n0\r\n";
    for (int i = 0; i < 40; ++i) long_trailer += "X-T" + std::to_string(i) + ": " + std::string(1000, 't') + "\r\n";
    long_trailer += "\r\n";
    large_head += "\r\n";
    const Baseline G = Baseline::get, P = Baseline::post;
    return {
        // The controls: what the server answers to valid requests.
        {"control-get", "", "control", G, kGet + "\r\n", "a plain GET"},
        {"control-post", "", "control", P, kPost + "Content-Length: 5\r\n\r\nhello", "a POST with Content-Length"},
        {"control-chunked", "", "control", P, kChunked + "5\r\nhello\r\n0\r\n\r\n", "a chunked POST"},
        {"control-head", "", "control", G, "HEAD / HTTP/1.1\r\nHost: $HOST\r\n\r\n", "HEAD"},
        {"control-http10", "", "control", G, "GET / HTTP/1.0\r\n\r\n", "HTTP/1.0 without Host"},
        {"control-absolute-form", "", "control", G, "GET http://$HOST/ HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "absolute-form target with a matching Host"},
        {"control-leading-empty-line", "", "control", G, "\r\n" + kGet + "\r\n",
         "an empty line before the request line (RFC 9112 2.2 lets a server ignore it)"},
        {"control-chunk-extension", "", "control", P, kChunked + "5;name=value\r\nhello\r\n0\r\n\r\n",
         "a chunk extension"},
        {"control-trailer", "", "control", P, kChunked + "5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n",
         "a trailer field"},
        {"control-ows", "", "control", G, "GET / HTTP/1.1\r\nHost:$HOST \r\nX-A:\t v \t\r\n\r\n",
         "optional whitespace around field values"},

        // The request line.
        {"empty-request", "empty-request", "line", G, "", "nothing at all: the server waits"},
        {"bare-lf", "bare-lf", "line", G, "GET / HTTP/1.1\nHost: $HOST\n\n", "every line ends in LF alone"},
        {"bare-lf-request-line", "bare-lf", "line", G, "GET / HTTP/1.1\nHost: $HOST\r\n\r\n",
         "only the request line ends in LF"},
        {"bare-lf-empty-line", "bare-lf", "line", G, kGet + "\n", "only the empty line is LF"},
        {"bare-cr", "bare-cr", "line", G, "GET / HTTP/1.1\rHost: $HOST\r\n\r\n", "a CR alone ends the request line"},
        {"bare-cr-in-field", "bare-cr", "fields", G, kGet + "X-A: a\rb\r\n\r\n", "a CR alone inside a field value"},
        {"request-line-leading-whitespace", "request-line-leading-whitespace", "line", G,
         " GET / HTTP/1.1\r\nHost: $HOST\r\n\r\n", "a space before the method"},
        {"request-line-spaces", "request-line-spaces", "line", G, "GET  / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "two spaces after the method"},
        {"request-line-spaces-before-version", "request-line-spaces", "line", G,
         "GET /  HTTP/1.1\r\nHost: $HOST\r\n\r\n", "two spaces before the version"},
        {"method-invalid-char-tab", "method-invalid-char", "line", G, "GET\t/ HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a tab between method and target (a tab is no separator there)"},
        {"request-line-parts-http09", "request-line-parts", "line", G, "GET /\r\nHost: $HOST\r\n\r\n",
         "no version (HTTP/0.9 style)"},
        {"request-line-parts-extra", "request-line-parts", "line", G, "GET / HTTP/1.1 x\r\nHost: $HOST\r\n\r\n",
         "a fourth word"},
        {"request-line-parts-space-in-target", "request-line-parts", "line", G,
         "GET /a b HTTP/1.1\r\nHost: $HOST\r\n\r\n", "a space inside the target"},
        {"method-invalid-char", "method-invalid-char", "line", G, "G(T / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a parenthesis in the method"},
        {"method-invalid-char-at", "method-invalid-char", "line", G, "GET@ / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "an @ in the method"},
        {"method-not-uppercase", "method-not-uppercase", "line", G, "get / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "the method in lower case"},
        {"method-unusual-char", "method-unusual-char", "line", G, "GE7 / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a digit in the method"},
        {"method-unknown", "method-unknown", "line", G, "FROB / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a method no server defines"},
        {"target-invalid-char-del", "target-invalid-char", "line", G,
         "GET /a\x7f" "b HTTP/1.1\r\nHost: $HOST\r\n\r\n", "a DEL byte in the target"},
        {"target-invalid-char-nul", "target-invalid-char", "line", G,
         lit("GET /a\0b HTTP/1.1\r\nHost: $HOST\r\n\r\n"), "a NUL byte in the target"},
        {"target-invalid-char-high", "target-invalid-char", "line", G,
         "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: $HOST\r\n\r\n", "raw UTF-8 in the target"},
        {"target-uri-char", "target-uri-char", "line", G, "GET /a{b} HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "braces in the target"},
        {"target-uri-char-quote", "target-uri-char", "line", G, "GET /a\"b HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a double quote in the target"},
        {"target-form", "target-form", "line", G, "GET index.html HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a target without its leading slash"},
        {"options-asterisk", "options-asterisk", "line", G, "OPTIONS * HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "OPTIONS *"},
        {"connect-origin", "connect-origin", "line", G, "CONNECT / HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "CONNECT to a path instead of host:port"},
        {"target-asterisk", "target-asterisk", "line", G, "GET * HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "GET *"},
        {"target-bad-percent", "target-bad-percent", "line", G, "GET /%zz HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a % not followed by two hex digits"},
        {"target-bad-percent-short", "target-bad-percent", "line", G, "GET /a%2 HTTP/1.1\r\nHost: $HOST\r\n\r\n",
         "a % followed by one hex digit"},
        {"version-invalid-lowercase", "version-invalid", "line", G, "GET / http/1.1\r\nHost: $HOST\r\n\r\n",
         "the version in lower case"},
        {"version-invalid-no-minor", "version-invalid", "line", G, "GET / HTTP/1\r\nHost: $HOST\r\n\r\n",
         "HTTP/1"},
        {"version-invalid-three-parts", "version-invalid", "line", G, "GET / HTTP/1.1.1\r\nHost: $HOST\r\n\r\n",
         "HTTP/1.1.1"},
        {"version-invalid-two-digits", "version-invalid", "line", G, "GET / HTTP/11\r\nHost: $HOST\r\n\r\n",
         "HTTP/11"},
        {"version-invalid-space", "version-invalid", "line", G, "GET / HTTP/ 1.1\r\nHost: $HOST\r\n\r\n",
         "a space inside the version"},
        {"version-minor", "version-minor", "line", G, "GET / HTTP/1.2\r\nHost: $HOST\r\n\r\n",
         "HTTP/1.2, a minor version no one sends"},
        {"version-unsupported-2", "version-unsupported", "line", G, "GET / HTTP/2.0\r\nHost: $HOST\r\n\r\n",
         "HTTP/2.0 as text"},
        {"version-unsupported-3", "version-unsupported", "line", G, "GET / HTTP/3.0\r\nHost: $HOST\r\n\r\n",
         "HTTP/3.0 as text"},
        {"version-invalid-09", "version-invalid", "line", G, "GET / HTTP/0.9\r\nHost: $HOST\r\n\r\n",
         "HTTP/0.9 written out (that version had no version field)"},

        // Field lines.
        {"whitespace-before-first-field", "whitespace-before-first-field", "fields", G,
         "GET / HTTP/1.1\r\n X-A: a\r\nHost: $HOST\r\n\r\n", "a space before the first field line"},
        {"obs-fold", "obs-fold", "fields", G, kGet + "X-A: a\r\n b\r\n\r\n", "a field value folded onto a second line"},
        {"obs-fold-tab", "obs-fold", "fields", G, kGet + "X-A: a\r\n\tb\r\n\r\n", "folded with a tab"},
        {"field-missing-colon", "field-missing-colon", "fields", G, kGet + "X-A a\r\n\r\n", "a field line with no colon"},
        {"field-name-empty", "field-name-empty", "fields", G, kGet + ": a\r\n\r\n", "a field line starting with a colon"},
        {"space-before-colon", "space-before-colon", "fields", G, kGet + "X-A : a\r\n\r\n", "a space before the colon"},
        {"space-before-colon-tab", "space-before-colon", "fields", G, kGet + "X-A\t: a\r\n\r\n", "a tab before the colon"},
        {"field-name-invalid-char", "field-name-invalid-char", "fields", G, kGet + "X(A): a\r\n\r\n",
         "parentheses in a field name"},
        {"field-name-invalid-char-space", "field-name-invalid-char", "fields", G, kGet + "X A: a\r\n\r\n",
         "a space inside a field name"},
        {"field-name-invalid-char-utf8", "field-name-invalid-char", "fields", G, kGet + "X-\xc3\xa9: a\r\n\r\n",
         "UTF-8 in a field name"},
        {"field-value-invalid-char-nul", "field-value-invalid-char", "fields", G,
         kGet + lit("X-A: a\0b\r\n\r\n"), "a NUL in a field value"},
        {"field-value-invalid-char-ctl", "field-value-invalid-char", "fields", G, kGet + "X-A: a\x01" "b\r\n\r\n",
         "a control byte in a field value"},
        {"field-value-invalid-char-del", "field-value-invalid-char", "fields", G, kGet + "X-A: a\x7f" "b\r\n\r\n",
         "a DEL in a field value"},

        // Host.
        {"host-missing", "host-missing", "host", G, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 without Host"},
        {"host-missing-with-others", "host-missing", "host", G, "GET / HTTP/1.1\r\nX-A: a\r\n\r\n",
         "fields, but no Host"},
        {"host-repeated", "host-repeated", "host", G, kGet + "Host: $HOST\r\n\r\n", "Host twice, the same value"},
        {"host-repeated-different", "host-repeated", "host", G, kGet + "Host: other.example\r\n\r\n",
         "Host twice, different values"},
        {"host-empty", "host-empty", "host", G, "GET / HTTP/1.1\r\nHost:\r\n\r\n", "an empty Host"},
        {"host-unusual-empty-label", "host-unusual", "host", G, "GET / HTTP/1.1\r\nHost: a..example\r\n\r\n",
         "two dots in the host name"},
        {"host-unusual-no-name", "host-unusual", "host", G, "GET / HTTP/1.1\r\nHost: :80\r\n\r\n",
         "a port and no host name"},
        {"host-invalid-space", "host-invalid", "host", G, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "a space in Host"},
        {"host-invalid-slash", "host-invalid", "host", G, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "a path in Host"},
        {"host-invalid-userinfo", "host-invalid", "host", G, "GET / HTTP/1.1\r\nHost: user@$HOST\r\n\r\n",
         "userinfo in Host"},
        {"host-invalid-port", "host-invalid", "host", G, "GET / HTTP/1.1\r\nHost: a:port\r\n\r\n",
         "a port that is not a number"},
        {"host-invalid-bracket", "host-invalid", "host", G, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
         "an IPv6 literal without its closing bracket"},
        {"expect-unknown", "expect-unknown", "host", G, kGet + "Expect: 100-continuex\r\n\r\n",
         "an Expect the server cannot meet (417)"},

        // Framing: the fields that say where the body ends (request smuggling lives here).
        {"content-length-invalid-plus", "content-length-invalid", "framing", P,
         kPost + "Content-Length: +5\r\n\r\nhello", "Content-Length: +5"},
        {"content-length-invalid-negative", "content-length-invalid", "framing", P,
         kPost + "Content-Length: -5\r\n\r\nhello", "Content-Length: -5"},
        {"content-length-invalid-hex", "content-length-invalid", "framing", P,
         kPost + "Content-Length: 0x5\r\n\r\nhello", "Content-Length: 0x5"},
        {"content-length-invalid-word", "content-length-invalid", "framing", P,
         kPost + "Content-Length: five\r\n\r\nhello", "Content-Length: five"},
        {"content-length-invalid-decimal", "content-length-invalid", "framing", P,
         kPost + "Content-Length: 5.0\r\n\r\nhello", "Content-Length: 5.0"},
        {"content-length-invalid-space", "content-length-invalid", "framing", P,
         kPost + "Content-Length: 5 5\r\n\r\nhello", "Content-Length: 5 5"},
        {"content-length-invalid-empty", "content-length-invalid", "framing", P,
         kPost + "Content-Length:\r\n\r\nhello", "an empty Content-Length"},
        {"content-length-invalid-overflow", "content-length-invalid", "framing", P,
         kPost + "Content-Length: 99999999999999999999999\r\n\r\nhello", "a Content-Length past 2^64"},
        {"content-length-conflict", "content-length-conflict", "framing", P,
         kPost + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "two Content-Length lines, 5 and 6"},
        {"content-length-conflict-list", "content-length-conflict", "framing", P,
         kPost + "Content-Length: 5, 6\r\n\r\nhello", "Content-Length: 5, 6"},
        {"content-length-repeated", "content-length-repeated", "framing", P,
         kPost + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "two Content-Length lines, both 5"},
        {"content-length-repeated-list", "content-length-repeated", "framing", P,
         kPost + "Content-Length: 5, 5\r\n\r\nhello", "Content-Length: 5, 5"},
        {"content-length-with-transfer-encoding", "content-length-with-transfer-encoding", "framing", P,
         kPost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "Content-Length and then Transfer-Encoding (CL.TE smuggling)"},
        {"content-length-with-transfer-encoding-te-first", "content-length-with-transfer-encoding", "framing", P,
         kPost + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
         "Transfer-Encoding and then Content-Length (TE.CL smuggling)"},
        {"transfer-encoding-not-chunked", "transfer-encoding-not-chunked", "framing", P,
         kPost + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", "chunked not the last coding"},
        {"transfer-encoding-not-chunked-gzip", "transfer-encoding-not-chunked", "framing", P,
         kPost + "Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n", "gzip alone: the body's end is unknown"},
        {"transfer-encoding-chunked-twice", "transfer-encoding-chunked-twice", "framing", P,
         kPost + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "chunked, chunked"},
        {"transfer-encoding-repeated", "transfer-encoding-repeated", "framing", P,
         kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "two Transfer-Encoding lines"},
        {"transfer-encoding-not-chunked-xchunked", "transfer-encoding-not-chunked", "framing", P,
         kPost + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding: xchunked"},
        {"transfer-encoding-unknown", "transfer-encoding-unknown", "framing", P,
         kPost + "Transfer-Encoding: frob, chunked\r\n\r\n0\r\n\r\n", "a coding no server knows, then chunked"},
        {"transfer-encoding-unknown-identity", "transfer-encoding-unknown", "framing", P,
         kPost + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", "the retired identity coding"},
        {"transfer-encoding-http10", "transfer-encoding-http10", "framing", P,
         "POST / HTTP/1.0\r\nHost: $HOST\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "chunked in an HTTP/1.0 request"},
        {"transfer-encoding-space-before-colon", "space-before-colon", "framing", P,
         kPost + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding with a space before the colon"},
        {"transfer-encoding-obs-fold", "obs-fold", "framing", P,
         kPost + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding folded onto a second line"},
        {"content-length-obs-fold", "obs-fold", "framing", P, kPost + "Content-Length:\r\n 5\r\n\r\nhello",
         "Content-Length folded onto a second line"},

        // The chunked body.
        {"chunked-malformed-size-letter", "chunked-malformed", "chunked", P, kChunked + "g\r\nhello\r\n0\r\n\r\n",
         "a chunk size that is not hex"},
        {"chunked-malformed-size-negative", "chunked-malformed", "chunked", P, kChunked + "-5\r\nhello\r\n0\r\n\r\n",
         "a negative chunk size"},
        {"chunked-malformed-size-0x", "chunked-malformed", "chunked", P, kChunked + "0x5\r\nhello\r\n0\r\n\r\n",
         "a chunk size written 0x5"},
        {"chunked-malformed-size-overflow", "chunked-malformed", "chunked", P,
         kChunked + "10000000000000000\r\nhello\r\n0\r\n\r\n", "a chunk size past 2^64"},
        {"chunked-malformed-no-crlf-after-data", "chunked-malformed", "chunked", P,
         kChunked + "5\r\nhelloXX0\r\n\r\n", "chunk data not followed by CRLF"},
        {"chunked-malformed-empty-size", "chunked-malformed", "chunked", P, kChunked + "\r\nhello\r\n0\r\n\r\n",
         "an empty chunk-size line"},
        {"chunked-bare-lf", "chunked-bare-lf", "chunked", P, kChunked + "5\nhello\n0\n\n", "chunk lines ending in LF"},
        {"chunked-bare-lf-last", "chunked-bare-lf", "chunked", P, kChunked + "5\r\nhello\r\n0\r\n\n",
         "only the final empty line is LF"},
        {"chunked-size-whitespace", "chunked-size-whitespace", "chunked", P,
         kChunked + "5 \r\nhello\r\n0\r\n\r\n", "a space after the chunk size"},
        {"chunked-size-whitespace-tab", "chunked-size-whitespace", "chunked", P,
         kChunked + "5\t\r\nhello\r\n0\r\n\r\n", "a tab after the chunk size"},
        {"chunk-ext-invalid-empty", "chunk-ext-invalid", "chunked", P, kChunked + "5;\r\nhello\r\n0\r\n\r\n",
         "a ; with no extension name"},
        {"chunk-ext-invalid-quote", "chunk-ext-invalid", "chunked", P,
         kChunked + "5;a=\"x\r\nhello\r\n0\r\n\r\n", "an unterminated quoted extension value"},
        {"chunk-ext-invalid-char", "chunk-ext-invalid", "chunked", P, kChunked + "5;a@b\r\nhello\r\n0\r\n\r\n",
         "an @ in an extension name"},
        {"chunk-ext-too-long", "chunk-ext-too-long", "limits", P,
         kChunked + "5;a=" + std::string(5000, 'x') + "\r\nhello\r\n0\r\n\r\n", "a 5000-byte chunk extension"},
        {"trailer-field-missing-colon", "field-missing-colon", "chunked", P,
         kChunked + "5\r\nhello\r\n0\r\nX-T t\r\n\r\n", "a trailer line with no colon"},
        {"trailer-space-before-colon", "space-before-colon", "chunked", P,
         kChunked + "5\r\nhello\r\n0\r\nX-T : t\r\n\r\n", "a space before a trailer's colon"},
        {"trailer-invalid-too-long", "trailer-invalid", "limits", P, long_trailer, "40 KiB of trailer fields"},

        // Limits.
        {"target-too-long", "target-too-long", "limits", G, long_target, "a 9000-byte target"},
        {"field-line-too-long", "field-line-too-long", "limits", G, long_field, "a 9000-byte field line"},
        {"too-many-fields", "too-many-fields", "limits", G, many_fields, "101 field lines"},
        {"head-too-large", "head-too-large", "limits", G, huge_head, "a 40 KiB head"},
        {"head-large", "head-large", "limits", G, large_head, "a 20 KiB head"},

        // Where the message ends.
        {"head-unterminated", "head-unterminated", "end", G, kGet, "a head without its empty line: the server waits"},
        {"chunked-incomplete", "chunked-incomplete", "end", P, kChunked + "5\r\nhel",
         "a chunked body that stops: the server waits"},
        {"content-length-exceeds-body", "content-length-exceeds-body", "end", P,
         kPost + "Content-Length: 10\r\n\r\nhello", "5 of the 10 bytes announced: the server waits"},
    };
}

std::vector<ProbeTest> build() {
    std::vector<ProbeTest> out;
    for (auto& r : rows()) {
        ProbeTest t;
        t.id = r.id;
        if (*r.rule) {
            t.rule = http::find_rule(r.rule);
            if (!t.rule) std::abort();  // a typo in the table: the unit tests run every row
        }
        t.category = r.category;
        t.baseline = r.baseline;
        t.bytes = std::move(r.bytes);
        t.about = r.about;
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace

const std::vector<ProbeTest>& battery() {
    static const std::vector<ProbeTest> tests = build();
    return tests;
}

std::string bytes_for(const ProbeTest& t, std::string_view host) {
    if (t.exact) return t.bytes;
    std::string out;
    out.reserve(t.bytes.size() + 32);
    std::string_view b = t.bytes;
    for (;;) {
        const std::size_t at = b.find("$HOST");
        out.append(b.substr(0, at));
        if (at == std::string_view::npos) break;
        out.append(host);
        b.remove_prefix(at + 5);
    }
    return out;
}

}  // namespace rawhttp::probe
