// The conversation as it happened: every connection event, write and read of
// a session with its time, kept as values for the pictures (the terminal
// timeline, the report's SVG). A recorder sits between the session and the
// command's own hooks, so nothing else changes to be drawn.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"

namespace rawhttp::render {

enum class ConvKind {
    connecting,     // text: the destination ("127.0.0.1:8080")
    resolved,       // text: the address used; the lookup ran from `connecting` to here
    syn_sent,       // the TCP handshake starts
    established,    // text: local address and port
    connect_failed, // text: why
    tls_done,       // text: version and cipher
    tls_failed,     // text: why
    write,          // bytes: the first kKeptBytes, size: all of them
    read,
    interim,        // text: "100 Continue"; exchange: its index
    head_end,       // text: "200 OK"; the final head ended in the last read
    exchange_end,   // the exchange is done (its reads end here)
    fin_received,   // the server closed its side
    rst_received,   // the server reset the connection
    fin_sent,       // rawhttp half-closed its side
    closed,         // rawhttp closed the socket (FIN from this side)
    note,           // any other event, worded for --trace
};

struct ConvEvent {
    double t_ms = 0;             // since the recorder was made
    std::size_t connection = 0;  // 1-based
    ConvKind kind = ConvKind::note;
    std::uint64_t size = 0;      // write/read: bytes
    std::string bytes;           // write/read: the first kKeptBytes
    std::string text;
    std::size_t exchange = 0;    // interim/head_end/exchange_end: the request index
    static constexpr std::size_t kKeptBytes = 64;
};

struct Conversation {
    std::vector<ConvEvent> events;
    // Each connection's local and remote address, once connected.
    std::map<std::size_t, std::pair<std::string, std::string>> endpoints;
    // The connections that have events, in order of their first event.
    std::vector<std::size_t> connections() const;
    // Endpoints for a diagram's heading ("127.0.0.1:54321", "127.0.0.1:8080").
    std::string client_address(std::size_t connection) const;
    std::string server_address(std::size_t connection) const;
};

// What a recorder keeps: the conversation, and each exchange's response
// bytes as the parser took them (the first kKeptRaw), for the report page.
struct Recording {
    Conversation conversation;
    struct Raw {
        std::string bytes;
        std::uint64_t total = 0;  // bytes received in all
    };
    std::map<std::size_t, Raw> raw;  // by exchange index
    std::string_view raw_of(std::size_t index) const;
    std::uint64_t raw_total(std::size_t index) const;
    static constexpr std::size_t kKeptRaw = 64 * 1024;
};

// Classifies an event worded for --trace by the session or the transport
// ("FIN received: ...", "closed by rawhttp"), so the wording stays theirs.
ConvKind classify_event(std::string_view what);

// Records the conversation and passes every hook on to `next` unchanged.
class ConversationRecorder : public client::SessionHooks {
public:
    explicit ConversationRecorder(client::SessionHooks& next)
        : next_(next), t0_(std::chrono::steady_clock::now()) {}
    const Conversation& conversation() const { return rec_.conversation; }
    const Recording& recording() const { return rec_; }
    Recording take() { return std::move(rec_); }

    void on_connected(const client::ExchangeResult& ex, const net::ConnectionInfo& info) override;
    void on_request_written(const client::ExchangeResult& ex) override { next_.on_request_written(ex); }
    void on_raw(const client::ExchangeResult& ex, std::string_view raw) override;
    void on_socket_read(std::size_t c, std::string_view b) override;
    void on_socket_write(std::size_t c, std::string_view b) override;
    void on_event(std::size_t c, std::string_view what) override;
    void on_head(const client::ExchangeResult& ex) override;
    void on_body(const client::ExchangeResult& ex, std::string_view d) override { next_.on_body(ex, d); }
    void on_switched(const client::ExchangeResult& ex, std::string_view b) override { next_.on_switched(ex, b); }
    void on_exchange_done(const client::ExchangeResult& ex) override;

private:
    double now_ms() const;
    void add(ConvEvent e);
    // Interim responses have no hook of their own: each is placed at the
    // time of the raw piece that held its last byte.
    void place_interims(const client::ExchangeResult& ex);
    void note_curl_connection(std::size_t connection);

    client::SessionHooks& next_;
    std::chrono::steady_clock::time_point t0_;
    Recording rec_;
    struct RawPiece {
        double t_ms;
        std::uint64_t end;  // raw bytes of the exchange up to the end of this piece
    };
    std::map<std::size_t, std::vector<RawPiece>> raw_;  // by exchange index
    std::map<std::size_t, std::size_t> interims_placed_;
    std::map<std::size_t, double> connecting_at_;  // by connection
    std::optional<net::ConnectionInfo> curl_pending_;  // libcurl's connection, until its first byte names it
    double curl_pending_at_ = 0;
    static constexpr std::size_t kMaxEvents = 200000;  // past it, reads and writes are only counted
};

}  // namespace rawhttp::render
