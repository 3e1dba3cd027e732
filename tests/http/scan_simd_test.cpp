// The head parser's scanners (http/scan_simd.hpp): the scalar, SSE2 and
// AVX2 versions give the same answer on the same bytes: every byte value at
// every position of buffers that end on and between block boundaries (each
// buffer its own allocation, so reading past its end is caught under ASan),
// and the version chosen at run time is one of them.
#include "http/scan_simd.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

using namespace rawhttp::http::detail;

namespace {

struct Versions {
    const char* name;
    ScanFn scalar, sse2, avx2;
    std::atomic<ScanFn>* best;
};

const Versions kAll[] = {
    {"scan_field_value", scan_field_value_scalar, scan_field_value_sse2, scan_field_value_avx2,
     &scan_field_value_best},
    {"find_empty_line", find_empty_line_scalar, find_empty_line_sse2, nullptr, nullptr},
};

// Whether every version answers as the scalar one on `bytes`, copied into a
// buffer of exactly its size; the first disagreement is kept for the report.
std::string first_disagreement;
std::size_t compared = 0;

void check_same(const Versions& v, const std::string& bytes) {
    const auto buf = std::make_unique<char[]>(bytes.size() + 1);  // +1: a valid pointer for size 0
    bytes.copy(buf.get(), bytes.size());
    const char* b = buf.get();
    const char* e = b + bytes.size();
    const auto want = v.scalar(b, e) - b;
    const bool same = v.sse2(b, e) - b == want && (!v.avx2 || !avx2_supported() || v.avx2(b, e) - b == want) &&
                      (!v.best || v.best->load()(b, e) - b == want);
    ++compared;
    if (!same && first_disagreement.empty()) {
        first_disagreement = std::string(v.name) + " on " + std::to_string(bytes.size()) + " bytes:";
        for (unsigned char c : bytes) first_disagreement += " " + std::to_string(c);
    }
}

}  // namespace

TEST_CASE("scan_simd: every byte value at every position, all lengths to past two AVX2 blocks") {
    for (const Versions& v : kAll)
        for (std::size_t len = 0; len <= 70; ++len)
            for (std::size_t at = 0; at < len; ++at)
                for (int c = 0; c < 256; ++c) {
                    std::string s(len, 'a');
                    s[at] = static_cast<char>(c);
                    check_same(v, s);
                    if (at + 1 < len) {  // the two-byte patterns the empty-line search looks for
                        s[at + 1] = '\n';
                        check_same(v, s);
                        s[at + 1] = '\r';
                        if (at + 2 < len) s[at + 2] = '\n';
                        check_same(v, s);
                    }
                }
    INFO(first_disagreement);
    CHECK(first_disagreement.empty());
    CHECK(compared > 1000000);
}

TEST_CASE("scan_simd: the answers are the right ones, not only the same ones") {
    const std::string head = "Host: a\r\nX: \x01\r\n\r\n";
    const char* b = head.data();
    const char* e = b + head.size();
    CHECK(scan_field_value_scalar(b, e) - b == 7);           // the CR
    CHECK(scan_field_value_scalar(b + 12, e) - b == 12);     // the 0x01
    CHECK(find_empty_line_scalar(b, e) - b == 14);           // the LF before CR LF
    CHECK(find_empty_line_scalar(b, b + 16) - b == 16);      // cut before the last LF: none
    const std::string tab = "a\tb\x7f";
    CHECK(scan_field_value_scalar(tab.data(), tab.data() + 4) - tab.data() == 3);  // HTAB passes, DEL stops
}

TEST_CASE("scan_simd: the version in use is named") {
    const std::string level = scan_level();
    CHECK((level == "avx2" || level == "sse2" || level == "scalar"));
}
