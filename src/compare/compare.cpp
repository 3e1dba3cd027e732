#include "compare/compare.hpp"

#include <map>
#include <memory>

#include "compare/curl_api.hpp"
#include "compare/sha256.hpp"

namespace rawhttp::compare {

namespace {

// Digests each exchange's decoded body as it streams by; nothing else is kept
// (the Response holds the head, sizes and framing).
class DigestHooks : public client::SessionHooks {
public:
    void on_body(const client::ExchangeResult& ex, std::string_view decoded) override { digest(ex.index).update(decoded); }
    std::string finish(std::size_t index) { return digest(index).hex(); }

private:
    Sha256& digest(std::size_t index) {
        auto& d = digests_[index];
        if (!d) d = std::make_unique<Sha256>();
        return *d;
    }
    std::map<std::size_t, std::unique_ptr<Sha256>> digests_;
};

std::string curl_side_words(CurlMode m) {
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

Result<ComparisonReport> run_comparison(const std::vector<ComposedRequest>& requests,
                                        const std::vector<client::Destination>& destinations,
                                        const CompareOptions& options, CompareRecordings* recordings) {
    // Everything libcurl needs is checked before rawhttp sends a byte.
    auto api = load_curl();
    if (!api) return api.error();
    if (options.session.pipeline)
        return make_error(ErrorKind::usage, "compare does not pipeline: libcurl does not pipeline HTTP/1.1 requests");
    std::vector<CurlCommand> commands;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto plan = plan_curl_request(requests[i], destinations[i], options.mode, (*api)->version);
        if (!plan) return plan.error();
        // A command that sends the file's request (what rawhttp sends), for people to paste.
        const auto& d = destinations[i];
        CurlCommandTarget to{d.host, d.port, d.tls, d.unix_socket};
        commands.push_back(curl_command_for(requests[i], to, options.curl_body_file ? options.curl_body_file(i) : "body.bin"));
    }

    DigestHooks raw_hooks;
    render::ConversationRecorder raw_recorder(raw_hooks);
    auto raw_results = client::run_session(requests, destinations, options.session,
                                           recordings ? static_cast<client::SessionHooks&>(raw_recorder) : raw_hooks);
    DigestHooks curl_hooks;
    render::ConversationRecorder curl_recorder(curl_hooks);
    auto curl_run = run_curl_session(requests, destinations, options.session, options.mode,
                                     recordings ? static_cast<client::SessionHooks&>(curl_recorder) : curl_hooks);
    if (!curl_run) return curl_run.error();
    if (recordings) {
        recordings->rawhttp = raw_recorder.take();
        recordings->curl = curl_recorder.take();
    }

    ComparisonReport report;
    report.curl_commands = commands;
    report.file = options.file;
    report.mode = options.mode;
    report.curl_mode = std::string(curl_mode_name(options.mode));
    report.curl_side_words = curl_side_words(options.mode);
    for (auto v : volatile_header_names()) report.volatile_headers.emplace_back(v);
    report.strict = options.strict;
    report.curl_version = curl_run->curl_version;
    std::map<std::size_t, const client::ExchangeResult*> raw_by_index, curl_by_index;
    for (const auto& ex : raw_results) raw_by_index[ex.index] = &ex;
    for (const auto& ex : curl_run->results) curl_by_index[ex.index] = &ex;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto side = [&](std::map<std::size_t, const client::ExchangeResult*>& by, DigestHooks& hooks,
                        const std::string* wire) {
            SideSummary s;
            auto it = by.find(i);
            if (it == by.end()) {
                s.sent = false;
                return s;
            }
            s = summarize(*it->second, hooks.finish(i));
            if (wire) s.request = *wire;  // exactly what libcurl wrote (empty when nothing was)
            return s;
        };
        if (!raw_by_index.count(i) && !curl_by_index.count(i)) break;  // both stopped before this one
        SideSummary a = side(raw_by_index, raw_hooks, nullptr);
        SideSummary b = side(curl_by_index, curl_hooks, &curl_run->wire[i]);
        ExchangeComparison e = compare_exchange(std::move(a), std::move(b), options.strict);
        e.index = i;
        e.line = requests[i].line;
        e.curl_command = commands[i].command;
        report.exchanges.push_back(std::move(e));
        std::string who = requests.size() > 1 ? "request " + std::to_string(i + 1) + ": " : "";
        if (commands[i].command.empty()) report.notes.push_back(who + "no curl command is shown: curl cannot send this request as it is (" + commands[i].why_not + ")");
        if (auto it = raw_by_index.find(i); it != raw_by_index.end())
            for (const auto& n : it->second->notes) report.notes.push_back(who + "rawhttp: " + n);
        if (auto it = curl_by_index.find(i); it != curl_by_index.end())
            for (const auto& n : it->second->notes) report.notes.push_back(who + "curl: " + n);
    }
    return report;
}

int comparison_exit_code(const ComparisonReport& report) {
    for (const auto& e : report.exchanges) {
        bool a_failed = !e.rawhttp.sent || e.rawhttp.error, b_failed = !e.curl.sent || e.curl.error;
        if (a_failed && b_failed) {
            const auto& err = e.rawhttp.error ? e.rawhttp.error : e.curl.error;
            if (err) return exit_code(err->kind);
        }
    }
    return report.match() ? 0 : 1;
}

}  // namespace rawhttp::compare
