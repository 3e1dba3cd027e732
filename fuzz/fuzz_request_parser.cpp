// libFuzzer target for parse_request_head (and request_framing on what it
// accepts). Checks, besides memory safety: views stay inside the head, the
// strict grammar holds for what is accepted (token method and names, CRLF
// only, printable target), the limits hold, and the result is a function of
// the prefix read: incomplete up to some length, then the same answer for
// every longer prefix.
#include "fuzz_support.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

using namespace rawhttp::http;
using fuzz_support::inside;
using fuzz_support::is_tchar;

namespace {

struct Result {
    ParseStatus status;
    RequestHead head;
    ParseError err;
};

Result run(std::string_view buf, const HeadLimits& lim) {
    // exact-size heap copy: reads past the end are caught
    std::unique_ptr<char[]> copy(new char[buf.size() + 1]);
    std::memcpy(copy.get(), buf.data(), buf.size());
    const std::string_view exact(copy.get(), buf.size());
    Result r;
    r.status = parse_request_head(exact, r.head, r.err, lim);
    if (r.status == ParseStatus::complete) {
        const RequestHead& h = r.head;
        FUZZ_CHECK(h.head_bytes <= exact.size());
        FUZZ_CHECK(h.head_bytes <= lim.max_head_bytes);
        FUZZ_CHECK(h.head_bytes >= 4 && exact.substr(h.head_bytes - 4, 4) == "\r\n\r\n");
        FUZZ_CHECK(h.headers.size() <= lim.max_headers);
        FUZZ_CHECK(h.method.data() == exact.data() + h.line_offset);
        FUZZ_CHECK(h.line_offset % 2 == 0);
        for (std::size_t i = 0; i < h.line_offset; i += 2) FUZZ_CHECK(exact.substr(i, 2) == "\r\n");
        FUZZ_CHECK(!h.method.empty() && !h.target.empty() && h.version.size() == 8);
        for (char c : h.method) FUZZ_CHECK(is_tchar(static_cast<unsigned char>(c)));
        for (char c : h.target) FUZZ_CHECK(c > 0x20 && c < 0x7f);
        FUZZ_CHECK(h.version.substr(0, 5) == "HTTP/");
        FUZZ_CHECK(h.major == h.version[5] - '0' && h.minor == h.version[7] - '0');
        // Every line but the last ends in CRLF: no bare LF, no bare CR anywhere in the head.
        for (std::size_t i = 0; i < h.head_bytes; ++i) {
            if (exact[i] == '\n') FUZZ_CHECK(i > 0 && exact[i - 1] == '\r');
            if (exact[i] == '\r') FUZZ_CHECK(i + 1 < h.head_bytes && exact[i + 1] == '\n');
        }
        for (const HeaderField& f : h.headers) {
            FUZZ_CHECK(!f.name.empty());
            FUZZ_CHECK(inside(exact, f.name, h.head_bytes));
            FUZZ_CHECK(inside(exact, f.value, h.head_bytes));
            for (char c : f.name) FUZZ_CHECK(is_tchar(static_cast<unsigned char>(c)));
            for (char c : f.value) {
                const auto b = static_cast<unsigned char>(c);
                FUZZ_CHECK(b == '\t' || (b >= 0x20 && b != 0x7f));
            }
            if (!f.value.empty()) {
                FUZZ_CHECK(f.value.front() != ' ' && f.value.front() != '\t');
                FUZZ_CHECK(f.value.back() != ' ' && f.value.back() != '\t');
            }
        }
        ParseError ferr;
        const auto framing = request_framing(h, ferr);
        if (!framing) FUZZ_CHECK(!ferr.message.empty() && ferr.offset <= h.head_bytes);
        else if (framing->framing == Framing::close) FUZZ_CHECK(false);  // never for requests
    } else if (r.status == ParseStatus::error) {
        FUZZ_CHECK(!r.err.message.empty());
        FUZZ_CHECK(r.err.offset <= exact.size());
    }
    return r;
}

// Offsets relative to each result's own buffer are compared through a
// normalised summary.
struct Summary {
    ParseStatus status;
    std::string message;
    std::size_t offset = 0;
    std::size_t head_bytes = 0;
    int status_code = 0;  // here: the request line's offset
    std::vector<std::size_t> spans;  // name/value lengths (positions equal by construction)
};

Summary summarize(const Result& r) {
    Summary s{r.status, {}, 0, 0, 0, {}};
    if (r.status == ParseStatus::error) {
        s.message = r.err.message;
        s.offset = r.err.offset;
    } else if (r.status == ParseStatus::complete) {
        s.head_bytes = r.head.head_bytes;
        s.status_code = static_cast<int>(r.head.line_offset);
        s.spans.push_back(r.head.method.size());
        s.spans.push_back(r.head.target.size());
        for (const HeaderField& f : r.head.headers) {
            s.spans.push_back(f.name.size());
            s.spans.push_back(f.value.size());
        }
    }
    return s;
}

bool operator==(const Summary& a, const Summary& b) {
    return a.status == b.status && a.message == b.message && a.offset == b.offset && a.head_bytes == b.head_bytes &&
           a.status_code == b.status_code && a.spans == b.spans;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    HeadLimits lim;
    const std::uint8_t cfg = data[0];
    if (cfg & 1) {
        lim.max_head_bytes = static_cast<std::size_t>(cfg >> 1) * 3;
        lim.max_headers = cfg % 7;
    }
    const std::string_view buf(reinterpret_cast<const char*>(data + 1), size - 1);

    fuzz_support::check_prefix_consistency(buf, [&](std::string_view prefix) { return summarize(run(prefix, lim)); });
    return 0;
}
