// A connection's requests, as the practice server reads and answers them:
// bytes in through the one message reader, each request's page (or its error
// page) out into the connection's output, one log line each. No sockets:
// the event loop (practice_server.cpp) reads and sends. Internal to src/server.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include "server/practice_connection.hpp"
#include "server/practice_error_pages.hpp"
#include "server/practice_pages.hpp"
#include "server/practice_server.hpp"

namespace rawhttp::server {

enum class Step { need_more, handled };

class Requests {
public:
    Requests(const ServeOptions& options, int port) : options(options), port(port) {}

    // Takes what the connection's input holds: need_more when the request
    // being read needs more bytes; handled when one was answered (its page
    // or an error page queued) or the client is done.
    Step handle_input(conn::Conn& c, conn::TimePoint now) {
        now_ = now;
        return read(c);
    }
    // A deadline fired mid-request: its error page (408, or the status of a
    // rule what arrived broke), queued.
    Step request_timeout(conn::Conn& c, errors::Deadline which, conn::TimePoint now) {
        now_ = now;
        return timeout(c, which);
    }
    // Queues a response's head and body (unless HEAD) in the output; `r` is
    // null for an answer to no request.
    void queue(conn::Conn& c, const pages::Request* r, const std::string& line, pages::Response resp,
               conn::TimePoint now) {
        now_ = now;
        put(c, r, line, std::move(resp));
    }

private:
    using Conn = conn::Conn;
    using Request = pages::Request;
    using Response = pages::Response;

    const ServeOptions& options;
    int port;
    conn::TimePoint now_{};
    std::time_t date_time = 0;
    std::string date;

    Step read(Conn& c);
    Step begin_request(Conn& c);
    Step finish_request(Conn& c);
    Step reject(Conn& c, errors::Rejection r);
    Step reject_rule(Conn& c, const http::Violation& v);
    Step ended_early(Conn& c);
    Step timeout(Conn& c, errors::Deadline which = errors::Deadline::idle);
    void respond(Conn& c, const Request& r);
    void put(Conn& c, const Request* r, const std::string& line, Response resp);
    const std::string& date_header();
    void log(const Conn& c, std::string_view line, std::string_view status);
};

}  // namespace rawhttp::server
