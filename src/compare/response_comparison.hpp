// The comparison of two responses field by field (volatile headers such as
// Date set apart), of two whole exchanges (requests and responses), and the
// report of a run of them. Knows nothing of sockets or of the command line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "compare/curl_command.hpp"
#include "compare/curl_exchange.hpp"
#include "render/comparison.hpp"

namespace rawhttp::compare {

using render::ExchangeComparison;
using render::ResponseComparison;
using render::ResponseDifference;
using render::SideSummary;

// Response headers whose values change from one response to the next, so
// they are set apart unless strict: Date, Age, Expires, Last-Modified
// (dynamic pages stamp it with the current time), Set-Cookie (session ids),
// X-Request-Id. ETag is not among them: it names the representation.
bool is_volatile_header(std::string_view name);
const std::vector<std::string_view>& volatile_header_names();

SideSummary summarize(const client::ExchangeResult& ex, std::string body_sha256);

ResponseComparison compare_responses(const SideSummary& rawhttp, const SideSummary& curl, bool strict);

ExchangeComparison compare_exchange(SideSummary rawhttp, SideSummary curl, bool strict);

// What render/comparison_text.hpp and comparison_json.hpp show, and what the
// command needs besides: the curl mode as a value and the curl commands.
struct ComparisonReport : render::Comparison {
    CurlMode mode = CurlMode::exact;
    // One per request: the command that sends it; a body too long or not
    // printable enough to inline is for the caller to write to its body_file.
    std::vector<CurlCommand> curl_commands;
};

}  // namespace rawhttp::compare
