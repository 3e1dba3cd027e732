// SHA-1 (FIPS 180-4), only for WebSocket's handshake check (RFC 6455 §4.2.2),
// where it is a checksum, not security: small enough to keep plain HTTP free
// of loading OpenSSL.
#pragma once

#include <array>
#include <string_view>

namespace rawhttp {

std::array<unsigned char, 20> sha1(std::string_view bytes);

}  // namespace rawhttp
