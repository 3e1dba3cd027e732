#include "render/report_html.hpp"

#include <algorithm>
#include <cstdio>

#include "render/escape.hpp"
#include "render/html.hpp"
#include "render/svg_timeline.hpp"

namespace rawhttp::render {

namespace {

// Light, printable, system fonts only (nothing to fetch).
constexpr const char* kStyle = R"CSS(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; background: #fff;
       margin: 24px auto; max-width: 1500px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid #d0d7de; padding-bottom: 2px; margin-top: 28px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle { color: #57606a; margin: 0 0 12px; }
.notes li { color: #57606a; }
.sides { display: grid; gap: 28px; grid-template-columns: minmax(0, 1fr); }
.sides.two { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.facts { color: #57606a; margin: 0 0 8px; padding-left: 18px; }
.error { color: #b42318; font-weight: 600; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font: 11px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; fill: #1b1b1b; white-space: pre; }
svg .lane { stroke: #8c959f; stroke-width: 2; }
svg .lane-name { font-weight: 700; font-size: 13px; }
svg .lane-addr, svg .time, svg .summary { fill: #57606a; }
svg .msg { stroke-width: 1.6; }
svg .write .msg { stroke: #1f5fa8; } svg .write .label { fill: #1f5fa8; }
svg .read .msg { stroke: #2e7d32; } svg .read .label { fill: #2e7d32; }
svg .tcp .msg { stroke: #6e7781; stroke-dasharray: 4 3; } svg .tcp .label { fill: #57606a; }
svg .alarm .msg { stroke: #b42318; } svg .alarm text { fill: #b42318; }
svg .note-text { fill: #6e4c00; font-style: italic; }
svg .head-write { fill: #1f5fa8; } svg .head-read { fill: #2e7d32; } svg .head-tcp { fill: #6e7781; } svg .head-alarm { fill: #b42318; }
svg .bar-0 { fill: #8250df; } svg .bar-1 { fill: #bf8700; } svg .bar-2 { fill: #cf222e; }
svg .bar-3 { fill: #1f5fa8; } svg .bar-4 { fill: #8c959f; } svg .bar-5 { fill: #2e7d32; }
svg .grid { stroke: #eaeef2; }
table.wire { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 4px; }
table.wire td { border-top: 1px solid #eaeef2; padding: 2px 6px; vertical-align: top; }
table.wire td.n { width: 2.5em; color: #8c959f; text-align: right; font: 12px ui-monospace, monospace; }
table.wire td.bytes { width: 50%; font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; white-space: pre-wrap;
                      word-break: break-all; background: #f6f8fa; }
table.wire td.meaning { color: #24292f; }
table.wire tr.flagged td.bytes { background: #fff1e5; }
table.wire tr:target td { outline: 2px solid #bf8700; }
.eol { color: #0969da; font-weight: 700; }
a.flag { font-size: 12px; margin-left: 6px; color: #b42318; text-decoration: none; font-weight: 600; }
.findings { margin: 6px 0 0; padding-left: 18px; }
.findings li { margin-bottom: 4px; }
.findings li:target { background: #fff8c5; }
.sev-error { color: #b42318; font-weight: 700; } .sev-warning { color: #9a6700; font-weight: 700; }
.rfc, .fix { color: #57606a; }
.more { color: #57606a; font-style: italic; }
button.hex-toggle { font: 12px system-ui, sans-serif; margin: 2px 0 6px; padding: 1px 8px; cursor: pointer;
                    background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; }
pre.hex { font: 12px ui-monospace, monospace; background: #f6f8fa; padding: 6px; overflow-x: auto; margin: 0 0 8px; }
.exchange { break-inside: avoid-page; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  button.hex-toggle { display: none; }
  .sides.two { grid-template-columns: 1fr 1fr; }
  h2 { break-after: avoid; }
  svg { break-inside: avoid; }
}
)CSS";

// The hex views open and close on a click; the page works without it.
constexpr const char* kScript = R"JS(
document.addEventListener('click', function (e) {
  var b = e.target.closest('button.hex-toggle');
  if (!b) return;
  var pre = document.getElementById(b.getAttribute('data-for'));
  pre.hidden = !pre.hidden;
  b.textContent = pre.hidden ? 'show hex' : 'hide hex';
});
)JS";

std::string num(double v) {
    char b[32];
    // Loopback exchanges take fractions of a millisecond: three decimals below 10 ms.
    std::snprintf(b, sizeof b, v < 10 ? "%.3f" : "%.1f", v);
    return b;
}

// The waterfall: each phase a bar on a common scale of milliseconds.
std::string waterfall_svg(const ReportExchange& ex) {
    constexpr int kLeft = 180, kBar = 430, kRow = 22;
    double scale_ms = ex.total_ms;
    for (const auto& p : ex.phases) scale_ms = std::max(scale_ms, p.start_ms + p.ms);
    if (scale_ms <= 0) scale_ms = 1;
    const int height = static_cast<int>(ex.phases.size()) * kRow + 26;
    std::string o = "<svg class=\"waterfall\" viewBox=\"0 0 720 " + std::to_string(height) + "\" width=\"720\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"timing phases\">";
    for (int k = 0; k <= 4; ++k) {
        const int x = kLeft + kBar * k / 4;
        o += "<line class=\"grid\" x1=\"" + std::to_string(x) + "\" y1=\"0\" x2=\"" + std::to_string(x) + "\" y2=\"" +
             std::to_string(height - 16) + "\"/>";
        o += "<text class=\"time\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(height - 4) +
             "\" text-anchor=\"middle\">" + num(scale_ms * k / 4) + " ms</text>";
    }
    int y = 4;
    std::size_t row = 0;
    for (const auto& p : ex.phases) {
        const double x = kLeft + kBar * p.start_ms / scale_ms;
        const double w = std::max(1.5, kBar * p.ms / scale_ms);
        o += "<g class=\"phase\"><title>" + html_escape(p.name) + ": " + num(p.ms) + " ms, from " + num(p.start_ms) +
             " ms</title>";
        o += "<text x=\"4\" y=\"" + std::to_string(y + 13) + "\">" + html_escape(cut_label(p.name, 24)) + "</text>";
        const std::size_t colour = (p.colour >= 0 ? static_cast<std::size_t>(p.colour) : row) % 6;
        ++row;
        o += "<rect class=\"bar-" + std::to_string(colour) + "\" x=\"" + num(x) + "\" y=\"" + std::to_string(y + 2) +
             "\" width=\"" + num(w) + "\" height=\"14\" rx=\"2\"/>";
        o += "<text x=\"" + num(std::min(x + w + 4, 640.0)) + "\" y=\"" + std::to_string(y + 13) + "\">" + num(p.ms) +
             " ms</text></g>";
        y += kRow;
    }
    return o + "</svg>\n";
}

std::string message_html(const ReportMessage& m, const std::string& id) {
    std::string o = "<h3>" + html_escape(m.heading) + "</h3>\n";
    if (m.bytes.empty() && m.total == 0) return o + "<p class=\"more\">nothing</p>\n";
    // Which findings concern which line, for the links both ways.
    const auto lines = split_lines(m.bytes);
    o += "<table class=\"wire\">\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string flags;
        for (std::size_t f = 0; f < m.findings.size(); ++f)
            if (m.findings[f].line == i + 1)
                flags += "<a class=\"flag\" href=\"#" + id + "-f" + std::to_string(f + 1) + "\" title=\"" +
                         html_escape(m.findings[f].message) + "\">[" + html_escape(m.findings[f].id) + "]</a>";
        o += "<tr id=\"" + id + "-l" + std::to_string(i + 1) + "\"" + (flags.empty() ? "" : " class=\"flagged\"") +
             "><td class=\"n\">" + std::to_string(i + 1) + "</td><td class=\"bytes\">" + html_wire_line(lines[i]) +
             "</td><td class=\"meaning\">" + (i < m.meanings.size() ? html_escape(m.meanings[i]) : std::string()) +
             flags + "</td></tr>\n";
    }
    o += "</table>\n";
    if (m.total > m.bytes.size())
        o += "<p class=\"more\">" + std::to_string(m.total - m.bytes.size()) + " more bytes not kept (" +
             std::to_string(m.total) + " in all)</p>\n";
    o += "<button class=\"hex-toggle\" type=\"button\" data-for=\"" + id + "-hex\">show hex</button>\n";
    o += "<pre class=\"hex\" id=\"" + id + "-hex\" hidden>" + html_escape(hexdump(m.bytes)) + "</pre>\n";
    if (!m.findings.empty()) {
        o += "<ol class=\"findings\">\n";
        for (std::size_t f = 0; f < m.findings.size(); ++f) {
            const auto& x = m.findings[f];
            o += "<li id=\"" + id + "-f" + std::to_string(f + 1) + "\"><span class=\"sev-" + html_escape(x.severity) +
                 "\">" + html_escape(x.severity) + "</span> <code>" + html_escape(x.id) + "</code> ";
            if (x.line > 0)
                o += "<a href=\"#" + id + "-l" + std::to_string(x.line) + "\">line " + std::to_string(x.line) + "</a>: ";
            o += html_escape(x.message);
            if (!x.rfc.empty()) o += " <span class=\"rfc\">(" + html_escape(x.rfc) + ")</span>";
            if (!x.fix.empty()) o += "<br><span class=\"fix\">fix: " + html_escape(x.fix) + "</span>";
            o += "</li>\n";
        }
        o += "</ol>\n";
    }
    return o;
}

std::string side_html(const ReportSide& side, std::size_t s) {
    std::string o = "<section class=\"side\">\n";
    if (!side.name.empty()) o += "<h2>" + html_escape(side.name) + "</h2>\n";
    for (std::size_t d = 0; d < side.diagrams.size(); ++d) {
        const auto& g = side.diagrams[d];
        o += "<h3>the conversation: " + html_escape(g.title) + "</h3>\n";
        o += timeline_svg(g.steps, g.client, g.server, "s" + std::to_string(s) + "d" + std::to_string(d), g.client_name,
                          g.server_name, g.summary);
    }
    for (std::size_t e = 0; e < side.exchanges.size(); ++e) {
        const auto& ex = side.exchanges[e];
        const std::string id = "s" + std::to_string(s) + "e" + std::to_string(e + 1);
        o += "<div class=\"exchange\" id=\"" + id + "\">\n<h2>" + html_escape(ex.title) + "</h2>\n";
        if (!ex.facts.empty()) {
            o += "<ul class=\"facts\">";
            for (const auto& f : ex.facts) o += "<li>" + html_escape(f) + "</li>";
            o += "</ul>\n";
        }
        if (!ex.error.empty()) o += "<p class=\"error\">" + html_escape(ex.error) + "</p>\n";
        if (!ex.phases.empty()) {
            o += "<h3>timing: " + num(ex.total_ms) + " ms in all</h3>\n";
            o += waterfall_svg(ex);
        }
        o += message_html(ex.request, id + "-req");
        o += message_html(ex.response, id + "-resp");
        o += "</div>\n";
    }
    return o + "</section>\n";
}

}  // namespace

std::string report_html(const ReportPage& page) {
    std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // Nothing may be fetched: no scripts, styles, images or fonts from anywhere.
    o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += "<title>" + html_escape(page.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
    o += "<h1>" + html_escape(page.title) + "</h1>\n";
    if (!page.subtitle.empty()) o += "<p class=\"subtitle\">" + html_escape(page.subtitle) + "</p>\n";
    if (!page.notes.empty()) {
        o += "<ul class=\"notes\">";
        for (const auto& n : page.notes) o += "<li>" + html_escape(n) + "</li>";
        o += "</ul>\n";
    }
    o += std::string("<div class=\"sides") + (page.sides.size() > 1 ? " two" : "") + "\">\n";
    for (std::size_t s = 0; s < page.sides.size(); ++s) o += side_html(page.sides[s], s);
    o += "</div>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return o;
}

std::vector<ReportDiagram> report_diagrams(const Conversation& conv, std::size_t max_body_arrows) {
    std::vector<ReportDiagram> out;
    for (std::size_t c : conv.connections()) {
        // Every read its own arrow, unless the body would make the page endless.
        std::size_t reads = 0;
        for (const auto& e : conv.events) reads += e.connection == c && e.kind == ConvKind::read;
        const std::size_t group = max_body_arrows == 0 || reads <= max_body_arrows ? 1 : (reads + max_body_arrows - 1) / max_body_arrows;
        ReportDiagram d;
        d.title = "connection #" + std::to_string(c);
        d.client = conv.client_address(c);
        d.server = conv.server_address(c);
        d.steps = timeline_steps(conv, c, group);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<std::string_view> split_lines(std::string_view bytes) {
    std::vector<std::string_view> lines;
    while (!bytes.empty()) {
        const std::size_t nl = bytes.find('\n');
        const std::size_t len = nl == std::string_view::npos ? bytes.size() : nl + 1;
        lines.push_back(bytes.substr(0, len));
        bytes.remove_prefix(len);
    }
    return lines;
}

}  // namespace rawhttp::render
