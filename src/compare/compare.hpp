// `rawhttp compare`, as a library call: the same requests through rawhttp's
// socket session and through libcurl, then the comparison (request_diff.hpp, response_comparison.hpp).
#pragma once

#include <functional>

#include <string>
#include <vector>

#include "client/session.hpp"
#include "compare/curl_command.hpp"
#include "compare/curl_exchange.hpp"
#include "compare/response_comparison.hpp"
#include "compose/compose.hpp"
#include "core/error.hpp"
#include "render/conversation.hpp"

namespace rawhttp::compare {

struct CompareOptions {
    CurlMode mode = CurlMode::exact;
    bool strict = false;  // count volatile response headers (Date...) as differences
    client::SessionOptions session;
    std::string file;     // shown in the report
    // The path each request's curl command names for a body that goes in a
    // file (index -> path); the caller writes the file (see curl_commands).
    std::function<std::string(std::size_t)> curl_body_file;
};

// Each side's conversation (events, reads, writes, response bytes), for the
// report page (compare --report).
struct CompareRecordings {
    render::Recording rawhttp, curl;
};

// Sends every request through rawhttp, then through libcurl, and compares
// them exchange by exchange. Errors before anything is sent (usage, exit 2):
// libcurl missing, a request libcurl cannot express. Exchange failures are
// part of the report (SideSummary::error).
Result<ComparisonReport> run_comparison(const std::vector<ComposedRequest>& requests,
                                        const std::vector<client::Destination>& destinations,
                                        const CompareOptions& options, CompareRecordings* recordings = nullptr);

// The exit code of a comparison (SPEC: 0 match, 1 differ): when both sides
// failed, the contract's code of rawhttp's first error (connection refused on
// both: 7); a failure on one side only is a difference (1).
int comparison_exit_code(const ComparisonReport& report);

}  // namespace rawhttp::compare
