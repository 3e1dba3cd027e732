#include "server/practice_connection.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "http/chars.hpp"
#include "http/message.hpp"
#include "server/practice_error_pages.hpp"

namespace rawhttp::server::conn {

namespace {

using pages::GenKind;

constexpr std::size_t kFillChunk = 64 * 1024; // one send of /bytes, straight from a shared block
constexpr std::size_t kChunkSize = 1024;      // /chunked/N chunk size
constexpr std::size_t kChunkUnit = 3 + 2 + kChunkSize + 2;  // "400\r\n", the data, "\r\n"
constexpr std::size_t kChunkUnits = 16;       // full chunks in the shared /chunked block
constexpr std::size_t kInlineBody = 8 * 1024; // generated bodies this small are buffered, so
                                              // pipelined answers share one send

// 64 printable bytes, the repeating content of /bytes, /chunked and /slow.
constexpr std::string_view kPattern = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_\n";
static_assert(kPattern.size() == 64);

const std::string& pattern_block() {
    static const std::string block = [] {
        std::string s;
        s.reserve(kFillChunk + kPattern.size());
        while (s.size() < kFillChunk + kPattern.size()) s.append(kPattern);
        return s;
    }();
    return block;
}

// /chunked's full chunks are all alike (1024 is a multiple of the pattern's
// 64 bytes, so each starts at the pattern's start): one shared block of them
// serves every connection, and a response costs no buffer of its own.
const std::string& chunk_block() {
    static const std::string block = [] {
        static_assert(kChunkSize % kPattern.size() == 0 && kChunkSize == 0x400);
        std::string unit = "400\r\n" + pattern_block().substr(0, kChunkSize) + "\r\n";
        std::string s;
        for (std::size_t i = 0; i < kChunkUnits; ++i) s += unit;
        return s;
    }();
    return block;
}

std::string hex_size(std::uint64_t n) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(n));
    return buf;
}

// Comma-separated list elements, trimmed, lowercased, parameters dropped.
std::vector<std::string> list_tokens(std::string_view v) {
    std::vector<std::string> out;
    while (!v.empty()) {
        auto comma = v.find(',');
        std::string_view item = v.substr(0, comma);
        auto semi = item.find(';');
        item = http::detail::trim_ows(item.substr(0, semi));
        if (!item.empty()) out.push_back(http::detail::ascii_lower(item));
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

void Conn::compact_input() {
    if (in_pos == 0) return;
    if (in_pos == in.size()) {
        if (in.capacity() > kKeepCapacity) std::string().swap(in);
        in.clear();
        in_pos = 0;
        scan_pos = 0;
    } else if (in_pos >= kReadChunk && in_pos * 2 >= in.size()) {
        in.erase(0, in_pos);
        scan_pos = scan_pos > in_pos ? scan_pos - in_pos : 0;
        in_pos = 0;
    }
}

std::string Pool::take_buffer() {
    if (buffers_.empty()) return {};
    std::string s = std::move(buffers_.back());
    buffers_.pop_back();
    return s;
}

void Pool::give_buffer(std::string& s) {
    if (s.capacity() > 15 && s.capacity() <= kKeepCapacity && buffers_.size() < kKeep) {
        s.clear();
        buffers_.push_back(std::move(s));
    }
    std::string().swap(s);
}

std::unique_ptr<Exchange> Pool::take_exchange() {
    if (exchanges_.empty()) return std::make_unique<Exchange>(options_);
    auto e = std::move(exchanges_.back());
    exchanges_.pop_back();
    return e;
}

void Pool::give_exchange(std::unique_ptr<Exchange>& e) {
    if (e && exchanges_.size() < kKeep) {
        e->reader.reset();
        e->req.clear();
        exchanges_.push_back(std::move(e));
    }
    e.reset();
}

void Conn::release_buffers() {
    pool_->give_buffer(in);
    pool_->give_buffer(out);
    in_pos = scan_pos = out_pos = 0;
    pool_->give_exchange(ex_);
}

void Conn::keep_wire(std::string_view bytes) {
    constexpr std::size_t kKeep = 64 * 1024;
    std::string& wire = request().wire;
    if (wire.size() < kKeep) wire.append(bytes.substr(0, kKeep - wire.size()));
}

IoResult Conn::flush(TimePoint now) {
    for (;;) {
        std::string_view slice = gen_slice();
        std::size_t pending = out_pending();
        if (pending == 0) {
            if (out.capacity() > kKeepCapacity) std::string().swap(out);
            out.clear();
            out_pos = 0;
            if (slice.empty()) return IoResult::ok;
        }
        iovec iov[2];
        int count = 0;
        if (pending) iov[count++] = {out.data() + out_pos, pending};
        if (!slice.empty()) iov[count++] = {const_cast<char*>(slice.data()), slice.size()};
        msghdr m{};
        m.msg_iov = iov;
        m.msg_iovlen = static_cast<decltype(m.msg_iovlen)>(count);
        ssize_t n = ::sendmsg(fd, &m, MSG_NOSIGNAL);
        if (n > 0) {
            std::size_t sent = static_cast<std::size_t>(n);
            std::size_t from_out = std::min(sent, pending);
            out_pos += from_out;
            if (sent > from_out) gen_advance(sent - from_out);
            last_progress = now;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (out_pos >= kFillChunk && out_pos * 2 >= out.size()) {
                out.erase(0, out_pos);
                out_pos = 0;
            }
            return IoResult::blocked;
        }
        return IoResult::error;
    }
}

void Conn::start_generator(GenKind kind, std::uint64_t length, TimePoint now) {
    gen = Generator{kind, length, 0, 0};
    if (kind != GenKind::slow && length <= kInlineBody) {
        if (kind == GenKind::bytes) {
            out.append(pattern_block().data(), static_cast<std::size_t>(length));
        } else {
            for (std::uint64_t i = 0; i < length / kChunkSize; ++i) out.append(chunk_block(), 0, kChunkUnit);
            gen.tail = length % kChunkSize;
        }
        finish_generator();
        return;
    }
    if (kind == GenKind::chunked) {
        gen.remaining = length / kChunkSize * kChunkUnit;
        gen.tail = length % kChunkSize;
        if (gen.remaining == 0) finish_generator();
    } else if (kind == GenKind::slow) {
        drip_at = now + kDripInterval;
        if (length == 0) gen.kind = GenKind::none;
    } else if (length == 0) {
        gen.kind = GenKind::none;
    }
}

std::string_view Conn::gen_slice() const {
    const Generator& g = gen;
    if (g.remaining == 0) return {};
    if (g.kind == GenKind::bytes) {
        std::size_t at = static_cast<std::size_t>(g.offset % kPattern.size());
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(g.remaining, kFillChunk));
        return std::string_view(pattern_block()).substr(at, n);
    }
    if (g.kind == GenKind::chunked) {
        const std::string& block = chunk_block();
        std::size_t at = static_cast<std::size_t>(g.offset % kChunkUnit);
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(g.remaining, block.size() - at));
        return std::string_view(block).substr(at, n);
    }
    return {};
}

void Conn::gen_advance(std::size_t n) {
    gen.offset += n;
    gen.remaining -= std::min<std::uint64_t>(n, gen.remaining);
    if (gen.remaining == 0) finish_generator();
}

// The end of a generated body: /chunked's short last chunk and its
// terminator are the only generated bytes that are buffered.
void Conn::finish_generator() {
    lend_output();
    if (gen.kind == GenKind::chunked) {
        if (gen.tail > 0) {
            out += hex_size(gen.tail);
            out += "\r\n";
            out.append(pattern_block().data(), static_cast<std::size_t>(gen.tail));
            out += "\r\n";
        }
        out += "0\r\n\r\n";
    }
    gen = Generator{};
}

void Conn::drip(TimePoint now) {
    if (gen.kind != GenKind::slow) return;
    lend_output();
    if (gen.remaining > 0) {
        out += kPattern[gen.offset % kPattern.size()];
        ++gen.offset;
        --gen.remaining;
    }
    if (gen.remaining == 0) {
        gen.kind = GenKind::none;
    } else {
        drip_at = now + kDripInterval;
    }
}

bool read_request_head(const http::MessageReader& reader, pages::Request& r) {
    const http::MessageHead& head = reader.head();
    r.method = std::string(head.method);
    r.target = std::string(head.target);
    r.line = errors::first_line(reader.raw_head().substr(head.line_offset));
    r.minor = head.minor;
    bool conn_close = false, conn_keep_alive = false, expect = false;
    for (const auto& f : head.headers) {
        if (f.known == http::KnownField::connection) {
            for (const auto& t : list_tokens(f.value)) {
                if (t == "close") conn_close = true;
                if (t == "keep-alive") conn_keep_alive = true;
            }
        }
        if (f.known == http::KnownField::expect && http::iequals(http::detail::trim_ows(f.value), "100-continue"))
            expect = true;
    }
    r.keep_alive = head.minor >= 1 ? !conn_close : (conn_keep_alive && !conn_close);
    // The warnings this server tolerates (lint's names), for the log and a header.
    for (const auto& v : reader.violations()) {
        std::string id(http::rule_info(v.rule).id);
        if (std::find(r.warnings.begin(), r.warnings.end(), id) == r.warnings.end()) r.warnings.push_back(id);
    }
    r.echo = pages::path_of(r.target) == "/echo";
    return expect;
}

}  // namespace rawhttp::server::conn
