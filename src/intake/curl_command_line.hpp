// Reading a curl command line (`curl -X POST -H ... URL`, as words) into
// CurlArgs: the format of curl's own options, for `rawhttp import curl`.
//
// The options that shape the request are understood: -X/--request,
// -H/--header, -d/--data/--data-ascii, --data-binary, --data-raw,
// --data-urlencode, --json, -G/--get, -A/--user-agent, -e/--referer,
// -u/--user, -b/--cookie, -I/--head, -0/--http1.0, --http1.1, --compressed,
// --path-as-is, --request-target, --url. Options that change only what curl
// does with the answer or how patient it is (-s, -S, -v, -i, -L, -k, -o,
// -O, -f, -w, -m, --connect-timeout, --retry...) are dropped with a note.
// Any other option is an error naming it: silently dropping an option that
// changes the bytes (-F, --proxy, --resolve...) would give a wrong request.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "intake/curl_args.hpp"

namespace rawhttp::intake {

struct CurlCommandLine {
    CurlArgs args;
    std::vector<std::string> notes;  // the options that were dropped, and why that is harmless
};

// `words` as split_shell_words gives them; the first may be "curl".
// Errors (usage): an unknown option, a missing value, no URL or two URLs.
Result<CurlCommandLine> parse_curl_command_line(const std::vector<std::string>& words);

// curl --data-urlencode's encoding: unreserved bytes kept, space as '+', others %XX.
std::string form_urlencode(std::string_view value);

}  // namespace rawhttp::intake
