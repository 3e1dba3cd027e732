#include "render/svg_timeline.hpp"

#include <cstdio>

#include "render/html.hpp"

namespace rawhttp::render {

namespace {

constexpr int kWidth = 720;
constexpr int kClientX = 130, kServerX = 700;
constexpr int kTop = 54, kRow = 30;
constexpr std::size_t kLabelChars = 78;  // of a monospace 11 px font between the lanes

std::string num(double v) {
    char b[32];
    // Loopback exchanges take fractions of a millisecond: three decimals below 10 ms.
    std::snprintf(b, sizeof b, v < 10 ? "%.3f" : "%.1f", v);
    return b;
}

const char* step_class(const TimelineStep& s) {
    if (s.kind == ConvKind::write) return "arrow write";
    if (s.kind == ConvKind::read) return "arrow read";
    if (s.side == StepSide::to_server || s.side == StepSide::to_client) return "arrow tcp";
    return "note";
}

}  // namespace

std::string timeline_svg(const std::vector<TimelineStep>& steps, std::string_view client, std::string_view server,
                         std::string_view id, std::string_view client_name, std::string_view server_name,
                         std::string_view summary) {
    const int height = kTop + static_cast<int>(steps.size()) * kRow + 30;
    const std::string mid(html_escape(id));
    std::string o;
    o += "<svg class=\"timeline\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
         std::to_string(height) + "\" width=\"" + std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
         "\" role=\"img\" aria-label=\"sequence diagram of the connection\">\n";
    o += "<defs>";
    for (const char* kind : {"write", "read", "tcp", "alarm"})
        o += std::string("<marker id=\"") + mid + "-" + kind +
             "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
             "<path d=\"M0,0 L10,5 L0,10 z\" class=\"head-" + kind + "\"/></marker>";
    o += "</defs>\n";
    // The two lanes and their names.
    o += "<text x=\"" + std::to_string(kClientX) + "\" y=\"18\" class=\"lane-name\" text-anchor=\"middle\">" + html_escape(client_name) + "</text>";
    o += "<text x=\"" + std::to_string(kClientX) + "\" y=\"34\" class=\"lane-addr\" text-anchor=\"middle\">" +
         html_escape(client) + "</text>";
    o += "<text x=\"" + std::to_string(kServerX) + "\" y=\"18\" class=\"lane-name\" text-anchor=\"end\">" + html_escape(server_name) + "</text>";
    o += "<text x=\"" + std::to_string(kServerX) + "\" y=\"34\" class=\"lane-addr\" text-anchor=\"end\">" +
         html_escape(server) + "</text>\n";
    for (int x : {kClientX, kServerX})
        o += "<line class=\"lane\" x1=\"" + std::to_string(x) + "\" y1=\"40\" x2=\"" + std::to_string(x) + "\" y2=\"" +
             std::to_string(height - 10) + "\"/>";
    o += "\n";
    int y = kTop;
    for (const auto& s : steps) {
        const std::string label = html_escape(cut_label(s.label, kLabelChars));
        const std::string full = html_escape(s.label);
        const char* cls = step_class(s);
        std::string kind = s.alarm ? "alarm" : s.kind == ConvKind::write ? "write" : s.kind == ConvKind::read ? "read" : "tcp";
        o += "<g class=\"" + std::string(cls) + (s.alarm ? " alarm" : "") + "\" data-t=\"" + num(s.t_ms) +
             "\" data-reads=\"" + std::to_string(s.reads) + "\" data-writes=\"" + std::to_string(s.writes) +
             "\" data-bytes=\"" + std::to_string(s.bytes) + "\"><title>" + num(s.t_ms) + " ms: " + full + "</title>";
        o += "<text class=\"time\" x=\"4\" y=\"" + std::to_string(y + 4) + "\">" + num(s.t_ms) + " ms</text>";
        switch (s.side) {
            case StepSide::to_server:
            case StepSide::to_client: {
                const bool right = s.side == StepSide::to_server;
                const int x1 = right ? kClientX : kServerX, x2 = right ? kServerX : kClientX;
                o += "<line class=\"msg\" x1=\"" + std::to_string(x1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
                     std::to_string(x2) + "\" y2=\"" + std::to_string(y + 8) + "\" marker-end=\"url(#" + mid + "-" + kind +
                     ")\"/>";
                o += "<text class=\"label\" x=\"" + std::to_string(kClientX + 8) + "\" y=\"" + std::to_string(y - 4) +
                     "\">" + label + "</text>";
                break;
            }
            case StepSide::client:
                o += "<text class=\"note-text\" x=\"" + std::to_string(kClientX + 8) + "\" y=\"" + std::to_string(y + 4) +
                     "\">" + label + "</text>";
                break;
            case StepSide::server:
                o += "<text class=\"note-text\" x=\"" + std::to_string(kServerX - 8) + "\" y=\"" + std::to_string(y + 4) +
                     "\" text-anchor=\"end\">" + label + "</text>";
                break;
            case StepSide::both:
                o += "<text class=\"note-text\" x=\"" + std::to_string((kClientX + kServerX) / 2) + "\" y=\"" +
                     std::to_string(y + 4) + "\" text-anchor=\"middle\">" + label + "</text>";
                break;
        }
        o += "</g>\n";
        y += kRow;
    }
    o += "<text class=\"summary\" x=\"" + std::to_string(kClientX + 8) + "\" y=\"" + std::to_string(y + 4) + "\">" +
         html_escape(cut_label(summary.empty() ? closing_summary(steps) : std::string(summary), kLabelChars)) + "</text>\n";
    o += "</svg>\n";
    return o;
}

}  // namespace rawhttp::render
