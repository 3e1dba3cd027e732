// probe: sends the battery to one server, each test on a fresh connection,
// a few at a time, and judges each answer against the rule book. Knows no
// flags; the command line turns its options into ProbeOptions.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/rules.hpp"
#include "probe/battery.hpp"

namespace rawhttp::probe {

struct ProbeOptions {
    std::string host;  // as given ("127.0.0.1", "::1", "localhost")
    int port = 80;
    bool tls = false;
    bool tls_verify = true;
    std::optional<std::string> ca_file;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds answer_timeout{5000};  // per test: how long an answer may take
    std::size_t parallel = 8;                        // tests in flight at once
    // Which tests: empty means all. A test runs when its id or its rule's id
    // matches one pattern (* and ? as in the shell) and its category is listed.
    std::vector<std::string> only;
    std::vector<std::string> categories;
    // The user's own requests (probe --req), run and judged after the
    // selected battery tests: by their rule when they break one, else as
    // valid requests. `battery` false: only the controls run beside them.
    std::vector<ProbeTest> extra;
    bool battery = true;
};

// What the server did with one test.
enum class AnswerKind { status, closed, reset, timeout, not_http, connect_failed };

struct Answer {
    AnswerKind kind = AnswerKind::timeout;
    int status = 0;        // for AnswerKind::status: the final status code
    std::string detail;    // for connect_failed / not_http: what happened
    // For a body test answered on a kept-alive connection: what became of a
    // valid GET sent next on it. A server that answers before reading the
    // body (nginx's `return`) and then closes has refused the body after all;
    // one that answers the GET took the bytes as a whole message.
    std::optional<AnswerKind> next;
    int next_status = 0;
};

enum class Verdict { pass, warn, fail };
std::string_view verdict_name(Verdict v);  // "pass" | "warn" | "fail"

struct TestResult {
    const ProbeTest* test = nullptr;
    Answer answer;
    Verdict verdict = Verdict::pass;
    std::string why;  // one line: why this verdict
};

struct ProbeReport {
    std::string target;  // "127.0.0.1:8080"
    std::vector<TestResult> results;  // in battery order
    std::size_t pass = 0, warn = 0, fail = 0;  // over the scored tests (the controls are not scored)
};

// "400", "close", "reset", "timeout", "not-http", "no-connection".
std::string answer_text(const Answer& a);

// The verdict for a test given its answer and the control's answer
// (the baseline the test is compared with). Pure: the unit tests call it.
Verdict judge(const ProbeTest& t, const Answer& answer, const Answer& baseline, std::string& why);

// The tests the options select, in battery order. Errors: usage (a pattern or
// category that selects nothing).
Result<std::vector<const ProbeTest*>> select_tests(const ProbeOptions& options);

// Runs the selected tests. Errors: connect (the controls could not connect:
// nothing else is tried), usage (nothing selected).
Result<ProbeReport> run_probe(const ProbeOptions& options);

}  // namespace rawhttp::probe
