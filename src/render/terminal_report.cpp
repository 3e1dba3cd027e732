#include "render/terminal_report.hpp"

#include "compose/wire_bytes.hpp"

#include <algorithm>
#include <cstdio>

namespace rawhttp::render {

namespace {

std::string fmt_ms(double ms) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", ms);
    return b;
}

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string heading(std::string_view title, const Style& s) { return bold(title, s) + "\n"; }

std::string framing_words(const client::Response& r, std::string_view method) {
    if (!r.framing) return "could not be determined";
    switch (*r.framing) {
        case http::Framing::content_length:
            return "Content-Length: " + std::to_string(r.content_length) + " " +
                   (r.content_length == 1 ? "byte" : "bytes");
        case http::Framing::chunked: return "chunked (Transfer-Encoding), " + plural(r.body_bytes, "byte") + " after de-chunking";
        case http::Framing::close: return "until the server closed the connection (no Content-Length, not chunked), " +
                                          plural(r.body_bytes, "byte");
        case http::Framing::none:
            if (method == "HEAD") return "none: a response to HEAD never has a body";
            if (r.status == 204 || r.status == 304) return "none: a " + std::to_string(r.status) + " response never has a body";
            if (r.status < 200) return "none: a 1xx response never has a body";
            return "none";
    }
    return "";
}

}  // namespace

std::optional<std::string> parse_sections(std::string_view list, Sections& out) {
    out = Sections{false, false, false, false, false, false, false};
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view name = list.substr(pos, comma - pos);
        // "raw, parsed" as a person writes it.
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (name == "request") out.request = true;
        else if (name == "connection") out.connection = true;
        else if (name == "raw") out.raw = true;
        else if (name == "parsed") out.parsed = true;
        else if (name == "body") out.body = true;
        else if (name == "timing") out.timing = true;
        else if (name == "why") out.why = true;
        else if (name == "all") out = Sections{true, true, true, true, true, true, true};
        else if (!name.empty())
            return "unknown section '" + std::string(name) +
                   "' in --show: use request, connection, raw, parsed, body, timing, why (or all)";
        pos = comma + 1;
    }
    return std::nullopt;
}

void ExchangeCapture::add_raw(std::string_view b) {
    raw_total += b.size();
    if (raw.size() < raw_cap) raw.append(b.substr(0, std::min(b.size(), raw_cap - raw.size())));
}

void ExchangeCapture::add_body(std::string_view b) {
    body_total += b.size();
    if (body.size() < body_cap) body.append(b.substr(0, std::min(b.size(), body_cap - body.size())));
}

std::string escape_body_text(std::string_view bytes, const Style& style) {
    std::string out;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t nl = bytes.find('\n', start);
        std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
        out += escape_inline(bytes.substr(start, end - start), style);
        if (nl == std::string_view::npos) break;
        out += '\n';
        start = nl + 1;
    }
    return out;
}

std::string request_view(std::string_view bytes, const ReportOptions& opts, std::string_view prefix) {
    if (opts.hex) return hexdump(bytes, "  ");
    return escape_lines(bytes, opts.style, prefix);
}

std::string exchange_report(const client::ExchangeResult& ex, const ExchangeCapture& cap, const ReportOptions& o,
                            const std::vector<std::string>& why, std::size_t count) {
    const Style& s = o.style;
    const Sections& sec = o.sections;
    std::string out;
    std::string method = ex.request ? ex.request->method : "";

    if (count > 1) {
        out += bold("=== exchange " + std::to_string(ex.index + 1) + " of " + std::to_string(count) + " (line " +
                        std::to_string(ex.request ? ex.request->line : 0) + ") ===",
                    s) +
               "\n";
    }

    if (sec.connection) {
        if (ex.connection) {
            const auto& c = *ex.connection;
            out += heading("connection #" + std::to_string(ex.connection_number) +
                               (ex.reused_connection ? " (kept alive, reused)" : " (new)") +
                               (c.via_libcurl ? " via libcurl" : ""),
                           s);
            if (!ex.reused_connection) {
                if (!c.resolved.empty() && c.family != "unix") {
                    std::string list;
                    for (const auto& a : c.resolved) list += (list.empty() ? "" : ", ") + a;
                    out += "  resolved   " + ex.destination.host + " -> " + list + "\n";
                }
                for (const auto& f : c.failed) out += "  " + yellow("failed", s) + "     " + f + "\n";
                out += "  connected  " + c.remote + " (" + c.family + ")" +
                       (ex.timing.connect_ms ? " in " + fmt_ms(*ex.timing.connect_ms) : "") + "\n";
            } else {
                out += "  remote     " + c.remote + "\n";
            }
            out += "  local      " + c.local + dim("   <- the local address and ephemeral port of this connection", s) + "\n";
            if (c.tls_version)
                out += "  tls        " + *c.tls_version + ", " + c.tls_cipher.value_or("?") + "\n";
        } else {
            out += heading("connection", s) + "  to " + ex.destination.display() + ": not established\n";
        }
        out += "\n";
    }

    if (sec.request && ex.request) {
        out += heading("request (" + plural(wire_size(*ex.request), "byte") + " sent)", s);
        walk_held_and_streamed(
            *ex.request, [&](std::string_view b) { out += request_view(b, o, "  > "); },
            [&](const StreamedFile& f) { out += dim("  > " + escape_inline(streamed_placeholder(f), s), s) + "\n"; });
        out += "\n";
    }

    if (sec.raw && (cap.raw_total > 0 || ex.response)) {
        out += heading("raw response (" + plural(cap.raw_total, "byte") + " received)", s);
        if (o.hex) out += hexdump(cap.raw, "  ");
        else out += escape_lines(cap.raw, s, "  < ");
        if (cap.raw_truncated())
            out += dim("  ... " + std::to_string(cap.raw_total - cap.raw.size()) +
                           " more bytes not shown (use -o FILE for the whole body)",
                       s) +
                   "\n";
        out += "\n";
    }

    if (sec.parsed && ex.response) {
        const auto& r = *ex.response;
        out += heading("parsed", s);
        for (const auto& i : r.interim) {
            out += "  interim     " + std::to_string(i.status) + " " + escape_inline(i.reason, s) + dim("  (" +
                   std::string(http::status_meaning(i.status)) + ")", s) + "\n";
        }
        if (r.head_complete) {
            out += "  version     " + escape_inline(r.version, s) + "\n";
            std::string code = std::to_string(r.status);
            std::string colored = r.status >= 400 ? red(code, s) : r.status >= 300 ? yellow(code, s) : green(code, s);
            out += "  status      " + colored + "  " + dim(std::string(http::status_meaning(r.status)), s) + "\n";
            out += "  reason      " + (r.reason.empty() ? dim("(empty)", s) : escape_inline(r.reason, s)) + "\n";
            out += "  headers     " + std::to_string(r.headers.size()) + "\n";
            std::size_t width = 0;
            for (const auto& [n, v] : r.headers) width = std::max(width, std::min<std::size_t>(n.size(), 32));
            std::size_t k = 0;
            for (const auto& [n, v] : r.headers) {
                std::string name = escape_inline(n, s);
                std::string pad = name.size() < width ? std::string(width - name.size(), ' ') : "";
                char idx[16];
                std::snprintf(idx, sizeof idx, "%4zu  ", ++k);
                out += "  " + dim(idx, s) + cyan(name, s) + pad + "  " + escape_inline(v, s) + "\n";
            }
            for (const auto& [n, v] : r.trailers)
                out += "  trailer     " + escape_inline(n, s) + ": " + escape_inline(v, s) + "\n";
            out += "  body        " + framing_words(r, method) + (r.complete ? "" : ", " + red("incomplete: " + plural(r.body_bytes, "byte") + " received", s)) + "\n";
        } else {
            out += "  no final response head was received\n";
        }
        out += "\n";
    }

    if (ex.error) {
        out += red("error", s) + " (" + std::string(kind_name(ex.error->kind)) + ", exit " +
               std::to_string(exit_code(ex.error->kind)) + "): " + escape_message(ex.error->message, s) + "\n\n";
    }

    if (sec.why && !why.empty()) {
        bool answered = ex.response && ex.response->head_complete;
        out += heading(answered ? "why the server may have answered " + std::to_string(ex.response->status)
                                : std::string("why the server may not have answered"),
                       s);
        for (const auto& line : why) out += "  " + line + "\n";  // already escaped (finding_text)
        out += "\n";
    }

    if (sec.body && ex.response && cap.body_total > 0) {
        out += heading("body (" + plural(cap.body_total, "byte") + ")", s);
        if (o.hex) out += hexdump(cap.body);
        else out += o.escape_body ? escape_body_text(cap.body, s) : cap.body;
        if (!cap.body.empty() && cap.body.back() != '\n') out += "\n";
        if (cap.body_truncated())
            out += dim("... " + std::to_string(cap.body_total - cap.body.size()) +
                           " more bytes not shown (use -o FILE for the whole body)",
                       s) +
                   "\n";
        out += "\n";
    }

    if (sec.timing) {
        const auto& t = ex.timing;
        auto part = [&](const char* name, const std::optional<double>& v) {
            return std::string("  ") + name + std::string(12 - std::char_traits<char>::length(name), ' ') +
                   (v ? fmt_ms(*v) : std::string("-")) + "\n";
        };
        out += heading("timing", s);
        out += part("dns", t.dns_ms);
        out += part("connect", t.connect_ms);
        out += part("tls", t.tls_ms);
        out += part("written", t.written_ms);
        out += part("first byte", t.first_byte_ms);
        out += part("total", t.total_ms);
        out += "\n";
    }

    // Errors, notes and explanations may quote response bytes (a bad
    // Content-Length value): escaped like the bytes themselves.
    for (const auto& n : ex.notes) out += dim("note: " + escape_message(n), s) + "\n";
    return out;
}

}  // namespace rawhttp::render
