#include "compare/response_reader.hpp"

#include <algorithm>

namespace rawhttp::compare {

namespace {

client::Fields copy_fields(const std::vector<http::HeaderField>& in) {
    client::Fields out;
    for (const auto& f : in) out.emplace_back(std::string(f.name), std::string(f.value));
    return out;
}

// Whether `v` holds the end of a head (an empty line, CRLF or bare LF).
bool has_head_end(std::string_view v) {
    for (std::size_t p = v.find('\n'); p != std::string_view::npos; p = v.find('\n', p + 1)) {
        if ((p + 1 < v.size() && v[p + 1] == '\n') || (p + 2 < v.size() && v[p + 1] == '\r' && v[p + 2] == '\n'))
            return true;
    }
    return false;
}

}  // namespace

ResponseReader::ResponseReader(client::ExchangeResult& ex, std::string method, http::HeadLimits limits,
                               client::SessionHooks& hooks)
    : ex_(ex), method_(std::move(method)), limits_(limits), hooks_(hooks) {}

void ResponseReader::fail(Error e) {
    if (state_ == State::head && !partial_.interim.empty() && !ex_.response) ex_.response = partial_;
    state_ = State::failed;
    error_ = std::move(e);
}

void ResponseReader::feed(std::string_view bytes) {
    if (bytes.empty()) return;
    seen_ += bytes.size();
    switch (state_) {
        case State::head:
            head_buf_.append(bytes);
            parse_heads();
            break;
        case State::body: body_bytes(bytes); break;
        case State::done: excess_ += bytes.size(); break;
        case State::failed: break;
    }
}

void ResponseReader::parse_heads() {
    while (state_ == State::head) {
        std::string_view v = head_buf_;
        constexpr std::string_view prefix = "HTTP/";
        if (v.substr(0, std::min(v.size(), prefix.size())) != prefix.substr(0, std::min(v.size(), prefix.size()))) {
            fail(make_error(ErrorKind::malformed, "the server's reply is not HTTP: it does not start with a status line"));
            return;
        }
        if (!has_head_end(v) && v.size() <= limits_.max_head_bytes) return;  // wait for more
        http::ResponseHead head;
        http::ParseError perr;
        auto st = http::parse_response_head(v, head, perr, limits_);
        if (st == http::ParseStatus::incomplete) return;
        if (st == http::ParseStatus::error) {
            fail(make_error(ErrorKind::malformed, "the server's reply could not be parsed as HTTP: " + perr.message));
            return;
        }
        std::string_view raw = v.substr(0, head.head_bytes);
        hooks_.on_raw(ex_, raw);
        if (head.status >= 100 && head.status < 200 && head.status != 101) {
            partial_.interim.push_back({head.status, std::string(head.version), std::string(head.reason),
                                        copy_fields(head.headers), std::string(raw)});
            head_buf_.erase(0, head.head_bytes);
            continue;
        }
        client::Response r = partial_;
        r.version = std::string(head.version);
        r.status = head.status;
        r.reason = std::string(head.reason);
        r.headers = copy_fields(head.headers);
        r.raw_head = std::string(raw);
        r.head_complete = true;
        http::ParseError ferr;
        auto framing = http::response_framing(head, method_, ferr);
        ex_.response = std::move(r);
        std::string rest = head_buf_.substr(head.head_bytes);
        head_buf_.clear();
        head_buf_.shrink_to_fit();
        if (!framing) {
            fail(make_error(ErrorKind::malformed, "the response's body length cannot be determined: " + ferr.message));
            return;
        }
        ex_.response->framing = framing->framing;
        ex_.response->content_length = framing->length;
        framing_ = framing->framing;
        need_ = framing->length;
        hooks_.on_head(ex_);
        state_ = State::body;
        if (framing_ == http::Framing::none || (framing_ == http::Framing::content_length && need_ == 0)) {
            ex_.response->complete = true;
            state_ = State::done;
        }
        if (!rest.empty()) {
            if (state_ == State::done) excess_ += rest.size();
            else body_bytes(rest);
        }
    }
}

void ResponseReader::deliver(std::string_view decoded, std::string_view raw) {
    if (!raw.empty()) hooks_.on_raw(ex_, raw);
    ex_.response->body_bytes += decoded.size();
    if (!decoded.empty()) hooks_.on_body(ex_, decoded);
}

void ResponseReader::body_bytes(std::string_view v) {
    switch (framing_) {
        case http::Framing::none: excess_ += v.size(); return;
        case http::Framing::content_length: {
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(need_, v.size()));
            deliver(v.substr(0, take), v.substr(0, take));
            need_ -= take;
            excess_ += v.size() - take;
            if (need_ == 0) {
                ex_.response->complete = true;
                state_ = State::done;
            }
            return;
        }
        case http::Framing::chunked: {
            while (!v.empty() && !chunked_.done()) {
                auto step = chunked_.feed(v);
                if (step.error) {
                    hooks_.on_raw(ex_, v.substr(0, step.consumed));
                    fail(make_error(ErrorKind::malformed, "malformed chunked body: " + chunked_.error_message()));
                    return;
                }
                if (step.consumed == 0) break;
                hooks_.on_raw(ex_, v.substr(0, step.consumed));
                if (!step.data.empty()) {
                    ex_.response->body_bytes += step.data.size();
                    hooks_.on_body(ex_, step.data);
                }
                v.remove_prefix(step.consumed);
            }
            if (chunked_.done()) {
                for (const auto& t : chunked_.trailers()) ex_.response->trailers.push_back(t);
                ex_.response->complete = true;
                state_ = State::done;
                excess_ += v.size();
            }
            return;
        }
        case http::Framing::close: deliver(v, v); return;
    }
}

std::optional<Error> ResponseReader::finish() {
    switch (state_) {
        case State::done: return std::nullopt;
        case State::failed: return error_;
        case State::head:
            if (!partial_.interim.empty() && !ex_.response) ex_.response = partial_;
            if (seen_ == 0) return make_error(ErrorKind::empty_reply, "the server closed the connection without sending anything");
            return make_error(ErrorKind::partial, "the connection ended after " + std::to_string(seen_) +
                                                      " bytes, before the response head ended (no empty line)");
        case State::body:
            if (framing_ == http::Framing::close) {
                ex_.response->complete = true;
                state_ = State::done;
                return std::nullopt;
            }
            if (framing_ == http::Framing::content_length)
                return make_error(ErrorKind::partial, "the transfer ended after " + std::to_string(ex_.response->body_bytes) +
                                                          " of " + std::to_string(ex_.response->content_length) +
                                                          " body bytes (Content-Length)");
            return make_error(ErrorKind::partial, "the transfer ended in the middle of the chunked body (after " +
                                                      std::to_string(ex_.response->body_bytes) +
                                                      " body bytes; no last chunk \"0\" and empty line)");
    }
    return std::nullopt;
}

}  // namespace rawhttp::compare
