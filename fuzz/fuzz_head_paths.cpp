// libFuzzer target for parse_head's one-pass reading of a clean head, in both
// its builds (and the SIMD scanners under it): on any bytes, parse_head and
// read_clean_head give exactly what the general reading
// (detail::parse_head_general) gives, the same head and the same rules at
// the same offsets with the same text; and the scalar, SSE2 and AVX2
// scanners answer alike at every start position.
#include "fuzz_support.hpp"
#include "http/head_detail.hpp"
#include "http/message.hpp"
#include "http/scan_simd.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

using namespace rawhttp::http;

namespace {

// The tags by plain case-blind comparison, to hold known_field's word
// compares to.
KnownField reference_tag(std::string_view name) {
    for (const KnownField k : kKnownFields)
        if (iequals(name, known_field_name(k))) return k;
    return KnownField::other;
}

bool same_head(const MessageHead& a, const MessageHead& b) {
    if (a.method != b.method || a.target != b.target || a.version != b.version || a.status != b.status ||
        a.reason != b.reason || a.major != b.major || a.minor != b.minor || a.terminated != b.terminated ||
        a.line_offset != b.line_offset || a.line_end != b.line_end || a.empty_line != b.empty_line ||
        a.head_bytes != b.head_bytes || a.headers.size() != b.headers.size() || a.folded != b.folded ||
        a.known_fields != b.known_fields)
        return false;
    std::uint32_t seen = 0;
    for (std::size_t i = 0; i < a.headers.size(); ++i) {
        const HeaderField &x = a.headers[i], &y = b.headers[i];
        if (x.name != y.name || x.value != y.value || x.name_offset != y.name_offset ||
            x.value_offset != y.value_offset || x.known != y.known)
            return false;
        if (x.known != reference_tag(x.name)) __builtin_trap();  // a tag that is not its name's
        seen |= 1u << static_cast<unsigned>(x.known);
    }
    if (seen != a.known_fields) __builtin_trap();  // the head's set is its fields' tags
    return true;
}

bool same_findings(const Violations& a, const Violations& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].rule != b[i].rule || a[i].offset != b[i].offset || a[i].detail != b[i].detail ||
            a[i].servers != b[i].servers)
            return false;
    return true;
}

void same_scans(std::string_view in) {
    using namespace rawhttp::http::detail;
    const char* b = in.data();
    const char* e = b + in.size();
    const bool avx2 = avx2_supported();
    for (const char* p = b; p <= e; ++p) {
        const ScanFn versions[2][3] = {
            {scan_field_value_scalar, scan_field_value_sse2, avx2 ? scan_field_value_avx2 : scan_field_value_sse2},
            {find_empty_line_scalar, find_empty_line_sse2, find_empty_line_sse2},
        };
        for (const auto& v : versions) {
            const char* want = v[0](p, e);
            FUZZ_CHECK(want >= p && want <= e);
            FUZZ_CHECK(v[1](p, e) == want);
            FUZZ_CHECK(v[2](p, e) == want);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned sel = data[0];
    // A heap copy of exactly the bytes: ASan sees any read past them.
    std::unique_ptr<char[]> copy(new char[size]);
    std::memcpy(copy.get(), data + 1, size - 1);
    const std::string_view in(copy.get(), size - 1);
    const MessageKind kind = (sel & 1) ? MessageKind::response : MessageKind::request;
    Limits limits = kind == MessageKind::request ? Limits{} : response_limits();
    if (sel & 2) {  // tight limits, so that each one is reached
        limits.max_request_line = 64;
        limits.max_field_line = 48;
        limits.max_fields = 4;
        limits.max_head = 256;
        limits.large_head = 160;
    }
    MessageHead a, b;
    Violations va, vb;
    parse_head(in, kind, limits, a, va);
    detail::parse_head_general(in, kind, limits, b, vb);
    FUZZ_CHECK(same_head(a, b));
    FUZZ_CHECK(same_findings(va, vb));
    // find_head_end agrees with where the general reading ended the head.
    const auto end = find_head_end(in, kind);
    if (end && *end <= limits.max_head) FUZZ_CHECK(b.terminated && b.head_bytes == *end);
    // read_clean_head, which readers try before any find_head_end: when it
    // takes a head, that is the general reading's head, with no finding, ending
    // where find_head_end says.
    MessageHead c;
    if (read_clean_head(in, kind, limits, c)) {
        FUZZ_CHECK(same_head(c, b));
        FUZZ_CHECK(vb.empty());
        FUZZ_CHECK(end && *end == c.head_bytes);
    }
    // Its two builds (for any x86-64, and for AVX2 with the scans inlined)
    // take the same heads, each as the general reading reads it.
    MessageHead p, x;
    const bool took = detail::read_clean_head_as(detail::CleanReading::portable, in, kind, limits, p);
    FUZZ_CHECK(took == detail::read_clean_head_as(detail::CleanReading::avx2, in, kind, limits, x));
    if (took) FUZZ_CHECK(same_head(p, b) && same_head(x, b) && vb.empty());
    same_scans(in);
    return 0;
}
