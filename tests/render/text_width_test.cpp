#include <doctest/doctest.h>

#include "render/text_width.hpp"

using namespace rawhttp;

TEST_CASE("display_width: ANSI sequences and UTF-8 continuation bytes take no column") {
    CHECK(render::display_width("abc") == 3);
    CHECK(render::display_width("\x1b[2;36mab\x1b[0m") == 2);
    CHECK(render::display_width("\xc3\xa9t\xc3\xa9") == 3);
}

TEST_CASE("fit_to_width: long lines broken, continuations under the value column") {
    CHECK(render::fit_to_width("short\n", 40) == "short\n");
    // A header table line: continuations start under the value.
    CHECK(render::fit_to_width("     1  X-Long  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 30) ==
          "     1  X-Long  aaaaaaaaaaaaaa\n                aaaaaaaaaaaaaa\n                aa\n");
    // Prose breaks between words.
    CHECK(render::fit_to_width("  status      200  OK: the request succeeded", 32) ==
          "  status      200  OK: the \n                   request \n                   succeeded");
    // A raw line: under its bytes, after "  < ".
    CHECK(render::fit_to_width("  < Set-Cookie: aaaaaaaaaaaaaaaaaaaaaaaa", 24) ==
          "  < Set-Cookie: aaaaaaaa\n    aaaaaaaaaaaaaaaa");
    // Colours take no columns; UTF-8 characters take one.
    CHECK(render::fit_to_width("\x1b[2m\xc3\xa9\xc3\xa9\xc3\xa9\x1b[0m", 20) == "\x1b[2m\xc3\xa9\xc3\xa9\xc3\xa9\x1b[0m");
    std::string wrapped = render::fit_to_width("  < " + std::string(30, 'b') + "\x1b[2;36m\\r\x1b[0m", 20);
    for (std::size_t start = 0, nl; start < wrapped.size(); start = nl + 1) {
        nl = wrapped.find('\n', start);
        if (nl == std::string::npos) nl = wrapped.size();
        std::string line = wrapped.substr(start, nl - start);
        std::size_t cols = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] == '\x1b') {
                while (line[i] != 'm') ++i;
                continue;
            }
            ++cols;
        }
        CHECK(cols <= 20);
    }
}
