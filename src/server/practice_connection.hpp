// One client connection of the practice server: its input and output
// buffers, the request being read, the generated body being sent, and the
// clocks the event loop (practice_server.cpp) keeps for it. Sending happens
// here (flush); reading, timers and the table stay in the loop. Internal to
// src/server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message_reader.hpp"
#include "server/practice_pages.hpp"
#include "server/practice_server.hpp"

namespace rawhttp::server::conn {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

inline constexpr std::size_t kReadChunk = 64 * 1024;
inline constexpr std::size_t kReadCap = kMaxHeadBytes + kReadChunk;  // unconsumed body input kept at most
inline constexpr std::size_t kKeepCapacity = 64 * 1024;  // larger buffers are released once drained
inline constexpr std::chrono::milliseconds kDripInterval{100};

enum class Phase { head, body, linger };

// Where a connection stands, for choosing whom to close when the table is full.
enum class Standing { busy, idle, partial, linger };

enum class IoResult { ok, blocked, error };

// What a response body is generated from, in pieces, as the socket drains:
// /bytes and /chunked are sent straight from a shared block, so a client that
// does not read costs its connection no output buffer at all.
struct Generator {
    pages::GenKind kind = pages::GenKind::none;
    std::uint64_t remaining = 0;  // bytes of the stream still to send (chunked: of its full chunks)
    std::uint64_t offset = 0;     // bytes of the stream sent
    std::uint64_t tail = 0;       // chunked: data bytes of the short last chunk
};

// What a connection needs while it has a request in hand: the reader and
// the request read so far.
struct Exchange {
    explicit Exchange(const http::ReaderOptions& options) : reader(options) {}
    http::MessageReader reader;
    pages::Request req;
};

// Buffers and request readers that connections lend out while they have a
// request in hand and give back when idle: a keep-alive connection between
// two requests then holds neither (10000 idle ones cost little more than
// their sockets), and a busy server mallocs none per request.
class Pool {
public:
    explicit Pool(http::ReaderOptions options) : options_(std::move(options)) {}
    std::string take_buffer();
    void give_buffer(std::string& s);  // leaves s empty, without storage
    std::unique_ptr<Exchange> take_exchange();
    void give_exchange(std::unique_ptr<Exchange>& e);  // leaves e null

private:
    static constexpr std::size_t kKeep = 1024;  // of each, at most
    http::ReaderOptions options_;
    std::vector<std::string> buffers_;
    std::vector<std::unique_ptr<Exchange>> exchanges_;
};

struct Conn {
    std::uint64_t id = 0;
    int fd = -1;
    std::string peer;
    bool dead = false;

    std::string in;
    std::size_t in_pos = 0;   // first unconsumed byte
    std::size_t scan_pos = 0; // next byte to look at for a new line

    std::string out;
    std::size_t out_pos = 0;

    Phase phase = Phase::head;

    // `pool` must outlive the connection (the server's own).
    explicit Conn(Pool& pool) : pool_(&pool) {}
    ~Conn() { release_buffers(); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    // The request reader and the request being read, lent when a request
    // starts: an idle keep-alive connection holds neither (they are most of
    // a connection's size).
    http::MessageReader& reader() { return exchange().reader; }
    pages::Request& request() { return exchange().req; }
    bool request_started() const { return ex_ && ex_->reader.started(); }
    std::uint64_t body_bytes() const { return ex_ ? ex_->reader.body_bytes() : 0; }
    // Buffers to append to, lent when empty.
    void lend_input() {
        if (in.empty() && in.capacity() <= 15) {
            in = pool_->take_buffer();
            in_pos = scan_pos = 0;
        }
    }
    void lend_output() {
        if (out.empty() && out.capacity() <= 15) {
            out = pool_->take_buffer();
            out_pos = 0;
        }
    }
    // An idle connection's (or a closed one's) buffers and reader, given back.
    void release_buffers();
    Generator gen;
    bool close_after = false;  // close once the queued output is written
    bool peer_closed = false;  // FIN received

    TimePoint last_progress;
    TimePoint drip_at;
    TimePoint linger_until;
    std::optional<TimePoint> timer_at;
    std::uint32_t events = 0;

    std::optional<TimePoint> head_since;  // first byte of the head being awaited
    std::optional<TimePoint> body_since;  // end of the head whose body is being read
    bool active = false;                  // counted against max_connections
    std::string client;                   // address without port, when a per-client limit is set
    Standing standing = Standing::busy;
    TimePoint standing_key;               // its place in that standing's queue

    std::size_t avail() const { return in.size() - in_pos; }
    std::size_t out_pending() const { return out.size() - out_pos; }

    // Unconsumed input held at most: a head is read up to its limit (the
    // parser answers 431 there); a body is consumed as it arrives.
    std::size_t input_limit() const { return phase == Phase::head ? kMaxHeadBytes : kReadCap; }

    // Output waiting for the client: nothing more is read meanwhile, so a
    // client that pipelines without reading holds one request's worth of
    // memory, not all it managed to send.
    bool output_waiting() const { return out_pending() > 0 || gen.kind != pages::GenKind::none; }

    // Drops consumed input (all of it, or the front half once it is large).
    void compact_input();

    // The first bytes of the message being read, kept to show where a rule broke.
    void keep_wire(std::string_view bytes);

    // Sends queued bytes, then the generated body, in one sendmsg where both
    // are due; generated bytes never pass through the connection's buffer.
    IoResult flush(TimePoint now);

    // Starts a generated body (/bytes, /chunked, /slow) after the queued head.
    void start_generator(pages::GenKind kind, std::uint64_t length, TimePoint now);
    // The next piece of a generated body, in the shared blocks; empty when none.
    std::string_view gen_slice() const;
    // /slow: the next byte, due now.
    void drip(TimePoint now);

private:
    Pool* pool_;
    std::unique_ptr<Exchange> ex_;

    Exchange& exchange() {
        if (!ex_) ex_ = pool_->take_exchange();
        return *ex_;
    }

    void gen_advance(std::size_t n);
    void finish_generator();
};

// What the loop needs of a complete, clean request head: the request copied
// out of the reader (its views die with the next message) and whether the
// client waits for 100 Continue.
bool read_request_head(const http::MessageReader& reader, pages::Request& r);

}  // namespace rawhttp::server::conn
