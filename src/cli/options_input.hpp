// The input options, declared here once: a .req FILE (or a URL with curl's
// flags, see options_curl), --var and --eol, and the --eol of the commands
// where a person types the lines (chat, listen --chat).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

namespace rawhttp::cli {

// --var name=value, repeatable; `of` says whose variables ("of the --req files"), or "".
CLI::Option* add_vars(Command& cmd, std::vector<std::string>& vars, std::string_view of = {});

// --eol of a .req: crlf, lf or keep, winning over the file's @eol.
CLI::Option* add_req_eol(Command& cmd, std::string& eol);

// --eol of typed lines: crlf (the default) or lf; `when` prefixes the help
// ("--chat"), or "".
CLI::Option* add_typed_eol(Command& cmd, std::string& eol, std::string_view when = {});

}  // namespace rawhttp::cli
