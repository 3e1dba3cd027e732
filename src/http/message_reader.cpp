#include "http/message_reader.hpp"

#include <algorithm>
#include <cstring>

namespace rawhttp::http {

MessageReader::MessageReader(ReaderOptions options, MessageHandler* handler)
    : opt_(std::move(options)), handler_(handler) {}

void MessageReader::reset() {
    state_ = State::head;
    head_buf_.clear();
    scanned_ = 0;
    first_line_checked_ = false;
    head_base_ = 0;
    head_ = MessageHead{};
    head_complete_ = false;
    framing_ = BodyFraming{};
    remaining_ = 0;
    chunked_.reset();
    chunked_seen_ = 0;
    body_bytes_ = 0;
    consumed_ = 0;
    interim_count_ = 0;
    truncated_ = false;
    violations_.clear();
    sorted_ = true;
    error_.reset();
}

const std::vector<std::pair<std::string, std::string>>& MessageReader::trailers() const {
    static const std::vector<std::pair<std::string, std::string>> none;
    return chunked_ ? chunked_->trailers() : none;
}

const Violations& MessageReader::violations() const {
    if (!sorted_) {
        sort_violations(violations_);
        sorted_ = true;
    }
    return violations_;
}

const Violation* MessageReader::error() const { return error_ ? &*error_ : nullptr; }

void MessageReader::add(Violations&& v, std::size_t base) {
    for (auto& x : v) {
        x.offset += base;
        violations_.push_back(std::move(x));
    }
    if (!v.empty()) sorted_ = false;
}

void MessageReader::fail(const Violation* v) {
    state_ = State::failed;
    if (!v) return;
    error_ = *v;
    // Past the fatal byte nothing was judged for good: what a reader saw
    // there depended on how the bytes were split.
    if (!opt_.collect_all)
        std::erase_if(violations_, [&](const Violation& x) {
            return x.offset > error_->offset || (x.offset == error_->offset && x.rule > error_->rule);
        });
}

void MessageReader::finish_message() {
    state_ = State::done;
    if (handler_) handler_->on_end();
}

std::size_t MessageReader::put(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size()) {
        if (state_ == State::body) {
            used += put_body(bytes.substr(used));
            continue;
        }
        if (state_ != State::head) break;
        const std::string_view in = bytes.substr(used);
        // Never hold more than the limit (plus the byte that proves it passed).
        const std::size_t room = opt_.limits.max_head + 1 - std::min(head_buf_.size(), opt_.limits.max_head + 1);
        std::size_t take = std::min(in.size(), room);
        std::optional<std::size_t> end;
        if (head_buf_.empty()) {
            // The usual case, a whole clean head at the start of this buffer:
            // read in one pass, with no scan for its end first; only the head
            // is copied, and the parsed head is moved onto the copy.
            if (read_clean_head(in.substr(0, take), opt_.kind, opt_.limits, head_)) {
                const std::size_t n = head_.head_bytes;
                head_buf_.assign(in.data(), n);
                move_head_onto_copy(in.data());
                scanned_ = n;
                used += n;
                consumed_ += n;
                judge_head(true, /*parsed=*/true);
                if (head_complete_) break;
                continue;
            }
            // Else look for its end there first, so that only the head is
            // copied, not what follows it (pipelined responses, a body);
            // found, it is not looked for again.
            if ((end = find_head_end(in.substr(0, take), opt_.kind))) take = *end;
        }
        head_buf_.append(in.data(), take);
        if (!end) end = find_head_end(head_buf_, opt_.kind, scanned_);
        scanned_ = head_buf_.size();
        if (end) {
            take -= head_buf_.size() - *end;
            head_buf_.resize(*end);
            used += take;
            consumed_ += take;
            judge_head(true);
            if (head_complete_) break;  // one put returns at the final head: the caller sees it first
            continue;
        }
        used += take;
        consumed_ += take;
        if (head_buf_.size() > opt_.limits.max_head) {
            judge_head(false);
            break;
        }
        if (!opt_.collect_all) {
            // Early verdicts, each a function of the bytes alone (see the header).
            std::size_t lf = std::string_view::npos;
            if (!first_line_checked_) {
                std::size_t p = 0;
                if (opt_.kind == MessageKind::request)
                    while (p < head_buf_.size() && (head_buf_[p] == '\n' || (head_buf_[p] == '\r' && p + 1 < head_buf_.size() && head_buf_[p + 1] == '\n')))
                        p += head_buf_[p] == '\n' ? 1 : 2;
                lf = head_buf_.find('\n', p);
                if (lf != std::string_view::npos) first_line_checked_ = true;
            }
            // A response whose "HTTP/" breaks at a CR that came last: a bare CR
            // or the end of the line "HT"? Wait for the byte after it.
            const bool cr_pending = opt_.kind == MessageKind::response && head_buf_.back() == '\r' &&
                                    head_buf_.size() <= 5 &&
                                    std::string_view("HTTP/").starts_with(std::string_view(head_buf_).substr(0, head_buf_.size() - 1));
            const bool hopeless = hopeless_start(head_buf_, opt_.kind) && !cr_pending;
            if (hopeless || lf != std::string_view::npos) {
                Violations v;
                MessageHead tmp;
                parse_head(head_buf_, opt_.kind, opt_.limits, tmp, v);
                // Only what the bytes so far settle for good: the first line's rules.
                const std::size_t limit =
                    hopeless ? tmp.line_offset + (opt_.kind == MessageKind::request ? 1 : 5) : lf;
                std::erase_if(v, [&](const Violation& x) { return x.offset >= limit; });
                if (first_error(v, opt_.kind, opt_.strict)) {
                    add(std::move(v), head_base_);
                    fail(first_error(violations(), opt_.kind, opt_.strict));
                    break;
                }
            }
        }
    }
    return used;
}

// head_ was read from bytes at `from` that head_buf_ now holds a copy of:
// its views are pointed at the copy, at the same offsets.
void MessageReader::move_head_onto_copy(const char* from) {
    const char* to = head_buf_.data();
    auto onto = [&](std::string_view& v) {
        if (v.data() != nullptr) v = std::string_view(to + (v.data() - from), v.size());
    };
    onto(head_.method);
    onto(head_.target);
    onto(head_.version);
    onto(head_.reason);
    for (HeaderField& f : head_.headers) {
        onto(f.name);
        onto(f.value);
    }
}

void MessageReader::judge_head(bool complete, bool parsed) {
    Violations v;
    if (!parsed) parse_head(head_buf_, opt_.kind, opt_.limits, head_, v);
    if (!complete) {
        // At the limit, or at put_eof: the head never ended.
        const bool over = head_buf_.size() > opt_.limits.max_head;
        const bool has_start = !head_buf_.empty() && std::none_of(v.begin(), v.end(), [](const Violation& x) {
            return x.rule == Rule::empty_request;
        });
        if (!over && has_start)
            v.push_back({Rule::head_unterminated, head_buf_.size(),
                         "the head has no terminating empty line, so the server waits for the rest of it (then times "
                         "out or answers 408)",
                         {}});
        add(std::move(v), head_base_);
        truncated_ = head_buf_.size() <= opt_.limits.max_head;
        fail(first_error(violations(), opt_.kind, opt_.strict));
        return;
    }
    const bool interim =
        opt_.kind == MessageKind::response && head_.status >= 100 && head_.status < 200 && head_.status != 101;
    if (opt_.kind == MessageKind::request) {
        check_request_head(head_, v);
        framing_ = request_framing(head_, v);
    } else if (!interim) {
        framing_ = response_framing(head_, method_, v);
        // The server's own mistakes are judged on a head that could be read.
        if (!first_error(v, opt_.kind, opt_.strict)) check_response_head(head_, method_, &framing_, v);
    } else if (!first_error(v, opt_.kind, opt_.strict)) {
        check_response_head(head_, method_, nullptr, v);
    }
    add(std::move(v), head_base_);
    if (const Violation* e = first_error(violations(), opt_.kind, opt_.strict)) {
        if (!opt_.collect_all) return fail(e);
        if (!error_) error_ = *e;
    }
    if (interim) {
        if (interim_count_ == opt_.max_interim) {
            Violation tm{Rule::too_many_interim, head_base_,
                         "more than " + std::to_string(opt_.max_interim) + " interim (1xx) responses before the final one",
                         {}};
            violations_.push_back(tm);
            sorted_ = false;
            return fail(&tm);
        }
        ++interim_count_;
        if (handler_) handler_->on_interim(head_, head_buf_);
        head_base_ += head_buf_.size();
        head_buf_.clear();
        scanned_ = 0;
        first_line_checked_ = false;
        return;
    }
    head_complete_ = true;
    if (handler_) handler_->on_head(head_, head_buf_);
    start_body();
}

void MessageReader::start_body() {
    if (!framing_.decidable) {
        // A server cannot find this body's end: only lint goes on, past it.
        if (opt_.collect_all) state_ = State::done;
        else fail(first_error(violations(), opt_.kind, opt_.strict));
        return;
    }
    const std::size_t body_offset = head_base_ + head_buf_.size();
    switch (framing_.framing) {
        case Framing::none: return finish_message();
        case Framing::content_length:
            remaining_ = framing_.length;
            if (remaining_ == 0) return finish_message();
            state_ = State::body;
            return;
        case Framing::chunked:
            chunked_.emplace(opt_.kind, opt_.limits, body_offset, opt_.strict, opt_.collect_all);
            state_ = State::body;
            return;
        case Framing::close: state_ = State::body; return;
    }
}

std::size_t MessageReader::put_body(std::string_view in) {
    switch (framing_.framing) {
        case Framing::content_length: {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), remaining_));
            remaining_ -= n;
            body_bytes_ += n;
            consumed_ += n;
            if (n && handler_) handler_->on_body(in.substr(0, n));
            if (remaining_ == 0) finish_message();
            return n;
        }
        case Framing::close:
            body_bytes_ += in.size();
            consumed_ += in.size();
            if (handler_) handler_->on_body(in);
            return in.size();
        case Framing::chunked: {
            std::size_t used = 0;
            while (used < in.size() && state_ == State::body) {
                const auto step = chunked_->feed(in.substr(used));
                used += step.consumed;
                consumed_ += step.consumed;
                const auto& cv = chunked_->violations();
                for (; chunked_seen_ < cv.size(); ++chunked_seen_) {
                    violations_.push_back(cv[chunked_seen_]);
                    sorted_ = false;
                    if (!error_ && severity_of(cv[chunked_seen_].rule, opt_.kind, opt_.strict) == Severity::error)
                        error_ = cv[chunked_seen_];
                }
                if (!step.data.empty()) {
                    body_bytes_ += step.data.size();
                    if (handler_) handler_->on_body(step.data);
                }
                if (step.error) {
                    state_ = State::failed;
                    error_ = cv.back();
                    break;
                }
                if (step.done) finish_message();
                else if (step.consumed == 0) break;
            }
            return used;
        }
        case Framing::none: break;
    }
    return 0;
}

void MessageReader::put_eof() {
    if (state_ == State::head) {
        if (consumed_ == 0 && opt_.kind == MessageKind::response) {
            truncated_ = true;  // nothing at all: the caller calls it an empty reply
            state_ = State::failed;
            return;
        }
        judge_head(false);
        return;
    }
    if (state_ != State::body) return;
    if (framing_.framing == Framing::close) return finish_message();
    truncated_ = true;
    Violation v;
    if (framing_.framing == Framing::content_length) {
        // At the end of what arrived, where the server waits: a finding inside
        // the head would rank before the head's own faults.
        const bool response = opt_.kind == MessageKind::response;
        v = {Rule::content_length_exceeds_body, head_base_ + head_buf_.size() + static_cast<std::size_t>(body_bytes_),
             "Content-Length announces " + std::to_string(framing_.length) + " bytes but the body has " +
                 std::to_string(body_bytes_) +
                 (response ? ": the connection ended first, so the body is cut short" : ": the server waits for the rest"),
             {}};
    } else {
        v = {Rule::chunked_incomplete, head_base_ + head_buf_.size() + static_cast<std::size_t>(chunked_->position()),
             opt_.kind == MessageKind::response
                 ? "the connection ended before the chunked body's last chunk (0 CR LF, then an empty line): the "
                   "body may be cut short"
                 : "the chunked body has no last chunk (0 CR LF, then an empty line): the server waits for it",
             {}};
    }
    violations_.push_back(v);
    sorted_ = false;
    if (!error_ || !opt_.collect_all) error_ = v;
    state_ = State::failed;
}

}  // namespace rawhttp::http
