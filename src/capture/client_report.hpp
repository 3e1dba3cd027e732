// What happened with one client of `rawhttp listen`, from connect to close:
// the shape the server fills in and the views show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/request_tracker.hpp"
#include "core/error.hpp"
#include "net/transport.hpp"

namespace rawhttp::capture {

// What happened with one client.
struct ClientReport {
    net::ConnectionInfo connection;
    std::string captured;        // the bytes received, at most max_capture of them
    std::uint64_t received = 0;  // all bytes received
    std::uint64_t request_bytes = 0;
    bool request_complete = false;  // the first request arrived whole
    ParsedRequest request;
    std::vector<Finding> findings;
    std::string response;        // the bytes sent back
    std::string ended;           // how the request ended: "complete", "client closed", "idle", ...
    std::string closed;          // how the connection ended
    Limit closed_by = Limit::none;  // the limit that ended it, for the command line to name
    std::optional<Error> error;  // a receive/send failure, or the deadline
    double duration_ms = 0;
    bool captured_truncated() const { return received > captured.size(); }
};

}  // namespace rawhttp::capture
