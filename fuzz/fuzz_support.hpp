// What the parser fuzz targets share: a check that aborts with its location,
// character classes, and the prefix-consistency property of a stateless head
// parser (incomplete up to some length, then one answer for every longer prefix).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "http/message.hpp"

#define FUZZ_CHECK(cond)                                                               \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            __builtin_printf("check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                              \
        }                                                                              \
    } while (0)

namespace fuzz_support {

inline bool is_tchar(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

// Whether `part` lies inside the first `limit` bytes of `outer`.
inline bool inside(std::string_view outer, std::string_view part, std::size_t limit) {
    if (part.empty()) return true;
    return part.data() >= outer.data() && part.data() + part.size() <= outer.data() + limit;
}

// `summarize(prefix)` parses a prefix and returns a comparable summary with
// `.status` (ParseStatus) and `.head_bytes`. Checks that the answer is
// incomplete for short prefixes, then the same for every longer one.
template <class Summarize>
void check_prefix_consistency(std::string_view buf, Summarize summarize) {
    using rawhttp::http::ParseStatus;
    const auto full = summarize(buf);
    std::vector<std::size_t> ks;
    if (buf.size() <= 300) {
        for (std::size_t k = 0; k <= buf.size(); ++k) ks.push_back(k);
    } else {
        for (std::size_t i = 0; i <= 64; ++i) ks.push_back(buf.size() * i / 64);
        if (full.status == ParseStatus::complete) {
            ks.push_back(full.head_bytes - 1);
            ks.push_back(full.head_bytes);
        }
        std::sort(ks.begin(), ks.end());
    }
    bool decided = false;
    decltype(summarize(buf)) first{};
    for (std::size_t k : ks) {
        const auto s = summarize(buf.substr(0, k));
        if (s.status == ParseStatus::incomplete) {
            FUZZ_CHECK(!decided);
            continue;
        }
        if (!decided) {
            decided = true;
            first = s;
        }
        FUZZ_CHECK(s == first);
    }
    if (decided) FUZZ_CHECK(first == full);
    if (full.status == ParseStatus::complete) {
        FUZZ_CHECK(summarize(buf.substr(0, full.head_bytes)).status == ParseStatus::complete);
        FUZZ_CHECK(summarize(buf.substr(0, full.head_bytes - 1)).status == ParseStatus::incomplete);
    }
}

}  // namespace fuzz_support
