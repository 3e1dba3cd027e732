// Collecting spans from a callback parser (llhttp, http_parser): a field or
// value may come in pieces when the input is split (never in the benchmark,
// but handled as a real user must).
#pragma once

#include <cstddef>
#include <string_view>

#include "peers.hpp"

namespace bench_peers {

struct CallbackSpans {
    Parsed out;
    bool last_was_value = true;

    static void extend(std::string_view& s, const char* at, std::size_t len) {
        s = s.data() ? std::string_view(s.data(), s.size() + len) : std::string_view(at, len);
    }
    void field(const char* at, std::size_t len) {
        if (last_was_value) {
            out.headers.emplace_back();
            last_was_value = false;
        }
        extend(out.headers.back().first, at, len);
    }
    void value(const char* at, std::size_t len) {
        extend(out.headers.back().second, at, len);
        last_was_value = true;
    }
    void reset() {
        out.clear();
        last_was_value = true;
    }
};

}  // namespace bench_peers
