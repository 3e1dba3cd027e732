// What the report page shows of one exchange, made from the session's
// values: the title and facts, the waterfall's phases, the request and the
// response line by line with the meaning of each line, and the findings
// (lint's on the request, the reader's on the response) tied to their lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "lint/lint.hpp"
#include "render/report_html.hpp"

namespace rawhttp::render {

struct ExchangeReportInput {
    const client::ExchangeResult* exchange = nullptr;
    std::string_view response_raw;          // the response's bytes as received (the first of them)
    std::uint64_t response_total = 0;       // bytes received in all
    std::vector<lint::Finding> request_findings;  // lint on the request as sent
    std::size_t exchange_count = 1;
};

ReportExchange report_exchange(const ExchangeReportInput& in);

// The phases of an exchange for the waterfall (DNS, connect, TLS, sending,
// waiting for the first byte, receiving), each from the exchange's start.
std::vector<ReportPhase> timing_phases(const client::ExchangeResult& ex);

// What each line of a request means: the request line's parts, each field,
// the empty line, the body.
std::vector<std::string> request_meanings(std::string_view bytes, std::size_t head_bytes);

// What each line of a response means, interim heads included; the final
// head's lines as the wide terminal view words them.
std::vector<std::string> response_meanings(std::string_view raw, const client::Response& r, std::string_view method);

// What starts on each line of a chunked body: size lines, data, the last
// chunk, trailer fields, the final empty line.
std::vector<std::string> chunked_meanings(std::string_view body);

}  // namespace rawhttp::render
