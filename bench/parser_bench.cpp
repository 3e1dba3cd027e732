// The response parser alone: rawhttp's find_head_end + parse_head + response_framing (every rule checked)
// against the C parser of Debian's libhttp-parser-dev (Node's former
// http-parser), linked into this same binary, on the same realistic heads.
//
// Both sides do the equivalent work for one head: validate the status line and
// every field, record each header's name and value as spans into the buffer
// (no copies), and decide the body framing (Content-Length / chunked). Each
// benchmark reports bytes/s (SetBytesProcessed) and heads/s (items).
//
//   build-bench/bench/parser_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>
#include <http_parser.h>

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace {

// ---------------------------------------------------------------- the heads

// A small JSON API response (what an API gateway sends back).
const std::string kApiHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 87\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: no-store\r\n"
    "X-Request-Id: 7f3c9a2e-4b1d-4e8a-9c55-0a7d21b6e913\r\n"
    "\r\n";

// nginx serving a static file.
const std::string kNginxHead =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 10671\r\n"
    "Last-Modified: Tue, 04 Nov 2025 09:12:44 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"6909c36c-29af\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n";

// A big CDN response: ~25 fields, cookies, security headers, long values.
const std::string kCdnHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Length: 184213\r\n"
    "Connection: keep-alive\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Server: ECAcc (lhd/35B8)\r\n"
    "Cache-Control: public, max-age=0, s-maxage=300, stale-while-revalidate=60\r\n"
    "Age: 117\r\n"
    "Vary: Accept-Encoding, Accept-Language, Cookie\r\n"
    "ETag: W/\"2cf95-19a4e1c2b8d\"\r\n"
    "Last-Modified: Sat, 22 Nov 2025 18:40:03 GMT\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    "Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example-static.net "
    "https://www.googletagmanager.com; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n"
    "Permissions-Policy: geolocation=(), microphone=(), camera=()\r\n"
    "Set-Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNzMyMjk5OTcwfQ.kD3vU7; "
    "Path=/; Domain=.example.com; Expires=Sun, 23 Nov 2025 18:46:10 GMT; Secure; HttpOnly; SameSite=Lax\r\n"
    "Set-Cookie: __cf_bm=Zm9vYmFyYmF6cXV4LTE3MzIyOTk5NzAtMC1BVGd5; path=/; expires=Sat, 22-Nov-25 19:16:10 GMT; "
    "domain=.example.com; HttpOnly; Secure; SameSite=None\r\n"
    "Set-Cookie: locale=en-GB; Path=/; Max-Age=31536000; SameSite=Lax\r\n"
    "X-Cache: HIT\r\n"
    "X-Cache-Hits: 14\r\n"
    "X-Served-By: cache-lhr7321-LHR, cache-fra-etou8220090-FRA\r\n"
    "X-Timer: S1732301170.812304,VS0,VE1\r\n"
    "CF-Ray: 8e6a2f4b7c1d9e03-LHR\r\n"
    "Alt-Svc: h3=\":443\"; ma=86400\r\n"
    "Via: 1.1 varnish, 1.1 varnish\r\n"
    "\r\n";

// A chunked response (a streamed API / server-rendered page).
const std::string kChunkedHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n"
    "Vary: Accept-Encoding\r\n"
    "Cache-Control: private, no-cache\r\n"
    "X-Powered-By: Express\r\n"
    "\r\n";

// ---------------------------------------------------------------- rawhttp

void rawhttp_parse(benchmark::State& state, const std::string& buf) {
    using namespace rawhttp::http;
    MessageHead head;
    Violations found;
    const Limits limits = response_limits();
    std::uint64_t checksum = 0;
    for (auto _ : state) {
        found.clear();
        const auto end = find_head_end(buf, MessageKind::response);
        if (!end) {
            state.SkipWithError("rawhttp: head did not end");
            return;
        }
        parse_head(std::string_view(buf).substr(0, *end), MessageKind::response, limits, head, found);
        const BodyFraming framing = response_framing(head, "GET", found);
        if (!framing.decidable || first_error(found, MessageKind::response)) {
            state.SkipWithError("rawhttp: head did not parse");
            return;
        }
        checksum += head.headers.size() + framing.length + static_cast<unsigned>(framing.framing) +
                    static_cast<unsigned>(head.status);
        benchmark::DoNotOptimize(head);
    }
    benchmark::DoNotOptimize(checksum);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["head_bytes"] = static_cast<double>(buf.size());
}

// ---------------------------------------------------------------- http-parser

// Spans into the buffer, filled by the callbacks (the same information as
// rawhttp's HeaderField list; the vector's capacity is reused like rawhttp's).
struct Span {
    const char* at;
    std::size_t len;
};
struct HpHead {
    Span status{nullptr, 0};
    std::vector<std::pair<Span, Span>> headers;
    bool last_was_value = true;
    bool complete = false;
};

int hp_on_status(http_parser* p, const char* at, std::size_t len) {
    auto* h = static_cast<HpHead*>(p->data);
    if (!h->status.at) h->status = {at, 0};
    h->status.len += len;
    return 0;
}
int hp_on_header_field(http_parser* p, const char* at, std::size_t len) {
    auto* h = static_cast<HpHead*>(p->data);
    if (h->last_was_value) {
        h->headers.push_back({{at, 0}, {nullptr, 0}});
        h->last_was_value = false;
    }
    h->headers.back().first.len += len;  // a continuation when a field spans two calls
    return 0;
}
int hp_on_header_value(http_parser* p, const char* at, std::size_t len) {
    auto* h = static_cast<HpHead*>(p->data);
    auto& v = h->headers.back().second;
    if (!v.at) v.at = at;
    v.len += len;
    h->last_was_value = true;
    return 0;
}
int hp_on_headers_complete(http_parser* p) {
    static_cast<HpHead*>(p->data)->complete = true;
    return 0;
}

http_parser_settings make_settings() {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_status = hp_on_status;
    s.on_header_field = hp_on_header_field;
    s.on_header_value = hp_on_header_value;
    s.on_headers_complete = hp_on_headers_complete;
    return s;
}

void http_parser_parse(benchmark::State& state, const std::string& buf) {
    const http_parser_settings settings = make_settings();
    http_parser parser;
    HpHead head;
    std::uint64_t checksum = 0;
    for (auto _ : state) {
        head.headers.clear();
        head.status = {nullptr, 0};
        head.last_was_value = true;
        head.complete = false;
        http_parser_init(&parser, HTTP_RESPONSE);
        parser.data = &head;
        const std::size_t n = http_parser_execute(&parser, &settings, buf.data(), buf.size());
        if (n != buf.size() || HTTP_PARSER_ERRNO(&parser) != HPE_OK || !head.complete) {
            state.SkipWithError("http_parser: head did not parse");
            return;
        }
        // The framing, as http-parser decided it while parsing.
        const bool chunked = (parser.flags & F_CHUNKED) != 0;
        const std::uint64_t length = chunked ? 0 : parser.content_length;
        checksum += head.headers.size() + length + (chunked ? 1u : 0u) + parser.status_code;
        benchmark::DoNotOptimize(head);
    }
    benchmark::DoNotOptimize(checksum);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["head_bytes"] = static_cast<double>(buf.size());
}

// ---------------------------------------------------------------- registration

// Both parsers must agree on every head before anything is timed.
bool heads_agree(const std::string& buf) {
    using namespace rawhttp::http;
    MessageHead rh;
    Violations found;
    const auto end = find_head_end(buf, MessageKind::response);
    if (!end || *end != buf.size()) return false;
    parse_head(buf, MessageKind::response, response_limits(), rh, found);
    const BodyFraming framing = response_framing(rh, "GET", found);
    if (!framing.decidable || first_error(found, MessageKind::response)) return false;

    const http_parser_settings settings = make_settings();
    http_parser parser;
    HpHead hh;
    http_parser_init(&parser, HTTP_RESPONSE);
    parser.data = &hh;
    if (http_parser_execute(&parser, &settings, buf.data(), buf.size()) != buf.size() || !hh.complete) return false;
    if (hh.headers.size() != rh.headers.size() || parser.status_code != static_cast<unsigned>(rh.status)) return false;
    for (std::size_t i = 0; i < rh.headers.size(); ++i) {
        if (std::string_view(hh.headers[i].first.at, hh.headers[i].first.len) != rh.headers[i].name) return false;
        if (std::string_view(hh.headers[i].second.at, hh.headers[i].second.len) != rh.headers[i].value) return false;
    }
    const bool chunked = (parser.flags & F_CHUNKED) != 0;
    if (chunked != (framing.framing == Framing::chunked)) return false;
    if (!chunked && parser.content_length != framing.length) return false;
    return true;
}

struct Case {
    const char* name;
    const std::string* head;
};
const Case kCases[] = {
    {"api_json", &kApiHead},
    {"nginx_static", &kNginxHead},
    {"cdn_25_headers", &kCdnHead},
    {"chunked", &kChunkedHead},
};

}  // namespace

int main(int argc, char** argv) {
    for (const Case& c : kCases) {
        if (!heads_agree(*c.head)) {
            std::fprintf(stderr, "parser_bench: the two parsers disagree on head %s\n", c.name);
            return 1;
        }
        const std::string* head = c.head;
        benchmark::RegisterBenchmark((std::string("rawhttp/") + c.name).c_str(),
                                     [head](benchmark::State& s) { rawhttp_parse(s, *head); });
        benchmark::RegisterBenchmark((std::string("http_parser/") + c.name).c_str(),
                                     [head](benchmark::State& s) { http_parser_parse(s, *head); });
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
