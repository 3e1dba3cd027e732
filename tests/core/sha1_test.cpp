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
