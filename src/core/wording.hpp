// How counts and durations are worded in messages and reports, in one place so
// that every command says "1 byte", "2 bytes" and "12.3 ms" alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rawhttp {

std::string plural(std::uint64_t n, std::string_view word);                         // "1 byte", "2 bytes"
std::string plural(std::uint64_t n, std::string_view one, std::string_view many);  // "1 body", "2 bodies"
std::string fmt_ms(double ms);                                                     // "12.3 ms"

}  // namespace rawhttp
