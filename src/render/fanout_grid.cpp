#include "render/fanout_grid.hpp"

#include <algorithm>
#include <cstdio>


namespace rawhttp::render {

namespace {

std::string ms(double v) {
    char b[32];
    std::snprintf(b, sizeof b, v < 10 ? "%.1f ms" : "%.0f ms", v);
    return b;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

// Display width of escaped text (UTF-8 continuation bytes take none).
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// Cut to `w` columns (at a character boundary), with "..." when cut.
std::string cut(std::string s, std::size_t w) {
    if (width(s) <= w) return s;
    std::size_t cols = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (cols == w - 3) break;
            ++cols;
        }
    }
    return s.substr(0, i) + "...";
}

std::string pad(const std::string& s, std::size_t w) {
    const std::size_t n = width(s);
    return n >= w ? s : s + std::string(w - n, ' ');
}

}  // namespace

FanoutCell fanout_cell(const client::ExchangeResult& ex, std::string body_sha1) {
    FanoutCell c;
    c.total_ms = ex.timing.total_ms;
    if (ex.error) {
        c.error_kind = std::string(kind_name(ex.error->kind));
        c.error = c.error_kind + ": " + ex.error->message;
    }
    if (ex.response && ex.response->head_complete) {
        const auto& r = *ex.response;
        c.status = r.status;
        c.reason = r.reason;
        c.framing = r.framing ? std::string(http::framing_name(*r.framing)) : std::string();
        c.complete = r.complete;
        c.body_bytes = r.body_bytes;
        c.body_sha1 = std::move(body_sha1);
        for (const auto& v : r.violations) c.findings.emplace_back(http::rule_info(v.rule).id);
        const bool stray = std::any_of(r.violations.begin(), r.violations.end(), [](const http::Violation& v) {
            return v.rule == http::Rule::body_extra_bytes || v.rule == http::Rule::body_not_allowed;
        });
        if (ex.error) c.connection = "closed (error)";
        else if (stray) c.connection = "not reused (bytes after it)";
        else if (r.framing == http::Framing::close) c.connection = "closed (body until close)";
        else if (!client::response_keeps_alive(r)) c.connection = "closed (Connection: close)";
        else c.connection = "kept alive";
    } else {
        c.connection = ex.error ? "closed (error)" : "";
    }
    return c;
}

std::vector<std::string> fanout_fields() {
    return {"status", "reason", "framing", "body", "body sha1", "connection", "findings", "error", "time"};
}

std::string fanout_value(const FanoutCell& c, const std::string& field) {
    if (field == "error") return c.error.empty() ? "-" : c.error;
    if (field == "time") return ms(c.total_ms);
    if (field == "connection") return c.connection.empty() ? "-" : c.connection;
    if (!c.status) return "-";
    if (field == "status") return std::to_string(*c.status);
    if (field == "reason") return c.reason;
    if (field == "framing") return c.framing.empty() ? "-" : c.framing;
    if (field == "body")
        return std::to_string(c.body_bytes) + (c.body_bytes == 1 ? " byte" : " bytes") + (c.complete ? "" : ", incomplete");
    if (field == "body sha1") return c.body_sha1.substr(0, 12);
    if (field == "findings") return c.findings.empty() ? "none" : join(c.findings, ", ");
    return "";
}

std::vector<std::string> fanout_differences(const std::vector<FanoutTarget>& targets, std::size_t index) {
    std::vector<std::string> out;
    for (const auto& f : fanout_fields()) {
        if (f == "time") continue;
        std::optional<std::string> first;
        bool differ = false;
        for (const auto& t : targets) {
            std::string v = index < t.cells.size() ? fanout_value(t.cells[index], f) : "(not sent)";
            if (f == "error" && index < t.cells.size()) v = t.cells[index].error_kind;  // not the address it names
            if (!first) first = v;
            else if (v != *first) differ = true;
        }
        if (differ) out.push_back(f);
    }
    return out;
}

std::string fanout_grid(const std::vector<std::string>& titles, const std::vector<FanoutTarget>& targets,
                        const Style& s) {
    constexpr std::size_t kLabel = 12, kColumn = 26;
    std::string out;
    for (std::size_t i = 0; i < titles.size(); ++i) {
        out += bold("request " + std::to_string(i + 1) + ": ", s) + escape_inline(titles[i], s) + "\n";
        std::string head = "  " + pad("", kLabel);
        for (const auto& t : targets) head += "  " + pad(cut(escape_inline(t.name, {}), kColumn), kColumn);
        out += bold(head, s) + "\n";
        const auto diff = fanout_differences(targets, i);
        for (const auto& f : fanout_fields()) {
            const bool differs = std::find(diff.begin(), diff.end(), f) != diff.end();
            std::string line = std::string(differs ? "* " : "  ") + pad(f, kLabel);
            for (const auto& t : targets) {
                const std::string v = i < t.cells.size() ? fanout_value(t.cells[i], f) : "(not sent)";
                line += "  " + pad(cut(escape_inline(v, {}), kColumn), kColumn);
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += (differs ? yellow(line, s) : f == "time" ? dim(line, s) : line) + "\n";
        }
        out += diff.empty() ? green("  the servers agree", s) + dim(" (time aside)", s) + "\n"
                            : yellow("  they differ in: " + join(diff, ", "), s) + "\n";
        // Findings and errors in full: a column holds only their start.
        for (const auto& t : targets)
            if (i < t.cells.size() && width(fanout_value(t.cells[i], "findings")) > kColumn)
                out += "  findings at " + escape_inline(t.name, s) + ": " + join(t.cells[i].findings, ", ") + "\n";
        for (const auto& t : targets)
            if (i < t.cells.size() && !t.cells[i].error.empty())
                out += "  " + red("error", s) + " at " + escape_inline(t.name, s) + ": " +
                       escape_message(t.cells[i].error, s) + "\n";
        out += "\n";
    }
    return out;
}

}  // namespace rawhttp::render
