// Hurl files (https://hurl.dev): recognised, so that send says what to do with
// one, and turned into the equivalent .req: request lines, headers,
// [QueryStringParams], [FormParams] and bodies. What a .req cannot hold (the
// response sections: HTTP status lines, [Captures], [Asserts]; [Options]) is
// dropped and listed. Knows nothing of sockets or flags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace rawhttp {

// Whether a file is a Hurl file: named .hurl, or holding a response section
// ("HTTP 200", "HTTP/1.1 200", "HTTP *") or an [Asserts] / [Captures] section.
bool looks_like_hurl(std::string_view file_name, std::string_view text);

// For send, compose and lint of a Hurl file: the message that says to import
// it (nullopt: not a Hurl file).
std::optional<std::string> hurl_send_error(std::string_view file_name, std::string_view text);

struct HurlImport {
    std::string req;                   // the .req text
    std::vector<std::string> dropped;  // "line 5: [Asserts] (3 lines): a .req holds no checks", ...
    std::size_t requests = 0;
};

// Translates a Hurl file. Errors (kind template_) name the line.
Result<HurlImport> import_hurl(std::string_view text);

}  // namespace rawhttp
