// lint over the one reader: feed the whole request, end the stream, and turn
// every violation into a finding; then judge what follows the message (bytes
// that a server reads as a next request).
#include "lint/lint.hpp"

#include <algorithm>
#include <tuple>

#include "http/message.hpp"
#include "http/message_reader.hpp"

namespace rawhttp::lint {

namespace {

// 1-based line and column of `offset` (lines end at LF; columns count bytes).
std::pair<std::size_t, std::size_t> line_column(std::string_view b, std::size_t offset) {
    offset = std::min(offset, b.size());
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    const std::size_t nl = offset == 0 ? std::string_view::npos : b.rfind('\n', offset - 1);
    const std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    return {line, offset - start + 1};
}

bool only_line_break(std::string_view s) { return s == "\r\n" || s == "\n"; }

}  // namespace

Finding make_finding(const http::Violation& v, std::string_view bytes, http::MessageKind kind, bool strict) {
    const http::RuleInfo& r = http::rule_info(v.rule);
    Finding f;
    f.rule = v.rule;
    f.id = std::string(r.id);
    f.severity = http::severity_of(v.rule, kind, strict).value_or(Severity::warning);
    f.offset = std::min(v.offset, bytes.size());
    std::tie(f.line, f.column) = line_column(bytes, f.offset);
    f.message = v.detail;
    // What nginx and Node answer is about requests: a response's finding is the server's own.
    const std::string_view note = v.servers.empty() ? r.servers : std::string_view(v.servers);
    if (!note.empty() && kind == http::MessageKind::request) f.message += " (" + std::string(note) + ")";
    f.rfc = std::string(r.rfc);
    f.expect_status = std::string(r.status);
    f.fix = std::string(r.fix);
    f.risk = r.risk;
    return f;
}

struct RequestLint::State {
    LintOptions options;
    http::MessageReader reader;
    std::uint64_t used = 0;      // bytes the reader took
    std::uint64_t rest = 0;      // bytes after the message (or after the reader stopped)
    std::string rest_start;      // the first of them, enough to tell a lone line break
    bool stalled = false;        // the reader took no more: what follows is not read

    explicit State(const LintOptions& o) : options(o), reader(reader_options(o)) {}

    static http::ReaderOptions reader_options(const LintOptions& o) {
        http::ReaderOptions ro;
        ro.kind = http::MessageKind::request;
        ro.limits = o.limits;
        ro.strict = o.strict;
        ro.collect_all = true;
        return ro;
    }
};

RequestLint::RequestLint(const LintOptions& options) : s_(std::make_unique<State>(options)) {}
RequestLint::~RequestLint() = default;

void RequestLint::put(std::string_view piece) {
    State& st = *s_;
    while (!piece.empty() && !st.stalled && !st.reader.done() && !st.reader.failed()) {
        const std::size_t n = st.reader.put(piece);
        if (n == 0) {
            st.stalled = true;
            break;
        }
        st.used += n;
        piece.remove_prefix(n);
    }
    st.rest += piece.size();
    if (st.rest_start.size() < 3) st.rest_start.append(piece.substr(0, 3 - st.rest_start.size()));
}

std::vector<Finding> RequestLint::finish(std::string_view shown) {
    State& st = *s_;
    const LintOptions& options = st.options;
    http::MessageReader& reader = st.reader;
    if (!reader.done() && (options.check_body || !reader.head_complete())) reader.put_eof();
    http::Violations v = reader.violations();

    // What follows the message is a next request to a server.
    const std::size_t used = static_cast<std::size_t>(st.used);
    const bool lone_break = st.rest <= 2 && only_line_break(st.rest_start);
    if (options.check_body && reader.done() && reader.framing().decidable && st.rest > 0 && !lone_break) {
        const bool framed = reader.head().has(http::KnownField::content_length) ||
                            reader.head().has(http::KnownField::transfer_encoding);
        if (reader.framing().framing == http::Framing::none && !framed)
            v.push_back({http::Rule::body_without_framing, used,
                         "a body of " + std::to_string(st.rest) +
                             " bytes with neither Content-Length nor Transfer-Encoding: a request without them has no "
                             "body",
                         {}});
        else
            v.push_back({http::Rule::body_extra_bytes, used,
                         std::to_string(st.rest) + " bytes after the end of the " +
                             (reader.framing().framing == http::Framing::chunked
                                  ? std::string("last chunk")
                                  : std::to_string(reader.framing().length) + " that Content-Length announces") +
                             " are read as the start of a next request",
                         {}});
    }
    http::sort_violations(v);
    std::vector<Finding> out;
    out.reserve(v.size());
    for (const auto& x : v) out.push_back(make_finding(x, shown, http::MessageKind::request, options.strict));
    return out;
}

std::vector<Finding> lint_request(std::string_view bytes, const LintOptions& options) {
    RequestLint lint(options);
    lint.put(bytes);
    return lint.finish(bytes);
}

bool has_error(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error; });
}

std::vector<Finding> findings_for_status(const std::vector<Finding>& findings, int status) {
    const std::string want = status == 408 ? std::string("timeout") : std::to_string(status);
    std::vector<Finding> out;
    for (const auto& f : findings)
        if (f.expect_status == want) out.push_back(f);
    if (out.empty() && status == 400)
        for (const auto& f : findings)
            if (f.severity == Severity::error) out.push_back(f);
    return out;
}

StatusExplanation explain_status(const std::vector<Finding>& findings, int status) {
    StatusExplanation e;
    e.findings = findings_for_status(findings, status);
    if (!e.findings.empty()) {
        e.how = StatusExplanation::How::predicted;
        return e;
    }
    for (const auto& f : findings)
        if (f.severity == Severity::error) e.findings.push_back(f);
    e.how = e.findings.empty() ? StatusExplanation::How::unexplained : StatusExplanation::How::rejected;
    return e;
}

}  // namespace rawhttp::lint
