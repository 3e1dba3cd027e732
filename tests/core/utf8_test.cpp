// core/utf8: what "valid UTF-8" means for the JSON output, the terminal and the .req writer.
#include "core/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace rawhttp;

TEST_CASE("UTF-8 is judged the same wherever a bad byte falls in the 8-byte scan") {
    for (std::size_t len = 1; len < 24; ++len)
        for (std::size_t at = 0; at < len; ++at) {
            std::string s(len, 'a');
            s[at] = '\xff';
            CHECK_FALSE(utf8::is_valid(s));
            s[at] = 'b';
            CHECK(utf8::is_valid(s));
            if (at + 2 <= len) {
                s.replace(at, 2, "\xc3\xa9");
                CHECK(utf8::is_valid(s));
                s[at + 1] = 'z';  // a lead byte without its continuation
                CHECK_FALSE(utf8::is_valid(s));
            }
        }
}
