// A curl command line that sends exactly the bytes of a composed request,
// for `compose --curl-command` and `compare` to print, or the reason there is
// none. Checked by pasting the command into curl 7.88 against
// `listen --save` (tests/integration/test_curl_flags.py).
//
// How: every header of the file goes as -H in its order ("Name;" for an
// empty value); the headers curl adds on its own and the file lacks are
// removed with -H 'Name:' (User-Agent, Accept, and with a body Content-Type,
// Content-Length, Expect); the body goes inline as --data-binary $'...' when
// short and printable, else from a file the caller writes; a target curl
// would rewrite goes as --request-target (dot segments: --path-as-is);
// HTTP/1.0 is -0, TLS gets --http1.1 (curl would offer HTTP/2).
//
// curl cannot send: a bare LF in the head or a line without "Name:" (it
// writes CRLF lines of its own making), a Host field that is not the first or
// not spelt "Host" (curl puts its Host first), a value of only blanks (curl
// reads "Name: " as a removal), a NUL in the head, a request line that is not
// METHOD SP TARGET SP HTTP/1.x, a chunked body (curl chunks itself). A body
// streamed from a file too large to hold is named as --data-binary @FILE when
// it is the whole body (else: none).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compose/compose.hpp"

namespace rawhttp::compare {

struct CurlCommandTarget {
    std::string host;                       // where to connect (the destination)
    int port = 80;
    bool tls = false;
    std::optional<std::string> unix_socket;
};

struct CurlCommand {
    std::string command;    // empty: curl cannot send these bytes; see why_not
    std::string why_not;
    // Set when the body goes from a file: the caller writes `body` to
    // `body_file` (the path the command names) before the command is used.
    bool body_in_file = false;
    std::string body;
    std::string body_file;
};

// Bodies up to this size that are printable ASCII (and CR, LF, TAB) go inline.
inline constexpr std::size_t kInlineBodyMax = 512;

// `body_file`: the path to name in --data-binary @PATH when the body goes in a file.
CurlCommand curl_command_for(const ComposedRequest& request, const CurlCommandTarget& target,
                             const std::string& body_file);

// A word for a POSIX shell: as it is when plain, '...' when printable, $'...' otherwise.
std::string shell_word(std::string_view s);

}  // namespace rawhttp::compare
