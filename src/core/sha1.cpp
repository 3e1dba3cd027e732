#include "core/sha1.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace rawhttp {

namespace {

std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

void block(std::uint32_t h[5], const unsigned char* p) {
    std::uint32_t w[80];
    for (int t = 0; t < 16; ++t)
        w[t] = (std::uint32_t(p[4 * t]) << 24) | (std::uint32_t(p[4 * t + 1]) << 16) | (std::uint32_t(p[4 * t + 2]) << 8) |
               std::uint32_t(p[4 * t + 3]);
    for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; ++t) {
        std::uint32_t f, k;
        if (t < 20) f = (b & c) | (~b & d), k = 0x5a827999;
        else if (t < 40) f = b ^ c ^ d, k = 0x6ed9eba1;
        else if (t < 60) f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
        else f = b ^ c ^ d, k = 0xca62c1d6;
        const std::uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

}  // namespace

void Sha1::update(std::string_view bytes) {
    total_ += bytes.size();
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    if (buffered_ > 0) {
        const std::size_t take = std::min(n, 64 - buffered_);
        std::copy(p, p + take, buf_ + buffered_);
        buffered_ += take;
        p += take;
        n -= take;
        if (buffered_ < 64) return;
        block(h_, buf_);
        buffered_ = 0;
    }
    for (; n >= 64; p += 64, n -= 64) block(h_, p);
    std::copy(p, p + n, buf_);
    buffered_ = n;
}

std::array<unsigned char, 20> Sha1::digest() const {
    // The tail, a 1 bit, zeros, and the length in bits (big-endian) in one or two blocks.
    std::uint32_t h[5] = {h_[0], h_[1], h_[2], h_[3], h_[4]};
    unsigned char tail[128] = {};
    std::copy(buf_, buf_ + buffered_, tail);
    tail[buffered_] = 0x80;
    const std::size_t len = buffered_ < 56 ? 64 : 128;
    const std::uint64_t bits = total_ * 8;
    for (int i = 0; i < 8; ++i) tail[len - 1 - i] = static_cast<unsigned char>((bits >> (8 * i)) & 0xff);
    for (std::size_t i = 0; i < len; i += 64) block(h, tail + i);
    std::array<unsigned char, 20> out{};
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<unsigned char>(h[i] >> (24 - 8 * j));
    return out;
}

std::string Sha1::hex() const {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : digest()) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::array<unsigned char, 20> sha1(std::string_view bytes) {
    Sha1 s;
    s.update(bytes);
    return s.digest();
}

}  // namespace rawhttp
