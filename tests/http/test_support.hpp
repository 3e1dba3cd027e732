// Helpers shared by the parser tests.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace http_test {

// A heap copy of exactly `s.size()` bytes (no terminating NUL), so that the
// sanitizers catch any read past the end of what was "received".
struct Exact {
    explicit Exact(std::string_view s) : bytes(new char[s.size() ? s.size() : 1]), size(s.size()) {
        if (!s.empty()) std::memcpy(bytes.get(), s.data(), s.size());
    }
    std::string_view view() const { return {bytes.get(), size}; }
    std::unique_ptr<char[]> bytes;
    std::size_t size;
};

inline bool has(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

}  // namespace http_test
