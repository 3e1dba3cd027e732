// The one incremental reader (http/message_reader.hpp): events in message
// order, interim heads, the three body framings, put returning the bytes of
// this message (stopping at the final head's end and at the message's end),
// the same violations, verdict and body at every split, early verdicts,
// limits, strict and collect_all.
#include "http/message_reader.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace rawhttp::http;
using namespace std::string_literals;
using http_test::Exact;
using http_test::rule_at;
using http_test::rules_at;

namespace {

constexpr MessageKind REQ = MessageKind::request;
constexpr MessageKind RES = MessageKind::response;

ReaderOptions req_opts(bool strict = false, bool collect_all = false) {
    ReaderOptions o;
    o.kind = REQ;
    o.limits = Limits{};
    o.strict = strict;
    o.collect_all = collect_all;
    return o;
}

ReaderOptions res_opts() { return ReaderOptions{}; }

// Records the events as one string ("interim 100, head 200, body, end"),
// consecutive body events collapsed: how the body is cut depends on the split.
struct Recorder : MessageHandler {
    std::string events;
    std::string body;
    std::vector<std::string> raw_heads;
    std::vector<std::string> values;  // the head's field values at on_head
    void add(const std::string& e) {
        if (e == "body" && events.size() >= 4 && events.compare(events.size() - 4, 4, "body") == 0) return;
        if (!events.empty()) events += ", ";
        events += e;
    }
    void on_interim(const MessageHead& h, std::string_view raw) override {
        add("interim " + std::to_string(h.status));
        raw_heads.emplace_back(raw);
    }
    void on_head(const MessageHead& h, std::string_view raw) override {
        add(h.kind == REQ ? "head " + std::string(h.method) + " " + std::string(h.target)
                          : "head " + std::to_string(h.status));
        raw_heads.emplace_back(raw);
        values.clear();
        for (const auto& f : h.headers) values.emplace_back(std::string(f.name) + ": " + std::string(f.value));
    }
    void on_body(std::string_view d) override {
        REQUIRE_FALSE(d.empty());
        body.append(d);
        add("body");
    }
    void on_end() override { add("end"); }
};

const char* state_name(MessageReader::State s) {
    switch (s) {
        case MessageReader::State::head: return "head";
        case MessageReader::State::body: return "body";
        case MessageReader::State::done: return "done";
        case MessageReader::State::failed: return "failed";
    }
    return "?";
}

struct Read {
    std::string events, body, rules, error, state;
    std::size_t used = 0;  // the sum of what put returned
    std::uint64_t consumed = 0, body_bytes = 0;
    bool truncated = false;
    std::size_t interim = 0;
    std::vector<std::pair<std::string, std::string>> trailers;
    std::vector<std::string> values;
};

// Feeds `bytes` cut at `cuts` (each piece an exact heap copy), then put_eof
// when `eof` and the message has not ended.
Read read(std::string_view bytes, const ReaderOptions& opt, const std::vector<std::size_t>& cuts, bool eof = false,
          std::string_view method = "GET") {
    Recorder rec;
    MessageReader r(opt, &rec);
    r.set_request_method(method);
    Read out;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(bytes.size());
    std::size_t start = 0;
    bool stopped = false;
    for (std::size_t b : bounds) {
        if (b < start || stopped) continue;
        Exact piece(bytes.substr(start, b - start));
        start = b;
        // put stops at the final head's end and at the message's end: call
        // again with the rest until the message ends.
        std::string_view rest = piece.view();
        while (!rest.empty() && !stopped) {
            const std::size_t n = r.put(rest);
            REQUIRE(n <= rest.size());
            out.used += n;
            rest.remove_prefix(n);
            if (r.done() || r.failed()) stopped = true;
            else if (n == 0) FAIL("put used nothing of " << rest.size() << " bytes in state " << state_name(r.state()));
        }
    }
    if (eof && !r.done() && !r.failed()) r.put_eof();
    out.events = rec.events;
    out.body = rec.body;
    out.values = rec.values;
    out.rules = rules_at(r.violations());
    out.error = rule_at(r.error());
    out.state = state_name(r.state());
    out.consumed = r.consumed();
    out.body_bytes = r.body_bytes();
    out.truncated = r.truncated();
    out.interim = r.interim_count();
    out.trailers = r.trailers();
    CHECK(out.body_bytes == out.body.size());
    if (!r.failed()) CHECK(out.consumed == out.used);
    return out;
}

Read read_one(std::string_view bytes, const ReaderOptions& opt, bool eof = false, std::string_view method = "GET") {
    return read(bytes, opt, {}, eof, method);
}

bool same(const Read& a, const Read& b, bool same_used) {
    return a.events == b.events && a.body == b.body && a.rules == b.rules && a.error == b.error &&
           a.state == b.state && a.truncated == b.truncated && a.interim == b.interim && a.trailers == b.trailers &&
           a.values == b.values && (!same_used || (a.used == b.used && a.consumed == b.consumed));
}

void check_same(const Read& a, const Read& b, bool same_used) {
    CHECK(a.events == b.events);
    CHECK(a.body == b.body);
    CHECK(a.rules == b.rules);
    CHECK(a.error == b.error);
    CHECK(a.state == b.state);
    CHECK(a.truncated == b.truncated);
    CHECK(a.interim == b.interim);
    CHECK(a.trailers == b.trailers);
    CHECK(a.values == b.values);
    if (same_used) {
        CHECK(a.used == b.used);
        CHECK(a.consumed == b.consumed);
    }
}

// One put, every single split point, and byte by byte: the same result.
Read check_every_split(std::string_view bytes, const ReaderOptions& opt, bool eof = false,
                       std::string_view method = "GET") {
    const Read ref = read_one(bytes, opt, eof, method);
    // After a failure, how many bytes of a piece put took does not matter.
    const bool same_used = ref.state != "failed";
    // Reports the first split that differs only, not every one.
    for (std::size_t k = 0; k <= bytes.size(); ++k) {
        const Read got = read(bytes, opt, {k}, eof, method);
        if (!same(ref, got, same_used)) {
            CAPTURE(k);
            check_same(ref, got, same_used);
            break;
        }
    }
    std::vector<std::size_t> all;
    for (std::size_t i = 1; i < bytes.size(); ++i) all.push_back(i);
    {
        const std::string split = "byte by byte";
        CAPTURE(split);
        check_same(ref, read(bytes, opt, all, eof, method), same_used);
    }
    return ref;
}

}  // namespace

TEST_CASE("reader: a request without a body") {
    const std::string in = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    const Read r = check_every_split(in, req_opts());
    CHECK(r.events == "head GET /a, end");
    CHECK(r.state == "done");
    CHECK(r.rules == "");
    CHECK(r.error == "none");
    CHECK(r.used == in.size());
    CHECK(r.values == std::vector<std::string>{"Host: x"});

    Recorder rec;
    MessageReader m(req_opts(), &rec);
    CHECK_FALSE(m.started());
    CHECK(m.state() == MessageReader::State::head);
    CHECK(m.put(in) == in.size());
    CHECK(m.started());
    CHECK(m.head_complete());
    CHECK(m.raw_head() == in);
    CHECK(m.head().method == "GET");
    CHECK(m.framing().framing == Framing::none);
    CHECK(rec.raw_heads == std::vector<std::string>{in});
    // done: more bytes belong to the next message
    CHECK(m.put("GET") == 0);
    m.reset();
    CHECK(m.state() == MessageReader::State::head);
    CHECK_FALSE(m.started());
    CHECK_FALSE(m.head_complete());
    CHECK(m.violations().empty());
    CHECK(m.put(in) == in.size());
    CHECK(m.done());
}

TEST_CASE("reader: a head read whole in one put is the reader's own copy") {
    // The clean one-pass reading parses the caller's buffer; the head it keeps
    // must point into the reader's copy, since that buffer is gone after put.
    for (const bool request : {true, false}) {
        std::string in = request ? "POST /up?x=1 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\n\r\nabc"s
                                 : "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A: b c\r\n\r\nabc"s;
        const std::string head_text = in.substr(0, in.find("\r\n\r\n") + 4);
        Recorder rec;
        MessageReader m(request ? req_opts() : res_opts(), &rec);
        CHECK(m.put(in) == head_text.size());
        REQUIRE(m.head_complete());
        std::fill(in.begin(), in.end(), '#');  // the caller reuses its buffer
        const auto inside = [&](std::string_view v) {
            return v.data() >= m.raw_head().data() && v.data() + v.size() <= m.raw_head().data() + m.raw_head().size();
        };
        CHECK(m.raw_head() == head_text);
        const MessageHead& h = m.head();
        if (request) {
            CHECK(h.method == "POST");
            CHECK(h.target == "/up?x=1");
            CHECK(inside(h.method));
            CHECK(inside(h.target));
        } else {
            CHECK(h.status == 404);
            CHECK(h.reason == "Not Found");
            CHECK(inside(h.reason));
        }
        CHECK(h.version == "HTTP/1.1");
        CHECK(inside(h.version));
        REQUIRE(h.headers.size() == 2);
        for (const HeaderField& f : h.headers) {
            CHECK(inside(f.name));
            CHECK(inside(f.value));
            CHECK(m.raw_head().substr(f.name_offset, f.name.size()) == f.name);
            CHECK(m.raw_head().substr(f.value_offset, f.value.size()) == f.value);
        }
        CHECK(h.headers[request ? 0 : 1].value == (request ? "a.example" : "b c"));
        CHECK(m.framing().framing == Framing::content_length);
        CHECK(m.put("abc") == 3);
        CHECK(m.done());
        CHECK(rec.body == "abc");
    }
}

TEST_CASE("reader: Content-Length and chunked request bodies") {
    SUBCASE("Content-Length") {
        const std::string in = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
        const Read r = check_every_split(in, req_opts());
        CHECK(r.events == "head POST /, body, end");
        CHECK(r.body == "hello");
        CHECK(r.used == in.size());
    }
    SUBCASE("chunked, with trailers") {
        const std::string in =
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;a=b\r\n world\r\n0\r\n"
            "Sum: 1\r\n\r\n";
        const Read r = check_every_split(in, req_opts());
        CHECK(r.events == "head POST /, body, end");
        CHECK(r.body == "hello world");
        CHECK(r.state == "done");
        CHECK(r.rules == "");
        CHECK(r.used == in.size());
        REQUIRE(r.trailers.size() == 1);
        CHECK(r.trailers[0] == std::pair<std::string, std::string>{"Sum", "1"});
    }
    SUBCASE("put stops at the end of the head, so the caller sees it before the body") {
        const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
        Recorder rec;
        MessageReader m(req_opts(), &rec);
        CHECK(m.put(head + "hello") == head.size());
        CHECK(m.head_complete());
        CHECK(m.state() == MessageReader::State::body);
        CHECK(rec.events == "head POST /");
        CHECK(m.put("hel") == 3);
        CHECK(m.put("loGET") == 2);
        CHECK(m.done());
        CHECK(rec.events == "head POST /, body, end");
        CHECK(rec.body == "hello");
        CHECK(m.body_bytes() == 5);
        CHECK(m.consumed() == head.size() + 5);
    }
    SUBCASE("Content-Length: 0") {
        const Read r = check_every_split("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", req_opts());
        CHECK(r.events == "head POST /, end");
    }
}

TEST_CASE("reader: put returns the bytes of this message, so pipelined messages split correctly") {
    struct Msg {
        std::string bytes, events, body;
    };
    const auto check_stream = [](const std::vector<Msg>& msgs, const ReaderOptions& opt) {
        std::string stream;
        for (const auto& m : msgs) stream += m.bytes;
        for (std::size_t k = 0; k <= stream.size(); ++k) {
            for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
                CAPTURE(k);
                CAPTURE(step);
                // pieces: [0,k), then the rest (step 0), or byte by byte after k (step 1)
                std::vector<std::string_view> pieces;
                const std::string_view s(stream);
                pieces.push_back(s.substr(0, k));
                if (step == 0) pieces.push_back(s.substr(k));
                else
                    for (std::size_t i = k; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
                Recorder rec;
                MessageReader r(opt, &rec);
                std::vector<std::string> events, bodies;
                std::vector<std::uint64_t> sizes;
                for (std::string_view p : pieces) {
                    Exact e(p);
                    std::string_view rest = e.view();
                    while (!rest.empty()) {
                        const std::size_t n = r.put(rest);
                        rest.remove_prefix(n);
                        REQUIRE_FALSE(r.failed());
                        if (r.done()) {
                            events.push_back(rec.events);
                            bodies.push_back(rec.body);
                            sizes.push_back(r.consumed());
                            rec = Recorder{};
                            r.reset();
                        } else {
                            REQUIRE(n > 0);
                        }
                    }
                }
                REQUIRE(events.size() == msgs.size());
                for (std::size_t i = 0; i < msgs.size(); ++i) {
                    CHECK(events[i] == msgs[i].events);
                    CHECK(bodies[i] == msgs[i].body);
                    CHECK(sizes[i] == msgs[i].bytes.size());
                }
            }
        }
    };
    SUBCASE("requests") {
        check_stream({{"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", "head GET /1, end", ""},
                      {"POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", "head POST /2, body, end", "abc"},
                      {"POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n",
                       "head POST /3, body, end", "de"},
                      {"\r\nGET /4 HTTP/1.1\r\nHost: x\r\n\r\n", "head GET /4, end", ""}},
                     req_opts());
    }
    SUBCASE("responses") {
        check_stream({{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
                       "interim 100, head 200, body, end", "hi"},
                      {"HTTP/1.1 204 No Content\r\n\r\n", "head 204, end", ""},
                      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                       "head 200, body, end", "abc"},
                      {"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", "head 304, end", ""}},
                     res_opts());
    }
}

TEST_CASE("reader: interim 1xx heads, then the final one") {
    const std::string in =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 3\r\n\r\nabc";
    const Read r = check_every_split(in, res_opts());
    CHECK(r.events == "interim 100, interim 103, head 200, body, end");
    CHECK(r.interim == 2);
    CHECK(r.body == "abc");
    // offsets count from the message's first byte, interim heads included
    const std::size_t final_head = in.find("HTTP/1.1 200");
    // (and the final head has no Date: a warning at its start)
    CHECK(r.rules == "date-missing@" + std::to_string(final_head) + " obs-fold@" + std::to_string(final_head + 23));
    CHECK(r.error == "none");
    CHECK(r.values == std::vector<std::string>{"X: a b", "Content-Length: 3"});

    Recorder rec;
    MessageReader m(res_opts(), &rec);
    // one put goes through the interim heads and stops at the final head's end
    REQUIRE(m.put(in) == in.size() - 3);
    CHECK(m.state() == MessageReader::State::body);
    CHECK(m.put(std::string_view(in).substr(in.size() - 3)) == 3);
    CHECK(m.done());
    REQUIRE(rec.raw_heads.size() == 3);
    CHECK(rec.raw_heads[0] == "HTTP/1.1 100 Continue\r\n\r\n");
    CHECK(rec.raw_heads[1] == "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n");
    CHECK(m.raw_head() == rec.raw_heads[2]);
    CHECK(m.head().status == 200);
}

TEST_CASE("reader: max_interim, then too-many-interim") {
    const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
    ReaderOptions o = res_opts();
    o.max_interim = 2;
    const Read ok = check_every_split(cont + cont + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", o);
    CHECK(ok.state == "done");
    CHECK(ok.interim == 2);
    const Read bad = check_every_split(cont + cont + cont + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", o);
    CHECK(bad.state == "failed");
    CHECK(bad.error == "too-many-interim@" + std::to_string(2 * cont.size()));
    CHECK(bad.rules == "too-many-interim@" + std::to_string(2 * cont.size()));
    CHECK(bad.events.find("head 200") == std::string::npos);
    // the default: 100
    std::string many;
    for (int i = 0; i < 101; ++i) many += cont;
    const Read d = read_one(many + "HTTP/1.1 200 OK\r\n\r\n", res_opts());
    CHECK(d.error == "too-many-interim@" + std::to_string(100 * cont.size()));
}

TEST_CASE("reader: too-many-interim keeps violations() in byte order") {
    // too-many-interim at the offending head's start; nothing past the fatal byte is kept
    // (what lies there depends on how the bytes were split).
    const std::string folded = "HTTP/1.1 100 Continue\r\nX: a\r\n b\r\n\r\n";  // obs-fold at 29
    ReaderOptions o = res_opts();
    o.max_interim = 1;
    const Read r = read_one(folded + folded + "HTTP/1.1 200 OK\r\n\r\n", o);
    const std::size_t second = folded.size();
    CHECK(r.error == "too-many-interim@" + std::to_string(second));
    CHECK(r.rules == "obs-fold@29 too-many-interim@" + std::to_string(second));
}

TEST_CASE("reader: 101, HEAD and CONNECT responses have no body") {
    const std::string up = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    const Read a = check_every_split(up + "\x81\x05hello", res_opts());
    CHECK(a.events == "head 101, end");
    CHECK(a.used == up.size());
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    const Read b = check_every_split(head, res_opts(), false, "HEAD");
    CHECK(b.events == "head 200, end");
    const Read c = check_every_split("HTTP/1.1 200 Connection established\r\n\r\ntunnel", res_opts(), false, "CONNECT");
    CHECK(c.events == "head 200, end");
    CHECK(c.used == 39);
}

TEST_CASE("reader: a close-delimited response body ends at put_eof") {
    const std::string in = "HTTP/1.1 200 OK\r\n\r\nall of this, until the close";
    const Read r = check_every_split(in, res_opts(), true);
    CHECK(r.events == "head 200, body, end");
    CHECK(r.body == "all of this, until the close");
    CHECK(r.state == "done");
    CHECK_FALSE(r.truncated);
    const Read open = read_one(in, res_opts(), false);
    CHECK(open.state == "body");
    CHECK(open.events == "head 200, body");
}

TEST_CASE("reader: put_eof before the message ends") {
    SUBCASE("an unfinished head: head-unterminated") {
        const std::string in = "GET / HTTP/1.1\r\nHost: x\r\n";
        const Read r = check_every_split(in, req_opts(), true);
        CHECK(r.state == "failed");
        CHECK(r.error == "head-unterminated@25");
        CHECK(r.rules == "head-unterminated@25");
        CHECK(r.truncated);
        CHECK(r.events == "");
        const Read s = check_every_split("HTTP/1.1 200 OK\r\nA: b", res_opts(), true);
        CHECK(s.error == "head-unterminated@21");
    }
    SUBCASE("an unfinished head cut inside a field line") {
        // The stream ends inside a field line ("Acc"): that cut line is not judged as a whole
        // one (field-missing-colon@25, a 400); a server waits for the rest of the line and the
        // head (the rule book: "nginx and Node wait").
        const Read r = read_one("GET / HTTP/1.1\r\nHost: x\r\nAcc", req_opts(), true);
        CHECK(r.error == "head-unterminated@28");
    }
    SUBCASE("nothing at all") {
        const Read req = read_one("", req_opts(), true);
        CHECK(req.error == "empty-request@0");
        CHECK(req.state == "failed");
        const Read blank = read_one("\r\n\r\n", req_opts(), true);
        CHECK(blank.error == "empty-request@4");
        const Read res = read_one("", res_opts(), true);
        CHECK(res.state == "failed");
        CHECK(res.truncated);
        CHECK(res.error == "none");  // the caller calls it an empty reply
    }
    SUBCASE("a short Content-Length body") {
        const std::string in = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
        const Read r = check_every_split(in, req_opts(), true);
        CHECK(r.state == "failed");
        CHECK(r.truncated);
        CHECK(r.body == "abc");
        CHECK(r.error == "content-length-exceeds-body@" + std::to_string(in.size()));  // where the server waits
    }
    SUBCASE("a chunked body without its last chunk") {
        const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        const Read r = check_every_split(head + "3\r\nabc\r\n", res_opts(), true);
        CHECK(r.state == "failed");
        CHECK(r.body == "abc");
        CHECK(r.error == "chunked-incomplete@" + std::to_string(head.size() + 8));
    }
}

TEST_CASE("reader: the same violations and body at every split") {
    struct Case {
        const char* name;
        std::string bytes;
        ReaderOptions opt;
        bool eof;
        const char* rules;
        const char* error;
        const char* body;
    };
    const std::string chunked_res = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";  // 47 bytes
    const std::string chunked_req = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";  // 56 bytes
    const Case cases[] = {
        {"warnings only", "GET  /a%zz HTTP/1.1\nHost: x\nExpect: later\n\n", req_opts(), false,
         "request-line-spaces@4 target-bad-percent@7 bare-lf@19 expect-unknown@36", "none", ""},
        {"a response with tolerated faults", chunked_res + "5 \r\nhello\n6;=\r\n world\r\n0\r\n\r\n", res_opts(), false,
         "date-missing@0 chunked-size-whitespace@48 chunked-bare-lf@56 chunk-ext-invalid@59", "none", "hello world"},
        {"a request's chunked-size-whitespace", chunked_req + "5 \r\nhello\r\n0\r\n\r\n", req_opts(), false,
         "chunked-size-whitespace@57", "chunked-size-whitespace@57", ""},
        {"a request's chunked-bare-lf after data", chunked_req + "5\r\nhello\n0\r\n\r\n", req_opts(), false,
         "chunked-bare-lf@64", "chunked-bare-lf@64", "hello"},
        {"a request's bare LF ending a size line", chunked_req + "5\nhello\r\n0\r\n\r\n", req_opts(), false,
         "chunked-bare-lf@57", "chunked-bare-lf@57", ""},
        {"a request's bad chunk extension", chunked_req + "5;bad[=x\r\nhello\r\n0\r\n\r\n", req_opts(), false,
         "chunk-ext-invalid@61", "chunk-ext-invalid@61", ""},
        {"an error at the head's end", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", req_opts(), false,
         "content-length-conflict@45", "content-length-conflict@45", ""},
        {"collect_all goes past errors", "get / HTTP/1.1\r\nHost: a b\r\nContent-Length: 5\r\n\r\nhello",
         req_opts(false, true), false, "method-not-uppercase@0 host-invalid@23", "method-not-uppercase@0", "hello"},
        {"collect_all past chunk faults", chunked_req + "5 \r\nhello\n0;\r\n\r\n", req_opts(false, true), false,
         "chunked-size-whitespace@57 chunked-bare-lf@65 chunk-ext-invalid@68", "chunked-size-whitespace@57", "hello"},
        {"strict: bare LF is an error", "GET / HTTP/1.1\nHost: x\n\n", req_opts(true), false, "bare-lf@14", "bare-lf@14",
         ""},
        {"a broken first line: only its rules are judged", "GET / HTTX/1.1\r\nHost: x\r\n\r\n", req_opts(), false,
         "version-invalid@6", "version-invalid@6", ""},
        // The verdict and violations() are the same at every split: nothing past the fatal byte
        // is kept (a whole head would have shown more, a split one less).
        {"an early verdict, then more faults", "get / HTTP/1.1\r\nHost: a b\r\n\r\n", req_opts(), false,
         "method-not-uppercase@0", "method-not-uppercase@0", ""},
        {"an early verdict before an obs-fold", "GET / HTTP/1.1 x\r\nHost: x\r\nA: b\r\n c\r\n\r\n", req_opts(),
         false, "request-line-parts@5", "request-line-parts@5", ""},
        // Found by fuzz_reader: a start that is hopeless whitespace, with or without its line end yet.
        {"a hopeless start, split anywhere", "  \"exit\": 0,\n  \"status\": 200", req_opts(), false,
         "request-line-leading-whitespace@0", "request-line-leading-whitespace@0", ""},
    };
    for (const Case& c : cases) {
        const std::string case_name = c.name;
        CAPTURE(case_name);
        const Read r = check_every_split(c.bytes, c.opt, c.eof);
        CHECK(r.rules == std::string(c.rules));
        CHECK(r.error == std::string(c.error));
        CHECK(r.body == std::string(c.body));
    }
}

TEST_CASE("reader: early verdicts") {
    SUBCASE("a request starting with 0x16 (TLS) fails at its first byte") {
        MessageReader r(req_opts());
        CHECK(r.put("\x16") == 1);
        CHECK(r.failed());
        CHECK(rule_at(r.error()) == "method-invalid-char@0");
        const Read full = check_every_split("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"s, req_opts());
        CHECK(full.error == "method-invalid-char@0");
        // after empty lines too
        MessageReader e(req_opts());
        e.put("\r\n\x16");
        CHECK(rule_at(e.error()) == "method-invalid-char@2");
    }
    SUBCASE("a response that does not start with HTTP/ fails at once") {
        MessageReader r(res_opts());
        r.put("\x16");
        CHECK(r.failed());
        CHECK(rule_at(r.error()) == "status-line-invalid@0");
    }
    SUBCASE("a response whose first bytes can never be HTTP/ fails before its line ends") {
        // hopeless_start("HTTX") is true, and the header says a head is judged "when its
        // first bytes can never start a message".
        // Both fail at once: "HTTX" (its fault at byte 3) and "http/1.1 200" (at byte 0).
        for (const char* start : {"HTTX", "http/1.1 200"}) {
            CAPTURE(std::string(start));
            REQUIRE(hopeless_start(start, RES));
            MessageReader r(res_opts());
            r.put(start);
            CHECK(r.failed());
        }
        MessageReader ok(res_opts());
        ok.put("HTTP/1.1 2");
        CHECK(ok.state() == MessageReader::State::head);
    }
    SUBCASE("a complete broken first line fails before the head ends") {
        const std::string line = "GET / HTTX/1.1\r\n";
        for (std::size_t k = 1; k <= line.size(); ++k) {
            CAPTURE(k);
            MessageReader r(req_opts());
            r.put(line.substr(0, k));
            CHECK(r.failed() == (k == line.size()));
            if (r.failed()) CHECK(rule_at(r.error()) == "version-invalid@6");
        }
        MessageReader s(req_opts());
        s.put("GET  / HTTP/1.1\r\n");  // a warning only: wait for the head
        CHECK(s.state() == MessageReader::State::head);
        MessageReader strict(req_opts(true));
        strict.put("GET  / HTTP/1.1\r\n");
        CHECK(rule_at(strict.error()) == "request-line-spaces@4");
        // lint (collect_all) waits for the whole head
        MessageReader lint(req_opts(false, true));
        lint.put(line);
        CHECK(lint.state() == MessageReader::State::head);
    }
    SUBCASE("a head over Limits::max_head fails with head-too-large") {
        std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; head.size() < 40000; ++i) head += "X-" + std::to_string(i) + ": " + std::string(990, 'v') + "\r\n";
        // the limit cuts a value, not a name or a line end
        REQUIRE(head[32767] == 'v');
        REQUIRE(head[32768] == 'v');
        const Read r = read(head + "\r\n", req_opts(), {100, 32768, 32769, 40000});
        CHECK(r.state == "failed");
        CHECK(r.error == "head-too-large@32768");
        CHECK(r.rules == "head-large@16384 head-too-large@32768");
        CHECK(rule_info(Rule::head_too_large).status == "431");
        MessageReader m(req_opts());
        CHECK(m.put(head) == 32769);  // never more than the limit, and the byte that proves it
        CHECK(m.failed());
        // one byte at a time: fails at the byte past the limit
        MessageReader b(req_opts());
        std::size_t fed = 0;
        while (!b.failed() && fed < head.size()) fed += b.put(std::string_view(head).substr(fed, 1));
        CHECK(fed == 32769);
        CHECK(rule_at(b.error()) == "head-too-large@32768");
    }
    SUBCASE("a smaller max_head, exactly at and one past") {
        ReaderOptions o = req_opts();
        o.limits.max_head = 64;
        const std::string base = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
        const std::string ok = base + std::string(64 - base.size() - 4, 'v') + "\r\n\r\n";
        REQUIRE(ok.size() == 64);
        CHECK(check_every_split(ok, o).state == "done");
        const std::string over = base + std::string(80, 'v') + "\r\n\r\n";
        const Read r = check_every_split(over, o);
        CHECK(r.error == "head-too-large@64");
        // One byte over, the limit falls between the last CR and LF: the cut line "\r" is
        // not judged (no bare-cr@63), the verdict is head-too-large (431).
        const std::string one_over = base + std::string(64 - base.size() - 3, 'v') + "\r\n\r\n";
        REQUIRE(one_over.size() == 65);
        CHECK(read_one(one_over, o).error == "head-too-large@64");
    }
}

TEST_CASE("reader: a response's obs-fold is joined with SP and reported as a warning") {
    const std::string in = "HTTP/1.1 200 OK\r\nX: a\r\n\t b\r\nContent-Length: 0\r\n\r\n";
    const Read r = check_every_split(in, res_opts());
    CHECK(r.state == "done");
    CHECK(r.rules == "date-missing@0 obs-fold@23");
    CHECK(r.error == "none");
    CHECK(r.values == std::vector<std::string>{"X: a b", "Content-Length: 0"});
    CHECK(severity_of(Rule::obs_fold, RES) == Severity::warning);
    // in a request it is an error
    const Read q = check_every_split("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", req_opts());
    CHECK(q.error == "obs-fold@31");
}

TEST_CASE("reader: strict mode") {
    const std::string lf = "GET / HTTP/1.1\nHost: x\n\n";
    const Read lenient = check_every_split(lf, req_opts());
    CHECK(lenient.state == "done");
    CHECK(lenient.rules == "bare-lf@14");
    CHECK(lenient.error == "none");
    const Read strict = check_every_split(lf, req_opts(true));
    CHECK(strict.state == "failed");
    CHECK(strict.error == "bare-lf@14");
    // the rules about the next message stay warnings
    CHECK(severity_of(Rule::body_extra_bytes, REQ, true) == Severity::warning);
    // strict is for requests: a response's bare LF stays tolerated
    ReaderOptions o = res_opts();
    o.strict = true;
    const Read res = check_every_split("HTTP/1.1 503 Busy\nContent-Length: 0\n\n", o);
    CHECK(res.state == "done");
    CHECK(res.rules == "bare-lf@17");
}

TEST_CASE("reader: collect_all reads on past errors") {
    const std::string in = "get / HTTP/1.1\r\nHost: a b\r\nExpect: x\r\nContent-Length: 3\r\n\r\nabc";
    const Read strict = read_one(in, req_opts());  // (the same at every split)
    CHECK(strict.state == "failed");
    CHECK(strict.error == "method-not-uppercase@0");
    CHECK(strict.events == "");
    const Read all = check_every_split(in, req_opts(false, true));
    CHECK(all.state == "done");
    CHECK(all.events == "head get /, body, end");
    CHECK(all.body == "abc");
    CHECK(all.rules == "method-not-uppercase@0 host-invalid@23 expect-unknown@35");
    CHECK(all.error == "method-not-uppercase@0");
    // a framing no server can follow ends the message at its head
    const Read undecidable =
        check_every_split("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                          req_opts(false, true));
    CHECK(undecidable.state == "done");
    CHECK(undecidable.error == "content-length-conflict@61");
    CHECK(undecidable.used == 66);
}

TEST_CASE("reader: the issue's request cases through the reader") {
    struct Case {
        std::string bytes;
        const char* error;
        const char* status;  // the rule book's status for that error
    };
    std::string fields;
    for (int i = 0; i < 100; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
    const Case cases[] = {
        {"GET http:/x HTTP/1.1\r\nHost: x\r\n\r\n", "target-form@4", "400"},
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", "transfer-encoding-not-chunked@45", "400"},
        {"GET / HTTP/1.1\r\nHost: user@127.0.0.1:8080\r\n\r\n", "host-invalid@26", "400"},
        {"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080/path\r\n\r\n", "host-invalid@36", "400"},
        {"GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", "host-invalid@24", "400"},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", "content-length-repeated@42", "400"},
        {"get / HTTP/1.1\r\nHost: x\r\n\r\n", "method-not-uppercase@0", "400"},
        {"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "connect-origin@0", "400"},
        {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "version-unsupported@6", "505"},
        {"GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n", nullptr, "431"},
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;x=" + std::string(64 * 1024, 'a') +
             "\r\nhello\r\n0\r\n\r\n",
         "chunk-ext-too-long@4153", "400"},
    };
    for (const Case& c : cases) {
        const std::string bytes = http_test::printable(c.bytes.substr(0, 80));
        CAPTURE(bytes);
        MessageReader r(req_opts());
        std::string_view rest = c.bytes;
        while (!rest.empty() && !r.failed() && !r.done()) {
            const std::size_t n = r.put(rest);
            REQUIRE(n > 0);
            rest.remove_prefix(n);
        }
        REQUIRE(r.failed());
        REQUIRE(r.error() != nullptr);
        if (c.error) CHECK(rule_at(r.error()) == std::string(c.error));
        CHECK(rule_info(r.error()->rule).status == c.status);
    }
    // the warnings: the request is read, the rule reported
    struct Warn {
        std::string bytes;
        const char* rules;
    };
    const Warn warns[] = {
        {"GET / HTTP/1.1\nHost: x\r\n\r\n", "bare-lf@14"},
        {"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", "request-line-spaces@4"},
        {"GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", "expect-unknown@33"},
    };
    for (const Warn& w : warns) {
        const std::string bytes = http_test::printable(w.bytes);
        CAPTURE(bytes);
        const Read r = check_every_split(w.bytes, req_opts());
        CHECK(r.state == "done");
        CHECK(r.rules == w.rules);
        CHECK(r.error == "none");
    }
    CHECK(rule_info(*find_rule("expect-unknown")).status == "417");
    // the HTTP/2 preface: the reader stops at its head, "SM..." would be a next message
    const std::string pri = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    MessageReader lint(req_opts(false, true));
    CHECK(lint.put(pri) == 18);
    CHECK(rules_at(lint.violations()) == "method-unknown@0 version-unsupported@6");
    CHECK(rule_at(lint.error()) == "version-unsupported@6");
}

TEST_CASE("reader: a response's own mistakes (rules for responses only)") {
    const std::string date = "Date: Tue, 01 Dec 2026 10:00:00 GMT\r\n";  // 37 bytes
    SUBCASE("Content-Length or Transfer-Encoding where the status allows no body") {
        const Read r = check_every_split("HTTP/1.1 204 No Content\r\n" + date + "Content-Length: 5\r\n\r\n", res_opts());
        CHECK(r.state == "done");
        CHECK(r.rules == "content-length-forbidden@62");
        CHECK(r.body.empty());  // still no body: a 204 ends with its head
        const Read i = check_every_split("HTTP/1.1 100 Continue\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\n" +
                                             date + "Content-Length: 0\r\n\r\n",
                                         res_opts());
        CHECK(i.rules == "transfer-encoding-forbidden@23");
        CHECK(i.interim == 1);
        const Read c = check_every_split("HTTP/1.1 200 Connection established\r\nContent-Length: 0\r\n\r\n", res_opts(),
                                         false, "CONNECT");
        CHECK(c.rules == "content-length-forbidden@37");  // no date-missing: a tunnel is not a document
        // a 304's Content-Length describes the representation: allowed
        CHECK(check_every_split("HTTP/1.1 304 Not Modified\r\n" + date + "Content-Length: 5\r\n\r\n", res_opts()).rules ==
              "");
        // so is a HEAD response's
        CHECK(check_every_split("HTTP/1.1 200 OK\r\n" + date + "Content-Length: 5\r\n\r\n", res_opts(), false, "HEAD")
                  .rules == "");
    }
    SUBCASE("Date on 2xx to 4xx only") {
        CHECK(read_one("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", res_opts()).rules == "date-missing@0");
        CHECK(read_one("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", res_opts()).rules == "");
        CHECK(read_one("HTTP/1.1 200 OK\r\ndate: x\r\nContent-Length: 0\r\n\r\n", res_opts()).rules == "");
        CHECK(read_one("HTTP/1.1 304 Not Modified\r\n\r\n", res_opts()).rules == "date-missing@0");
    }
    SUBCASE("a close-delimited body on a connection meant to stay open") {
        const Read k = check_every_split("HTTP/1.1 200 OK\r\n" + date + "\r\nhello", res_opts(), true);
        CHECK(k.state == "done");
        CHECK(k.body == "hello");
        CHECK(k.rules == "body-close-delimited@0");
        CHECK(read_one("HTTP/1.1 200 OK\r\n" + date + "Connection: keep-alive, close\r\n\r\nhello", res_opts(), true)
                  .rules == "");
        CHECK(read_one("HTTP/1.0 200 OK\r\n" + date + "\r\nhello", res_opts(), true).rules == "");
        CHECK(read_one("HTTP/1.0 200 OK\r\n" + date + "Connection: Keep-Alive\r\n\r\nhello", res_opts(), true).rules ==
              "body-close-delimited@0");
    }
}

TEST_CASE("keeps_alive and list_has_token") {
    CHECK(list_has_token("keep-alive,  Close ", "close"));
    CHECK_FALSE(list_has_token("closed", "close"));
    CHECK_FALSE(list_has_token("", "close"));
    CHECK(keeps_alive(1, 1, false, false));
    CHECK_FALSE(keeps_alive(1, 1, true, false));
    CHECK_FALSE(keeps_alive(1, 0, false, false));
    CHECK(keeps_alive(1, 0, false, true));
    CHECK_FALSE(keeps_alive(1, 0, true, true));
}

TEST_CASE("reader: a response head that cannot be read gets no findings about its fields (found by fuzz_reader)") {
    // Whole, the head ends at its empty line and is judged complete; byte by byte, its first
    // line is judged first: both must reach the same rules, and no close-delimited body is
    // reported for a status line that is not one.
    ReaderOptions o = res_opts();
    o.limits = response_limits(4096, 50);
    o.strict = true;
    o.max_interim = 5;
    const Read r = check_every_split("HTroken: two Host headers\n@port = 8080\n\nGET / HTTP/1.1\nHost: x\n\n", o);
    CHECK(r.rules == "status-line-invalid@2");
    CHECK(r.state == "failed");
}
