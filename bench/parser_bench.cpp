// The head parser alone, for responses and for requests: rawhttp (the
// one-pass reading of a clean head, else find_head_end + parse_head; then the
// framing and the head's own rules, every rule of the rule book checked, as
// MessageReader does it) against three C parsers linked into
// this same binary (bench/peers.hpp), on the same realistic heads
// (bench/heads.hpp): llhttp, picohttpparser and http_parser.
//
// Every side does the equivalent work for one head: validate the start line
// and every field, record each header's name and value as spans into the
// buffer (no copies), and decide the body framing (Content-Length / chunked).
// Before anything is timed, every peer must agree with rawhttp on the start
// line, every field and the framing of every head, or the benchmark fails.
// Each benchmark reports bytes/s (SetBytesProcessed) and heads/s (items).
//
//   build-bench/bench/parser_bench --benchmark_min_time=0.5
//   build-bench/bench/parser_bench --benchmark_filter='/request/'
//   build-bench/bench/parser_bench --repeat rawhttp/request/curl_get 10000
//       (no timing: runs one parser on one head N times, for callgrind's
//       instruction count; bench/run --callgrind uses it)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "heads.hpp"
#include "peers.hpp"

namespace {

using bench_peers::Parsed;
using bench_peers::Peer;

struct Case {
    const char* name;  // "response/api_json"
    bool request;
    const std::string* head;
};
const Case kCases[] = {
    {"response/api_json", false, &bench_heads::kApiHead},
    {"response/nginx_static", false, &bench_heads::kNginxHead},
    {"response/cdn_25_headers", false, &bench_heads::kCdnHead},
    {"response/chunked", false, &bench_heads::kChunkedHead},
    {"request/browser_get", true, &bench_heads::kBrowserGet},
    {"request/curl_get", true, &bench_heads::kCurlGet},
    {"request/api_post", true, &bench_heads::kApiPost},
    {"request/chunked_upload", true, &bench_heads::kChunkedUpload},
};

struct PeerKind {
    const char* name;
    std::unique_ptr<Peer> (*make)();
};
const PeerKind kPeers[] = {
    {"rawhttp", bench_peers::make_rawhttp},
    {"llhttp", bench_peers::make_llhttp},
    {"picohttpparser", bench_peers::make_picohttpparser},
    {"http_parser", bench_peers::make_http_parser},
};

void timed(benchmark::State& state, const PeerKind& peer, const Case& c) {
    const std::unique_ptr<Peer> p = peer.make();
    const std::string_view buf = *c.head;
    for (auto _ : state) {
        if (!p->run(buf, c.request)) {
            state.SkipWithError("the head did not parse");
            return;
        }
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["head_bytes"] = static_cast<double>(buf.size());
}

// Why `got` differs from rawhttp's reading `want`, or "" when they agree.
std::string disagreement(const Parsed& want, const Parsed& got, bool request) {
    if (!got.complete) return "the head did not end";
    if (request) {
        if (got.method != want.method) return "method '" + std::string(got.method) + "'";
        if (got.target != want.target) return "target '" + std::string(got.target) + "'";
    } else {
        if (got.status != want.status) return "status " + std::to_string(got.status);
        if (got.reason != want.reason) return "reason '" + std::string(got.reason) + "'";
    }
    if (got.minor != want.minor) return "minor version " + std::to_string(got.minor);
    if (got.headers.size() != want.headers.size()) return std::to_string(got.headers.size()) + " fields";
    for (std::size_t i = 0; i < want.headers.size(); ++i)
        if (got.headers[i] != want.headers[i])
            return "field " + std::to_string(i) + " '" + std::string(got.headers[i].first) + ": " +
                   std::string(got.headers[i].second) + "'";
    if (got.chunked != want.chunked) return got.chunked ? "chunked" : "not chunked";
    if (got.has_length != want.has_length || got.length != want.length)
        return got.has_length ? "Content-Length " + std::to_string(got.length) : "no Content-Length";
    return "";
}

// Every peer must read every head as rawhttp does before anything is timed.
bool all_agree() {
    bool ok = true;
    for (const Case& c : kCases) {
        const auto raw = bench_peers::make_rawhttp();
        if (!raw->run(*c.head, c.request)) {
            std::fprintf(stderr, "parser_bench: rawhttp rejects head %s\n", c.name);
            return false;
        }
        const Parsed want = raw->parsed();
        for (const PeerKind& peer : kPeers) {
            const auto p = peer.make();
            if (!p->run(*c.head, c.request)) {
                std::fprintf(stderr, "parser_bench: %s rejects head %s\n", peer.name, c.name);
                ok = false;
                continue;
            }
            const std::string why = disagreement(want, p->parsed(), c.request);
            if (!why.empty()) {
                std::fprintf(stderr, "parser_bench: %s disagrees with rawhttp on head %s: %s\n", peer.name, c.name,
                             why.c_str());
                ok = false;
            }
        }
    }
    return ok;
}

// --repeat PEER/KIND/CASE N: the untimed loop callgrind counts.
int repeat(const std::string& name, long n) {
    for (const PeerKind& peer : kPeers)
        for (const Case& c : kCases) {
            if (name != std::string(peer.name) + "/" + c.name) continue;
            const auto p = peer.make();
            for (long i = 0; i < n; ++i)
                if (!p->run(*c.head, c.request)) return 1;
            return 0;
        }
    std::fprintf(stderr, "parser_bench: no benchmark named %s\n", name.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (!all_agree()) return 1;
    if (argc == 4 && std::strcmp(argv[1], "--repeat") == 0) return repeat(argv[2], std::atol(argv[3]));
    for (const Case& c : kCases)
        for (const PeerKind& peer : kPeers)
            benchmark::RegisterBenchmark((std::string(peer.name) + "/" + c.name).c_str(),
                                         [&peer, &c](benchmark::State& s) { timed(s, peer, c); });
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
