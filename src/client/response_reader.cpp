#include "client/response_reader.hpp"

#include <algorithm>

#include "core/byte_escape.hpp"

namespace rawhttp::client {

namespace {

Fields copy_fields(const std::vector<http::HeaderField>& in) {
    Fields out;
    out.reserve(in.size());
    for (const auto& f : in) out.emplace_back(std::string(f.name), std::string(f.value));
    return out;
}

std::string quote_start(std::string_view v) {
    std::string out = "\"";
    for (char c : v.substr(0, 24)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') out += c;
        else if (c == '"') byte_escape::append_hex(out, u);  // inside the quotes
        else byte_escape::append(out, u);
    }
    out += v.size() > 24 ? "...\"" : "\"";
    return out;
}

}  // namespace

std::string describe_response_error(const http::Violation& v, const http::Limits& limits) {
    const auto& rule = http::rule_info(v.rule);
    std::string what = v.detail;
    // Which limit fired, so the user knows which one to raise.
    if (v.rule == http::Rule::head_too_large || v.rule == http::Rule::field_line_too_long)
        what = "the response head is larger than " + std::to_string(limits.max_head) + " bytes (the head-size limit)";
    else if (v.rule == http::Rule::too_many_fields)
        what = "the response head has more than " + std::to_string(limits.max_fields) +
               " header fields (the header-count limit)";
    return what + " [" + std::string(rule.id) + ", " + std::string(rule.rfc) + "]";
}

ResponseReader::ResponseReader(ExchangeResult& ex, std::string_view method, const http::Limits& limits,
                               std::size_t max_interim, SessionHooks& hooks)
    : ex_(ex), hooks_(hooks), limits_(limits), reader_([&] {
          http::ReaderOptions o;
          o.kind = http::MessageKind::response;
          o.limits = limits;
          o.max_interim = max_interim;
          return o;
      }(), this), method_(method) {
    reader_.set_request_method(method);
}

void ResponseReader::on_interim(const http::MessageHead& head, std::string_view raw) {
    partial_.interim.push_back(
        {head.status, std::string(head.version), std::string(head.reason), copy_fields(head.headers), std::string(raw)});
}

void ResponseReader::on_head(const http::MessageHead& head, std::string_view raw) {
    Response r = std::move(partial_);
    partial_ = Response{};
    r.version = std::string(head.version);
    r.status = head.status;
    r.reason = std::string(head.reason);
    r.headers = copy_fields(head.headers);
    r.raw_head = std::string(raw);
    r.head_complete = true;
    r.framing = reader_.framing().framing;
    r.content_length = reader_.framing().length;
    ex_.response = std::move(r);
    head_pending_ = true;  // told after the head's raw bytes, in feed
}

void ResponseReader::on_body(std::string_view decoded) {
    ex_.response->body_bytes += decoded.size();
    hooks_.on_body(ex_, decoded);
}

void ResponseReader::on_end() {
    if (!ex_.response) return;
    for (const auto& t : reader_.trailers()) ex_.response->trailers.push_back(t);
    ex_.response->complete = true;
}

std::size_t ResponseReader::feed(std::string_view bytes) {
    if (failed() || bytes.empty()) return 0;
    if (reader_.done()) {
        excess_ += bytes.size();
        return 0;
    }
    std::size_t used = 0;
    while (used < bytes.size() && !reader_.done() && !reader_.failed()) {
        const std::size_t n = reader_.put(bytes.substr(used));
        if (n > 0) hooks_.on_raw(ex_, bytes.substr(used, n));
        if (head_pending_) {
            head_pending_ = false;
            hooks_.on_head(ex_);
        }
        used += n;
        if (n == 0) break;
    }
    settle();
    if (reader_.failed() && used < bytes.size()) {
        // What arrived but was never parsed still belongs in the raw view.
        hooks_.on_raw(ex_, bytes.substr(used));
        used = bytes.size();
    }
    return used;
}

void ResponseReader::extra_after_end(std::string_view rest) {
    if (!ex_.response || !reader_.done() || rest.empty()) return;
    const int st = ex_.response->status;
    const bool bodiless = method_ == "HEAD" || (st >= 100 && st < 200) || st == 204 || st == 304;
    const std::string what = method_ == "HEAD" ? "the response to HEAD" : "the " + std::to_string(st) + " response";
    std::string detail = std::to_string(rest.size()) + (rest.size() == 1 ? " byte" : " bytes") + " came after the end of " + what;
    detail += bodiless ? " (it has no body): " : " (as its framing delimits it): ";
    detail += quote_start(rest) + "; ";
    detail += "a client that reuses the connection reads them as the next response, so rawhttp does not reuse it";
    ex_.response->violations.push_back({bodiless ? http::Rule::body_not_allowed : http::Rule::body_extra_bytes,
                                        static_cast<std::size_t>(reader_.consumed()), std::move(detail), {}});
}

void ResponseReader::settle() {
    if (ex_.response) ex_.response->violations = reader_.violations();
    if (!reader_.failed() || error_) return;
    if (!ex_.response && !partial_.interim.empty()) ex_.response = partial_;
    if (ex_.response) {
        ex_.response->complete = false;
        ex_.response->violations = reader_.violations();
    }
    const http::Violation* v = reader_.error();
    if (!v) return;  // put_eof on nothing: finish() words it
    if (v->rule == http::Rule::status_line_invalid && !reader_.head_complete() && v->offset < 5) {
        error_ = make_error(ErrorKind::malformed, "the server's reply is not HTTP: it does not start with a status line "
                                                  "(\"HTTP/1.1 200 OK\"); it starts with " +
                                                      quote_start(reader_.raw_head()));
        return;
    }
    if (reader_.truncated()) return;  // finish() words an early end
    const bool in_body = reader_.head_complete();
    error_ = make_error(ErrorKind::malformed, std::string(in_body ? "the response body could not be read: "
                                                                  : "the server's reply could not be parsed as HTTP: ") +
                                                  describe_response_error(*v, limits_));
    error_->rule = std::string(http::rule_info(v->rule).id);
    switch (v->rule) {
        case http::Rule::head_too_large:
        case http::Rule::field_line_too_long: error_->limit = Limit::head_size; break;
        case http::Rule::too_many_fields: error_->limit = Limit::header_count; break;
        case http::Rule::too_many_interim: error_->limit = Limit::interim_count; break;
        default: break;
    }
}

void ResponseReader::stop() {
    if (!ex_.response && !partial_.interim.empty()) ex_.response = partial_;
    if (ex_.response) {
        ex_.response->complete = false;
        ex_.response->violations = reader_.violations();
    }
}

std::optional<Error> ResponseReader::finish() {
    if (error_) return error_;
    if (reader_.done()) return std::nullopt;
    reader_.put_eof();
    settle();
    if (error_) return error_;
    if (reader_.done()) return std::nullopt;  // close-delimited: complete at the close
    if (!ex_.response && !partial_.interim.empty()) ex_.response = partial_;
    if (ex_.response) ex_.response->complete = false;
    const std::uint64_t seen = reader_.consumed();
    if (seen == 0) return make_error(ErrorKind::empty_reply, "the server closed the connection without sending anything");
    if (!reader_.head_complete() && !partial_.interim.empty() && reader_.raw_head().empty())
        return make_error(ErrorKind::partial, "the server closed the connection after " + std::to_string(seen) +
                                                    " bytes: an interim " + std::to_string(partial_.interim.back().status) +
                                                    " response, and no final response after it");
    if (!reader_.head_complete())
        return make_error(ErrorKind::partial, "the server closed the connection after " + std::to_string(seen) +
                                                    " bytes, before the response head ended (no empty line)");
    if (reader_.framing().framing == http::Framing::content_length)
        return make_error(ErrorKind::partial, "the server closed the connection after " +
                                                    std::to_string(ex_.response->body_bytes) + " of " +
                                                    std::to_string(ex_.response->content_length) +
                                                    " body bytes (Content-Length)");
    return make_error(ErrorKind::partial,
                            "the server closed the connection in the middle of the chunked body (after " +
                                std::to_string(ex_.response->body_bytes) +
                                " body bytes; no last chunk \"0\" and empty line)");
}

}  // namespace rawhttp::client
