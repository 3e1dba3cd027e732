// rawhttp's head parser as the benchmark runs it: what MessageReader does
// with a head that arrives whole, every rule of the rule book checked.
#include "http/message.hpp"
#include "peers.hpp"

namespace bench_peers {

namespace {

using namespace rawhttp::http;

class Rawhttp final : public Peer {
public:
    bool run(std::string_view buf, bool request) override {
        const MessageKind kind = request ? MessageKind::request : MessageKind::response;
        found_.clear();
        const Limits& limits = request ? request_limits_ : response_limits_;
        // As MessageReader::put with the whole head in one buffer: the one-pass
        // reading of a clean head first, else the head's end, then parse_head.
        if (!read_clean_head(buf, kind, limits, head_)) {
            const auto end = find_head_end(buf, kind);
            if (!end) return false;
            parse_head(buf.substr(0, *end), kind, limits, head_, found_);
        }
        if (request) {
            check_request_head(head_, found_);
            framing_ = request_framing(head_, found_);
        } else {
            framing_ = response_framing(head_, "GET", found_);
            if (!first_error(found_, kind)) check_response_head(head_, "GET", &framing_, found_);
        }
        return framing_.decidable && !first_error(found_, kind);
    }

    Parsed parsed() const override {
        Parsed p;
        p.method = head_.method;
        p.target = head_.target;
        p.reason = head_.reason;
        p.status = head_.status;
        p.minor = head_.minor;
        for (const auto& f : head_.headers) p.headers.emplace_back(f.name, f.value);
        p.chunked = framing_.framing == Framing::chunked;
        p.has_length = framing_.framing == Framing::content_length;
        p.length = p.has_length ? framing_.length : 0;
        p.complete = head_.terminated;
        return p;
    }

private:
    const Limits request_limits_{};  // a server's (serve, listen)
    const Limits response_limits_ = response_limits();
    MessageHead head_;
    Violations found_;
    BodyFraming framing_;
};

}  // namespace

std::unique_ptr<Peer> make_rawhttp() { return std::make_unique<Rawhttp>(); }

}  // namespace bench_peers
