// RequestTracker: one client's stream through the one message reader, every
// leniency on, until its first request is complete.
#include "capture/request_tracker.hpp"

namespace rawhttp::capture {

namespace {

http::ReaderOptions tracker_options(const http::Limits& limits) {
    http::ReaderOptions o;
    o.kind = http::MessageKind::request;
    o.limits = limits;
    o.collect_all = true;  // listen rejects nothing: it reads on and reports
    return o;
}

}  // namespace

RequestTracker::RequestTracker(http::Limits limits) : reader_(tracker_options(limits)) {}

void RequestTracker::update() {
    const http::MessageHead& h = reader_.head();
    ParsedRequest p;
    p.has_head = !h.method.empty() || h.line_end > h.line_offset;
    p.head_complete = reader_.head_complete();
    p.strict = !http::first_error(reader_.violations(), http::MessageKind::request);
    p.method = std::string(h.method);
    p.target = std::string(h.target);
    p.version = std::string(h.version);
    for (const auto& f : h.headers) p.headers.emplace_back(std::string(f.name), std::string(f.value));
    if (p.head_complete) {
        p.head_bytes = reader_.raw_head().size();
        p.framing = reader_.framing().decidable ? reader_.framing().framing : http::Framing::none;
        p.content_length = reader_.framing().length;
        p.body_bytes = reader_.consumed() - p.head_bytes;
    }
    parsed_ = std::move(p);
    request_bytes_ = reader_.consumed();
    // A head over the limit, a chunked body that cannot be read on: the
    // request ends there. An end of input before the end is not completion.
    complete_ = reader_.done() || (reader_.failed() && !reader_.truncated());
}

std::size_t RequestTracker::feed(std::string_view chunk) {
    if (complete_) return 0;
    std::size_t used = 0;
    bool had_head = reader_.head_complete();
    while (used < chunk.size() && !reader_.done() && !reader_.failed()) {
        const std::size_t n = reader_.put(chunk.substr(used));
        used += n;
        if (n == 0) break;
    }
    if (!had_head || reader_.done() || reader_.failed() || !reader_.head_complete()) update();
    else {
        request_bytes_ = reader_.consumed();
        parsed_.body_bytes = reader_.consumed() - parsed_.head_bytes;
    }
    // A head over the limit ends the request where the reader stopped; what
    // follows is counted as after it.
    return used;
}

void RequestTracker::finish(std::string_view why) {
    if (complete_ || !reader_.started()) return;
    reader_.put_eof();
    update();
    Finding f;
    f.offset = static_cast<std::size_t>(reader_.consumed());
    f.message = "the request was not complete when " + std::string(why);
    if (const http::Violation* v = reader_.error()) f.message += ": " + v->detail;
    findings_.push_back(std::move(f));
}

}  // namespace rawhttp::capture
