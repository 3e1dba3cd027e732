// Curl mode, declared here once: curl's flags that make a request of a URL
// (-X -H -d --data-binary --data-raw -A -e -u -b, --save-req; --json is in
// options_output), and --curl-headers / --curl-default, which choose the
// headers curl adds.
#pragma once

#include <string_view>

#include "cli/command.hpp"

namespace rawhttp::cli {

struct ReqInputOptions;

// The curl flags of a command that takes a URL, into `in`'s values.
void add_curl_flags(Command& cmd, ReqInputOptions& in);

// --curl-headers: keep curl's own User-Agent and Accept: */* `when` ("with a
// URL"; import: "from the curl command").
CLI::Option* add_curl_headers(Command& cmd, bool& keep, std::string_view when = "with a URL");

// --curl-default and --curl-headers (which exclude each other) of the
// commands that send through libcurl; `side` says when they apply ("with
// --via curl", "curl side").
void add_curl_header_choice(Command& cmd, bool& curl_default, bool& curl_headers, std::string_view side);

}  // namespace rawhttp::cli
