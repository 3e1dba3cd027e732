// A URL given where a .req file goes (`rawhttp send http://host/path`),
// parsed as curl 7.88 reads it for the request it sends: the scheme picks TLS
// and the default port, the userinfo becomes Basic credentials, the fragment
// is dropped, dot segments are removed from the path and bytes past ASCII in
// the path are percent-encoded (the query is kept as written, as curl does).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace rawhttp::intake {

struct Url {
    bool tls = false;                   // https
    std::string host;                   // as written; an IPv6 literal keeps its brackets
    int port = 80;                      // the given port, else the scheme's
    bool port_given = false;
    std::string target;                 // path (and "?query") for the request line
    std::optional<std::string> user;    // userinfo, percent-decoded
    std::optional<std::string> password;
    // The Host header's value: host, plus ":port" unless it is the scheme's default.
    std::string host_header() const;
    // host:port for @target (always with the port).
    std::string authority() const;
};

// True when `text` starts with a scheme and "://" (so it is meant as a URL, not a path).
bool looks_like_url(std::string_view text);

// Errors (usage): an unknown scheme, no host, a bad port, a space or a control byte.
// `path_as_is`: keep "." and ".." segments.
Result<Url> parse_url(std::string_view text, bool path_as_is = false);

// RFC 3986 §5.2.4: "/a/./b/../c" -> "/a/c".
std::string remove_dot_segments(std::string_view path);

}  // namespace rawhttp::intake
