#include "client/proxy_tunnel.hpp"

#include "http/message_reader.hpp"

namespace rawhttp::client {

std::string authority_of(const Destination& d) {
    const bool v6 = d.host.find(':') != std::string::npos;
    return (v6 ? "[" + d.host + "]" : d.host) + ":" + std::to_string(d.port);
}

std::string connect_request(std::string_view authority) {
    std::string a(authority);
    return "CONNECT " + a + " HTTP/1.1\r\nHost: " + a + "\r\n\r\n";
}

Result<std::string> open_tunnel(net::Transport& t, std::string_view authority, const net::Deadline& deadline) {
    if (auto w = t.write_all(connect_request(authority), deadline); !w) return w.error();
    http::ReaderOptions ro;
    ro.kind = http::MessageKind::response;
    http::MessageReader reader(ro);
    reader.set_request_method("CONNECT");
    // One byte at a time: what follows the answer's head is the tunnel's
    // (the TLS handshake), and must be left in the socket for TLS to read.
    char c = 0;
    while (!reader.head_complete()) {
        auto got = t.read(&c, 1, deadline);
        if (!got) return got.error();
        if (*got == 0) {
            return make_error(reader.started() ? ErrorKind::partial : ErrorKind::empty_reply,
                              "the proxy closed the connection before answering the CONNECT");
        }
        reader.put(std::string_view(&c, 1));
        if (reader.failed())
            return make_error(ErrorKind::malformed, "the proxy's answer to CONNECT is not HTTP (" +
                                                        std::string(reader.error() ? reader.error()->detail : "") + ")");
    }
    const int status = reader.head().status;
    std::string head(reader.raw_head());
    if (status < 200 || status > 299)
        return make_error(ErrorKind::connect, "the proxy refused CONNECT " + std::string(authority) + ": " +
                                                  std::to_string(status) + " " + std::string(reader.head().reason));
    return head;
}

}  // namespace rawhttp::client
