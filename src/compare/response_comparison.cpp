#include "compare/response_comparison.hpp"

#include <map>

#include "compare/line_diff.hpp"
#include "compare/request_diff.hpp"
#include "core/wording.hpp"
#include "http/chars.hpp"
#include "http/message.hpp"
#include "render/escape.hpp"

namespace rawhttp::compare {

namespace {

std::string esc(std::string_view s) { return render::escape_inline(s); }

std::string single_quoted(std::string_view s) { return "'" + esc(s) + "'"; }

}  // namespace

using render::body_words;
using render::framing_words;
using render::interim_words;

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

}  // namespace rawhttp::compare
