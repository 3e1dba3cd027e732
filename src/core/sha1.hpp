// SHA-1 (FIPS 180-4), for WebSocket's handshake check (RFC 6455 §4.2.2) and
// the body hashes of send's fan-out grid, where it is a checksum, not
// security: small enough to keep plain HTTP free of loading OpenSSL.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rawhttp {

std::array<unsigned char, 20> sha1(std::string_view bytes);

// The same, fed in pieces (a body as it streams, in bounded memory).
class Sha1 {
public:
    void update(std::string_view bytes);
    std::array<unsigned char, 20> digest() const;  // of everything so far; update may go on
    std::string hex() const;                        // the digest as 40 lowercase hex digits

private:
    std::uint32_t h_[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    unsigned char buf_[64] = {};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace rawhttp
