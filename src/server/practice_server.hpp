// The practice server behind `rawhttp serve`: one thread, one event loop
// (epoll, non-blocking sockets, timers), many clients. It parses strictly and
// its error responses explain which rule a request broke.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "http/message_reader.hpp"
#include "http/rules.hpp"
#include "net/transport.hpp"

namespace rawhttp::server {

// The limits a request or a connection can run into. The error pages word
// each in plain English ("the server's idle limit"); a caller that sets them
// under other names (the CLI's options) adds those through limit_name.
enum class Limit { idle_timeout, head_timeout, body_timeout, min_body_rate, max_connections, max_per_client };

struct ServeOptions {
    // A client that has sent part of a request and then nothing for this long
    // gets 408 Request Timeout; an idle keep-alive connection is just closed;
    // a client that stops reading a response this long is dropped.
    std::chrono::milliseconds idle_timeout{10000};
    // The whole request head must arrive within this long of its first byte,
    // however steadily it trickles in (a byte a second resets the idle clock
    // but not this one): 408 beyond. Long enough for a person typing a head
    // into nc; a full table ends the oldest partial heads sooner anyway.
    std::chrono::milliseconds head_timeout{30000};
    // The body must arrive within body_timeout of the head's end, plus one
    // second per min_body_rate bytes received: a slow but steady upload keeps
    // going, a drip gets 408. min_body_rate 0: only the idle timeout applies.
    std::chrono::milliseconds body_timeout{30000};
    std::uint64_t min_body_rate = 1024;  // bytes per second
    // Open connections at most (0: the descriptor limit, raised to its hard
    // maximum, minus a reserve). At the limit a newcomer takes the place of
    // the idlest connection (an idle keep-alive one, else the oldest partial
    // head, which gets 408); when every connection is busy it gets 503.
    std::size_t max_connections = 0;
    // Connections from one client address at most; 0: no limit. Beyond: 503.
    std::size_t max_per_client = 0;
    // The rule book's limits on a request head (README, "Limits").
    http::Limits limits;
    // Reject what the rule book calls a warning too (lint --strict predicts it).
    bool strict = false;
    // One line per request: client address, request line, status. Null: quiet.
    std::ostream* log = nullptr;
    // What the caller calls a limit (e.g. the option that sets it), shown
    // beside the plain words in the 408 and 503 pages; unset or empty: none.
    std::function<std::string(Limit)> limit_name;
};

// Limits of the pages, for callers and tests.
inline constexpr std::uint64_t kMaxGeneratedBody = 1ull << 30;  // /bytes, /chunked, /slow
inline constexpr std::size_t kMaxEchoBody = 16u << 20;          // /echo → 413 beyond
inline constexpr std::size_t kMaxHeadBytes = http::Limits{}.max_head;  // → 431 beyond (the rule book's limit)

// How serve reads a request: the one message reader, with the rule book's
// limits and serve's strictness.
http::ReaderOptions serve_reader_options(const ServeOptions& options);

// What serve answers the first request in `bytes`, decided exactly as the
// server decides it (the same reader, fed in the pieces `cuts` splits the
// bytes into, then the client goes silent): "accept", the status of the rule
// it breaks ("400", "414", "431", "501", "505", ...), or "timeout" (408).
// For the differential fuzz target and the tests: lint's prediction must be it.
std::string first_request_verdict(std::string_view bytes, const ServeOptions& options,
                                  const std::vector<std::size_t>& cuts = {});

class PracticeServer {
public:
    // Takes ownership of the listening socket (closed by the destructor).
    // Clients may connect as soon as the listener exists; run() serves them.
    PracticeServer(net::Listener listener, ServeOptions options = {});
    ~PracticeServer();
    PracticeServer(const PracticeServer&) = delete;
    PracticeServer& operator=(const PracticeServer&) = delete;

    // Serves until `stop` becomes true (checked at least every 100 ms), then
    // closes every client connection and returns. Raises the soft
    // RLIMIT_NOFILE to the hard limit first.
    void run(const std::atomic<bool>& stop);

    std::uint16_t port() const;
    // The connection limit in force: options.max_connections, or the one
    // derived from the descriptor limit (known once run() has started).
    std::size_t max_connections() const;
    const std::string& address() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rawhttp::server
