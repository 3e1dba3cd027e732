// send --proxy: the CONNECT that opens a tunnel through a forward proxy
// (RFC 9110 §9.3.6), written once so that `send` writes and `compose`
// prints the same bytes. The answer is read by the one message reader.
#pragma once

#include <string>
#include <string_view>

#include "client/session.hpp"
#include "core/error.hpp"
#include "net/transport.hpp"

namespace rawhttp::client {

// "host:port" of a destination, an IPv6 address in brackets.
std::string authority_of(const Destination& d);

// The CONNECT request for `authority`: "CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n".
std::string connect_request(std::string_view authority);

// Writes the CONNECT on `t` and reads the proxy's answer head. Returns that
// head's bytes when it is a 2xx (the tunnel is open). Errors: connect (the
// proxy refused, with its status), malformed (not HTTP), timeout, send, receive.
Result<std::string> open_tunnel(net::Transport& t, std::string_view authority, const net::Deadline& deadline);

}  // namespace rawhttp::client
