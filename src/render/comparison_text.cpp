#include "render/comparison_text.hpp"

#include <cstdio>

#include "core/wording.hpp"
#include "http/message.hpp"
#include "render/terminal_report.hpp"

namespace rawhttp::render {

namespace {

std::string esc(std::string_view s) { return escape_inline(s); }
// Messages may quote response bytes (a header value that differs).
std::string msg(std::string_view s) { return escape_message(s); }

// A table cell in milliseconds: "12.34", or "-" for a phase that did not happen.
std::string ms_cell(const std::optional<double>& v) {
    if (!v) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", *v);
    return b;
}

std::string pad(std::string s, std::size_t width) {
    // Width in bytes of escaped (ASCII or UTF-8) text; good enough for columns.
    if (s.size() < width) s += std::string(width - s.size(), ' ');
    return s;
}

std::string row(std::string_view label, const std::string& a, const std::string& b) {
    return "  " + pad(std::string(label), 12) + pad(a, 36) + "  " + b + "\n";
}

std::string status_words(const SideSummary& s) {
    if (!s.sent) return "(not sent)";
    if (!s.response || !s.response->head_complete) return s.error ? "(" + std::string(kind_name(s.error->kind)) + ")" : "(none)";
    return std::to_string(s.response->status) + " " + esc(s.response->reason);
}

}  // namespace

std::string comparison_text(const Comparison& r, const ComparisonTextOptions& o) {
    const Style& s = o.style;
    std::string out;
    out += bold("compare " + esc(r.file) + ": rawhttp's socket vs libcurl " + r.curl_version, s) + "\n";
    out += "  curl side: " + r.curl_side_words + "\n\n";
    for (const auto& e : r.exchanges) {
        if (r.exchanges.size() > 1)
            out += bold("=== exchange " + std::to_string(e.index + 1) + " of " +
                                    std::to_string(r.exchanges.size()) + " (line " + std::to_string(e.line) + ") ===",
                                s) +
                   "\n";

        // (a) the requests
        out += bold("requests", s) + dim("  (- only rawhttp sent it, + only curl did; CR/LF visible)", s) + "\n";
        for (const auto& l : e.request.lines) {
            std::string text = "  " + std::string(1, l.op) + " " + escape_inline(l.text, s);
            if (l.op == '+') text = green(text, s);
            else if (l.op == '-') text = red(text, s);
            out += text + "\n";
        }
        if (e.request.rawhttp_body_bytes || e.request.curl_body_bytes) {
            if (e.request.body_equal)
                out += "    " + dim("body: " + plural(e.request.rawhttp_body_bytes, "byte") + ", the same", s) + "\n";
            else
                out += "    body: rawhttp " + plural(e.request.rawhttp_body_bytes, "byte") + ", curl " +
                       plural(e.request.curl_body_bytes, "byte") + ": " + yellow("different", s) + "\n";
        }
        if (!e.curl_command.empty()) out += dim("  curl command (sends the request as rawhttp does): ", s) + escape_inline(e.curl_command, s) + "\n";
        if (o.hex) {
            out += "  rawhttp's request (" + plural(e.rawhttp.request.size(), "byte") + "):\n" +
                   hexdump(e.rawhttp.request, "    ");
            out += "  curl's request (" + plural(e.curl.request.size(), "byte") + "):\n" +
                   hexdump(e.curl.request, "    ");
        }
        if (!e.request.compared) {
            auto wrote = [](const SideSummary& side) {
                if (!side.sent) return std::string("sent nothing (an earlier exchange failed)");
                if (side.request.empty() || (side.error && !side.timing.written_ms))
                    return "wrote nothing" + (side.error ? " (" + std::string(kind_name(side.error->kind)) + ")" : std::string());
                return "wrote " + plural(side.request.size(), "byte");
            };
            out += "  nothing to diff: rawhttp " + wrote(e.rawhttp) + ", curl " + wrote(e.curl) + "\n";
        } else if (e.request.identical) {
            out += "  " + green("curl sent exactly the same " + plural(e.rawhttp.request.size(), "byte"), s) + "\n";
        } else {
            out += "  what curl did differently:\n";
            for (const auto& c : e.request.changes) out += "    " + yellow(msg(c.message), s) + "\n";
        }
        out += "\n";

        // (b) the responses
        out += bold("responses", s) + "\n";
        out += dim(row("", "rawhttp", "curl"), s);
        out += row("status", status_words(e.rawhttp), status_words(e.curl));
        auto both_have = [&](auto f) {
            return std::pair<std::string, std::string>{e.rawhttp.response ? f(*e.rawhttp.response) : "-",
                                                       e.curl.response ? f(*e.curl.response) : "-"};
        };
        auto [va, vb] = both_have([](const client::Response& x) { return esc(x.version); });
        out += row("version", va, vb);
        auto [ha, hb] = both_have([](const client::Response& x) { return std::to_string(x.headers.size()); });
        out += row("headers", ha, hb);
        auto [ia, ib] = both_have([](const client::Response& x) { return interim_words(x); });
        if (ia != "none" || ib != "none") out += row("interim", ia, ib);
        auto [fa, fb] = both_have([](const client::Response& x) { return framing_words(x); });
        out += row("framing", fa, fb);
        std::string ba = e.rawhttp.response ? body_words(*e.rawhttp.response, e.rawhttp.body_sha256) : "-";
        std::string bb = e.curl.response ? body_words(*e.curl.response, e.curl.body_sha256) : "-";
        out += row("body", ba, bb);
        auto [na, nb] = both_have([](const client::Response& x) {
            std::string ids;
            for (const auto& v : x.violations) ids += (ids.empty() ? "" : ", ") + std::string(http::rule_info(v.rule).id);
            return ids.empty() ? std::string("none") : ids;
        });
        if (na != "none" || nb != "none") out += row("findings", na, nb);
        auto outcome = [](const SideSummary& side) {
            if (!side.sent) return std::string("not sent");
            return side.error ? std::string(kind_name(side.error->kind)) + " (exit " + std::to_string(exit_code(side.error->kind)) + ")"
                              : std::string("completed");
        };
        out += row("outcome", outcome(e.rawhttp), outcome(e.curl));
        if (e.rawhttp.error) out += "  " + dim("rawhttp: " + esc(e.rawhttp.error->message), s) + "\n";
        if (e.curl.error) out += "  " + dim("curl: " + esc(e.curl.error->message), s) + "\n";
        if (e.response.differences.empty() && e.rawhttp.error && e.curl.error) {
            out += "  both failed alike (" + std::string(kind_name(e.rawhttp.error->kind)) + ")\n";
        } else if (e.response.differences.empty()) {
            out += "  " + green("the same status, headers, framing and body", s) + "\n";
        } else {
            out += "  differences:\n";
            for (const auto& d : e.response.differences) out += "    " + yellow(msg(d.message), s) + "\n";
        }
        if (!e.response.volatile_differences.empty()) {
            out += std::string("  ") +
                   (e.response.strict ? "volatile headers (counted: --strict):"
                                      : "volatile headers, set apart (they change from one response to the next; --strict counts them):") +
                   "\n";
            for (const auto& d : e.response.volatile_differences)
                out += "    " + (e.response.strict ? yellow(msg(d.message), s) : dim(msg(d.message), s)) + "\n";
        }
        out += "\n";

        // (c) timing
        out += bold("timing", s) + dim(" (ms)", s) + "\n";
        out += dim(row("", "rawhttp", "curl"), s);
        const auto &ta = e.rawhttp.timing, &tb = e.curl.timing;
        out += row("dns", ms_cell(ta.dns_ms), ms_cell(tb.dns_ms));
        out += row("connect", ms_cell(ta.connect_ms), ms_cell(tb.connect_ms));
        out += row("tls", ms_cell(ta.tls_ms), ms_cell(tb.tls_ms));
        out += row("written", ms_cell(ta.written_ms), ms_cell(tb.written_ms));
        out += row("first byte", ms_cell(ta.first_byte_ms), ms_cell(tb.first_byte_ms));
        out += row("total", ms_cell(ta.total_ms), ms_cell(tb.total_ms));
        if (e.rawhttp.connection || e.curl.connection)
            out += row("local", e.rawhttp.connection ? e.rawhttp.connection->local : "-",
                       e.curl.connection ? e.curl.connection->local : "-");
        out += "\n";
    }
    for (const auto& n : r.notes) out += dim("note: " + msg(n), s) + "\n";
    std::size_t req = 0, resp = 0;
    for (const auto& e : r.exchanges) {
        req += e.request.changes.size();
        resp += e.response.differences.size() + (e.response.strict ? e.response.volatile_differences.size() : 0);
    }
    for (const auto& e : r.exchanges) {
        if (e.rawhttp.error && e.curl.error) {
            out += yellow("both failed", s) + ": " + std::string(kind_name(e.rawhttp.error->kind)) + " (rawhttp), " +
                   std::string(kind_name(e.curl.error->kind)) + " (curl)\n";
            return out;
        }
    }
    if (r.match()) {
        out += green("match", s) + ": rawhttp and curl sent the same bytes and got the same answers\n";
    } else {
        out += yellow("differ", s) + ": " + plural(req + resp, "difference") + " (" + std::to_string(req) +
               " in the requests, " + std::to_string(resp) + " in the responses)\n";
    }
    return out;
}

}  // namespace rawhttp::render
