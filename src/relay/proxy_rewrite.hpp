// What a forward proxy changes in a request head before passing it on
// (RFC 9110 §7.6, RFC 9112 §3.2), and the line-by-line difference: the
// lesson of `relay --as-proxy`. Pure functions on bytes: no sockets, no flags.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace rawhttp::relay {

// Where a proxied request goes.
struct ProxyTarget {
    std::string host;       // without brackets
    int port = 80;
    std::string authority;  // "host:port" as written in the target (the Host field's value)
    std::string origin;     // the origin-form target sent on: "/path?query" ("/" when empty)
    bool connect = false;   // CONNECT host:port: a tunnel
};

// The destination named by a request a proxy received: an absolute-form
// "http://authority/path" target, or CONNECT's authority-form "host:port".
// Errors (usage): an origin-form target, another scheme, a bad authority; the
// message says what a proxy expects.
Result<ProxyTarget> proxy_target(std::string_view method, std::string_view target);

// The head as a forward proxy sends it on: the request line with the
// origin-form target; Host replaced by the target's authority (RFC 9112
// §3.2.2: a proxy MUST ignore a received Host and use the target's); the
// Connection field, every field it names, and Proxy-Connection, Keep-Alive
// and TE removed (RFC 9110 §7.6.1); Via appended when `via` is not empty
// (RFC 9110 §7.6.3). Transfer-Encoding stays: the body is passed on as
// received, framing included. Other lines keep their bytes and line ends.
std::string rewrite_head(std::string_view raw_head, const http::MessageHead& head, const ProxyTarget& target,
                         std::string_view via);

// The Via field's value for a request of this version: "1.1 rawhttp".
std::string via_value(std::string_view version);

// One line of a head diff: ' ' kept, '-' only in what came in, '+' only in what went out.
struct DiffLine {
    char mark = ' ';
    std::string line;  // with its line end
};
// The difference between two heads, line by line (longest common subsequence).
std::vector<DiffLine> head_diff(std::string_view in, std::string_view out);

}  // namespace rawhttp::relay
