#include "server/practice_requests.hpp"

#include <algorithm>
#include <ostream>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/message_reader.hpp"

namespace rawhttp::server {

using conn::Phase;
using pages::GenKind;
using pages::no_body_status;

const std::string& Requests::date_header() {
    std::time_t t = std::time(nullptr);
    if (t != date_time || date.empty()) {
        date_time = t;
        date = pages::http_date(t);
    }
    return date;
}

void Requests::log(const Conn& c, std::string_view line, std::string_view status) {
    if (!options.log) return;
    std::string s = c.peer + " \"" + pages::escape_limited(line) + "\" " + std::string(status) + "\n";
    options.log->write(s.data(), static_cast<std::streamsize>(s.size()));
    options.log->flush();
}

Step Requests::read(Conn& c) {
    if (c.phase == Phase::linger) return Step::need_more;
    for (;;) {
        const std::string_view in(c.in.data() + c.in_pos, c.avail());
        if (in.empty()) {
            if (!c.peer_closed) return Step::need_more;
            if (!c.request_started()) {
                c.close_after = true;  // the client is done: close after what is queued
                return Step::handled;
            }
            return ended_early(c);
        }
        const bool had_head = c.reader().head_complete();
        const std::size_t used = c.reader().put(in);
        c.keep_wire(in.substr(0, used));
        if (c.request().echo && had_head) c.request().echo_bytes.append(in.data(), used);
        c.in_pos += used;
        if (c.reader().failed()) return reject_rule(c, *c.reader().error());
        if (!had_head && c.reader().head_complete()) {
            if (begin_request(c) == Step::handled) return Step::handled;
        }
        if (c.request().echo && c.request().echo_bytes.size() > kMaxHeadBytes + kMaxEchoBody) return reject(c, errors::echo_too_large(c.request().line));
        if (c.reader().done()) return finish_request(c);
        if (used == 0) return Step::need_more;
    }
}

// The head is complete and broke no rule that this server enforces.
Step Requests::begin_request(Conn& c) {
    const bool expect = conn::read_request_head(c.reader(), c.request());
    const http::BodyFraming& framing = c.reader().framing();
    if (c.request().echo && framing.framing == http::Framing::content_length && framing.length > kMaxEchoBody)
        return reject(c, errors::echo_too_large(c.request().line));
    if (c.request().echo) c.request().echo_bytes = std::string(c.reader().raw_head());
    c.phase = Phase::body;
    // RFC 9110 section 10.1.1: a client that sent Expect: 100-continue
    // waits for this interim response before sending the body.
    if (expect && c.reader().head().minor >= 1 && !c.reader().done() && c.avail() == 0) {
        c.lend_output();
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
    }
    return Step::need_more;
}

Step Requests::finish_request(Conn& c) {
    c.phase = Phase::head;
    c.scan_pos = c.in_pos;  // the next request may already be buffered
    c.reader().reset();
    respond(c, c.request());
    c.request().clear();  // keeps its buffers for the next request on this connection
    return Step::handled;
}

// ----------------------------------------------------------- errors

// A request that is not processed: its error page (practice_error_pages),
// queued; the connection closes after it.
Step Requests::reject(Conn& c, errors::Rejection r) {
    c.phase = Phase::head;
    c.reader().reset();
    c.request() = Request{};
    put(c, nullptr, r.line, std::move(r.response));
    return Step::handled;
}

Step Requests::reject_rule(Conn& c, const http::Violation& v) {
    if (http::rule_info(v.rule).status == "timeout") return timeout(c);
    return reject(c, errors::rule_broken(c.reader(), v, c.request().wire, options));
}

Step Requests::ended_early(Conn& c) { return reject(c, errors::ended_early(c.reader(), c.request().wire, options)); }

Step Requests::timeout(Conn& c, errors::Deadline which) {
    return reject(c, errors::timed_out(which, c.reader(), c.request().wire, options));
}

// ------------------------------------------------------------- pages

// A request read cleanly: its page (practice_pages.cpp), queued.
void Requests::respond(Conn& c, const Request& r) { put(c, &r, r.line, pages::answer(r, {port, options.idle_timeout})); }

// Writes a response's head (and body, unless HEAD) into the output.
void Requests::put(Conn& c, const Request* r, const std::string& line, Response resp) {
    bool head_only = r && r->method == "HEAD";
    bool close = resp.close || !r || !r->keep_alive;
    c.lend_output();
    pages::append_head(c.out, resp, r, date_header(), close);
    if (!head_only && !no_body_status(resp.status)) {
        if (resp.gen != GenKind::none) {
            c.start_generator(resp.gen, resp.gen_length, now_);
        } else {
            c.out += resp.body;
        }
    }
    if (close) c.close_after = true;
    if (!options.log) return;
    std::string status = resp.log_status.empty() ? std::to_string(resp.status) : resp.log_status;
    if (r && !r->warnings.empty()) status += " (tolerated: " + pages::join(r->warnings) + ")";
    log(c, line, status);
}

// ============================================================ verdicts

http::ReaderOptions serve_reader_options(const ServeOptions& options) {
    http::ReaderOptions o;
    o.kind = http::MessageKind::request;
    o.limits = options.limits;
    o.strict = options.strict;
    return o;
}

std::string first_request_verdict(std::string_view bytes, const ServeOptions& options,
                                  const std::vector<std::size_t>& cuts) {
    http::MessageReader reader(serve_reader_options(options));
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(bytes.size());
    for (std::size_t bound : bounds) {
        if (bound < start || bound > bytes.size()) continue;
        std::string_view piece = bytes.substr(start, bound - start);
        start = bound;
        // As handle_input: put until the piece is used or the message is decided.
        while (!piece.empty() && !reader.done() && !reader.failed()) {
            const std::size_t used = reader.put(piece);
            piece.remove_prefix(used);
            if (used == 0) break;
        }
        if (reader.done() || reader.failed()) break;
    }
    if (!reader.done() && !reader.failed()) {
        if (!reader.started()) return "timeout";  // nothing sent: serve waits, then closes
        reader.put_eof();  // the client stopped sending: request_timeout
    }
    if (reader.done()) return "accept";
    const http::Violation* v = reader.error();
    return v ? std::string(http::rule_info(v->rule).status) : std::string("timeout");
}

}  // namespace rawhttp::server
