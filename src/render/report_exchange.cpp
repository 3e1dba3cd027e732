#include "render/report_exchange.hpp"

#include <algorithm>
#include <cstdio>

#include "compose/wire_bytes.hpp"
#include "core/wording.hpp"
#include "http/message.hpp"
#include "http/request_line.hpp"
#include "render/head_meanings.hpp"
#include "render/terminal_report.hpp"
#include "render/timeline.hpp"

namespace rawhttp::render {

namespace {

constexpr std::size_t kShownBytes = 64 * 1024;

std::string_view without_eol(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
}

std::string request_field_meaning(std::string_view name) {
    static const std::pair<const char*, const char*> known[] = {
        {"Host", "which site on the server (required in HTTP/1.1)"},
        {"Content-Length", "framing: the body is exactly this many bytes"},
        {"Transfer-Encoding", "framing: the body comes in chunks"},
        {"Connection", "whether the connection stays open after the response"},
        {"Expect", "asks the server to say 100 Continue before the body is sent"},
        {"Content-Type", "the body's media type"},
        {"User-Agent", "the client's software"},
        {"Accept", "media types the client takes"},
        {"Accept-Encoding", "codings the client can decode"},
        {"Authorization", "credentials"},
        {"Cookie", "cookies sent back to the server"},
        {"Upgrade", "asks to switch to another protocol"},
        {"Range", "asks for part of the resource"},
    };
    for (const auto& [n, m] : known)
        if (http::iequals(name, n)) return m;
    return "";
}

}  // namespace

std::vector<std::string> request_meanings(std::string_view bytes, std::size_t head_bytes) {
    std::vector<std::string> out;
    std::size_t at = 0, field = 0;
    bool in_body = false, body_named = false;
    for (std::string_view line : split_lines(bytes)) {
        const std::string_view text = without_eol(line);
        if (in_body || at >= head_bytes) {
            out.push_back(body_named ? "" : "body (" + std::to_string(bytes.size() - at) + " bytes)");
            in_body = body_named = true;
        } else if (out.empty()) {
            if (auto rl = http::split_request_line(text))
                out.push_back("request line: method " + std::string(rl->method) + ", target " +
                              std::string(rl->target) + ", version " + std::string(rl->version));
            else
                out.push_back("request line (not three parts separated by single spaces)");
        } else if (text.empty()) {
            out.push_back("the empty line: the head ends");
            in_body = true;
        } else {
            const auto colon = text.find(':');
            const std::string name(colon == std::string_view::npos ? text : text.substr(0, colon));
            const std::string m = request_field_meaning(name);
            out.push_back("field " + std::to_string(++field) + " (" + name + ")" + (m.empty() ? "" : ": " + m));
        }
        at += line.size();
    }
    return out;
}

std::vector<std::string> response_meanings(std::string_view raw, const client::Response& r, std::string_view method) {
    std::vector<std::string> out;
    std::size_t at = 0;
    auto add_head = [&](std::size_t size, const std::vector<std::string>& meanings) {
        std::size_t k = 0;
        const std::size_t end = at + size;
        for (std::string_view line : split_lines(raw.substr(std::min(at, raw.size()), size))) {
            out.push_back(k < meanings.size() ? meanings[k] : "");
            ++k;
            at += line.size();
        }
        at = end;
    };
    for (const auto& i : r.interim) {
        std::vector<std::string> m{"interim status line: " + std::to_string(i.status) + " (" +
                                   std::string(http::status_meaning(i.status)) + "); the final response follows"};
        for (std::size_t k = 0; k < i.headers.size(); ++k) m.push_back("field of the interim response");
        m.push_back("the empty line: the interim response ends");
        add_head(i.raw_head.size(), m);
    }
    if (!r.head_complete) return out;
    add_head(r.raw_head.size(), response_head_meanings(r, method));
    if (at >= raw.size()) return out;
    const std::string_view body = raw.substr(at);
    if (r.framing == http::Framing::chunked) {
        for (auto& m : chunked_meanings(body)) out.push_back(std::move(m));
        return out;
    }
    bool first = true;
    for ([[maybe_unused]] std::string_view line : split_lines(body)) {
        out.push_back(first ? "body (" + std::to_string(r.body_bytes) + " bytes decoded)" : "");
        first = false;
    }
    return out;
}

std::vector<std::string> chunked_meanings(std::string_view body) {
    // A walk line by line, counting the data's bytes: chunk data may hold
    // line breaks of its own, and ends with the CR LF that ends its last line.
    std::vector<std::string> out;
    enum class At { size, data, trailer, done } at = At::size;
    std::uint64_t left = 0;  // bytes of data and its CR LF still to come
    for (std::string_view line : split_lines(body)) {
        std::string meaning;
        switch (at) {
            case At::size: {
                std::uint64_t n = 0;
                std::size_t digits = 0;
                for (char c : line) {
                    const int v = c >= '0' && c <= '9'   ? c - '0'
                                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                         : -1;
                    if (v < 0 || digits >= 15) break;
                    n = n * 16 + static_cast<std::uint64_t>(v);
                    ++digits;
                }
                if (digits == 0) {
                    meaning = "not a chunk-size line (the reader's findings say more)";
                    at = At::done;
                } else if (n == 0) {
                    meaning = "the last chunk (size 0): the data ends; trailer fields may follow";
                    at = At::trailer;
                } else {
                    meaning = "chunk size: 0x" + std::string(line.substr(0, digits)) + " = " + std::to_string(n) +
                              " bytes of data follow, then CR LF";
                    left = n + 2;
                    at = At::data;
                }
                break;
            }
            case At::data:
                meaning = "chunk data";
                left = line.size() >= left ? 0 : left - line.size();
                if (left == 0) at = At::size;
                break;
            case At::trailer:
                if (without_eol(line).empty()) {
                    meaning = "the empty line: the chunked body ends";
                    at = At::done;
                } else {
                    meaning = "trailer field";
                }
                break;
            case At::done: break;
        }
        out.push_back(std::move(meaning));
    }
    return out;
}

std::vector<ReportPhase> timing_phases(const client::ExchangeResult& ex) {
    std::vector<ReportPhase> out;
    const auto& t = ex.timing;
    double at = 0;
    auto add = [&](const char* name, double ms, int colour) {
        out.push_back({name, at, std::max(0.0, ms), colour});
        at += std::max(0.0, ms);
    };
    if (!ex.reused_connection) {
        if (t.dns_ms) add("dns lookup", *t.dns_ms, 0);
        if (t.connect_ms) add("connect (TCP)", *t.connect_ms, 1);
        if (t.tls_ms) add("tls handshake", *t.tls_ms, 2);
    }
    if (t.written_ms) {
        const double w = *t.written_ms;
        out.push_back({"send request", std::min(at, w), std::max(0.0, w - at), 3});
        at = w;
    }
    if (t.first_byte_ms) {
        out.push_back({"wait for first byte", at, std::max(0.0, *t.first_byte_ms - at), 4});
        at = std::max(at, *t.first_byte_ms);
    }
    if (t.first_byte_ms && t.total_ms > at) out.push_back({"receive response", at, t.total_ms - at, 5});
    return out;
}

ReportExchange report_exchange(const ExchangeReportInput& in) {
    const client::ExchangeResult& ex = *in.exchange;
    ReportExchange out;
    std::string line;
    if (ex.request) line = ascii_escaped(without_eol(split_lines(ex.request->bytes).empty() ? "" : split_lines(ex.request->bytes)[0]));
    out.title = "request " + std::to_string(ex.index + 1) +
                (in.exchange_count > 1 ? " of " + std::to_string(in.exchange_count) : std::string()) + ": " +
                cut_label(line, 60);
    if (ex.response && ex.response->head_complete)
        out.title += " -> " + std::to_string(ex.response->status) + " " + ascii_escaped(ex.response->reason);
    out.facts.push_back("to " + ex.destination.display() + (ex.destination.tls ? " (TLS)" : ""));
    if (ex.connection_number)
        out.facts.push_back("connection #" + std::to_string(ex.connection_number) +
                            (ex.reused_connection ? " (reused)" : " (new)") +
                            (ex.connection ? ": " + ex.connection->local + " -> " + ex.connection->remote : std::string()));
    if (ex.connection && ex.connection->tls_version)
        out.facts.push_back("TLS: " + *ex.connection->tls_version + ", " + ex.connection->tls_cipher.value_or("?"));
    if (ex.tunnel) out.facts.push_back("through the CONNECT tunnel to " + *ex.tunnel);
    for (const auto& n : ex.notes) out.facts.push_back(n);
    if (ex.error) out.error = ex.error->message;
    out.phases = timing_phases(ex);
    out.total_ms = ex.timing.total_ms;

    out.request.heading = "request, as sent (" + std::to_string(ex.bytes_written) + " bytes written)";
    if (ex.request) {
        out.request.bytes = ex.request->bytes.substr(0, kShownBytes);
        out.request.total = ex.request->streamed.empty() ? ex.request->bytes.size() : wire_size(*ex.request);
        out.request.meanings = request_meanings(out.request.bytes, ex.request->head_bytes);
        for (const auto& f : in.request_findings)
            out.request.findings.push_back({f.id, std::string(http::severity_name(f.severity)), f.message, f.rfc, f.fix, f.line});
    }
    out.response.heading = "response, as received (" + std::to_string(in.response_total) + " bytes)";
    out.response.bytes = std::string(in.response_raw.substr(0, kShownBytes));
    out.response.total = in.response_total;
    if (ex.response) {
        out.response.meanings =
            response_meanings(out.response.bytes, *ex.response, ex.request ? std::string_view(ex.request->method) : "");
        for (const auto& v : ex.response->violations) {
            const auto f = lint::make_finding(v, in.response_raw, http::MessageKind::response);
            out.response.findings.push_back({f.id, std::string(http::severity_name(f.severity)), f.message, f.rfc, f.fix, f.line});
        }
    }
    return out;
}

}  // namespace rawhttp::render
