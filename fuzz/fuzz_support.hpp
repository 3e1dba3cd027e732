// What the fuzz targets share: a check that aborts with its location, and
// pseudo-random splits of an input seeded from its bytes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(cond)                                                               \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            __builtin_printf("check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                              \
        }                                                                              \
    } while (0)

namespace fuzz_support {

// Cut points for `size` bytes: round 0 one byte at a time, then pieces of
// up to 3, 17 and 300 bytes, seeded from the input so a crash replays.
inline std::vector<std::size_t> cuts_for(std::string_view in, int round) {
    std::vector<std::size_t> cuts;
    if (round == 0) {
        for (std::size_t i = 1; i < in.size(); ++i) cuts.push_back(i);
        return cuts;
    }
    std::uint64_t seed = 1469598103934665603ull + static_cast<std::uint64_t>(round);
    for (unsigned char b : in) seed = (seed ^ b) * 1099511628211ull;
    const std::size_t most = round == 1 ? 3 : round == 2 ? 17 : 300;
    std::size_t pos = 0;
    for (;;) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        pos += 1 + (seed >> 33) % most;
        if (pos >= in.size()) break;
        cuts.push_back(pos);
    }
    return cuts;
}

}  // namespace fuzz_support
