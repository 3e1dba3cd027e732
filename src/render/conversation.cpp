#include "render/conversation.hpp"

#include <algorithm>
#include <cstdio>

#include "http/message.hpp"

namespace rawhttp::render {

std::vector<std::size_t> Conversation::connections() const {
    std::vector<std::size_t> out;
    for (const auto& e : events)
        if (e.connection != 0 && std::find(out.begin(), out.end(), e.connection) == out.end()) out.push_back(e.connection);
    return out;
}

std::string Conversation::client_address(std::size_t connection) const {
    if (auto it = endpoints.find(connection); it != endpoints.end() && !it->second.first.empty()) return it->second.first;
    for (const auto& e : events)
        if (e.connection == connection && e.kind == ConvKind::established) return e.text;
    return "";
}

std::string Conversation::server_address(std::size_t connection) const {
    if (auto it = endpoints.find(connection); it != endpoints.end() && !it->second.second.empty()) return it->second.second;
    std::string named;
    for (const auto& e : events) {
        if (e.connection != connection) continue;
        if (e.kind == ConvKind::resolved) return e.text;
        if (e.kind == ConvKind::connecting && named.empty()) named = e.text;
    }
    return named;
}

ConvKind classify_event(std::string_view what) {
    static const std::pair<std::string_view, ConvKind> prefixes[] = {
        {"connecting to ", ConvKind::connecting},
        {"TCP connection established", ConvKind::established},
        {"connect failed", ConvKind::connect_failed},
        {"TLS handshake done", ConvKind::tls_done},
        {"TLS handshake failed", ConvKind::tls_failed},
        {"TLS handshake inside the tunnel failed", ConvKind::tls_failed},
        {"FIN received", ConvKind::fin_received},
        {"RST received", ConvKind::rst_received},
        {"FIN sent", ConvKind::fin_sent},
        {"closed by rawhttp", ConvKind::closed},
    };
    for (const auto& [p, k] : prefixes)
        if (what.starts_with(p)) return k;
    return ConvKind::note;
}

std::string_view Recording::raw_of(std::size_t index) const {
    auto it = raw.find(index);
    return it == raw.end() ? std::string_view() : std::string_view(it->second.bytes);
}

std::uint64_t Recording::raw_total(std::size_t index) const {
    auto it = raw.find(index);
    return it == raw.end() ? 0 : it->second.total;
}

double ConversationRecorder::now_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
}

void ConversationRecorder::add(ConvEvent e) {
    if (rec_.conversation.events.size() >= kMaxEvents && (e.kind == ConvKind::read || e.kind == ConvKind::write)) {
        // A long transfer: the last event of the same kind grows instead.
        for (auto it = rec_.conversation.events.rbegin(); it != rec_.conversation.events.rend(); ++it) {
            if (it->kind == e.kind && it->connection == e.connection) {
                it->size += e.size;
                return;
            }
        }
    }
    rec_.conversation.events.push_back(std::move(e));
}

void ConversationRecorder::on_connected(const client::ExchangeResult& ex, const net::ConnectionInfo& info) {
    // The lookup and the SYN have no hook of their own: their times come from
    // the connection's own measures, counted from "connecting to".
    if (info.via_libcurl) {
        // libcurl opens its own sockets: its connect is known only as done,
        // just before its first write, which names the connection.
        curl_pending_ = info;
        curl_pending_at_ = now_ms();
        next_.on_connected(ex, info);
        return;
    }
    rec_.conversation.endpoints[ex.connection_number] = {info.local, info.remote};
    auto it = connecting_at_.find(ex.connection_number);
    if (it != connecting_at_.end() && !info.via_libcurl) {
        const double start = it->second;
        connecting_at_.erase(it);
        if (info.family != "unix") {
            ConvEvent r{start + info.dns_ms, ex.connection_number, ConvKind::resolved};
            r.text = info.remote;
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.1f ms", info.dns_ms);
            r.bytes = ms;  // the lookup's duration, for the label
            add(std::move(r));
        }
        add(ConvEvent{start + info.dns_ms, ex.connection_number, ConvKind::syn_sent});
    }
    next_.on_connected(ex, info);
}

void ConversationRecorder::on_raw(const client::ExchangeResult& ex, std::string_view raw) {
    // Kept only until the final head: the interim responses are all before it.
    if (!ex.response || !ex.response->head_complete) {
        auto& pieces = raw_[ex.index];
        pieces.push_back({now_ms(), (pieces.empty() ? 0 : pieces.back().end) + raw.size()});
    }
    auto& kept = rec_.raw[ex.index];
    kept.total += raw.size();
    if (kept.bytes.size() < Recording::kKeptRaw) kept.bytes.append(raw.substr(0, Recording::kKeptRaw - kept.bytes.size()));
    next_.on_raw(ex, raw);
}

void ConversationRecorder::on_socket_read(std::size_t c, std::string_view b) {
    note_curl_connection(c);
    ConvEvent e{now_ms(), c, ConvKind::read, b.size()};
    e.bytes = std::string(b.substr(0, ConvEvent::kKeptBytes));
    add(std::move(e));
    next_.on_socket_read(c, b);
}

void ConversationRecorder::note_curl_connection(std::size_t c) {
    if (!curl_pending_) return;
    const net::ConnectionInfo info = std::move(*curl_pending_);
    curl_pending_.reset();
    if (rec_.conversation.endpoints.count(c)) return;  // a reused connection
    rec_.conversation.endpoints[c] = {info.local, info.remote};
    ConvEvent e{curl_pending_at_, c, ConvKind::note};
    e.text = "libcurl connected: " + info.local + " -> " + info.remote;
    add(std::move(e));
}

void ConversationRecorder::on_socket_write(std::size_t c, std::string_view b) {
    note_curl_connection(c);
    ConvEvent e{now_ms(), c, ConvKind::write, b.size()};
    e.bytes = std::string(b.substr(0, ConvEvent::kKeptBytes));
    add(std::move(e));
    next_.on_socket_write(c, b);
}

void ConversationRecorder::on_event(std::size_t c, std::string_view what) {
    ConvEvent e{now_ms(), c, classify_event(what)};
    switch (e.kind) {
        case ConvKind::connecting: {
            std::string_view dest = what.substr(std::string_view("connecting to ").size());
            if (const auto sp = dest.find(' '); sp != std::string_view::npos) dest = dest.substr(0, sp);
            e.text = std::string(dest);
            connecting_at_[c] = e.t_ms;
            break;
        }
        case ConvKind::established: {
            // "TCP connection established in 0.1 ms: LOCAL -> REMOTE"
            const auto colon = what.find(": ");
            const auto arrow = what.find(" -> ");
            if (colon != std::string_view::npos && arrow != std::string_view::npos && arrow > colon)
                e.text = std::string(what.substr(colon + 2, arrow - colon - 2));
            break;
        }
        default: e.text = std::string(what); break;
    }
    add(std::move(e));
    next_.on_event(c, what);
}

void ConversationRecorder::place_interims(const client::ExchangeResult& ex) {
    if (!ex.response) return;
    const auto& interim = ex.response->interim;
    std::size_t& placed = interims_placed_[ex.index];
    const auto& pieces = raw_[ex.index];
    std::uint64_t end = 0;
    for (std::size_t k = 0; k < interim.size(); ++k) {
        end += interim[k].raw_head.size();
        if (k < placed) continue;
        double t = now_ms();
        for (const auto& p : pieces)
            if (p.end >= end) {
                t = p.t_ms;
                break;
            }
        ConvEvent e{t, ex.connection_number, ConvKind::interim};
        e.text = std::to_string(interim[k].status) + " " + interim[k].reason;
        e.exchange = ex.index;
        add(std::move(e));
    }
    placed = interim.size();
}

void ConversationRecorder::on_head(const client::ExchangeResult& ex) {
    place_interims(ex);
    if (ex.response) {
        ConvEvent e{now_ms(), ex.connection_number, ConvKind::head_end};
        e.text = std::to_string(ex.response->status) + " " + ex.response->reason;
        e.exchange = ex.index;
        add(std::move(e));
    }
    next_.on_head(ex);
}

void ConversationRecorder::on_exchange_done(const client::ExchangeResult& ex) {
    place_interims(ex);
    if (ex.connection_number != 0) {
        ConvEvent e{now_ms(), ex.connection_number, ConvKind::exchange_end};
        e.exchange = ex.index;
        if (ex.error) e.text = ex.error->message;
        add(std::move(e));
    }
    raw_.erase(ex.index);
    next_.on_exchange_done(ex);
}

}  // namespace rawhttp::render
