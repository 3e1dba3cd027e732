// lint: explains, rule by rule, what a strict HTTP/1.1 server would reject in
// a request's exact bytes, and with which status. It is the one message
// reader (http/message_reader.hpp) with every leniency on, collecting every
// rule of the rule book the request breaks, plus the checks on what follows
// the message; serve decides from the same reader, so its status is lint's
// prediction. Knows nothing of sockets or the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/rules.hpp"

namespace rawhttp::lint {

using Severity = http::Severity;
using http::severity_name;

struct Finding {
    http::Rule rule = http::Rule::empty_request;
    std::string id;             // stable rule id, e.g. "host-missing"
    Severity severity = Severity::error;
    std::size_t offset = 0;     // byte offset in the linted bytes
    std::size_t line = 0;       // 1-based line in the linted bytes (lines end at LF)
    std::size_t column = 0;     // 1-based, counting bytes
    std::string message;        // what is wrong, plainly, with what real servers answer
    std::string rfc;            // "RFC 9112 §3.2"
    std::string expect_status;  // "400", "411", "414", "417", "431", "501", "505" or "timeout"
    std::string fix;            // how to fix it
    http::Risk risk = http::Risk::none;  // what breaking the rule risks
};

struct LintOptions {
    bool strict = false;  // warnings are errors too: what `serve --strict` answers
    http::Limits limits;  // the limits serve applies (README, "Limits")
    // false: the bytes are only the start of the request (a capture kept in
    // part), so nothing is said about where its body ends.
    bool check_body = true;
};

// Every finding on one request's exact bytes, in byte order.
std::vector<Finding> lint_request(std::string_view bytes, const LintOptions& options = {});

// The same, for a request that arrives in pieces (a body streamed from a
// file): put() each piece in order, then finish(). Findings' lines and
// columns are counted in `shown`, the bytes a report can point into (the
// request's held bytes); an offset past them points at their end.
class RequestLint {
public:
    explicit RequestLint(const LintOptions& options);
    ~RequestLint();
    RequestLint(const RequestLint&) = delete;
    RequestLint& operator=(const RequestLint&) = delete;

    void put(std::string_view piece);
    std::vector<Finding> finish(std::string_view shown);

private:
    struct State;
    std::unique_ptr<State> s_;
};

// A finding from a rule broken at `offset` of `bytes` (line and column
// computed), as lint words it: the one rendering of a violation.
Finding make_finding(const http::Violation& v, std::string_view bytes, http::MessageKind kind, bool strict = false);

// True when some finding is an error.
bool has_error(const std::vector<Finding>& findings);

// The findings that explain a response status: those predicting that very
// status (408 matches "timeout"); for a 400, every error when none predicts
// it exactly. Empty when nothing in the request explains the status.
std::vector<Finding> findings_for_status(const std::vector<Finding>& findings, int status);

// Why a server answered a request with `status` (send's "why"): the findings
// that predict it; else, when none does, the errors that make a strict
// server reject the request whatever status it picks (a lowercase "get":
// lint says 400, rawhttp serve 501); else nothing in the request explains it.
struct StatusExplanation {
    enum class How { predicted, rejected, unexplained };
    How how = How::unexplained;
    std::vector<Finding> findings;
};
StatusExplanation explain_status(const std::vector<Finding>& findings, int status);

}  // namespace rawhttp::lint
