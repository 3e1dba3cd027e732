// llhttp (Node's parser), built -O3 from Debian's node-llhttp C sources.
#include <llhttp.h>

#include "callback_spans.hpp"
#include "peers.hpp"

namespace bench_peers {

namespace {

CallbackSpans& spans(llhttp_t* p) { return *static_cast<CallbackSpans*>(p->data); }

llhttp_settings_t make_settings() {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_url = [](llhttp_t* p, const char* at, std::size_t len) {
        CallbackSpans::extend(spans(p).out.target, at, len);
        return 0;
    };
    s.on_method = [](llhttp_t* p, const char* at, std::size_t len) {
        CallbackSpans::extend(spans(p).out.method, at, len);
        return 0;
    };
    s.on_status = [](llhttp_t* p, const char* at, std::size_t len) {
        CallbackSpans::extend(spans(p).out.reason, at, len);
        return 0;
    };
    s.on_header_field = [](llhttp_t* p, const char* at, std::size_t len) {
        spans(p).field(at, len);
        return 0;
    };
    s.on_header_value = [](llhttp_t* p, const char* at, std::size_t len) {
        spans(p).value(at, len);
        return 0;
    };
    // The framing as llhttp decided it, read when the head ends (a request
    // without a body completes, and resets the parser, right after).
    s.on_headers_complete = [](llhttp_t* p) {
        Parsed& o = spans(p).out;
        o.complete = true;
        o.status = p->status_code;
        o.minor = p->http_minor;
        o.chunked = (p->flags & F_CHUNKED) != 0;
        o.has_length = !o.chunked && (p->flags & F_CONTENT_LENGTH) != 0;
        o.length = o.has_length ? p->content_length : 0;
        return 0;
    };
    return s;
}

class Llhttp final : public Peer {
public:
    bool run(std::string_view buf, bool request) override {
        spans_.reset();
        llhttp_init(&parser_, request ? HTTP_REQUEST : HTTP_RESPONSE, &settings_);
        parser_.data = &spans_;
        return llhttp_execute(&parser_, buf.data(), buf.size()) == HPE_OK && spans_.out.complete;
    }
    Parsed parsed() const override { return spans_.out; }

private:
    const llhttp_settings_t settings_ = make_settings();
    llhttp_t parser_;
    CallbackSpans spans_;
};

}  // namespace

std::unique_ptr<Peer> make_llhttp() { return std::make_unique<Llhttp>(); }

}  // namespace bench_peers
