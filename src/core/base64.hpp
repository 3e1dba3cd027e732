// Base64 (RFC 4648, with padding): --json's bytes that are not UTF-8, and
// WebSocket's Sec-WebSocket-Accept.
#pragma once

#include <string>
#include <string_view>

namespace rawhttp {

std::string base64_encode(std::string_view bytes);

}  // namespace rawhttp
