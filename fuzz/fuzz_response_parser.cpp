// libFuzzer target for parse_response_head (and response_framing on what it
// accepts). Checks, besides memory safety: views stay inside the head, values
// are trimmed and free of CR/LF/NUL, the limits hold, and the result is a
// function of the prefix read: incomplete up to some length, then the same
// answer for every longer prefix.
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
    ResponseHead head;
    ParseError err;
};

Result run(std::string_view buf, const HeadLimits& lim) {
    // exact-size heap copy: reads past the end are caught
    std::unique_ptr<char[]> copy(new char[buf.size() + 1]);
    std::memcpy(copy.get(), buf.data(), buf.size());
    const std::string_view exact(copy.get(), buf.size());
    Result r;
    r.status = parse_response_head(exact, r.head, r.err, lim);
    if (r.status == ParseStatus::complete) {
        const ResponseHead& h = r.head;
        FUZZ_CHECK(h.head_bytes <= exact.size());
        FUZZ_CHECK(h.head_bytes <= lim.max_head_bytes);
        FUZZ_CHECK(h.head_bytes >= 2 && exact[h.head_bytes - 1] == '\n');
        FUZZ_CHECK(h.headers.size() <= lim.max_headers);
        FUZZ_CHECK(h.version.size() == 8 && h.version.data() == exact.data());
        FUZZ_CHECK(h.status >= 0 && h.status <= 999);
        FUZZ_CHECK(inside(exact, h.reason, h.head_bytes));
        for (const HeaderField& f : h.headers) {
            FUZZ_CHECK(!f.name.empty());
            FUZZ_CHECK(inside(exact, f.name, h.head_bytes));
            FUZZ_CHECK(inside(exact, f.value, h.head_bytes));
            for (char c : f.name) FUZZ_CHECK(is_tchar(static_cast<unsigned char>(c)));
            for (char c : f.value) FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
            if (!f.value.empty()) {
                FUZZ_CHECK(f.value.front() != ' ' && f.value.front() != '\t');
                FUZZ_CHECK(f.value.back() != ' ' && f.value.back() != '\t');
            }
        }
        ParseError ferr;
        const auto framing = response_framing(h, (h.status & 1) ? "HEAD" : "GET", ferr);
        if (!framing) FUZZ_CHECK(!ferr.message.empty() && ferr.offset <= h.head_bytes);
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
    int status_code = 0;
    std::vector<std::size_t> spans;  // name/value lengths (positions equal by construction)
};

Summary summarize(const Result& r) {
    Summary s{r.status, {}, 0, 0, 0, {}};
    if (r.status == ParseStatus::error) {
        s.message = r.err.message;
        s.offset = r.err.offset;
    } else if (r.status == ParseStatus::complete) {
        s.head_bytes = r.head.head_bytes;
        s.status_code = r.head.status;
        s.spans.push_back(r.head.reason.size());
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
