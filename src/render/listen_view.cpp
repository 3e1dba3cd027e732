// The text of each step of a listen client, as render::ListenView hands it out.
#include "render/listen_view.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/wording.hpp"
#include "http/message.hpp"
#include "lint/lint.hpp"
#include "render/lint_report.hpp"
#include "render/terminal_report.hpp"

namespace rawhttp::render {

namespace {

// What lint (src/lint/) finds in the captured request, one finding per entry,
// formatted as everywhere else (render/lint_report).
std::vector<std::string> lint_lines(std::string_view request_bytes, const Style& s, bool check_body) {
    std::vector<std::string> lines;
    lint::LintOptions lo;
    lo.check_body = check_body;
    for (const auto& f : lint::lint_request(request_bytes, lo)) {
        std::string text = finding_text(f, s);
        if (!text.empty() && text.back() == '\n') text.pop_back();
        // The caller indents the first line; indent the others alike.
        for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 3))
            text.replace(at, 1, "\n  ");
        lines.push_back(text);
    }
    return lines;
}

std::string framing_words(const capture::ParsedRequest& r) {
    switch (r.framing) {
        case http::Framing::content_length:
            return "Content-Length: " + plural(r.content_length, "byte") + " (" + std::to_string(r.body_bytes) +
                   " received)";
        case http::Framing::chunked: return "chunked (Transfer-Encoding), " + plural(r.body_bytes, "byte") + " received";
        case http::Framing::close:
        case http::Framing::none: return "none (no Content-Length, not chunked)";
    }
    return "";
}

}  // namespace

ListenView::ListenView(Style style, bool hex, ListenWording wording)
    : s_(style), hex_(hex), wording_(std::move(wording)), view_(style, "  > ", hex) {}

std::string ListenView::timeout_hint(Limit limit) const {
    return wording_.timeout_hint ? wording_.timeout_hint(limit) : std::string();
}

std::string ListenView::connected(const net::ConnectionInfo& info) const {
    return bold("client " + info.remote + " connected", s_) +
           dim("  (to " + info.local + "; " + info.remote + " is its address and ephemeral port)", s_) + "\n\n";
}

std::string ListenView::bytes(std::string_view bytes, bool after_request) {
    std::string out;
    if (after_request && !after_heading_) {
        out += view_.finish();
        out += "\n";
        out += bold("more bytes from the client, after the request", s_) + "\n";
        after_heading_ = true;
        view_ = StreamView(s_, "  > ", hex_);
    } else if (!after_request && !heading_) {
        out += bold(hex_ ? "received (hexdump)" : "received (CR and LF shown as \\r \\n)", s_) + "\n";
        heading_ = true;
    }
    heading_ = true;
    if (shown_ >= kShowCap) {
        hidden_ += bytes.size();
        return out;
    }
    std::string_view part = bytes.substr(0, std::min<std::size_t>(bytes.size(), kShowCap - shown_));
    shown_ += part.size();
    hidden_ += bytes.size() - part.size();
    out += view_.feed(part);
    return out;
}

std::string ListenView::request(const capture::ClientReport& rep) {
    std::string out = view_.finish();
    out += flush_hidden();
    if (rep.received == 0) return out + dim("  (nothing received: " + describe_end(rep) + ")", s_) + "\n\n";
    out += "\n";
    const auto& r = rep.request;
    std::string state = rep.request_complete ? "complete" : yellow("incomplete", s_) + ": " + describe_end(rep);
    std::string how = r.strict ? "" : ", read leniently: a strict server rejects it";
    out += bold("request", s_) + " (" + plural(rep.request_bytes, "byte") + ", " + state + how + ")\n";
    if (r.has_head) {
        auto field = [&](const char* name, const std::string& v) {
            std::string shown = v.empty() ? dim("(none)", s_) : escape_inline(v, s_);
            out += std::string("  ") + name + std::string(12 - std::char_traits<char>::length(name), ' ') + shown + "\n";
        };
        field("method", r.method);
        field("target", r.target);
        field("version", r.version);
        out += "  headers     " + std::to_string(r.headers.size()) + "\n";
        out += header_table(r.headers, s_);
        if (r.head_complete) out += "  body        " + framing_words(r) + "\n";
        else out += "  body        " + dim("(the head never ended)", s_) + "\n";
    } else {
        out += "  " + dim("no request line: only empty lines arrived", s_) + "\n";
    }
    out += "\n";
    out += bold("findings", s_) + "\n";
    std::size_t count = 0;
    for (const auto& f : rep.findings) {
        std::string where = f.line ? "line " + std::to_string(f.line) + ", column " + std::to_string(f.column)
                                   : "byte " + std::to_string(f.offset + 1);
        out += "  " + yellow("note", s_) + "   " + where + ": " + escape_inline(f.message, s_) + "\n";
        ++count;
    }
    std::string_view request_bytes(rep.captured);
    request_bytes = request_bytes.substr(0, std::min<std::uint64_t>(rep.request_bytes, request_bytes.size()));
    // A body longer than what is kept in memory: lint sees only its start,
    // so the body's length is judged by what arrived (the body line above).
    const bool cut = request_bytes.size() < rep.request_bytes;
    for (const auto& line : lint_lines(request_bytes, s_, !cut)) {
        out += "  " + line + "\n";
        ++count;
    }
    if (cut)
        out += dim("  (lint read the head and the first " + plural(request_bytes.size(), "byte") +
                       ", what is kept in memory; the body's length is checked above)",
                   s_) +
               "\n";
    if (count == 0)
        out += "  " + green("none", s_) + ": a strict HTTP/1.1 parser accepts this request, and lint finds nothing\n";
    out += "\n";
    return out;
}

std::string ListenView::response(std::string_view bytes) {
    std::string out = view_.finish();
    out += flush_hidden();
    out += bold("response sent", s_) + " (" + wording_.respond_label + ", " + plural(bytes.size(), "byte") + ")\n";
    std::string_view part = bytes.substr(0, std::min<std::size_t>(bytes.size(), kShowCap));
    if (hex_) out += hexdump(part, "  ");
    else out += escape_lines(part, s_, "  < ");
    if (part.size() < bytes.size())
        out += dim("  ... " + std::to_string(bytes.size() - part.size()) + " more bytes not shown", s_) + "\n";
    out += "\n";
    return out;
}

std::string ListenView::closed(const capture::ClientReport& rep) {
    std::string out = view_.finish();
    out += flush_hidden();
    if (after_heading_) out += "\n";
    out += dim("client " + rep.connection.remote + ": " +
                   (rep.closed.empty() ? "closed" : rep.closed + timeout_hint(rep.closed_by)) + " (" +
                   plural(rep.received, "byte") + " received in " + fmt_ms(rep.duration_ms) + ")",
               s_) +
           "\n";
    return out;
}

std::string ListenView::describe_end(const capture::ClientReport& rep) const {
    if (rep.ended == "client closed") return "the client closed the connection";
    if (rep.ended == "idle") return "the client went quiet " + wording_.idle_hint;
    if (rep.ended == "deadline") return "the time allowed ran out" + timeout_hint(Limit::max_time);
    if (rep.ended == "stopped") return "listen was stopped";
    if (rep.ended == "error") {
        if (!rep.error) return "receiving failed";
        return wording_.worded_error ? wording_.worded_error(*rep.error) : rep.error->message;
    }
    return rep.ended;
}

std::string ListenView::flush_hidden() {
    if (hidden_ == 0) return "";
    std::string out = dim("  ... " + std::to_string(hidden_) + " more bytes not shown (" + wording_.hidden_hint + ")", s_) + "\n";
    hidden_ = 0;
    return out;
}

}  // namespace rawhttp::render
