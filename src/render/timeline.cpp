#include "render/timeline.hpp"
#include "core/wording.hpp"

#include <algorithm>
#include <cstdio>

namespace rawhttp::render {

namespace {


std::string size_text(std::uint64_t n) { return std::to_string(n) + " B"; }

// "127.0.0.1:54321" -> "54321"; "[::1]:5" -> "5".
std::string port_of(const std::string& address) {
    const auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(colon + 1);
}

// An arrow's label: the size, then the first bytes, escaped.
std::string bytes_label(const ConvEvent& e) {
    return size_text(e.size) + "  " + ascii_escaped(e.bytes) + (e.size > e.bytes.size() ? "..." : "");
}

class StepBuilder {
public:
    StepBuilder(double origin, std::size_t group) : origin_(origin), group_(std::max<std::size_t>(group, 1)) {}

    void add(const ConvEvent& e) {
        if (e.kind != ConvKind::read) flush();
        const double t = e.t_ms - origin_;
        switch (e.kind) {
            case ConvKind::connecting:
                push(t, StepSide::client, e.kind, "connect to " + ascii_escaped(e.text));
                break;
            case ConvKind::resolved:
                push(t, StepSide::client, e.kind, "resolved: " + ascii_escaped(e.text) + " (lookup " + e.bytes + ")");
                break;
            case ConvKind::syn_sent: push(t, StepSide::to_server, e.kind, "SYN"); break;
            case ConvKind::established:
                push(t, StepSide::to_client, e.kind,
                     "SYN-ACK: established" + (e.text.empty() ? std::string() : ", local port " + ascii_escaped(port_of(e.text))));
                break;
            case ConvKind::connect_failed:
            case ConvKind::tls_failed:
                push(t, StepSide::client, e.kind, ascii_escaped(e.text)).alarm = true;
                break;
            case ConvKind::tls_done: push(t, StepSide::both, e.kind, ascii_escaped(e.text)); break;
            case ConvKind::write: {
                auto& s = push(t, StepSide::to_server, e.kind, bytes_label(e));
                s.bytes = e.size;
                s.writes = 1;
                break;
            }
            case ConvKind::read:
                if (in_body_ && group_ > 1) {
                    if (pending_.reads == 0) pending_t_ = t;
                    pending_.reads += 1;
                    pending_.bytes += e.size;
                    last_read_t_ = t;
                    if (pending_.reads >= group_) flush();
                } else {
                    auto& s = push(t, StepSide::to_client, e.kind, bytes_label(e));
                    s.bytes = e.size;
                    s.reads = 1;
                }
                break;
            case ConvKind::interim: push(t, StepSide::server, e.kind, "interim response: " + ascii_escaped(e.text)); break;
            case ConvKind::head_end:
                push(t, StepSide::server, e.kind, "end of head: " + ascii_escaped(e.text));
                in_body_ = true;
                break;
            case ConvKind::exchange_end:
                in_body_ = false;
                if (!e.text.empty()) push(t, StepSide::client, e.kind, "error: " + ascii_escaped(e.text)).alarm = true;
                break;
            case ConvKind::fin_received: push(t, StepSide::to_client, e.kind, "FIN: the server closed its side"); break;
            case ConvKind::rst_received: push(t, StepSide::to_client, e.kind, "RST: the server reset the connection").alarm = true; break;
            case ConvKind::fin_sent: push(t, StepSide::to_server, e.kind, "FIN: rawhttp half-closed its side"); break;
            case ConvKind::closed: push(t, StepSide::to_server, e.kind, "FIN: rawhttp closed the socket"); break;
            case ConvKind::note: push(t, StepSide::both, e.kind, ascii_escaped(e.text)); break;
        }
    }

    std::vector<TimelineStep> finish() {
        flush();
        // Times derived from the connection's own measures (the SYN) may sit
        // before events recorded earlier: the picture follows the clock.
        std::stable_sort(steps_.begin(), steps_.end(),
                         [](const TimelineStep& a, const TimelineStep& b) { return a.t_ms < b.t_ms; });
        return std::move(steps_);
    }

private:
    TimelineStep& push(double t, StepSide side, ConvKind kind, std::string label) {
        TimelineStep s;
        s.t_ms = t;
        s.side = side;
        s.kind = kind;
        s.label = std::move(label);
        steps_.push_back(std::move(s));
        return steps_.back();
    }

    void flush() {
        if (pending_.reads == 0) return;
        std::string label = "body: " + std::to_string(pending_.reads) + (pending_.reads == 1 ? " read, " : " reads, ") +
                            size_text(pending_.bytes);
        if (pending_.reads > 1) label += " (until " + fmt_ms(last_read_t_) + ")";
        auto& s = push(pending_t_, StepSide::to_client, ConvKind::read, std::move(label));
        s.bytes = pending_.bytes;
        s.reads = pending_.reads;
        pending_ = {};
    }

    double origin_;
    std::size_t group_;
    bool in_body_ = false;
    TimelineStep pending_;
    double pending_t_ = 0, last_read_t_ = 0;
    std::vector<TimelineStep> steps_;
};

bool closes_server(ConvKind k) { return k == ConvKind::fin_received || k == ConvKind::rst_received; }
bool closes_client(ConvKind k) { return k == ConvKind::fin_sent || k == ConvKind::closed; }

std::string spaces(std::size_t n) { return std::string(n, ' '); }

std::string paint(const std::string& line, const TimelineStep& s, const Style& style) {
    if (s.alarm) return red(line, style);
    switch (s.side) {
        case StepSide::to_server: return cyan(line, style);
        case StepSide::to_client: return green(line, style);
        default: return dim(line, style);
    }
}

}  // namespace

std::string cut_label(std::string_view text, std::size_t width) {
    if (text.size() <= width) return std::string(text);
    if (width <= 3) return std::string(width, '.');
    return std::string(text.substr(0, width - 3)) + "...";
}

std::vector<TimelineStep> timeline_steps(const Conversation& conv, std::size_t connection,
                                         std::size_t body_reads_per_arrow) {
    double origin = -1;
    for (const auto& e : conv.events)
        if (e.connection == connection && (origin < 0 || e.t_ms < origin)) origin = e.t_ms;
    if (origin < 0) return {};
    StepBuilder b(origin, body_reads_per_arrow);
    for (const auto& e : conv.events)
        if (e.connection == connection) b.add(e);
    return b.finish();
}

std::string closing_summary(const std::vector<TimelineStep>& steps) {
    if (steps.empty()) return "";
    for (const auto& s : steps) {
        if (s.kind == ConvKind::connect_failed) return "no connection: the connect failed";
        if (s.kind == ConvKind::tls_failed) return "the TLS handshake failed: rawhttp closed the connection";
        if (closes_server(s.kind))
            return std::string(s.kind == ConvKind::rst_received ? "the server reset the connection first (RST at "
                                                                : "the server closed first (FIN at ") +
                   fmt_ms(s.t_ms) + ")";
        if (closes_client(s.kind)) return "rawhttp closed first (FIN at " + fmt_ms(s.t_ms) + ")";
    }
    return "the connection was still open at the end";
}

std::vector<std::string> timeline_lines(const Conversation& conv, std::size_t connection, const TimelineOptions& o) {
    const std::size_t columns = std::max<std::size_t>(o.columns, 40);
    const auto steps = timeline_steps(conv, connection, o.body_reads_per_arrow);
    std::vector<std::string> out;
    if (steps.empty()) return out;
    // "    12.345 ms |<-- label ------|": the time, the client's lane, the
    // space between the lanes, the server's lane in the last column.
    constexpr std::size_t kTime = 12;
    const std::size_t inner = columns - kTime - 3;  // between the two bars
    const std::string client = conv.client_address(connection), server = conv.server_address(connection);
    out.push_back(bold(cut_label("connection #" + std::to_string(connection) + ": " +
                                     (client.empty() ? "rawhttp" : ascii_escaped(client)) + " -> " +
                                     (server.empty() ? "server" : ascii_escaped(server)),
                                 columns),
                       o.style));
    {
        std::string h = spaces(kTime - 4) + "time client";
        h += spaces(columns - h.size() - 6) + "server";
        out.push_back(dim(h, o.style));
    }
    for (const auto& s : steps) {
        char t[32];
        // Nine characters of time however long the run (past 100 s, whole ms).
        std::snprintf(t, sizeof t, s.t_ms < 99999.9995 ? "%9.3f ms" : "%9.0f ms", s.t_ms);
        std::string line = std::string(t) + " |";
        std::string mid;
        switch (s.side) {
            case StepSide::to_server: {
                std::string label = cut_label(s.label, inner - 6);
                mid = "-- " + label + " " + std::string(inner - 5 - label.size(), '-') + ">";
                break;
            }
            case StepSide::to_client: {
                std::string label = cut_label(s.label, inner - 6);
                mid = "<-- " + label + " " + std::string(inner - 5 - label.size(), '-');
                break;
            }
            case StepSide::client: {
                std::string label = cut_label(s.label, inner - 2);
                mid = " " + label + spaces(inner - 1 - label.size());
                break;
            }
            case StepSide::server: {
                std::string label = cut_label(s.label, inner - 2);
                mid = spaces(inner - 1 - label.size()) + label + " ";
                break;
            }
            case StepSide::both: {
                std::string label = cut_label(s.label, inner - 6);
                const std::size_t pad = inner - 6 - label.size();
                mid = " ~ " + spaces(pad / 2) + label + spaces(pad - pad / 2) + " ~ ";
                break;
            }
        }
        line += mid + "|";
        out.push_back(paint(line, s, o.style));
    }
    out.push_back(dim(cut_label(spaces(kTime + 1) + closing_summary(steps), columns), o.style));
    return out;
}

std::string timeline_text(const Conversation& conv, const TimelineOptions& o) {
    std::string out;
    for (std::size_t c : conv.connections()) {
        const auto lines = timeline_lines(conv, c, o);
        if (lines.empty()) continue;
        if (!out.empty()) out += "\n";
        for (const auto& l : lines) out += l + "\n";
    }
    return out;
}

}  // namespace rawhttp::render
