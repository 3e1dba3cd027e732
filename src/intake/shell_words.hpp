// Splitting a pasted shell command into words, as bash does for a curl
// command copied from a browser, a README or `compare`: blanks separate
// words; '...' keeps everything; "..." keeps everything but a backslash
// before $ ` " \ or a newline; $'...' understands \n \r \t \\ \' \" \xHH
// \0NNN \e \a \b \f \v; a backslash outside quotes keeps the next byte, and
// a backslash-newline (a line continuation) is removed. No expansion is done:
// a $VAR or a `command` is an error, not run, not guessed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace rawhttp::intake {

// Errors (usage): an unclosed quote, a $ expansion or ` substitution, a pipe,
// redirection or a second command (; & | < >) outside quotes.
Result<std::vector<std::string>> split_shell_words(std::string_view command);

}  // namespace rawhttp::intake
