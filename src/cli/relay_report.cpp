#include "cli/relay_report.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/common.hpp"
#include "cli/options_tls.hpp"
#include "cli/report_page.hpp"
#include "client/session.hpp"
#include "render/report_exchange.hpp"
#include "render/timeline.hpp"

namespace rawhttp::cli {

namespace {

double ms_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string first_bytes(const relay::Side& s) {
    return std::to_string(s.bytes) + " B  " + render::ascii_escaped(std::string_view(s.shown).substr(0, 64)) +
           (s.shown.size() > 64 || s.bytes > s.shown.size() ? "..." : "");
}

render::TimelineStep step(double t, render::StepSide side, render::ConvKind kind, std::string label) {
    render::TimelineStep s;
    s.t_ms = t;
    s.side = side;
    s.kind = kind;
    s.label = std::move(label);
    return s;
}

std::vector<render::ReportFinding> findings_of(const relay::Side& s) {
    std::vector<render::ReportFinding> out;
    for (const auto& f : s.findings)
        out.push_back({f.id, std::string(http::severity_name(f.severity)), f.message, f.rfc, f.fix, f.line});
    return out;
}

}  // namespace

render::ReportExchange relay_report_exchange(const relay::Exchange& ex) {
    render::ReportExchange out;
    const auto& q = ex.request;
    const auto& r = ex.response;
    out.title = "exchange " + std::to_string(ex.id) + ": " +
                render::cut_label(render::ascii_escaped(q.method + " " + q.target + " " + q.version), 60);
    if (r.head_complete) out.title += " -> " + std::to_string(r.status) + " " + render::ascii_escaped(r.reason);
    out.facts.push_back("client " + ex.client + ", connection " + std::to_string(ex.connection) + ", exchange " +
                        std::to_string(ex.index) + " on it");
    out.facts.push_back(ex.answered_by_relay ? "answered by the relay itself" : "upstream " + ex.upstream);
    if (ex.proxy) out.facts.push_back("as a proxy: the head was forwarded changed, to " + ex.proxy->authority);
    if (ex.tunnel) out.facts.push_back("after it, the connection became a tunnel");
    if (!q.ended.empty()) out.error = "request: " + q.ended;
    if (!r.ended.empty()) out.error += (out.error.empty() ? "" : "; ") + std::string("response: ") + r.ended;
    // Each bar from the request's first byte, as the relay measured.
    auto bar = [&](const char* name, double from, std::optional<double> to, int colour) {
        if (to && *to >= from) out.phases.push_back({name, from, *to - from, colour});
    };
    bar("request from the client", 0, ex.received_ms, 3);
    bar("request to the upstream", 0, ex.forwarded_ms, 1);
    if (ex.forwarded_ms) bar("wait for the first byte", *ex.forwarded_ms, ex.first_byte_ms, 4);
    if (ex.first_byte_ms) bar("response to the client", *ex.first_byte_ms, ex.total_ms, 5);
    out.total_ms = ex.total_ms.value_or(0);

    out.request.heading = "request, from the client (" + std::to_string(q.bytes) + " bytes)";
    out.request.bytes = q.shown;
    out.request.total = q.bytes;
    out.request.meanings = render::request_meanings(q.shown, q.raw_head.size());
    out.request.findings = findings_of(q);
    out.response.heading = std::string(ex.answered_by_relay ? "response, from the relay itself (" : "response, from the upstream (") +
                           std::to_string(r.bytes) + " bytes)";
    out.response.bytes = r.shown;
    out.response.total = r.bytes;
    if (r.head_complete && r.interim == 0) {
        // The same meanings as send's, from what the relay parsed.
        client::Response parsed;
        parsed.version = r.version;
        parsed.status = r.status;
        parsed.reason = r.reason;
        parsed.headers = r.headers;
        parsed.framing = r.framing;
        parsed.content_length = r.content_length;
        parsed.raw_head = r.raw_head;
        parsed.body_bytes = r.body_bytes;
        parsed.head_complete = true;
        out.response.meanings = render::response_meanings(r.shown, parsed, q.method);
    }
    out.response.findings = findings_of(r);
    return out;
}

RelayReport::Conn& RelayReport::conn(std::size_t number) {
    auto [it, fresh] = conns_.try_emplace(number);
    if (fresh) {
        it->second.start = std::chrono::system_clock::now();
        it->second.diagram.title = "client connection " + std::to_string(number);
        it->second.diagram.server_name = "upstream (through the relay)";
        it->second.diagram.server = upstream_;
    }
    return it->second;
}

bool RelayReport::start(std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    started_ = report_subtitle("rawhttp relay, to " + upstream_);
    return write(error);
}

bool RelayReport::connected(const relay::ConnectionReport& c, std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    Conn& k = conn(c.number);
    k.diagram.client = c.client.remote;
    k.diagram.steps.push_back(step(0, render::StepSide::client, render::ConvKind::note,
                                   "client connected from " + render::ascii_escaped(c.client.remote)));
    return write(error);
}

bool RelayReport::exchange(const relay::Exchange& ex, std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    Conn& k = conn(ex.connection);
    const double t0 = ms_between(k.start, ex.started_at);
    auto& steps = k.diagram.steps;
    // Message-level arrows: the relay's own milestones, not each read.
    steps.push_back(step(t0, render::StepSide::to_server, render::ConvKind::write, "request " + first_bytes(ex.request)));
    if (ex.forwarded_ms)
        steps.push_back(step(t0 + *ex.forwarded_ms, render::StepSide::server, render::ConvKind::note,
                             "request forwarded whole to the upstream"));
    if (ex.first_byte_ms)
        steps.push_back(step(t0 + *ex.first_byte_ms, render::StepSide::to_client, render::ConvKind::read,
                             "response " + first_bytes(ex.response)));
    if (ex.response.head_complete)
        steps.push_back(step(t0 + ex.first_byte_ms.value_or(0), render::StepSide::server, render::ConvKind::head_end,
                             "status " + std::to_string(ex.response.status) + " " + render::ascii_escaped(ex.response.reason)));
    if (ex.total_ms)
        steps.push_back(step(t0 + *ex.total_ms, render::StepSide::client, render::ConvKind::note,
                             "response forwarded whole to the client"));
    if (exchanges_.size() < kMaxExchanges) exchanges_.push_back(relay_report_exchange(ex));
    else ++left_out_;
    return write(error);
}

std::string relay_end_words(const relay::ConnectionReport& c) {
    return c.ended + tls_hint(c.tls_failure, TlsChoice::opt_in) + timeout_hint(c.ended_by);
}

bool RelayReport::closed(const relay::ConnectionReport& c, std::string& error) {
    std::lock_guard<std::mutex> lock(m_);
    Conn& k = conn(c.number);
    if (c.upstream) k.diagram.server = c.upstream->remote;
    auto s = step(c.duration_ms, render::StepSide::both, render::ConvKind::note,
                  "closed: " + render::ascii_escaped(relay_end_words(c)));
    s.alarm = c.error;
    k.diagram.steps.push_back(std::move(s));
    k.diagram.summary = std::to_string(c.exchanges) + (c.exchanges == 1 ? " exchange; " : " exchanges; ") +
                        std::to_string(c.from_client) + " bytes from the client, " + std::to_string(c.from_upstream) +
                        " from the upstream";
    return write(error);
}

bool RelayReport::write(std::string& error) {
    render::ReportPage page;
    page.title = "rawhttp relay to " + upstream_;
    page.subtitle = started_;
    if (left_out_) page.notes.push_back(std::to_string(left_out_) + " more exchanges are not on this page");
    render::ReportSide side;
    for (auto& [n, k] : conns_) {
        render::ReportDiagram d = k.diagram;
        std::stable_sort(d.steps.begin(), d.steps.end(),
                         [](const render::TimelineStep& a, const render::TimelineStep& b) { return a.t_ms < b.t_ms; });
        side.diagrams.push_back(std::move(d));
    }
    side.exchanges = exchanges_;
    page.sides.push_back(std::move(side));
    const std::string tmp = path_ + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        error = std::strerror(errno);
        return false;
    }
    const std::string html = render::report_html(page);
    const bool ok = std::fwrite(html.data(), 1, html.size(), f) == html.size();
    const bool closed = std::fclose(f) == 0;
    if (!ok || !closed || std::rename(tmp.c_str(), path_.c_str()) != 0) {
        error = std::strerror(errno);
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace rawhttp::cli
