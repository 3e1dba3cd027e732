// The output and view options, each declared here once: --json, --hex,
// --trace, -v/--verbose, -q/--quiet, --report and -o/--output. A command adds
// the ones it has and says, in its own file, what they show for it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

namespace rawhttp::cli {

// --json: print one JSON document instead of text; `document` says which.
CLI::Option* add_json(Command& cmd, bool& json, std::string_view document);

// --json for the commands that take a URL: alone, JSON output; --json DATA
// with a URL, curl's JSON body. Each occurrence's value (or "") goes to
// `values`, sorted out by ReqInputOptions::resolve.
CLI::Option* add_json_or_body(Command& cmd, std::vector<std::string>& values, std::string_view document);

// --hex: show `what` ("the bytes", "what arrives") as a hexdump.
CLI::Option* add_hex(Command& cmd, bool& hex, std::string_view what);

// --trace: every socket read and write on stderr; `events` names what else
// the command traces (", and the TCP/TLS events (...)"), or "".
CLI::Option* add_trace(Command& cmd, bool& trace, std::string_view events = {});

// -v/--verbose: `shows` is what it adds for this command.
CLI::Option* add_verbose(Command& cmd, bool& verbose, std::string_view shows);

// -q/--quiet: `leaves_out` is what it leaves out for this command.
CLI::Option* add_quiet(Command& cmd, bool& quiet, std::string_view leaves_out);

// --report FILE.html: one self-contained page; `holds` says what is on it.
// `rewritten`: the page is written again after each exchange (the servers).
CLI::Option* add_report(Command& cmd, std::string& file, std::string_view holds, bool rewritten = false);

// -o/--output FILE: `writes` says what goes to FILE.
CLI::Option* add_output_file(Command& cmd, std::string& file, std::string_view writes);

}  // namespace rawhttp::cli
