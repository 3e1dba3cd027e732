// How much a .req may bring in. Every input the composer reads and every
// expansion it makes is bounded by one of these, so no file (not even
// /dev/zero or a variable that doubles itself twenty times) can make rawhttp
// allocate without bound. README.md ("Limits") lists them for users.
#pragma once

#include <cstddef>

namespace rawhttp {

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// A .req file, or standard input given as "-".
inline constexpr std::size_t kMaxReqFileBytes = 16 * kMiB;
// Each {{file:PATH}}.
inline constexpr std::size_t kMaxIncludedFileBytes = 64 * kMiB;
// The expanded value of one @name = value definition.
inline constexpr std::size_t kMaxVariableBytes = 16 * kMiB;
// Everything one .req composes: all its requests and definition values together.
inline constexpr std::size_t kMaxComposedBytes = 256 * kMiB;
// How deeply definitions may be built from definitions (@a1 = {{a0}} is 1 level).
inline constexpr std::size_t kMaxVariableDepth = 32;
// Requests in one .req (### separated): each costs a few hundred bytes of
// bookkeeping beyond its bytes, so a file of tiny requests is bounded too.
inline constexpr std::size_t kMaxRequests = 100000;

// The limits in effect; tests lower them to exercise them cheaply.
struct ComposeLimits {
    std::size_t req_file_bytes = kMaxReqFileBytes;
    std::size_t included_file_bytes = kMaxIncludedFileBytes;
    std::size_t variable_bytes = kMaxVariableBytes;
    std::size_t composed_bytes = kMaxComposedBytes;
    std::size_t variable_depth = kMaxVariableDepth;
    std::size_t requests = kMaxRequests;
};

}  // namespace rawhttp
