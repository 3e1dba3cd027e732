// rawhttp send FILE.req: compose, connect, send, read, show raw and parsed views.
//
// One job, hence the length: the views (render/), the why (lint's
// explain_status) and the session (client/) are elsewhere; what stays is
// wiring them per --show, --json, --to and --via, live as events come.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/common.hpp"
#include "cli/options_output.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_tls.hpp"
#include "cli/send_fanout.hpp"
#include "cli/report_page.hpp"
#include "cli/http_refs.hpp"
#include "compare/curl_exchange.hpp"
#include "lint/lint.hpp"
#include "render/lint_report.hpp"
#include "render/escape.hpp"
#include "render/progress.hpp"
#include "render/json_output.hpp"
#include "render/json_stream.hpp"
#include "render/text_width.hpp"
#include "render/terminal_report.hpp"
#include "render/timeline.hpp"
#include "render/trace.hpp"

namespace rawhttp::cli {

namespace {

constexpr std::size_t kJsonBodyCap = 16 * 1024 * 1024;

struct SendCmd {
    ReqInputOptions in;
    TargetOptions target;
    bool json = false;
    bool hex = false;
    bool verbose = false;
    bool timing = false;
    bool trace = false;
    bool fail = false;
    bool pipeline = false;
    bool no_progress = false;
    double expect100_timeout = 1;
    double upgrade_wait = 1;
    std::string show;
    std::string output;
    std::string report_file;
    double connect_timeout{}, max_time{}, idle_timeout{}, head_timeout{};  // defaults: at their add_ calls
    std::size_t max_head = 1 << 20;
    std::size_t max_headers = 1000;
    std::size_t max_interim = 100;
    bool insecure = false;
    std::string cacert;
    std::string proxy;
    std::string via = "rawhttp";
    bool curl_default = false;
    bool curl_headers = false;

    int run();
};

// Set by SIGINT: every wait of the session ends, and what happened so far is shown.
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

// Streams each step of the session to the chosen outputs: the live view on
// stdout (a section as each event happens), the progress line and --trace on
// stderr; or, for --json, the document, each exchange written as it ends.
class SendHooks : public client::SessionHooks {
public:
    SendHooks(const SendCmd& cmd, render::ReportOptions report, std::size_t count)
        : cmd_(cmd), report_(report), view_(report, count), count_(count), t0_(std::chrono::steady_clock::now()) {
        trace_style_.color = render::want_color(2);
        stream_body_ = !cmd.json && !report_.escape_body && only_body(report_.sections);
        // Pipelined responses come after all the requests were written, and
        // libcurl reports after the fact: those exchanges are shown whole.
        // --show timeline alone: the diagram after the run is the whole view.
        no_view_ = !cmd.json && timeline_only(report_.sections);
        live_ = !cmd.json && !stream_body_ && !no_view_ && !cmd.pipeline && cmd.via == "rawhttp";
        progress_ = !cmd.json && !cmd.no_progress && ::isatty(2) == 1;
        // On a terminal every line fits its width (continuations indented).
        if (!cmd.json && report_.escape_body) columns_ = render::terminal_columns(1);
    }

    int out_fd = -1;  // -o FILE
    bool write_failed = false;
    // --json: the document, an exchange at a time, closed after the run (finish_json).
    render::ExchangesDocWriter json_doc{[this](std::string_view s) { buffer_json(s); }, ::isatty(1) == 1};
    std::optional<std::size_t> last_written;  // the last request index written, in part or whole
    std::string interrupted;                  // the summary, once Ctrl-C ended an exchange
    std::string first_error;                  // the first failed exchange's message, as shown
    bool error_on_stdout = false;             // that message is in the view on stdout

    void on_connected(const client::ExchangeResult& ex, const net::ConnectionInfo&) override {
        if (live_) out(view_.begin(ex));
    }

    void on_request_written(const client::ExchangeResult& ex) override {
        last_written = ex.index;
        if (live_) out(view_.request_written(ex));
        // The server is at work on this request: the time to write up the last exchange,
        // off the path from one response to the next request.
        write_pending_json();
    }

    void on_raw(const client::ExchangeResult& ex, std::string_view raw) override {
        cap(ex).add_raw(raw);
        if (live_) out(view_.raw(ex, raw));
    }

    void on_head(const client::ExchangeResult& ex) override {
        head_at_ = std::chrono::steady_clock::now();
        if (live_) out(view_.head(ex));
    }

    void on_body(const client::ExchangeResult& ex, std::string_view b) override {
        if (out_fd >= 0 && !write_failed && !write_all_fd(out_fd, b)) write_failed = true;
        if (stream_body_) {
            write_all_fd(1, b);
        } else {
            cap(ex).add_body(b);
            if (live_ && view_.streams_body()) out(view_.body(ex, b));
        }
        progress(ex, b.size());
    }

    void on_switched(const client::ExchangeResult& ex, std::string_view b) override {
        if (live_) out(view_.switched(ex, b));
    }

    void on_socket_read(std::size_t conn, std::string_view b) override { trace_line(conn, render::TraceDirection::read, b); }
    void on_socket_write(std::size_t conn, std::string_view b) override { trace_line(conn, render::TraceDirection::write, b); }
    void on_event(std::size_t conn, std::string_view what) override {
        if (!cmd_.trace) return;
        clear_progress();
        char head[64];
        std::snprintf(head, sizeof head, "[%10.3f ms] #%zu * ", elapsed_ms(), conn);
        write_all_fd(2, render::dim(std::string(head) + render::escape_message(what), trace_style_) + "\n");
    }

    void on_exchange_done(const client::ExchangeResult& ex) override {
        clear_progress();
        body_seen_ = 0;
        auto& c = cap(ex);
        render::ExchangeEnd end;
        end.capture = &c;
        end.why = why_lines(ex);
        end.hints = hints(ex, c);
        if (ex.error) {
            end.error_message = ex.error->kind == ErrorKind::interrupted
                                    ? render::interrupted_summary(ex, c.raw_total, elapsed_ms())
                                    : worded_error(ex);
            if (ex.error->kind == ErrorKind::interrupted) interrupted = end.error_message;
            if (first_error.empty()) {
                first_error = end.error_message;
                error_on_stdout = !cmd_.json && !stream_body_ && !no_view_;
            }
        }
        if (cmd_.json) {
            write_pending_json();
            const bool truncated = c.body_truncated();  // before the body moves out
            pending_json_ = PendingJson{ex, std::move(c.body), truncated,
                                        ex.error ? std::optional<std::string>(end.error_message) : std::nullopt,
                                        std::move(end.hints)};
        } else if (live_) {
            out(view_.end(ex, end));
        } else if (!stream_body_ && !no_view_) {
            out(render::exchange_report(ex, report_, end, count_));
        }
        captures_.erase(ex.index);
    }

    bool body_only() const { return stream_body_; }

    // Ends the --json document with the run's notes and writes what is left of it.
    void finish_json(const std::vector<std::string>& notes) {
        write_pending_json();
        json_doc.finish(notes);
        write_all_fd(1, json_out_);
        json_out_.clear();
    }

    // Writes a part of the view on stdout (the progress line makes way).
    void out(const std::string& text) {
        if (text.empty()) return;
        clear_progress();
        write_all_fd(1, columns_ ? render::fit_to_width(text, columns_) : text);
    }

private:
    // An exchange's --json, written once the next request is out (or at the end).
    struct PendingJson {
        client::ExchangeResult ex;
        std::string body;
        bool body_truncated;
        std::optional<std::string> error_message;  // worded as on the terminal
        std::vector<std::string> hints;
    };

    void write_pending_json() {
        if (!pending_json_) return;
        auto& p = *pending_json_;
        render::ExchangeWording wording{p.error_message, {}};
        for (const auto& h : p.hints) wording.more_notes.push_back("hint: " + h);
        json_doc.add(p.ex, p.body, p.body_truncated, wording);
        pending_json_.reset();
    }

    // Whole documents of many exchanges go out in large writes, not one per exchange.
    void buffer_json(std::string_view s) {
        json_out_.append(s);
        if (json_out_.size() >= kJsonWriteSize) {
            write_all_fd(1, json_out_);
            json_out_.clear();
        }
    }

    static constexpr std::size_t kJsonWriteSize = 64 * 1024;
    std::optional<PendingJson> pending_json_;
    std::string json_out_;

    double elapsed_ms() const {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
    }

    // The error's message with what the command line adds: which option raises
    // a limit, how to start the practice server.
    static std::string worded_error(const client::ExchangeResult& ex) {
        // The TLS advice and the timeout that fired, as every command words them.
        std::string msg = cli::worded_error(*ex.error);
        const auto& d = ex.destination;
        bool loopback = !d.unix_socket && (d.host == "127.0.0.1" || d.host == "localhost" || d.host == "::1");
        if (ex.error->kind == ErrorKind::connect && loopback && msg.ends_with("is the server running?"))
            msg += " (the practice server: rawhttp serve " + std::to_string(d.port) + ")";
        switch (ex.error->limit) {
            case Limit::head_size: msg += " (--max-head-size raises the limit)"; break;
            case Limit::header_count: msg += " (--max-headers raises the limit)"; break;
            case Limit::interim_count: msg += " (--max-interim raises the limit)"; break;
            default: break;  // the timeouts: worded above
        }
        return msg;
    }

    // What did not happen, and the option that makes it happen.
    static std::vector<std::string> hints(const client::ExchangeResult& ex, const render::ExchangeCapture& c) {
        std::vector<std::string> out;
        if (ex.destination.tls) return out;
        const std::string_view raw(c.raw);
        // A TLS record (alert 0x15 or handshake 0x16, version 3.x) where HTTP was expected.
        if (raw.size() >= 2 && (raw[0] == '\x15' || raw[0] == '\x16') && raw[1] == '\x03')
            out.push_back("the reply starts with a TLS record: this port speaks TLS (HTTPS); add --tls");
        else if (ex.response && ex.response->status == 400 &&
                 c.body.find("plain HTTP request was sent to HTTPS port") != std::string::npos)
            out.push_back("the server says this port speaks TLS (\"The plain HTTP request was sent to HTTPS port\"): add --tls");
        if (ex.request && client::request_target(*ex.request).starts_with("https://"))
            out.push_back("the request line's target is https://..., but it went over plain TCP: add --tls to speak TLS");
        return out;
    }

    void progress(const client::ExchangeResult& ex, std::size_t n) {
        body_seen_ += n;
        if (!progress_ || !ex.response) return;
        const auto now = std::chrono::steady_clock::now();
        // Only for a body that takes a while, redrawn a few times a second.
        if (now - head_at_ < std::chrono::milliseconds(300) || now - drawn_at_ < std::chrono::milliseconds(150)) return;
        drawn_at_ = now;
        std::optional<std::uint64_t> total;
        if (ex.response->framing == http::Framing::content_length) total = ex.response->content_length;
        if (total && body_seen_ >= *total) return;  // done: the view says the rest
        const double s = std::chrono::duration<double>(now - head_at_).count();
        write_all_fd(2, "\r" + render::progress_line(body_seen_, total, s, render::terminal_columns(2)) + "\x1b[K");
        progress_shown_ = true;
    }

    void clear_progress() {
        if (!progress_shown_) return;
        progress_shown_ = false;
        write_all_fd(2, "\r\x1b[K");
    }

    // Send's "why": lint on the bytes actually sent, the findings that explain a 4xx/5xx.
    std::vector<std::string> why_lines(const client::ExchangeResult& ex) const {
        std::vector<std::string> lines;
        if (!report_.sections.why || !ex.request) return lines;
        // A timeout with no answer: the findings that make a server wait (a head with
        // no empty line, a Content-Length promising more than was sent).
        bool waited = ex.error && ex.error->kind == ErrorKind::timeout && (!ex.response || !ex.response->head_complete);
        if (!waited && (!ex.response || ex.response->status < 400)) return lines;
        auto linted = lint_composed(*ex.request, {});
        if (!linted) return lines;
        const int status = waited ? 408 : ex.response->status;
        auto why = lint::explain_status(*linted, status);
        using How = lint::StatusExplanation::How;
        // A server that never answered was waiting: only what makes it wait explains that.
        if (waited && why.how != How::predicted) return lines;
        if (why.how == How::rejected)
            lines.push_back("no finding predicts " + std::to_string(status) +
                            " itself, but these errors make a strict server reject the request:");
        if (why.how == How::unexplained)
            lines.push_back("lint finds nothing in the request that explains " + std::to_string(status) +
                            ": the server's own rules decided (its body may say which)");
        for (const auto& f : why.findings) append_finding(lines, ex, f);
        return lines;
    }

    void append_finding(std::vector<std::string>& lines, const client::ExchangeResult& ex, const lint::Finding& f) const {
        // Lines of the .req file, as `lint` gives them (the request line's line + lines on the wire).
        std::size_t file_line = ex.request->source_line(f.line);
        std::string text = render::finding_text(
            f, report_.style, "line " + std::to_string(file_line) + ", column " + std::to_string(f.column));
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size();
            lines.push_back(text.substr(start, nl - start));
            start = nl + 1;
        }
    }

    static bool timeline_only(const render::Sections& s) {
        return s.timeline && !s.request && !s.connection && !s.raw && !s.parsed && !s.body && !s.timing && !s.why;
    }

    static bool only_body(const render::Sections& s) {
        return s.body && !s.request && !s.connection && !s.raw && !s.parsed && !s.timing && !s.timeline && !s.findings;
    }

    render::ExchangeCapture& cap(const client::ExchangeResult& ex) {
        auto it = captures_.find(ex.index);
        if (it == captures_.end()) {
            it = captures_.emplace(ex.index, render::ExchangeCapture{}).first;
            if (cmd_.json) it->second.body_cap = kJsonBodyCap;
        }
        return it->second;
    }

    void trace_line(std::size_t conn, render::TraceDirection direction, std::string_view b) {
        if (!cmd_.trace) return;
        clear_progress();
        write_all_fd(2, render::trace_entry(elapsed_ms(), "#" + std::to_string(conn), direction, b, cmd_.hex, trace_style_));
    }

    const SendCmd& cmd_;
    render::ReportOptions report_;
    render::ExchangeView view_;
    std::size_t count_;
    std::chrono::steady_clock::time_point t0_;
    render::Style trace_style_;
    bool stream_body_ = false;
    bool no_view_ = false;
    bool live_ = false;
    bool progress_ = false, progress_shown_ = false;
    std::chrono::steady_clock::time_point head_at_, drawn_at_;
    std::uint64_t body_seen_ = 0;
    std::size_t columns_ = 0;  // the terminal's width, 0: not a terminal
    std::map<std::size_t, render::ExchangeCapture> captures_;
};

int SendCmd::run() {
    if (!in.resolve(json)) return 2;
    in.keep_curl_headers = curl_headers;
    render::ReportOptions report;
    if (!show.empty()) {
        if (auto err = render::parse_sections(show, report.sections)) {
            print_error("--show: " + *err);
            return 2;
        }
    }
    if (verbose) report.sections.request = true;
    if (timing) report.sections.timing = true;
    report.hex = hex;
    report.style.color = render::want_color(1);
    report.escape_body = ::isatty(1) == 1;
    if (report.escape_body && !json) report.columns = render::terminal_columns(1);

    long long cto = seconds_to_ms(connect_timeout), mt = seconds_to_ms(max_time), idle = seconds_to_ms(idle_timeout),
              ht = seconds_to_ms(head_timeout), e100 = seconds_to_ms(expect100_timeout), uw = seconds_to_ms(upgrade_wait);

    if (via != "curl" && (curl_default || (curl_headers && !in.is_url()))) {
        print_error("--curl-default goes with --via curl, and --curl-headers with --via curl or a URL");
        return 2;
    }
    if (via == "curl" && pipeline) {
        print_error("libcurl does not pipeline HTTP/1.1 requests: --pipeline works only with --via rawhttp");
        return 2;
    }

    auto loaded = load_input(in);
    if (!loaded) {
        print_error(loaded.error().message);
        return exit_code(loaded.error().kind);
    }
    auto reqs = compose_loaded(*loaded, in);
    if (!reqs) {
        print_error(reqs.error().message);
        return exit_code(reqs.error().kind);
    }
    auto dests = target.destinations(*reqs);
    if (!dests) {
        print_error(dests.error().message);
        return 2;
    }
    const bool fan_out = target.fan_out.size() > 1;
    if (fan_out) {
        // The grid is the view: what shapes one server's view has no place in it.
        std::string alone;
        if (via == "curl") alone = "--via curl";
        else if (!output.empty()) alone = "-o";
        else if (!report_file.empty()) alone = "--report";
        else if (fail) alone = "--fail";
        else if (!show.empty()) alone = "--show";
        else if (verbose) alone = "-v";
        else if (trace) alone = "--trace";
        else if (hex) alone = "--hex";
        else if (timing) alone = "--timing";
        else if (!target.unix_socket.empty()) alone = "--unix-socket";
        if (!alone.empty()) {
            print_error("send: " + alone + " goes with one --to; with several, send prints a grid of what each "
                        "server answered (--json for all of it)");
            return 2;
        }
    }
    if (!json) {
        for (std::size_t i = 0; i < reqs->size(); ++i)
            for (const auto& n : (*reqs)[i].notes)
                if (verbose || !std::string_view(n).starts_with(kRoutineCrlfNote))
                    print_note((reqs->size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) + n);
    }

    SendHooks hooks(*this, report, reqs->size());
    render::ConversationRecorder recorder(hooks);  // the conversation, for --show timeline and --report
    // Recording every read and write costs time and memory: only for the views that draw them.
    const bool recording = report.sections.timeline || !report_file.empty();
    client::SessionHooks& sink = recording ? static_cast<client::SessionHooks&>(recorder) : hooks;
    // A .http file's references to earlier responses: such a request is composed again, filled, just before it goes.
    auto refs = HttpReferences::for_file(*loaded, in, sink);
    if (refs && (pipeline || via == "curl" || fan_out)) {
        print_error("this file's requests refer to earlier responses, which are known only once answered: "
                    "send it without --pipeline, --via curl and a second --to");
        return 2;
    }
    if (!output.empty()) {
        hooks.out_fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (hooks.out_fd < 0) {
            print_error("cannot write '" + output + "': " + std::strerror(errno));
            return 2;
        }
    }

    // The page is written after the run; a path that cannot be written fails first.
    ReportFile page_file;
    if (!report_file.empty() && !page_file.open(report_file, "send")) return 2;

    client::SessionOptions so;
    so.connect_timeout = std::chrono::milliseconds(cto);
    so.max_time = std::chrono::milliseconds(mt);
    if (mt > 0) set_output_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(mt));
    so.idle_timeout = std::chrono::milliseconds(idle);
    so.head_timeout = std::chrono::milliseconds(ht);
    so.pipeline = pipeline;
    so.limits = http::response_limits(max_head, max_headers);
    so.max_interim = max_interim;
    so.tls_verify = !insecure;
    if (!cacert.empty()) so.ca_file = cacert;
    if (!proxy.empty()) {
        auto hop = parse_proxy(proxy, "send");
        if (!hop) return 2;
        if (via == "curl" || !target.unix_socket.empty()) {
            print_error("send: --proxy goes with rawhttp's own TCP socket (not --via curl or --unix-socket)");
            return 2;
        }
        so.proxy_host = hop->host;
        so.proxy_port = *hop->port;
        if (!json)
            for (std::size_t i = 0; i < reqs->size(); ++i)
                if (!(*dests)[i].tls && std::string_view((*reqs)[i].bytes).find(" /") < std::string_view((*reqs)[i].bytes).find('\n'))
                    print_note((reqs->size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) +
                               "a proxy expects an absolute-form target (GET http://HOST/PATH HTTP/1.1, RFC 9112 "
                               "§3.2.2); this request's is origin-form, sent as written");
    }
    so.expect100_timeout = std::chrono::milliseconds(e100);
    so.upgrade_wait = std::chrono::milliseconds(uw);
    // Ctrl-C ends the waits and shows what happened so far; a second one kills.
    so.cancel = &g_interrupted;
    // Each view is written as its exchange ends; only the fan-out grid,
    // --report's page and a .http file's references read responses after that.
    so.keep_responses = fan_out || refs || page_file.is_open();
    if (refs)
        so.before_request = [&](std::size_t i, const std::vector<client::ExchangeResult>& done) {
            return refs->before_request(i, done, *reqs, *dests, target.overrides());
        };
    struct sigaction sa{};
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;  // no SA_RESTART: a blocked poll returns at once
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    if (fan_out) return run_fan_out(*reqs, target, so, json);
    std::vector<client::ExchangeResult> results;
    std::optional<compare::CurlRun> curl_run;  // owns the requests libcurl wrote, which results point to
    if (via == "curl") {
        auto mode = curl_default ? compare::CurlMode::curl_default
                    : curl_headers ? compare::CurlMode::curl_headers
                                   : compare::CurlMode::exact;
        auto run = compare::run_curl_session(*reqs, *dests, so, mode, sink);
        if (!run) {
            if (hooks.out_fd >= 0) ::close(hooks.out_fd);
            print_error(run.error().message);
            return exit_code(run.error().kind);
        }
        curl_run = std::move(*run);
        results = std::move(curl_run->results);
    } else {
        results = client::run_session(*reqs, *dests, so, refs ? static_cast<client::SessionHooks&>(*refs) : sink);
    }
    if (hooks.out_fd >= 0) ::close(hooks.out_fd);

    int code = 0;
    for (const auto& ex : results) {
        if (ex.error) {
            code = exit_code(ex.error->kind);
            break;
        }
    }
    if (code == 0 && refs && !refs->error().empty()) {  // stopped before a request it could not fill
        code = 2;
        hooks.first_error = refs->error();
        hooks.error_on_stdout = false;
    }
    // Say what did not happen: the requests a failure left unsent (or, pipelined, unanswered).
    std::vector<std::string> run_notes;
    if (code != 0 && results.size() < reqs->size()) {  // one request alone: its error says it
        const std::size_t n = reqs->size();
        const std::size_t tried = results.size();  // exchanges run, the failed one last
        const std::size_t sent = hooks.last_written ? *hooks.last_written + 1 : 0;  // requests written, in part or whole
        auto range = [n](std::size_t from, std::size_t to, std::string_view what) {  // 1-based, inclusive
            return from == to ? "request " + std::to_string(from) + " of " + std::to_string(n) + " was " + std::string(what)
                              : "requests " + std::to_string(from) + "-" + std::to_string(to) + " of " +
                                    std::to_string(n) + " were " + std::string(what);
        };
        if (sent > tried) run_notes.push_back(range(tried + 1, sent, "sent but not answered"));
        if (sent < n) run_notes.push_back(range(sent + 1, n, "not sent"));
    }
    if (report.sections.timeline && !json && !hooks.body_only()) {
        render::TimelineOptions t;
        t.columns = ::isatty(1) == 1 ? render::terminal_columns(1) : 80;
        t.style = report.style;
        hooks.out(render::timeline_text(recorder.conversation(), t));
    }
    if (json) {
        std::vector<std::string> notes;
        for (std::size_t i = 0; i < reqs->size(); ++i)
            for (const auto& n : (*reqs)[i].notes)
                notes.push_back((reqs->size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) + n);
        for (const auto& n : run_notes) notes.push_back(n);
        hooks.finish_json(notes);
    } else {
        render::Style style{render::want_color(1)};
        for (const auto& n : run_notes) {
            if (hooks.body_only()) print_note(n);  // stdout holds the body's exact bytes
            else hooks.out(render::dim("note: " + n, style) + "\n");
        }
    }
    if (page_file.is_open()) {
        render::ReportPage page;
        page.title = "rawhttp send " + in.file;
        page.subtitle = report_subtitle(via == "curl" ? "sent through libcurl" : "sent over rawhttp's own socket");
        for (std::size_t i = 0; i < reqs->size(); ++i)
            for (const auto& n : (*reqs)[i].notes) page.notes.push_back(n);
        for (const auto& n : run_notes) page.notes.push_back(n);
        page.sides.push_back(report_side("", results, recorder.recording(), reqs->size()));
        if (!page_file.write(page)) return 23;
    }
    if (code != 0) {
        // Printed once: the view on a terminal already has it, and stderr is that terminal too.
        const bool shown = hooks.error_on_stdout && ::isatty(1) == 1 && ::isatty(2) == 1;
        if (!shown && !hooks.first_error.empty())
            print_error(code == 130 ? "interrupted (Ctrl-C) " + hooks.first_error : hooks.first_error);
        return code;
    }
    if (hooks.write_failed) {
        print_error("could not write the body to '" + output + "': " + std::strerror(errno));
        return 23;
    }
    if (fail) {
        for (const auto& ex : results) {
            if (ex.response && ex.response->status >= 400) {
                print_error("the server answered " + std::to_string(ex.response->status) + " (--fail)");
                return 22;
            }
        }
    }
    return 0;
}

}  // namespace

void add_send_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<SendCmd>();
    Command* sub = add_command(app, "send", "compose FILE.req, send it over rawhttp's own socket, show the raw and parsed response");
    sub->footer(
        "Compose FILE.req, connect, send it over rawhttp's own socket, read the response,\n"
        "and show the connection, the raw response (CR/LF visible) and the parsed view.\n"
        "Each section appears when it happens: the connection when connected, the request\n"
        "when written (-v), raw lines as they arrive, the parsed view when the head is\n"
        "complete. A slow body shows a progress line on stderr when it is a terminal.\n"
        "Ctrl-C prints what happened so far (connected? bytes sent and received? waiting\n"
        "for what?) and exits 130. Findings of the rule book on what the server sent are\n"
        "shown in a findings section (rawhttp rules ID explains each).\n"
        "With --to given twice or more, the same bytes go to each server in turn and a\n"
        "grid shows what each answered (status, framing, body size and SHA-1, connection,\n"
        "findings, time), marking with * the rows where they differ.\n\n"
        "Examples:\n"
        "  rawhttp send get-local.req --to 127.0.0.1:8080\n"
        "  rawhttp send broken-bare-lf.req --to 127.0.0.1:8080 --to 127.0.0.1:3000   # do they agree?\n"
        "  rawhttp send get-google.req -v --timing\n"
        "  rawhttp send api.req --var token=abc --json | jq .exchanges[0].response.status\n"
        "  rawhttp send big.req -o body.bin --show connection,parsed\n"
        "  rawhttp send get-local.req --show timeline          # the conversation as a sequence diagram\n"
        "  rawhttp send get-local.req --report get.html        # a page to open, print, hand out\n"
        "  rawhttp send get-local.req --via curl -v            # the same, through libcurl\n"
        "  rawhttp send http://127.0.0.1:8080/echo -H 'X-Trace: 1' -d name=alice   # a URL and curl's flags\n"
        "  rawhttp send https://example.com/api --json '{\"a\":1}' -u me:secret --save-req api.req\n"
        "  rawhttp send api.http                               # a REST Client / JetBrains file, # @name chains too");
    cmd->in.add_to(*sub, "the exchanges (one document on stdout, see the README)");
    cmd->target.add_to(*sub, /*many=*/true);
    sub->add_option("--show", cmd->show,
                    "sections to show, comma-separated: request,connection,raw,parsed,body,timing,why,findings,"
                    "timeline (or all); default connection,raw,parsed,why,findings (why and findings only when there "
                    "is one: why a 4xx/5xx, the rule book's findings on the response). timeline: each connection as a "
                    "sequence diagram after the run (resolve, SYN, TLS, every write and read with its size and first "
                    "bytes, the end of the head, FIN and RST, who closed first; not with --json)")
        ->check(non_empty());
    add_report(*sub, cmd->report_file,
               "the sequence diagram, the timing waterfall, the request and the response line by line beside their "
               "meaning (hex on a click) and the findings linked to their lines; prints well");
    add_verbose(*sub, cmd->verbose, "also show the request as sent");
    sub->add_flag("--timing", cmd->timing, "show DNS, connect, TLS, written, first byte and total times");
    add_trace(*sub, cmd->trace, ", and the TCP/TLS events (connect, TLS handshake, FIN, RST, close)");
    add_hex(*sub, cmd->hex, "the bytes");
    add_output_file(*sub, cmd->output, "the body (decoded from chunked) to FILE, streamed");
    sub->add_flag("--fail", cmd->fail, "exit 22 when a status is 400 or more");
    sub->add_flag("--pipeline", cmd->pipeline, "write every request before reading any response");
    sub->add_flag("--no-progress", cmd->no_progress,
                  "no progress line for a body that takes a while (it is shown only when stderr is a terminal, never with --json)");
    sub->add_option("--expect100-timeout", cmd->expect100_timeout,
                    "with Expect: 100-continue, seconds to wait for 100 Continue (or a final status) before sending the "
                    "body anyway (default 1; 0: send it at once)")->check(seconds_value());
    sub->add_option("--upgrade-wait", cmd->upgrade_wait,
                    "after 101 Switching Protocols, seconds of silence that end the reading of what the server sends "
                    "in the new protocol (default 1)")->check(seconds_value());
    add_connect_timeout(*sub, cmd->connect_timeout, 10, "each connection attempt");
    add_max_time(*sub, cmd->max_time, "the whole run");
    add_idle_timeout(*sub, cmd->idle_timeout, 30, "seconds to wait for the next byte before giving up", {"no limit"});
    add_head_timeout(*sub, cmd->head_timeout, 30,
                     "seconds a response head may take to arrive whole, however steadily it drips", {"no limit"});
    sub->add_option("--max-headers", cmd->max_headers, "most header fields accepted in a response head (default 1000)")
        ->check(whole_number());
    add_tls_verify(*sub, cmd->insecure, cmd->cacert, "server");
    sub->add_option("--proxy", cmd->proxy,
                    "connect through the forward proxy HOST:PORT (TLS requests: CONNECT, then TLS inside the tunnel)")
        ->check(non_empty());
    sub->add_option("--via", cmd->via,
                    "send through rawhttp's own socket (default) or through libcurl (what libcurl wrote is shown)")
        ->check(CLI::IsMember({"rawhttp", "curl"}));
    add_curl_header_choice(*sub, cmd->curl_default, cmd->curl_headers, "with --via curl");
    sub->add_option("--max-head-size", cmd->max_head, "largest response head accepted, in bytes (default 1048576)")
        ->check(whole_number());
    sub->add_option("--max-interim", cmd->max_interim,
                    "most interim 1xx responses accepted before the final one (default 100; past it: exit 8)")
        ->check(whole_number());
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
