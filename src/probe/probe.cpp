#include "probe/probe.hpp"

#include <fnmatch.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "http/message_reader.hpp"
#include "net/transport.hpp"
#include "tls/tls_transport.hpp"

namespace rawhttp::probe {

namespace {

Answer make_answer(AnswerKind kind, int status = 0, std::string detail = {}) {
    Answer a;
    a.kind = kind;
    a.status = status;
    a.detail = std::move(detail);
    return a;
}

bool matches(const std::string& pattern, std::string_view text) {
    return ::fnmatch(pattern.c_str(), std::string(text).c_str(), 0) == 0;
}

bool selected(const ProbeTest& t, const ProbeOptions& o) {
    if (!o.categories.empty()) {
        bool in = false;
        for (const auto& c : o.categories) in = in || c == t.category;
        if (!in) return false;
    }
    if (o.only.empty()) return true;
    for (const auto& p : o.only)
        if (matches(p, t.id) || (t.rule && matches(p, http::rule_info(*t.rule).id))) return true;
    return false;
}

const ProbeTest* find_test(std::string_view id) {
    for (const auto& t : battery())
        if (t.id == id) return &t;
    return nullptr;
}

std::string host_port(const ProbeOptions& o) {
    const std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    return host + ":" + std::to_string(o.port);
}

bool says_close(const http::MessageHead& head) {
    for (const auto& f : head.headers)
        if (f.known == http::KnownField::connection && f.value.find("close") != std::string_view::npos) return true;
    return false;
}

// After a body test's answer: read the rest of that response, then send a
// valid GET on the same connection and see what becomes of it.
void follow_up(net::Transport& tr, http::MessageReader& reader, std::string_view rest, const std::string& host,
               const net::Deadline& deadline, Answer& a) {
    if (says_close(reader.head()) || reader.framing().framing == http::Framing::close) return;
    char buf[16384];
    while (!reader.done() && !reader.failed()) {
        while (!rest.empty() && !reader.done() && !reader.failed()) {
            const std::size_t used = reader.put(rest);
            if (used == 0) break;
            rest.remove_prefix(used);
        }
        if (reader.done() || reader.failed()) break;
        auto n = tr.read(buf, sizeof buf, deadline);
        if (!n || *n == 0) return;  // the answer itself did not end: nothing to follow
        rest = std::string_view(buf, *n);
    }
    if (!reader.done()) return;
    reader.reset();
    const net::Deadline next_deadline =
        net::Deadline::earliest(deadline, net::Deadline::after(std::chrono::milliseconds(2000)));
    const std::string get = "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    (void)tr.write_all(get, next_deadline);
    for (;;) {
        while (!rest.empty() && !reader.head_complete() && !reader.failed()) {
            const std::size_t used = reader.put(rest);
            if (used == 0) break;
            rest.remove_prefix(used);
        }
        if (reader.head_complete()) {
            a.next = AnswerKind::status;
            a.next_status = reader.head().status;
            return;
        }
        if (reader.failed()) {
            a.next = AnswerKind::not_http;
            return;
        }
        auto n = tr.read(buf, sizeof buf, next_deadline);
        if (!n) {
            a.next = n.error().kind == ErrorKind::timeout ? AnswerKind::timeout : AnswerKind::reset;
            return;
        }
        if (*n == 0) {
            a.next = AnswerKind::closed;
            return;
        }
        rest = std::string_view(buf, *n);
    }
}

// One test on a fresh connection: connect, write, read until the final
// status line, the end, or the answer timeout.
Answer run_one(const ProbeOptions& o, const ProbeTest& t) {
    net::ConnectOptions co;
    co.host = o.host;
    co.port = o.port;
    co.connect_timeout = o.connect_timeout;
    co.deadline = net::Deadline::after(o.connect_timeout + o.answer_timeout);
    auto conn = net::connect(co);
    if (!conn) return make_answer(AnswerKind::connect_failed, 0, conn.error().message);
    std::unique_ptr<net::Transport> tr = std::move(*conn);
    if (o.tls) {
        net::TlsOptions to;
        to.server_name = o.host;
        to.verify = o.tls_verify;
        to.ca_file = o.ca_file;
        auto wrapped = net::start_tls(std::move(tr), to, net::Deadline::after(o.connect_timeout));
        if (!wrapped) return make_answer(AnswerKind::connect_failed, 0, wrapped.error().message);
        tr = std::move(*wrapped);
    }
    const std::string bytes = bytes_for(t, host_port(o));
    const net::Deadline deadline = net::Deadline::after(o.answer_timeout);
    // A server may answer and close before taking every byte (a 431 to a
    // huge head): what it sent is read all the same.
    if (!bytes.empty()) (void)tr->write_all(bytes, deadline);

    http::ReaderOptions ro;
    ro.kind = http::MessageKind::response;
    ro.max_interim = 10;
    http::MessageReader reader(ro);
    char buf[16384];
    bool any = false;
    for (;;) {
        auto n = tr->read(buf, sizeof buf, deadline);
        if (!n) {
            if (n.error().kind == ErrorKind::timeout) return make_answer(AnswerKind::timeout, 0, {});
            return make_answer(any ? AnswerKind::not_http : AnswerKind::reset, 0, n.error().message);
        }
        if (*n == 0) {
            if (!any) return make_answer(AnswerKind::closed, 0, {});
            reader.put_eof();
            if (reader.head_complete()) return make_answer(AnswerKind::status, reader.head().status, {});
            return make_answer(AnswerKind::not_http, 0, "the connection closed inside a response head");
        }
        any = true;
        std::string_view in(buf, *n);
        while (!in.empty() && !reader.head_complete() && !reader.failed()) {
            const std::size_t used = reader.put(in);
            if (used == 0) break;
            in.remove_prefix(used);
        }
        if (reader.head_complete()) {
            Answer a = make_answer(AnswerKind::status, reader.head().status);
            if (t.baseline == Baseline::post && t.category != "end") follow_up(*tr, reader, in, host_port(o), deadline, a);
            return a;
        }
        if (reader.failed()) {
            const http::Violation* v = reader.error();
            return make_answer(AnswerKind::not_http, 0, v ? v->detail : std::string("not an HTTP response"));
        }
    }
}

bool closed_after(const Answer& a) {
    return a.next && *a.next != AnswerKind::status && *a.next != AnswerKind::timeout;
}

bool accepted(const Answer& a, const Answer& baseline) {
    if (a.kind != AnswerKind::status) return false;
    // Closed after answering: the body refused, unless the valid control was closed alike
    // (a server that closes every connection after answering says nothing by it).
    if (closed_after(a) && !closed_after(baseline)) return false;
    return a.status < 400 || (baseline.kind == AnswerKind::status && a.status == baseline.status);
}

}  // namespace

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::pass: return "pass";
        case Verdict::warn: return "warn";
        case Verdict::fail: return "fail";
    }
    return "";
}

std::string answer_text(const Answer& a) {
    switch (a.kind) {
        case AnswerKind::status:
            if (!a.next) return std::to_string(a.status);
            {
                const Answer next = make_answer(*a.next, a.next_status);
                return std::to_string(a.status) + "," + answer_text(next);
            }
        case AnswerKind::closed: return "close";
        case AnswerKind::reset: return "reset";
        case AnswerKind::timeout: return "timeout";
        case AnswerKind::not_http: return "not-http";
        case AnswerKind::connect_failed: return "no-connection";
    }
    return "";
}

Verdict judge(const ProbeTest& t, const Answer& a, const Answer& baseline, std::string& why) {
    if (a.kind == AnswerKind::connect_failed) {
        why = "could not connect: " + a.detail;
        return Verdict::fail;
    }
    if (!t.rule) {
        // A valid request: the server should take it as it takes the baseline.
        if (accepted(a, baseline)) {
            why = "accepted";
            return Verdict::pass;
        }
        why = std::string(a.kind == AnswerKind::timeout ? "a valid request, not answered (" : "a valid request, refused (") +
              answer_text(a) + ")";
        return a.kind == AnswerKind::status ? Verdict::warn : Verdict::fail;
    }
    const http::RuleInfo& r = http::rule_info(*t.rule);
    const bool error = http::severity_of(*t.rule, http::MessageKind::request).value_or(http::Severity::warning) ==
                       http::Severity::error;
    const bool expects_wait = r.status == "timeout";
    if (a.kind == AnswerKind::timeout) {
        if (expects_wait) {
            why = "waited for the rest, as a server must";
            return Verdict::pass;
        }
        why = "neither answered nor closed: it reads the bytes another way (a strict server answers " +
              std::string(r.status) + ")";
        return Verdict::warn;
    }
    if (!accepted(a, baseline)) {
        why = a.kind == AnswerKind::timeout  ? "not answered (" + answer_text(a) + ")"
              : a.kind != AnswerKind::status ? "refused (" + answer_text(a) + ")"
              : closed_after(a)
                  ? "answered " + std::to_string(a.status) + " before reading the body, then closed instead of taking "
                    "a next request: the body was refused"
                  : "refused with " + std::to_string(a.status);
        if (!expects_wait && a.kind == AnswerKind::status && std::to_string(a.status) != r.status)
            why += "; a strict server answers " + std::string(r.status);
        return Verdict::pass;
    }
    why = "accepted (" + answer_text(a) + ")";
    if (a.next == AnswerKind::timeout) why += ", then left the next request waiting: it is still reading a body";
    if (expects_wait) {
        why += " before the message was whole: it answers without reading the rest";
        return Verdict::warn;
    }
    if (!error || r.level != http::Level::must) {
        why += ": a leniency the RFC allows; a strict server answers " + std::string(r.status);
        return Verdict::warn;
    }
    why += ", where the RFC says a server MUST reject it (" + std::string(r.status) + ")";
    return Verdict::fail;
}

Result<std::vector<const ProbeTest*>> select_tests(const ProbeOptions& options) {
    std::vector<const ProbeTest*> out;
    for (const auto& t : battery())
        if (selected(t, options) && (options.battery || t.category == "control")) out.push_back(&t);
    if (out.empty()) {
        std::string what;
        for (const auto& p : options.only) what += (what.empty() ? "" : ",") + p;
        std::string cats;
        for (const auto& c : options.categories) cats += (cats.empty() ? "" : ",") + c;
        // The command line names its options (probe_cmd.cpp's selection_error).
        return make_error(ErrorKind::usage, "no probe test matches" + (what.empty() ? "" : " the patterns " + what) +
                                                (what.empty() || cats.empty() ? "" : " and") +
                                                (cats.empty() ? "" : " the categories " + cats));
    }
    return out;
}

Result<ProbeReport> run_probe(const ProbeOptions& options) {
    auto chosen = select_tests(options);
    if (!chosen) return chosen.error();
    ProbeReport report;
    const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    report.target = host + ":" + std::to_string(options.port);

    // The baselines first, one at a time: if the server cannot be reached,
    // nothing else is tried.
    const ProbeTest* get = find_test("control-get");
    const ProbeTest* post = find_test("control-post");
    const Answer get_answer = run_one(options, *get);
    if (get_answer.kind == AnswerKind::connect_failed)
        return make_error(ErrorKind::connect, "cannot probe " + report.target + ": " + get_answer.detail);
    // Every verdict compares with the valid GET's answer: without one, there is nothing to judge by.
    if (get_answer.kind != AnswerKind::status)
        return make_error(get_answer.kind == AnswerKind::timeout    ? ErrorKind::timeout
                          : get_answer.kind == AnswerKind::not_http ? ErrorKind::malformed
                                                                    : ErrorKind::empty_reply,
                          "cannot probe " + report.target + ": it did not answer a valid GET (" +
                              answer_text(get_answer) + "), so no answer of its can be judged");
    const Answer post_answer = run_one(options, *post);

    std::vector<const ProbeTest*> tests = *chosen;
    for (const auto& t : options.extra) tests.push_back(&t);
    std::vector<Answer> answers(tests.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < tests.size();) {
            if (tests[i] == get) answers[i] = get_answer;
            else if (tests[i] == post) answers[i] = post_answer;
            else answers[i] = run_one(options, *tests[i]);
        }
    };
    const std::size_t n = std::max<std::size_t>(1, std::min(options.parallel, tests.size()));
    std::vector<std::thread> workers;
    workers.reserve(n);
    for (std::size_t k = 0; k < n; ++k) workers.emplace_back(work);
    for (auto& w : workers) w.join();

    for (std::size_t i = 0; i < tests.size(); ++i) {
        TestResult r;
        r.test = tests[i];
        r.answer = answers[i];
        const Answer& base = tests[i]->baseline == Baseline::post ? post_answer : get_answer;
        r.verdict = judge(*tests[i], r.answer, base, r.why);
        if (tests[i]->rule) {
            (r.verdict == Verdict::pass ? report.pass : r.verdict == Verdict::warn ? report.warn : report.fail)++;
        }
        report.results.push_back(std::move(r));
    }
    return report;
}

}  // namespace rawhttp::probe
