// One request to many servers (send --to A --to B ...): what each answered,
// side by side, rows marked where the servers differ, as HTTP Garden's
// fan-out grid does. Fed with values: the exchanges each target gave.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/session.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"

namespace rawhttp::render {

// What one server did with one request, as the grid compares it.
struct FanoutCell {
    std::optional<int> status;      // null: no final head arrived
    std::string reason;
    std::string framing;            // "content-length", "chunked", "close", "none", or ""
    bool complete = false;
    std::uint64_t body_bytes = 0;
    std::string body_sha1;          // of the decoded body
    std::string connection;         // "kept alive" or "closed: ..."
    std::vector<std::string> findings;  // rule ids, in byte order
    std::string error;              // "connect: ...", "" when none
    std::string error_kind;         // "connect", ...: what the servers are compared by (a message names the address)
    double total_ms = 0;
};

FanoutCell fanout_cell(const client::ExchangeResult& ex, std::string body_sha1);

struct FanoutTarget {
    std::string name;               // as the user gave it (--to)
    std::vector<FanoutCell> cells;  // one per request, in file order (fewer when a run stopped)
};

// The rows compared, in order; "time" is shown but never counts as a difference.
std::vector<std::string> fanout_fields();
// The value of one field of a cell, as the grid shows it ("" when there is no response).
std::string fanout_value(const FanoutCell& c, const std::string& field);
// The fields whose values differ between targets for request `index`.
std::vector<std::string> fanout_differences(const std::vector<FanoutTarget>& targets, std::size_t index);

// The grid: one block per request, a column per target, a "*" (and colour)
// on each row where the servers differ, then a line saying where they differ.
// `titles`: one line per request ("GET / HTTP/1.1, 41 bytes").
std::string fanout_grid(const std::vector<std::string>& titles, const std::vector<FanoutTarget>& targets,
                        const Style& style);

}  // namespace rawhttp::render
