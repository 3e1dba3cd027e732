#include "core/wording.hpp"

#include <cstdio>

namespace rawhttp {

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string fmt_ms(double ms) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f ms", ms);
    return b;
}

}  // namespace rawhttp
