// The terminal view of an exchange, section by section as its events come
// (ExchangeView) or at once (exchange_report). One job, hence the length:
// each section (connection, request, raw, parsed, body, timing, why,
// findings, hints) is short, and they share the view's state.
#include "render/terminal_report.hpp"

#include "core/wording.hpp"
#include "render/head_meanings.hpp"
#include "render/lint_report.hpp"

#include "compose/wire_bytes.hpp"

#include <algorithm>
#include <cstdio>

#include "http/websocket.hpp"

namespace rawhttp::render {

namespace {

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
    out = Sections::none();
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
        else if (name == "findings") out.findings = true;
        else if (name == "timeline") out.timeline = true;
        else if (name == "all") out = Sections::all();
        else if (!name.empty())
            return "unknown section '" + std::string(name) +
                   "': use request, connection, raw, parsed, body, timing, why, findings, timeline (or all)";
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


std::string ExchangeView::begin(const client::ExchangeResult& ex) {
    State& st = state(ex);
    if (st.begun) return "";
    st.begun = true;
    const Style& s = o_.style;
    std::string out;
    if (count_ > 1) {
        out += bold("=== exchange " + std::to_string(ex.index + 1) + " of " + std::to_string(count_) + " (line " +
                        std::to_string(ex.request ? ex.request->line : 0) + ") ===",
                    s) +
               "\n";
    }
    if (!o_.sections.connection) return out;
    if (ex.connection) {
        const auto& c = *ex.connection;
        out += heading("connection #" + std::to_string(ex.connection_number) +
                           (ex.tunnel ? " (the tunnel to " + escape_message(*ex.tunnel, s) + " through the proxy)"
                            : ex.reused_connection ? " (kept alive, reused)"
                                                   : " (new)") +
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
        out += "  local      " + c.local + dim("   <- local address and ephemeral port", s) + "\n";
        if (c.tls_version) {
            out += "  tls        " + *c.tls_version + ", " + c.tls_cipher.value_or("?") +
                   (c.tls_alpn ? ", ALPN " + *c.tls_alpn : std::string()) + "\n";
            if (c.cert_subject) out += "  cert       " + escape_message(*c.cert_subject, s) + "\n";
            if (c.cert_issuer) out += "  issuer     " + escape_message(*c.cert_issuer, s) + "\n";
            if (!c.cert_names.empty()) {
                std::string names;
                for (const auto& n : c.cert_names) names += (names.empty() ? "" : ", ") + n;
                out += "  names      " + escape_message(names, s) + "\n";
            }
            if (c.cert_expiry) out += "  expires    " + escape_message(*c.cert_expiry, s) + "\n";
        }
    } else {
        out += heading("connection", s) + "  to " + ex.destination.display() + ": not established\n";
    }
    out += "\n";
    return out;
}

std::string ExchangeView::request_written(const client::ExchangeResult& ex) {
    std::string out = begin(ex);
    State& st = state(ex);
    if (!o_.sections.request || !ex.request) return out;
    const std::string& bytes = ex.request->bytes;
    const std::size_t written = std::min(ex.bytes_written, bytes.size());
    if (written <= st.request_shown) return out;
    out += leave_raw(st);
    const Style& s = o_.style;
    if (!ex.request->streamed.empty()) {
        // A body file too large to hold: the whole request once, the file named, not dumped.
        out += heading("request (" + plural(wire_size(*ex.request), "byte") + ")", s);
        walk_held_and_streamed(
            *ex.request, [&](std::string_view b) { out += request_view(b, o_, "  > "); },
            [&](const StreamedFile& f) { out += dim("  > " + escape_inline(streamed_placeholder(f), s), s) + "\n"; });
        out += "\n";
        st.request_shown = bytes.size();
        st.last_raw = false;
        return out;
    }
    if (st.request_shown == 0) {
        out += heading("request (" + plural(written, "byte") + " sent" +
                           (written < bytes.size() ? ": the head; the body waits for 100 Continue" : "") + ")",
                       s);
    } else {
        out += heading("request body (" + plural(written - st.request_shown, "byte") + " sent)", s);
    }
    out += request_view(std::string_view(bytes).substr(st.request_shown, written - st.request_shown), o_, "  > ");
    out += "\n";
    st.request_shown = written;
    st.last_raw = false;
    return out;
}

std::string ExchangeView::enter_raw(State& st) {
    if (st.last_raw) return "";
    st.last_raw = true;
    // A heading for the raw bytes, again after another section came between.
    const char* title = !st.raw_heading ? "raw response" : st.head_shown ? "raw response, the body" : "raw response, continued";
    st.raw_heading = true;
    return heading(title, o_.style);
}

std::string ExchangeView::leave_raw(State& st) {
    std::string out;
    if (!st.pending.empty()) {
        std::string lines = raw_lines(st, {}, true);
        out += enter_raw(st) + lines;
    }
    if (st.last_raw) {
        out += "\n";
        st.last_raw = false;
    }
    return out;
}

std::string ExchangeView::raw_lines(State& st, std::string_view bytes, bool flush) {
    st.pending.append(bytes);
    std::size_t cut;
    if (o_.hex) cut = flush ? st.pending.size() : st.pending.size() / 16 * 16;
    else if (flush || st.pending.size() >= 4096) cut = st.pending.size();
    else cut = st.pending.rfind('\n') == std::string::npos ? 0 : st.pending.rfind('\n') + 1;
    if (cut == 0) return "";
    std::string_view part(st.pending.data(), cut);
    std::string out = o_.hex ? hexdump(part, "  ", st.raw_offset) : escape_lines(part, o_.style, "  < ");
    st.raw_offset += cut;
    st.pending.erase(0, cut);
    return out;
}

std::string ExchangeView::raw(const client::ExchangeResult& ex, std::string_view bytes) {
    std::string out = begin(ex);
    State& st = state(ex);
    if (!o_.sections.raw) return out;
    const std::size_t cap = 64 * 1024;
    std::string_view shown = bytes.substr(0, st.raw_shown >= cap ? 0 : std::min<std::size_t>(bytes.size(), cap - st.raw_shown));
    st.raw_shown += shown.size();
    if (shown.empty()) return out;
    std::string lines = raw_lines(st, shown, false);
    if (lines.empty()) return out;
    return out + enter_raw(st) + lines;
}

std::string ExchangeView::head(const client::ExchangeResult& ex) {
    std::string out = begin(ex);
    State& st = state(ex);
    if (st.head_shown || !ex.response || !ex.response->head_complete) return out;
    st.head_shown = true;
    if (!o_.sections.parsed) return out;
    out += leave_raw(st);
    const auto& r = *ex.response;
    const Style& s = o_.style;
    if (o_.columns >= ReportOptions::kWideColumns && o_.sections.raw && !o_.hex) {
        std::string wide = raw_beside_parsed(ex);
        if (!wide.empty()) return out + wide + (switch_lines(ex).empty() ? "" : switch_lines(ex) + "\n");
    }
    out += heading("parsed", s);
    for (const auto& i : r.interim) {
        out += "  interim     " + std::to_string(i.status) + " " + escape_inline(i.reason, s) +
               dim("  (" + std::string(http::status_meaning(i.status)) + ")", s) + "\n";
    }
    out += "  version     " + escape_inline(r.version, s) + "\n";
    std::string code = std::to_string(r.status);
    std::string colored = r.status >= 400 ? red(code, s) : r.status >= 300 ? yellow(code, s) : green(code, s);
    out += "  status      " + colored + "  " + dim(std::string(http::status_meaning(r.status)), s) + "\n";
    out += "  reason      " + (r.reason.empty() ? dim("(empty)", s) : escape_inline(r.reason, s)) + "\n";
    out += "  headers     " + std::to_string(r.headers.size()) + "\n";
    out += header_table(r.headers, s);
    out += "  framing     " + framing_at_head(r, ex.request ? ex.request->method : "") + "\n";
    out += switch_lines(ex);
    out += "\n";
    return out;
}

std::string header_table(const client::Fields& fields, const Style& s) {
    std::size_t width = 0;
    for (const auto& [n, v] : fields) width = std::max(width, std::min<std::size_t>(n.size(), 32));
    std::string out;
    std::size_t k = 0;
    for (const auto& [n, v] : fields) {
        std::string name = escape_inline(n, s);
        std::string pad = name.size() < width ? std::string(width - name.size(), ' ') : "";
        char idx[16];
        std::snprintf(idx, sizeof idx, "%4zu  ", ++k);
        out += "  " + dim(idx, s) + cyan(name, s) + pad + "  " + escape_inline(v, s) + "\n";
    }
    return out;
}

// After 101 or a 2xx to CONNECT: what the switch means, the WebSocket accept checked.
std::string ExchangeView::switch_lines(const client::ExchangeResult& ex) const {
    const auto& r = *ex.response;
    const Style& s = o_.style;
    std::string out;
    if (r.status == 101 && ex.request) {
        const auto c = http::websocket::check_handshake(std::string_view(ex.request->bytes).substr(0, ex.request->head_bytes),
                                                        r.headers);
        if (c.websocket) {
            std::string verdict;
            if (!c.key) verdict = yellow("the request sent no Sec-WebSocket-Key to check it against", s);
            else if (!c.accept) verdict = red("no Sec-WebSocket-Accept in the response", s);
            else if (c.ok()) verdict = green("Sec-WebSocket-Accept matches the key sent", s);
            else verdict = red("Sec-WebSocket-Accept is wrong: the key sent calls for " + c.expected, s);
            out += "  websocket   " + verdict + "\n";
        }
        out += "  switched    " + dim("the connection now speaks the new protocol; what the server sends next follows", s) + "\n";
    } else if (ex.request && ex.request->method == "CONNECT" && r.status / 100 == 2) {
        out += "  tunnel      " + dim("open: the next requests of the file go through it, on this connection", s) + "\n";
    }
    return out;
}

std::string ExchangeView::raw_beside_parsed(const client::ExchangeResult& ex) {
    const auto& r = *ex.response;
    const Style& s = o_.style;
    // The head's lines, each matched with what the one reader made of it: the
    // status line, one line per field, the empty line (obs-fold or bare CRs
    // break that match: the plain view is kept then).
    std::vector<std::string_view> lines;
    std::string_view head(r.raw_head);
    while (!head.empty()) {
        const std::size_t nl = head.find('\n');
        lines.push_back(head.substr(0, nl == std::string_view::npos ? head.size() : nl + 1));
        head.remove_prefix(lines.back().size());
    }
    if (lines.size() != r.headers.size() + 2) return "";
    const std::size_t left = std::min<std::size_t>(o_.columns / 2 - 4, 64);
    auto row = [&](std::string_view raw, const std::string& meaning) {
        std::string shown = escape_inline(raw, {});  // plain: the width is counted, colours would hide it
        if (shown.size() > left) shown = shown.substr(0, left - 3) + "...";
        return "  " + shown + std::string(left - shown.size() + 2, ' ') + meaning + "\n";
    };
    std::string out = heading("parsed, line by line", s);
    for (const auto& i : r.interim)
        out += "  " + dim("(interim " + std::to_string(i.status) + " " + escape_inline(i.reason, s) + ": " +
                              std::string(http::status_meaning(i.status)) + ")",
                          s) +
               "\n";
    out += row(lines[0], "status line: " + escape_inline(r.version, s) + ", status " + std::to_string(r.status) + " (" +
                             std::string(http::status_meaning(r.status)) + "), reason " +
                             (r.reason.empty() ? std::string("empty") : "\"" + escape_inline(r.reason, s) + "\""));
    for (std::size_t k = 0; k < r.headers.size(); ++k) {
        const auto& [n, v] = r.headers[k];
        std::string m = field_meaning(n, v, r);
        out += row(lines[k + 1], dim("field " + std::to_string(k + 1), s) + (m.empty() ? "" : ": " + m));
    }
    out += row(lines.back(), "the empty line: the head ends; body: " + framing_at_head(r, ex.request ? ex.request->method : ""));
    return out + "\n";
}

std::string ExchangeView::switched(const client::ExchangeResult& ex, std::string_view bytes) {
    std::string out = begin(ex);
    State& st = state(ex);
    if (!o_.sections.raw) return out;
    const std::size_t cap = client::ExchangeResult::kSwitchedCap;
    std::string_view shown = bytes.substr(0, st.switched_shown >= cap ? 0 : std::min<std::size_t>(bytes.size(), cap - st.switched_shown));
    if (shown.empty()) return out;
    out += leave_raw(st);
    if (!st.switched_heading) {
        out += heading("after the switch: what the server sent", o_.style);
        st.switched_heading = true;
    }
    out += hexdump(shown, "  ", st.switched_shown);
    st.switched_shown += shown.size();
    return out;
}

namespace {

// The frames the server sent after a 101 to a WebSocket handshake.
std::string frames_view(const client::ExchangeResult& ex, const Style& s) {
    const auto frames = http::websocket::decode_frames(ex.switched);
    std::string out = heading("websocket frames (" + plural(frames.size(), "frame") + " in " +
                                  plural(ex.switched_total, "byte") + ")",
                              s);
    std::size_t k = 0;
    for (const auto& f : frames) {
        char op[16];
        std::snprintf(op, sizeof op, "0x%x", f.opcode);
        out += "  frame " + std::to_string(++k) + "  " + (f.fin ? "FIN" : "not FIN (more fragments follow)") + ", " +
               std::string(http::websocket::opcode_name(f.opcode)) + " (" + op + "), " +
               (f.masked ? red("masked (a server must not mask: RFC 6455 §5.1)", s) : std::string("unmasked")) + ", " +
               plural(f.length, "byte") + (f.rsv ? ", RSV bits " + std::to_string(f.rsv) : std::string()) +
               (f.complete ? "" : ", " + red("incomplete", s)) + "\n";
        if (!f.payload.empty()) {
            std::string p = f.opcode == 0x2 ? hexdump(f.payload, "      ") : "      " + escape_inline(f.payload, s) + "\n";
            out += p;
        }
    }
    if (frames.empty()) out += "  no whole frame header arrived\n";
    return out + "\n";
}

}  // namespace

std::string ExchangeView::body(const client::ExchangeResult& ex, std::string_view decoded) {
    std::string out = begin(ex);
    State& st = state(ex);
    if (!streams_body()) return out;
    const std::size_t cap = 1024 * 1024;
    std::string_view shown = decoded.substr(0, st.body_shown >= cap ? 0 : std::min<std::size_t>(decoded.size(), cap - st.body_shown));
    if (shown.empty()) return out;
    out += leave_raw(st);
    if (!st.body_heading) {
        out += heading("body", o_.style);
        st.body_heading = true;
    }
    if (o_.hex) out += hexdump(shown, "", st.body_shown);
    else if (o_.escape_body) out += escape_body_text(shown, o_.style);
    else out.append(shown);
    st.body_shown += shown.size();
    st.body_ends_line = o_.hex || shown.back() == '\n';
    return out;
}

std::string ExchangeView::end(const client::ExchangeResult& ex, const ExchangeEnd& e) {
    std::string out = begin(ex);
    if (ex.request && ex.bytes_written > 0) out += request_written(ex);
    State& st = state(ex);
    const Style& s = o_.style;
    const Sections& sec = o_.sections;
    const ExchangeCapture empty;
    const ExchangeCapture& cap = e.capture ? *e.capture : empty;
    std::string method = ex.request ? ex.request->method : "";

    std::string raw_total = plural(cap.raw_total, "byte") + " received";
    if (cap.raw_total > st.raw_shown)
        raw_total += ", the last " + std::to_string(cap.raw_total - st.raw_shown) + " not shown (use -o FILE for the whole body)";
    const bool received_section = sec.parsed && ex.response && ex.response->head_complete;
    if (st.switched_heading) {
        out += "\n";  // the end of what came after the switch
        st.switched_heading = false;
    }
    if (sec.raw && (st.raw_heading || !st.pending.empty())) {
        if (!st.pending.empty()) {
            std::string lines = raw_lines(st, {}, true);
            out += enter_raw(st) + lines;
        }
        if (st.last_raw) out += received_section ? "\n" : dim("  (" + raw_total + ")", s) + "\n\n";
        st.last_raw = false;
    } else if (sec.raw && ex.response) {
        out += heading("raw response (0 bytes received)", s) + "\n";
    }

    if (streams_body() && st.body_heading) {
        // The live body ends before what was received is summed up.
        if (!st.body_ends_line) out += "\n";
        std::string total = plural(cap.body_total, "byte");
        if (cap.body_total > st.body_shown)
            total += ", the last " + std::to_string(cap.body_total - st.body_shown) +
                     " not shown (use -o FILE for the whole body)";
        out += dim("(" + total + ")", s) + "\n\n";
        st.body_heading = false;
    }

    if (sec.parsed && ex.response) {
        const auto& r = *ex.response;
        if (!r.head_complete) {
            out += heading("parsed", s);
            for (const auto& i : r.interim) {
                out += "  interim     " + std::to_string(i.status) + " " + escape_inline(i.reason, s) +
                       dim("  (" + std::string(http::status_meaning(i.status)) + ")", s) + "\n";
            }
            out += "  no final response head was received\n\n";
        } else {
            if (!st.head_shown) out += head(ex);
            out += heading("received", s);
            for (const auto& [n, v] : r.trailers)
                out += "  trailer     " + escape_inline(n, s) + ": " + escape_inline(v, s) + "\n";
            out += "  body        " + framing_words(r, method) +
                   (r.complete ? "" : ", " + red("incomplete: " + plural(r.body_bytes, "byte") + " received", s)) + "\n";
            if (sec.raw) out += "  raw         " + raw_total + "\n";
            if (ex.body_withheld)
                out += "  request     " + yellow("the request body was not sent", s) +
                       dim(" (Expect: 100-continue, and the server answered first)", s) + "\n";
            out += "\n";
        }
    }

    if (sec.findings && ex.response && !ex.response->violations.empty()) {
        // The rule book on what the server sent; lines and columns in the raw response.
        const auto& v = ex.response->violations;
        out += heading("findings on the response (" + std::to_string(v.size()) + ", rawhttp rules ID explains each)", s);
        for (const auto& x : v)
            out += response_finding_text(lint::make_finding(x, cap.raw, http::MessageKind::response), s, "  ");
        out += "\n";
    }

    if (ex.response && ex.response->status == 101 && ex.request && ex.switched_total > 0 &&
        http::websocket::check_handshake(std::string_view(ex.request->bytes).substr(0, ex.request->head_bytes),
                                         ex.response->headers)
            .websocket)
        out += frames_view(ex, s);

    if (ex.error) {
        const std::string& message = !e.error_message.empty() ? e.error_message : ex.error->message;
        if (ex.error->kind == ErrorKind::interrupted)
            out += red("interrupted", s) + " (Ctrl-C, exit 130) " + escape_message(message, s) + "\n\n";
        else
            out += red("error", s) + " (" + std::string(kind_name(ex.error->kind)) + ", exit " +
                   std::to_string(exit_code(ex.error->kind)) + "): " + escape_message(message, s) + "\n\n";
    }
    for (const auto& h : e.hints) out += yellow("hint:", s) + " " + escape_message(h, s) + "\n";
    if (!e.hints.empty()) out += "\n";

    if (sec.why && !e.why.empty()) {
        bool answered = ex.response && ex.response->head_complete;
        out += heading(answered ? "why the server may have answered " + std::to_string(ex.response->status)
                                : std::string("why the server may not have answered"),
                       s);
        for (const auto& line : e.why) out += "  " + line + "\n";  // already escaped (finding_text)
        out += "\n";
    }

    if (sec.body && !streams_body() && ex.response && cap.body_total > 0) {
        out += heading("body (" + plural(cap.body_total, "byte") + ")", s);
        if (o_.hex) out += hexdump(cap.body);
        else out += o_.escape_body ? escape_body_text(cap.body, s) : cap.body;
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
    states_.erase(ex.index);
    return out;
}

std::string exchange_report(const client::ExchangeResult& ex, const ReportOptions& opts, const ExchangeEnd& e,
                            std::size_t count) {
    ExchangeView v(opts, count);
    const ExchangeCapture empty;
    const ExchangeCapture& cap = e.capture ? *e.capture : empty;
    std::string out = v.begin(ex);
    if (ex.request) {
        client::ExchangeResult whole = ex;
        if (whole.bytes_written == 0 && ex.timing.written_ms) whole.bytes_written = wire_size(*ex.request);
        out += v.request_written(whole);
    }
    std::size_t head_len = 0;
    if (ex.response && ex.response->head_complete) {
        for (const auto& i : ex.response->interim) head_len += i.raw_head.size();
        head_len += ex.response->raw_head.size();
    }
    std::string_view raw(cap.raw);
    out += v.raw(ex, raw.substr(0, std::min(head_len, raw.size())));
    out += v.head(ex);
    if (head_len < raw.size()) out += v.raw(ex, raw.substr(head_len));
    if (v.streams_body()) out += v.body(ex, cap.body);
    if (!ex.switched.empty()) out += v.switched(ex, ex.switched);
    out += v.end(ex, e);
    return out;
}

std::string interrupted_summary(const client::ExchangeResult& ex, std::uint64_t raw_received, double elapsed_ms) {
    char when[48];
    std::snprintf(when, sizeof when, "after %.1f s: ", elapsed_ms / 1000.0);
    std::string out = when;
    if (!ex.connection) return out + "not connected; was connecting to " + ex.destination.display();
    out += "connected to " + ex.connection->remote + " (connection #" + std::to_string(ex.connection_number) + "); ";
    const std::uint64_t size = ex.request ? wire_size(*ex.request) : 0;
    out += "sent " + std::to_string(ex.bytes_written) + " of " + plural(size, "request byte") + "; ";
    out += "received " + plural(raw_received, "byte") + "; ";
    const auto& r = ex.response;
    if (ex.bytes_written == 0) return out + "was sending the request";
    if (ex.bytes_written < size && !(r && r->head_complete)) {
        if (ex.request && ex.bytes_written == ex.request->head_bytes && raw_received == 0)
            return out + "was waiting for 100 Continue before sending the body (Expect: 100-continue)";
        return out + "was sending the request";
    }
    if (raw_received == 0) return out + "was waiting for the response's first byte";
    if (!r || !r->head_complete) return out + "was waiting for the rest of the response head (no empty line yet)";
    if (r->framing == http::Framing::content_length)
        return out + "was waiting for the rest of the body (" + std::to_string(r->body_bytes) + " of " +
               plural(r->content_length, "byte") + ", Content-Length)";
    if (r->framing == http::Framing::chunked)
        return out + "was waiting for the next chunk (" + plural(r->body_bytes, "byte") + " of chunked body so far)";
    if (r->framing == http::Framing::close)
        return out + "was reading a body that ends when the server closes (" + plural(r->body_bytes, "byte") + " so far)";
    return out + "had the whole response";
}

}  // namespace rawhttp::render
