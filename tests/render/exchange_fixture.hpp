// An exchange as the session leaves it, for the render tests: connected, the
// request written, the response's raw bytes read by the real response reader
// (client/response_reader.hpp), fixed times, so that whole outputs can be
// compared.
#pragma once

#include <string>
#include <string_view>

#include "client/response_reader.hpp"
#include "render/terminal_report.hpp"

namespace rawhttp::render_test {

inline ComposedRequest request(std::string bytes) {
    ComposedRequest r;
    r.bytes = std::move(bytes);
    r.head_bytes = r.bytes.find("\r\n\r\n") + 4;
    r.method = r.bytes.substr(0, r.bytes.find(' '));
    r.line = 1;
    return r;
}

// An exchange of `req` on a new connection to 127.0.0.1:8080, nothing sent yet.
inline client::ExchangeResult connected(const ComposedRequest& req) {
    client::ExchangeResult ex;
    ex.request = &req;
    ex.destination.host = "127.0.0.1";
    ex.destination.port = 8080;
    net::ConnectionInfo c;
    c.remote = "127.0.0.1:8080";
    c.local = "127.0.0.1:50000";
    c.family = "ipv4";
    c.resolved = {"127.0.0.1:8080"};
    ex.connection = c;
    ex.connection_number = 1;
    return ex;
}

// An exchange as the session leaves it: connected, the request written, the
// response's bytes read by the real reader, fixed times.
struct Exchange {
    ComposedRequest req;
    client::ExchangeResult ex;
    render::ExchangeCapture capture;

    Exchange(std::string request_bytes, std::string_view response_bytes, bool closed) : req(request(std::move(request_bytes))) {
        ex = connected(req);
        ex.bytes_written = req.bytes.size();
        ex.timing.dns_ms = 0.1;
        ex.timing.connect_ms = 0.2;
        ex.timing.written_ms = 0.3;
        ex.timing.first_byte_ms = 1.5;
        ex.timing.total_ms = 2.0;
        if (response_bytes.empty()) return;
        client::SessionHooks hooks;
        client::ResponseReader reader(ex, req.method, http::response_limits(), 100, hooks);
        std::size_t used = reader.feed(response_bytes);
        capture.add_raw(response_bytes.substr(0, used));
        if (closed && !reader.done())
            if (auto err = reader.finish()) ex.error = *err;
    }
};

}  // namespace rawhttp::render_test
