// SHA-1 against FIPS 180-4's examples, and at the padding's block boundaries.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "core/base64.hpp"
#include "core/sha1.hpp"

namespace {

std::string hex(const std::array<unsigned char, 20>& d) {
    std::string out;
    char b[3];
    for (unsigned char c : d) {
        std::snprintf(b, sizeof b, "%02x", c);
        out += b;
    }
    return out;
}

}  // namespace

TEST_CASE("sha1: the standard's examples") {
    CHECK(hex(rawhttp::sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(hex(rawhttp::sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex(rawhttp::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");  // 56 bytes: the length needs a second block
    CHECK(hex(rawhttp::sha1(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("base64_encode") {
    CHECK(rawhttp::base64_encode("foob") == "Zm9vYg==");
    CHECK(rawhttp::base64_encode("fooba") == "Zm9vYmE=");
}

TEST_CASE("Sha1: fed in pieces of every size, the same digest as at once") {
    std::string data;
    for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 7 + 3);
    for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 127u, 128u, 300u}) {
        const std::string_view whole = std::string_view(data).substr(0, len);
        for (std::size_t piece : {1u, 3u, 63u, 64u, 100u}) {
            CAPTURE(len);
            CAPTURE(piece);
            rawhttp::Sha1 s;
            for (std::size_t at = 0; at < whole.size(); at += piece) s.update(whole.substr(at, piece));
            CHECK(s.hex() == hex(rawhttp::sha1(whole)));
        }
    }
    rawhttp::Sha1 s;
    s.update("ab");
    CHECK(s.hex() == hex(rawhttp::sha1("ab")));  // digest() leaves the state to go on
    s.update("c");
    CHECK(s.hex() == "a9993e364706816aba3e25717850c26c9cd0d89d");
}
