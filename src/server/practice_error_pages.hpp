// The practice server's error pages, and the one place that decides which a
// request gets: a broken rule (the rule book's status, lint's words), a
// request cut short (400), a deadline (408, unless what arrived already broke
// a rule), /echo's size (413) and a full table (503). Internal to src/server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/message_reader.hpp"
#include "server/practice_pages.hpp"
#include "server/practice_server.hpp"

namespace rawhttp::server::errors {

// Which deadline ended a request (the 408 says which).
enum class Deadline { idle, head, body, crowded };

// An answer to a request that is not processed: the page (it closes the
// connection) and the request line for the log.
struct Rejection {
    std::string line;
    pages::Response response;
};

// The request's first line as the log shows it (at most 200 bytes).
std::string first_line(std::string_view head);

// The reader failed on a rule: the rule book's status and lint's text about
// it, pointing into `wire` (the message's first bytes).
Rejection rule_broken(const http::MessageReader& reader, const http::Violation& v, std::string_view wire,
                      const ServeOptions& options);

// The client closed its side before the request ended: 400.
Rejection ended_early(http::MessageReader& reader, std::string_view wire, const ServeOptions& options);

// A deadline fired mid-request. What arrived is judged as it stands (the
// verdict lint gives those bytes): a rule broken gets its status, a request
// merely unfinished 408, with which deadline it was.
Rejection timed_out(Deadline which, http::MessageReader& reader, std::string_view wire,
                    const ServeOptions& options);

// /echo's body is above kMaxEchoBody: 413.
Rejection echo_too_large(std::string line);

// 503 for a newcomer: its address has max_per_client connections open, or
// all `limit` connections are busy.
pages::Response too_many_from(std::string_view client, const ServeOptions& options);
pages::Response table_full(std::size_t limit, const ServeOptions& options);

}  // namespace rawhttp::server::errors
