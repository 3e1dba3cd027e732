#include "compare/request_diff.hpp"

#include <map>

#include "compare/line_diff.hpp"
#include "core/wording.hpp"
#include "http/chars.hpp"
#include "render/escape.hpp"

namespace rawhttp::compare {

namespace {

std::string esc(std::string_view s) { return render::escape_inline(s); }

std::string single_quoted(std::string_view s) { return "'" + esc(s) + "'"; }

// A line of a head: its text without the line ending, and the ending.
struct Line {
    std::string_view text;
    std::string_view eol;  // "\r\n", "\n" or "" (the last line of bytes with no LF)
    std::string_view whole() const { return {text.data(), text.size() + eol.size()}; }
    bool empty_line() const { return text.empty() && !eol.empty(); }
};

struct Head {
    std::vector<Line> lines;  // request line, fields, and the empty line when there is one
    bool has_end = false;     // ends with an empty line
    std::size_t bytes = 0;
    std::string_view body;
};

// Splits a request into its head's lines (up to and including the first
// empty line after the request line) and its body.
Head split_request(std::string_view bytes) {
    Head h;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::size_t nl = bytes.find('\n', pos);
        Line l;
        if (nl == std::string_view::npos) {
            l.text = bytes.substr(pos);
            pos = bytes.size();
        } else {
            std::size_t end = nl;
            if (end > pos && bytes[end - 1] == '\r') --end;
            l.text = bytes.substr(pos, end - pos);
            l.eol = bytes.substr(end, nl + 1 - end);
            pos = nl + 1;
        }
        h.lines.push_back(l);
        if (h.lines.size() > 1 && l.empty_line()) {
            h.has_end = true;
            break;
        }
    }
    h.bytes = pos;
    h.body = bytes.substr(pos);
    return h;
}

std::string eol_words(std::string_view eol) {
    if (eol == "\r\n") return "CR LF";
    if (eol == "\n") return "a bare LF";
    return "no line ending";
}

// A field line of a request head.
struct FieldLine {
    std::string_view name, value;
    Line line;
    std::size_t line_no = 0;  // 1-based line of the head (the request line is 1)
    bool is_field = false;    // has a colon and a name that does not start with whitespace
};

std::vector<FieldLine> fields_of(const Head& h) {
    std::vector<FieldLine> out;
    for (std::size_t i = 1; i < h.lines.size(); ++i) {
        const Line& l = h.lines[i];
        if (l.empty_line()) break;
        FieldLine f;
        f.line = l;
        f.line_no = i + 1;
        std::size_t colon = l.text.find(':');
        if (colon != std::string_view::npos && colon > 0 && l.text[0] != ' ' && l.text[0] != '\t') {
            f.is_field = true;
            f.name = l.text.substr(0, colon);
            f.value = http::detail::trim_ows(l.text.substr(colon + 1));
        }
        out.push_back(f);
    }
    return out;
}

std::string field_words(const FieldLine& f) {
    if (!f.is_field) return "the line " + single_quoted(f.line.text);
    return esc(f.name) + ": " + esc(f.value);
}

}  // namespace

RequestDiff diff_requests(std::string_view a_bytes, std::string_view b_bytes) {
    RequestDiff d;
    Head a = split_request(a_bytes), b = split_request(b_bytes);
    d.rawhttp_head_bytes = a.bytes;
    d.curl_head_bytes = b.bytes;
    d.rawhttp_body_bytes = a.body.size();
    d.curl_body_bytes = b.body.size();
    d.body_equal = a.body == b.body;
    d.identical = a_bytes == b_bytes;
    {
        std::vector<std::string_view> la, lb;
        for (const auto& l : a.lines) la.push_back(l.whole());
        for (const auto& l : b.lines) lb.push_back(l.whole());
        d.lines = diff_lines(la, lb);
    }
    if (d.identical) return d;

    // --- the request line
    if (!a.lines.empty() && !b.lines.empty()) {
        const Line &ra = a.lines[0], &rb = b.lines[0];
        if (ra.text != rb.text) {
            d.changes.push_back({ChangeKind::request_line, "", std::string(ra.text), std::string(rb.text),
                                 "curl rewrote the request line: " + single_quoted(ra.text) + " -> " + single_quoted(rb.text)});
        } else if (ra.eol != rb.eol) {
            d.changes.push_back({ChangeKind::request_line, "", std::string(ra.whole()), std::string(rb.whole()),
                                 "curl ended the request line with " + eol_words(rb.eol) + " (rawhttp: " +
                                     eol_words(ra.eol) + ")"});
        }
    }

    // --- the fields, paired by name and occurrence
    std::vector<FieldLine> fa = fields_of(a), fb = fields_of(b);
    std::vector<bool> used_b(fb.size(), false);
    struct Pair { std::size_t ia, ib; };
    std::vector<Pair> pairs;
    std::map<std::string, std::vector<std::size_t>> by_key_b;
    for (std::size_t j = 0; j < fb.size(); ++j)
        by_key_b[fb[j].is_field ? "f:" + http::detail::ascii_lower(fb[j].name) : "l:" + std::string(fb[j].line.text)].push_back(j);
    std::map<std::string, std::size_t> taken;
    std::vector<bool> paired_a(fa.size(), false);
    for (std::size_t i = 0; i < fa.size(); ++i) {
        std::string key = fa[i].is_field ? "f:" + http::detail::ascii_lower(fa[i].name) : "l:" + std::string(fa[i].line.text);
        auto it = by_key_b.find(key);
        std::size_t& k = taken[key];
        if (it != by_key_b.end() && k < it->second.size()) {
            std::size_t j = it->second[k++];
            used_b[j] = true;
            paired_a[i] = true;
            pairs.push_back({i, j});
        }
    }
    // Changes in the order of curl's request, removals where they were.
    std::vector<RequestChange> changes;
    for (std::size_t i = 0; i < fa.size(); ++i) {
        if (paired_a[i]) continue;
        const auto& f = fa[i];
        changes.push_back({f.is_field ? ChangeKind::removed : ChangeKind::head,
                           std::string(f.name), std::string(f.line.text), std::nullopt,
                           "curl removed " + field_words(f)});
    }
    for (std::size_t j = 0; j < fb.size(); ++j) {
        if (used_b[j]) continue;
        const auto& f = fb[j];
        changes.push_back({f.is_field ? ChangeKind::added : ChangeKind::head, std::string(f.name), std::nullopt,
                           std::string(f.line.text), "curl added " + field_words(f)});
    }
    for (const auto& p : pairs) {
        const auto &x = fa[p.ia], &y = fb[p.ib];
        if (x.line.whole() == y.line.whole()) continue;
        RequestChange c{ChangeKind::changed, std::string(y.name), std::string(x.line.text), std::string(y.line.text), ""};
        if (x.value != y.value) {
            c.message = "curl changed " + esc(y.name) + ": " + esc(x.value) + " -> " + esc(y.value);
        } else if (x.name != y.name) {
            c.message = "curl wrote the field name " + single_quoted(x.name) + " as " + single_quoted(y.name);
        } else if (x.line.text != y.line.text) {
            c.message = "curl rewrote the line " + single_quoted(x.line.text) + " as " + single_quoted(y.line.text);
        } else {
            c.message = "curl ended the " + esc(y.name) + " line with " + eol_words(y.line.eol) + " (rawhttp: " +
                        eol_words(x.line.eol) + ")";
        }
        changes.push_back(std::move(c));
    }
    // Moves: the pairs (in rawhttp's order) whose curl positions are not in
    // the longest increasing run were moved.
    {
        std::vector<std::size_t> seq;
        for (const auto& p : pairs) seq.push_back(p.ib);
        auto keep = longest_increasing(seq);
        std::vector<bool> kept(pairs.size(), false);
        for (auto k : keep) kept[k] = true;
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            if (kept[k]) continue;
            const auto &x = fa[pairs[k].ia], &y = fb[pairs[k].ib];
            std::string what = y.is_field ? esc(y.name) : "the line " + single_quoted(y.line.text);
            changes.push_back({ChangeKind::moved, std::string(y.name), std::string(x.line.text), std::string(y.line.text),
                               "curl moved " + what + " from line " + std::to_string(x.line_no) + " to line " +
                                   std::to_string(y.line_no)});
        }
    }
    // Stable order: as the lines appear in curl's request, removals first.
    d.changes.insert(d.changes.end(), changes.begin(), changes.end());

    // --- the empty line that ends the head
    if (a.has_end != b.has_end) {
        d.changes.push_back({ChangeKind::head, "", std::nullopt, std::nullopt,
                             a.has_end ? "curl left out the empty line that ends the head"
                                       : "curl added the empty line that ends the head"});
    } else if (a.has_end && a.lines.back().eol != b.lines.back().eol) {
        d.changes.push_back({ChangeKind::head, "", std::string(a.lines.back().eol), std::string(b.lines.back().eol),
                             "curl wrote the empty line that ends the head as " + eol_words(b.lines.back().eol) +
                                 " (rawhttp: " + eol_words(a.lines.back().eol) + ")"});
    }

    // --- the body
    if (!d.body_equal) {
        std::string msg = "curl sent a different body: ";
        if (a.body.size() == b.body.size()) msg += "the same length (" + plural(a.body.size(), "byte") + "), other bytes";
        else if (a.body.empty()) msg += "none from rawhttp, " + plural(b.body.size(), "byte") + " from curl";
        else if (b.body.empty()) msg += plural(a.body.size(), "byte") + " from rawhttp, none from curl";
        else msg += plural(a.body.size(), "byte") + " -> " + plural(b.body.size(), "byte");
        d.changes.push_back({ChangeKind::body, "", std::nullopt, std::nullopt, msg});
    }
    if (d.changes.empty()) {
        d.changes.push_back({ChangeKind::head, "", std::nullopt, std::nullopt,
                             "the two requests differ in their bytes (see the lines above)"});
    }
    return d;
}

}  // namespace rawhttp::compare
