// Tests of the shell-word splitter for `import curl` (src/intake/shell_words).
#include "intake/shell_words.hpp"

#include <doctest/doctest.h>

using namespace rawhttp::intake;
using Words = std::vector<std::string>;

TEST_CASE("shell words: quotes, backslashes and line continuations as bash reads them") {
    auto w = split_shell_words("curl -H 'X: a b' \"q \\\"x\\\" \\$ \\\\ \\a\" a\\ b \\\n  --data-binary $'a\\r\\n\\x41\\t\\'\\\\' ''");
    REQUIRE(w);
    CHECK(*w == Words{"curl", "-H", "X: a b", "q \"x\" $ \\ \\a", "a b", "--data-binary", "a\r\nA\t'\\", ""});
    CHECK(*split_shell_words("a'b'\"c\"$'d'") == Words{"abc" "d"});
    CHECK(*split_shell_words("  ") == Words{});
    CHECK(*split_shell_words("a\\\r\nb") == Words{"ab"});  // a continuation pasted with CRLF
    CHECK(*split_shell_words("curl URL # a comment\n-v") == Words{"curl", "URL", "-v"});
    CHECK(*split_shell_words("a#b") == Words{"a#b"});
    CHECK(*split_shell_words("$'\\101\\0\\e'") == Words{std::string("A\0\x1b", 3)});
    CHECK(*split_shell_words("\"cost: $\"") == Words{"cost: $"});
}

TEST_CASE("shell words: what a shell would expand or run is refused, not guessed") {
    for (const char* bad : {"curl -H \"Authorization: $TOKEN\"", "curl $URL", "curl `x`", "curl x | jq",
                            "curl x > out", "curl x; rm y", "curl x && y", "curl 'open", "curl \"open",
                            "curl $'open", "curl x\\"}) {
        auto w = split_shell_words(bad);
        CHECK_MESSAGE(!w, bad);
        if (!w) CHECK(w.error().kind == rawhttp::ErrorKind::usage);
    }
    CHECK(split_shell_words("curl 'open").error().message.find("never closed") != std::string::npos);
    CHECK(split_shell_words("curl $X").error().message.find("does not run the shell") != std::string::npos);
}
