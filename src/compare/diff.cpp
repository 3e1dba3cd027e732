#include "compare/diff.hpp"


#include <algorithm>
#include <cstdio>
#include <map>

#include "http/chars.hpp"
#include "http/message.hpp"
#include "render/json_output.hpp"
#include "render/terminal_report.hpp"
#include "tls/openssl_lib.hpp"

namespace rawhttp::compare {

namespace {

using nlohmann::json;

std::string esc(std::string_view s) { return render::escape_inline(s); }
// Messages may quote response bytes (a header value that differs).
std::string msg(std::string_view s) { return render::escape_message(s); }

std::string single_quoted(std::string_view s) { return "'" + esc(s) + "'"; }

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

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

// Longest common subsequence of two line lists; returns the diff. Falls back
// to common prefix + suffix when the table would be too big.
std::vector<DiffLine> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    std::vector<DiffLine> out;
    std::size_t n = a.size(), m = b.size();
    if (n * m > 4'000'000) {
        std::size_t p = 0;
        while (p < n && p < m && a[p] == b[p]) ++p;
        std::size_t s = 0;
        while (s < n - p && s < m - p && a[n - 1 - s] == b[m - 1 - s]) ++s;
        for (std::size_t i = 0; i < p; ++i) out.push_back({' ', std::string(a[i])});
        for (std::size_t i = p; i < n - s; ++i) out.push_back({'-', std::string(a[i])});
        for (std::size_t i = p; i < m - s; ++i) out.push_back({'+', std::string(b[i])});
        for (std::size_t i = n - s; i < n; ++i) out.push_back({' ', std::string(a[i])});
        return out;
    }
    std::vector<std::uint32_t> t((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return t[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            out.push_back({' ', std::string(a[i])});
            ++i, ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            out.push_back({'-', std::string(a[i++])});
        } else {
            out.push_back({'+', std::string(b[j++])});
        }
    }
    while (i < n) out.push_back({'-', std::string(a[i++])});
    while (j < m) out.push_back({'+', std::string(b[j++])});
    return out;
}

// Indexes (into `seq`) of a longest strictly increasing subsequence.
std::vector<std::size_t> longest_increasing(const std::vector<std::size_t>& seq) {
    std::vector<std::size_t> tails, prev(seq.size(), SIZE_MAX);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        auto it = std::lower_bound(tails.begin(), tails.end(), seq[i],
                                   [&](std::size_t idx, std::size_t v) { return seq[idx] < v; });
        if (it != tails.begin()) prev[i] = *(it - 1);
        if (it == tails.end()) tails.push_back(i);
        else *it = i;
    }
    std::vector<std::size_t> out;
    for (std::size_t k = tails.empty() ? SIZE_MAX : tails.back(); k != SIZE_MAX; k = prev[k]) out.push_back(k);
    std::reverse(out.begin(), out.end());
    return out;
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

std::string_view change_kind_name(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::request_line: return "request-line";
        case ChangeKind::added: return "added";
        case ChangeKind::removed: return "removed";
        case ChangeKind::changed: return "changed";
        case ChangeKind::moved: return "moved";
        case ChangeKind::head: return "head";
        case ChangeKind::body: return "body";
    }
    return "";
}

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

// ------------------------------------------------------------------ responses

const std::vector<std::string_view>& volatile_header_names() {
    static const std::vector<std::string_view> names = {"Date", "Age", "Expires", "Last-Modified", "Set-Cookie",
                                                        "X-Request-Id"};
    return names;
}

bool is_volatile_header(std::string_view name) {
    for (auto v : volatile_header_names())
        if (http::iequals(v, name)) return true;
    return false;
}

// OpenSSL is loaded on first use (tls/openssl_lib.hpp). Should it be missing,
// the digest reads "unavailable" on both sides rather than failing the compare.
Sha256::Sha256() {
    auto api = tls::openssl();
    if (!api) return;
    api_ = *api;
    ctx_ = api_->EVP_MD_CTX_new();
    if (ctx_) api_->EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), api_->EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
    if (ctx_) api_->EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256::update(std::string_view bytes) {
    if (ctx_ && !bytes.empty()) api_->EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

std::string Sha256::hex() {
    if (!ctx_) return "unavailable";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    api_->EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

std::string Sha256::of(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.hex();
}

SideSummary summarize(const client::ExchangeResult& ex, std::string body_sha256) {
    SideSummary s;
    if (ex.request) s.request = ex.request->bytes;
    s.response = ex.response;
    s.error = ex.error;
    s.body_sha256 = std::move(body_sha256);
    s.timing = ex.timing;
    s.connection = ex.connection;
    return s;
}

namespace {

std::string error_words(const SideSummary& s) {
    if (!s.sent) return "not sent (an earlier exchange failed)";
    if (!s.error) return "completed";
    return std::string(kind_name(s.error->kind)) + ": " + esc(s.error->message);
}

std::string interim_words(const client::Response& r) {
    std::string out;
    for (const auto& i : r.interim) out += (out.empty() ? "" : ", ") + std::to_string(i.status);
    return out.empty() ? "none" : out;
}

std::string framing_words(const client::Response& r) {
    return r.framing ? std::string(http::framing_name(*r.framing)) : "undetermined";
}

std::string body_words(const client::Response& r, const std::string& sha) {
    return plural(r.body_bytes, "byte") + (sha.empty() ? "" : ", sha256 " + sha.substr(0, 16));
}

void add(ResponseComparison& c, bool is_volatile, ResponseDifference d) {
    (is_volatile ? c.volatile_differences : c.differences).push_back(std::move(d));
}

}  // namespace

ResponseComparison compare_responses(const SideSummary& a, const SideSummary& b, bool strict) {
    ResponseComparison c;
    c.strict = strict;
    auto both = [&](std::string what, std::string va, std::string vb, std::string label) {
        if (va == vb) return;
        std::string msg = label + ": rawhttp " + esc(va) + ", curl " + esc(vb);
        c.differences.push_back({std::move(what), "", std::move(va), std::move(vb), std::move(msg)});
    };

    bool a_failed = !a.sent || a.error, b_failed = !b.sent || b.error;
    if (a_failed || b_failed) {
        bool same = a.sent && b.sent && a.error && b.error && a.error->kind == b.error->kind;
        if (!same) {
            c.differences.push_back({"error", "", error_words(a), error_words(b),
                                     "outcome: rawhttp " + error_words(a) + "; curl " + error_words(b)});
        }
    }
    if (!a.response || !b.response) {
        if (a.response || b.response) {
            c.differences.push_back({"response", "", a.response ? "received" : "none", b.response ? "received" : "none",
                                     std::string("only ") + (a.response ? "rawhttp" : "curl") + " received a response"});
        }
        return c;
    }
    const client::Response &ra = *a.response, &rb = *b.response;
    both("interim", interim_words(ra), interim_words(rb), "interim responses");
    if (ra.head_complete != rb.head_complete) {
        both("head", ra.head_complete ? "complete" : "incomplete", rb.head_complete ? "complete" : "incomplete",
             "response head");
        return c;
    }
    both("version", ra.version, rb.version, "version");
    both("status", std::to_string(ra.status), std::to_string(rb.status), "status");
    both("reason", ra.reason, rb.reason, "reason");

    // Headers, paired by name and occurrence.
    std::map<std::string, std::vector<std::size_t>> by_key_b;
    for (std::size_t j = 0; j < rb.headers.size(); ++j) by_key_b[http::detail::ascii_lower(rb.headers[j].first)].push_back(j);
    std::map<std::string, std::size_t> taken;
    std::vector<bool> used_b(rb.headers.size(), false);
    std::vector<std::string> order_a, order_b_keys;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t i = 0; i < ra.headers.size(); ++i) {
        const auto& [name, value] = ra.headers[i];
        std::string key = http::detail::ascii_lower(name);
        bool vol = is_volatile_header(name);
        auto it = by_key_b.find(key);
        std::size_t& k = taken[key];
        if (it == by_key_b.end() || k >= it->second.size()) {
            add(c, vol, {"header", name, value, std::nullopt,
                         "only rawhttp's response has " + esc(name) + ": " + esc(value)});
            continue;
        }
        std::size_t j = it->second[k++];
        used_b[j] = true;
        pairs.emplace_back(i, j);
        const auto& [name_b, value_b] = rb.headers[j];
        if (name != name_b || value != value_b) {
            add(c, vol, {"header", name, name + ": " + value, name_b + ": " + value_b,
                         esc(name) + ": rawhttp " + single_quoted(value) + ", curl " + single_quoted(value_b) +
                             (name != name_b ? " (names " + single_quoted(name) + " and " + single_quoted(name_b) + ")" : "")});
        }
    }
    for (std::size_t j = 0; j < rb.headers.size(); ++j) {
        if (used_b[j]) continue;
        const auto& [name, value] = rb.headers[j];
        add(c, is_volatile_header(name), {"header", name, std::nullopt, value,
                                          "only curl's response has " + esc(name) + ": " + esc(value)});
    }
    {
        std::vector<std::size_t> seq;
        for (const auto& p : pairs) seq.push_back(p.second);
        if (longest_increasing(seq).size() != seq.size()) {
            std::string la, lb;
            for (const auto& [n, v] : ra.headers) la += (la.empty() ? "" : ", ") + n;
            for (const auto& [n, v] : rb.headers) lb += (lb.empty() ? "" : ", ") + n;
            c.differences.push_back({"header-order", "", la, lb,
                                     "the headers come in another order: rawhttp " + esc(la) + "; curl " + esc(lb)});
        }
    }
    {
        std::string ta, tb;
        for (const auto& [n, v] : ra.trailers) ta += n + ": " + v + "\n";
        for (const auto& [n, v] : rb.trailers) tb += n + ": " + v + "\n";
        if (ta != tb)
            c.differences.push_back({"trailers", "", ta, tb, "the chunked trailers differ: rawhttp " + plural(ra.trailers.size(), "field") +
                                                               ", curl " + plural(rb.trailers.size(), "field")});
    }
    both("framing", framing_words(ra), framing_words(rb), "framing");
    if (ra.body_bytes != rb.body_bytes || a.body_sha256 != b.body_sha256) {
        c.differences.push_back({"body", "", body_words(ra, a.body_sha256), body_words(rb, b.body_sha256),
                                 "body: rawhttp " + body_words(ra, a.body_sha256) + "; curl " +
                                     body_words(rb, b.body_sha256)});
    }
    if (ra.complete != rb.complete)
        both("complete", ra.complete ? "complete" : "incomplete", rb.complete ? "complete" : "incomplete", "response");
    return c;
}

std::size_t ExchangeComparison::difference_count() const {
    std::size_t n = request.changes.size() + response.differences.size();
    if (response.strict) n += response.volatile_differences.size();
    return n;
}

ExchangeComparison compare_exchange(SideSummary rawhttp, SideSummary curl, bool strict) {
    ExchangeComparison e;
    // A side that failed before writing (no connection) has nothing to diff.
    bool a_wrote = rawhttp.timing.written_ms || !rawhttp.error;
    bool b_wrote = !curl.request.empty() && (curl.timing.written_ms || !curl.error);
    if (rawhttp.sent && curl.sent && a_wrote && b_wrote) {
        e.request = diff_requests(rawhttp.request, curl.request);
    } else {
        e.request.compared = false;
        e.request.rawhttp_head_bytes = rawhttp.request.size();
        e.request.curl_head_bytes = curl.request.size();
    }
    e.response = compare_responses(rawhttp, curl, strict);
    e.rawhttp = std::move(rawhttp);
    e.curl = std::move(curl);
    return e;
}

bool ComparisonReport::match() const {
    for (const auto& e : exchanges)
        if (!e.match()) return false;
    return true;
}

// ------------------------------------------------------------------- text

namespace {

std::string fmt_ms(const std::optional<double>& v) {
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

std::string mode_words(CurlMode m) {
    switch (m) {
        case CurlMode::exact:
            return "the .req as exactly as libcurl allows (the headers it adds on its own removed)";
        case CurlMode::curl_headers:
            return "the .req's method, headers and body, plus what curl adds to them (--curl-headers)";
        case CurlMode::curl_default:
            return "what a plain `curl URL` sends for the same target (--curl-default)";
    }
    return "";
}

}  // namespace

std::string render_text(const ComparisonReport& r, const TextOptions& o) {
    const render::Style& s = o.style;
    std::string out;
    out += render::bold("compare " + esc(r.file) + ": rawhttp's socket vs libcurl " + r.curl_version, s) + "\n";
    out += "  curl side: " + mode_words(r.mode) + "\n\n";
    for (const auto& e : r.exchanges) {
        if (r.exchanges.size() > 1)
            out += render::bold("=== exchange " + std::to_string(e.index + 1) + " of " +
                                    std::to_string(r.exchanges.size()) + " (line " + std::to_string(e.line) + ") ===",
                                s) +
                   "\n";

        // (a) the requests
        out += render::bold("requests", s) + render::dim("  (- only rawhttp sent it, + only curl did; CR/LF visible)", s) + "\n";
        for (const auto& l : e.request.lines) {
            std::string text = "  " + std::string(1, l.op) + " " + render::escape_inline(l.text, s);
            if (l.op == '+') text = render::green(text, s);
            else if (l.op == '-') text = render::red(text, s);
            out += text + "\n";
        }
        if (e.request.rawhttp_body_bytes || e.request.curl_body_bytes) {
            if (e.request.body_equal)
                out += "    " + render::dim("body: " + plural(e.request.rawhttp_body_bytes, "byte") + ", the same", s) + "\n";
            else
                out += "    body: rawhttp " + plural(e.request.rawhttp_body_bytes, "byte") + ", curl " +
                       plural(e.request.curl_body_bytes, "byte") + ": " + render::yellow("different", s) + "\n";
        }
        if (!e.curl_command.empty()) out += render::dim("  curl command (sends the request as rawhttp does): ", s) + render::escape_inline(e.curl_command, s) + "\n";
        if (o.hex) {
            out += "  rawhttp's request (" + plural(e.rawhttp.request.size(), "byte") + "):\n" +
                   render::hexdump(e.rawhttp.request, "    ");
            out += "  curl's request (" + plural(e.curl.request.size(), "byte") + "):\n" +
                   render::hexdump(e.curl.request, "    ");
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
            out += "  " + render::green("curl sent exactly the same " + plural(e.rawhttp.request.size(), "byte"), s) + "\n";
        } else {
            out += "  what curl did differently:\n";
            for (const auto& c : e.request.changes) out += "    " + render::yellow(msg(c.message), s) + "\n";
        }
        out += "\n";

        // (b) the responses
        out += render::bold("responses", s) + "\n";
        out += render::dim(row("", "rawhttp", "curl"), s);
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
        if (e.rawhttp.error) out += "  " + render::dim("rawhttp: " + esc(e.rawhttp.error->message), s) + "\n";
        if (e.curl.error) out += "  " + render::dim("curl: " + esc(e.curl.error->message), s) + "\n";
        if (e.response.differences.empty() && e.rawhttp.error && e.curl.error) {
            out += "  both failed alike (" + std::string(kind_name(e.rawhttp.error->kind)) + ")\n";
        } else if (e.response.differences.empty()) {
            out += "  " + render::green("the same status, headers, framing and body", s) + "\n";
        } else {
            out += "  differences:\n";
            for (const auto& d : e.response.differences) out += "    " + render::yellow(msg(d.message), s) + "\n";
        }
        if (!e.response.volatile_differences.empty()) {
            out += std::string("  ") +
                   (e.response.strict ? "volatile headers (counted: --strict):"
                                      : "volatile headers, set apart (they change from one response to the next; --strict counts them):") +
                   "\n";
            for (const auto& d : e.response.volatile_differences)
                out += "    " + (e.response.strict ? render::yellow(msg(d.message), s) : render::dim(msg(d.message), s)) + "\n";
        }
        out += "\n";

        // (c) timing
        out += render::bold("timing", s) + render::dim(" (ms)", s) + "\n";
        out += render::dim(row("", "rawhttp", "curl"), s);
        const auto &ta = e.rawhttp.timing, &tb = e.curl.timing;
        out += row("dns", fmt_ms(ta.dns_ms), fmt_ms(tb.dns_ms));
        out += row("connect", fmt_ms(ta.connect_ms), fmt_ms(tb.connect_ms));
        out += row("tls", fmt_ms(ta.tls_ms), fmt_ms(tb.tls_ms));
        out += row("written", fmt_ms(ta.written_ms), fmt_ms(tb.written_ms));
        out += row("first byte", fmt_ms(ta.first_byte_ms), fmt_ms(tb.first_byte_ms));
        out += row("total", fmt_ms(ta.total_ms), fmt_ms(tb.total_ms));
        if (e.rawhttp.connection || e.curl.connection)
            out += row("local", e.rawhttp.connection ? e.rawhttp.connection->local : "-",
                       e.curl.connection ? e.curl.connection->local : "-");
        out += "\n";
    }
    for (const auto& n : r.notes) out += render::dim("note: " + msg(n), s) + "\n";
    std::size_t req = 0, resp = 0;
    for (const auto& e : r.exchanges) {
        req += e.request.changes.size();
        resp += e.response.differences.size() + (e.response.strict ? e.response.volatile_differences.size() : 0);
    }
    for (const auto& e : r.exchanges) {
        if (e.rawhttp.error && e.curl.error) {
            out += render::yellow("both failed", s) + ": " + std::string(kind_name(e.rawhttp.error->kind)) + " (rawhttp), " +
                   std::string(kind_name(e.curl.error->kind)) + " (curl)\n";
            return out;
        }
    }
    if (r.match()) {
        out += render::green("match", s) + ": rawhttp and curl sent the same bytes and got the same answers\n";
    } else {
        out += render::yellow("differ", s) + ": " + plural(req + resp, "difference") + " (" + std::to_string(req) +
               " in the requests, " + std::to_string(resp) + " in the responses)\n";
    }
    return out;
}

// ------------------------------------------------------------------- json

namespace {

// An optional value under `key`: null when absent; bytes that are not UTF-8
// also as key + "_base64" (put_text), so --json never alters them.
void put_opt(json& obj, const std::string& key, const std::optional<std::string>& v) {
    if (v) render::put_text(obj, key, *v);
    else obj[key] = nullptr;
}

json timing_json(const client::Timing& t) {
    auto ms = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    return {{"dns_ms", ms(t.dns_ms)},         {"connect_ms", ms(t.connect_ms)}, {"tls_ms", ms(t.tls_ms)},
            {"written_ms", ms(t.written_ms)}, {"first_byte_ms", ms(t.first_byte_ms)}, {"total_ms", t.total_ms}};
}

json side_request_json(const SideSummary& s) {
    json j = json::object();
    render::put_bytes(j, "text", s.request);
    j["bytes"] = s.request.size();
    return j;
}

json side_response_json(const SideSummary& s) {
    json j = json::object();
    j["sent"] = s.sent;
    if (s.response) {
        const auto& r = *s.response;
        j["version"] = r.head_complete ? json(r.version) : json(nullptr);
        j["status"] = r.head_complete ? json(r.status) : json(nullptr);
        if (r.head_complete) render::put_text(j, "reason", r.reason);
        else j["reason"] = nullptr;
        j["headers"] = render::fields_json(r.headers);
        json interim = json::array();
        for (const auto& i : r.interim) {
            json ij = {{"status", i.status}};
            render::put_text(ij, "reason", i.reason);
            interim.push_back(ij);
        }
        j["interim"] = interim;
        j["framing"] = r.framing ? json(std::string(http::framing_name(*r.framing))) : json(nullptr);
        j["body_bytes"] = r.body_bytes;
        j["body_sha256"] = s.body_sha256;
        j["findings"] = render::findings_json(r.violations);
        render::put_bytes(j, "raw_head", r.raw_head);
        j["complete"] = r.complete;
    } else {
        j["status"] = nullptr;
    }
    j["error"] = s.error ? json{{"kind", std::string(kind_name(s.error->kind))}, {"message", s.error->message}}
                         : json(nullptr);
    if (s.connection) j["connection"] = {{"remote", s.connection->remote}, {"local", s.connection->local}};
    else j["connection"] = nullptr;
    return j;
}

json difference_json(const ResponseDifference& d) {
    json j = {{"what", d.what}, {"message", d.message}};
    put_opt(j, "rawhttp", d.rawhttp);
    put_opt(j, "curl", d.curl);
    if (!d.name.empty()) j["name"] = d.name;
    return j;
}

}  // namespace

json render_json(const ComparisonReport& r) {
    json doc;
    doc["match"] = r.match();
    doc["mode"] = std::string(curl_mode_name(r.mode));
    doc["strict"] = r.strict;
    doc["curl_version"] = r.curl_version;
    doc["volatile_headers"] = json::array();
    for (auto v : volatile_header_names()) doc["volatile_headers"].push_back(std::string(v));
    std::size_t total = 0;
    json exchanges = json::array();
    for (const auto& e : r.exchanges) {
        json ej;
        ej["index"] = e.index;
        ej["line"] = e.line;
        json rq;
        rq["rawhttp"] = side_request_json(e.rawhttp);
        rq["curl"] = side_request_json(e.curl);
        rq["identical"] = e.request.identical;
        rq["compared"] = e.request.compared;
        rq["body_equal"] = e.request.body_equal;
        json lines = json::array();
        for (const auto& l : e.request.lines) {
            json lj = {{"op", std::string(1, l.op)}};
            render::put_bytes(lj, "text", l.text);
            lines.push_back(lj);
        }
        rq["diff"] = lines;
        json changes = json::array();
        for (const auto& c : e.request.changes) {
            json cj = {{"kind", std::string(change_kind_name(c.kind))},
                       {"name", c.name.empty() ? json(nullptr) : json(c.name)},
                       {"message", c.message}};
            put_opt(cj, "rawhttp", c.rawhttp);
            put_opt(cj, "curl", c.curl);
            changes.push_back(cj);
        }
        rq["changes"] = changes;
        rq["curl_command"] = e.curl_command;
        ej["requests"] = rq;
        json rs;
        rs["rawhttp"] = side_response_json(e.rawhttp);
        rs["curl"] = side_response_json(e.curl);
        rs["match"] = e.response.match();
        json diffs = json::array(), vol = json::array();
        for (const auto& d : e.response.differences) diffs.push_back(difference_json(d));
        for (const auto& d : e.response.volatile_differences) vol.push_back(difference_json(d));
        rs["differences"] = diffs;
        rs["volatile"] = vol;
        ej["responses"] = rs;
        ej["timing"] = {{"rawhttp", timing_json(e.rawhttp.timing)}, {"curl", timing_json(e.curl.timing)}};
        ej["match"] = e.match();
        ej["differences"] = e.difference_count();
        total += e.difference_count();
        exchanges.push_back(ej);
    }
    doc["differences"] = total;
    doc["exchanges"] = exchanges;
    doc["notes"] = r.notes;
    return doc;
}

}  // namespace rawhttp::compare
