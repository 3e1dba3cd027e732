#include <doctest/doctest.h>

#include "compare/sha256.hpp"

using namespace rawhttp::compare;

TEST_CASE("SHA-256 of known inputs") {
    CHECK(Sha256::of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 h;
    h.update("ab");
    h.update("c");
    CHECK(h.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
