// One side of a compared exchange with a complete response, for the tests of
// the response comparison and of its output.
#pragma once

#include <string>

#include "compare/response_comparison.hpp"

namespace rawhttp::compare_test {

using compare::SideSummary;

inline SideSummary side(std::string request, int status, client::Fields headers, std::uint64_t body_bytes,
                        std::string sha = "abc") {
    SideSummary s;
    s.request = std::move(request);
    client::Response r;
    r.version = "HTTP/1.1";
    r.status = status;
    r.reason = "OK";
    r.headers = std::move(headers);
    r.head_complete = true;
    r.complete = true;
    r.framing = http::Framing::content_length;
    r.body_bytes = body_bytes;
    s.response = r;
    s.body_sha256 = std::move(sha);
    return s;
}

}  // namespace rawhttp::compare_test
