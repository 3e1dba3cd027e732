// picohttpparser as Debian builds it (libh2o-evloop). It does no framing, so
// Content-Length / Transfer-Encoding are read from its field list afterwards,
// the work any picohttpparser user adds.
#include <cstdint>

#include "peers.hpp"
#include "picohttpparser_api.h"

namespace bench_peers {

namespace {

bool ieq(const char* a, std::size_t n, std::string_view lower) {
    if (n != lower.size()) return false;
    for (std::size_t i = 0; i < n; ++i)
        if ((a[i] | 0x20) != lower[i]) return false;
    return true;
}

class Picohttpparser final : public Peer {
public:
    bool run(std::string_view buf, bool request) override {
        num_headers_ = sizeof headers_ / sizeof headers_[0];
        int n;
        if (request)
            n = phr_parse_request(buf.data(), buf.size(), &method_, &method_len_, &path_, &path_len_, &minor_,
                                  headers_, &num_headers_, 0);
        else
            n = phr_parse_response(buf.data(), buf.size(), &minor_, &status_, &msg_, &msg_len_, headers_,
                                   &num_headers_, 0);
        return n == static_cast<int>(buf.size()) && framing();
    }

    Parsed parsed() const override {
        Parsed p;
        if (method_) p.method = {method_, method_len_};
        if (path_) p.target = {path_, path_len_};
        if (msg_) p.reason = {msg_, msg_len_};
        p.status = status_;
        p.minor = minor_;
        for (std::size_t i = 0; i < num_headers_; ++i)
            p.headers.emplace_back(std::string_view(headers_[i].name, headers_[i].name_len),
                                   std::string_view(headers_[i].value, headers_[i].value_len));
        p.chunked = chunked_;
        p.has_length = has_length_;
        p.length = length_;
        p.complete = true;
        return p;
    }

private:
    // Transfer-Encoding ending in chunked wins, else one Content-Length of
    // digits (h2o's reading).
    bool framing() {
        chunked_ = has_length_ = false;
        length_ = 0;
        for (std::size_t i = 0; i < num_headers_; ++i) {
            const phr_header& h = headers_[i];
            if (ieq(h.name, h.name_len, "content-length")) {
                if (has_length_ || h.value_len == 0) return false;
                std::uint64_t n = 0;
                for (std::size_t k = 0; k < h.value_len; ++k) {
                    const unsigned d = static_cast<unsigned char>(h.value[k]) - '0';
                    if (d > 9 || n > (UINT64_MAX - d) / 10) return false;
                    n = n * 10 + d;
                }
                has_length_ = true;
                length_ = n;
            } else if (ieq(h.name, h.name_len, "transfer-encoding")) {
                chunked_ = h.value_len >= 7 && ieq(h.value + h.value_len - 7, 7, "chunked");
            }
        }
        if (chunked_) {
            has_length_ = false;
            length_ = 0;
        }
        return true;
    }

    phr_header headers_[128];
    std::size_t num_headers_ = 0;
    const char *method_ = nullptr, *path_ = nullptr, *msg_ = nullptr;
    std::size_t method_len_ = 0, path_len_ = 0, msg_len_ = 0;
    int minor_ = -1, status_ = 0;
    bool chunked_ = false, has_length_ = false;
    std::uint64_t length_ = 0;
};

}  // namespace

std::unique_ptr<Peer> make_picohttpparser() { return std::make_unique<Picohttpparser>(); }

}  // namespace bench_peers
