// Node's former parser, from Debian's libhttp-parser.
#include <http_parser.h>

#include <climits>

#include "callback_spans.hpp"
#include "peers.hpp"

namespace bench_peers {

namespace {

CallbackSpans& spans(http_parser* p) { return *static_cast<CallbackSpans*>(p->data); }

http_parser_settings make_settings() {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_url = [](http_parser* p, const char* at, std::size_t len) {
        CallbackSpans::extend(spans(p).out.target, at, len);
        return 0;
    };
    s.on_status = [](http_parser* p, const char* at, std::size_t len) {
        CallbackSpans::extend(spans(p).out.reason, at, len);
        return 0;
    };
    s.on_header_field = [](http_parser* p, const char* at, std::size_t len) {
        spans(p).field(at, len);
        return 0;
    };
    s.on_header_value = [](http_parser* p, const char* at, std::size_t len) {
        spans(p).value(at, len);
        return 0;
    };
    s.on_headers_complete = [](http_parser* p) {
        Parsed& o = spans(p).out;
        o.complete = true;
        o.status = static_cast<int>(p->status_code);
        o.minor = p->http_minor;
        o.chunked = (p->flags & F_CHUNKED) != 0;
        o.has_length = !o.chunked && p->content_length != ULLONG_MAX;
        o.length = o.has_length ? p->content_length : 0;
        return 0;
    };
    return s;
}

class HttpParser final : public Peer {
public:
    bool run(std::string_view buf, bool request) override {
        spans_.reset();
        http_parser_init(&parser_, request ? HTTP_REQUEST : HTTP_RESPONSE);
        parser_.data = &spans_;
        const std::size_t n = http_parser_execute(&parser_, &settings_, buf.data(), buf.size());
        if (n != buf.size() || HTTP_PARSER_ERRNO(&parser_) != HPE_OK || !spans_.out.complete) return false;
        if (request) spans_.out.method = http_method_str(static_cast<http_method>(parser_.method));
        return true;
    }
    Parsed parsed() const override { return spans_.out; }

private:
    const http_parser_settings settings_ = make_settings();
    http_parser parser_;
    CallbackSpans spans_;
};

}  // namespace

std::unique_ptr<Peer> make_http_parser() { return std::make_unique<HttpParser>(); }

}  // namespace bench_peers
