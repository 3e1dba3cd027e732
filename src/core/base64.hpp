// Base64 (RFC 4648, with padding): --json's bytes that are not UTF-8, and
// WebSocket's Sec-WebSocket-Accept, Hurl's base64,...; bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rawhttp {

std::string base64_encode(std::string_view bytes);

// Decodes base64 (padding optional, spaces and line breaks skipped); nullopt
// for any other byte.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace rawhttp
