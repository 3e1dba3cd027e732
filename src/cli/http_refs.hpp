// send of a .http file whose requests refer to earlier named responses
// ({{login.response.body.$.token}}): keeps the named responses as they
// arrive, and composes each request that needs them again just before it is
// sent, filled. A reference that cannot be filled then stops the run.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace rawhttp::cli {

class HttpReferences : public client::SessionHooks {
public:
    // Null when the file is not read as .http or none of its requests refers
    // to a response. `inner` receives every step, as without references.
    static std::unique_ptr<HttpReferences> for_file(const LoadedReq& loaded, const ReqInputOptions& in,
                                                    client::SessionHooks& inner);

    // SessionOptions::before_request: recomposes request `index` into
    // requests[index] (and its destination) when it needs references filled.
    bool before_request(std::size_t index, const std::vector<client::ExchangeResult>& done,
                        std::vector<ComposedRequest>& requests, std::vector<client::Destination>& destinations,
                        const client::DestinationOverrides& overrides);

    // Why the run stopped before a request (empty: it did not).
    const std::string& error() const { return error_; }

    void on_connected(const client::ExchangeResult& ex, const net::ConnectionInfo& c) override { inner_.on_connected(ex, c); }
    void on_request_written(const client::ExchangeResult& ex) override { inner_.on_request_written(ex); }
    void on_raw(const client::ExchangeResult& ex, std::string_view raw) override { inner_.on_raw(ex, raw); }
    void on_socket_read(std::size_t c, std::string_view b) override { inner_.on_socket_read(c, b); }
    void on_socket_write(std::size_t c, std::string_view b) override { inner_.on_socket_write(c, b); }
    void on_event(std::size_t c, std::string_view what) override { inner_.on_event(c, what); }
    void on_head(const client::ExchangeResult& ex) override { inner_.on_head(ex); }
    void on_body(const client::ExchangeResult& ex, std::string_view decoded) override;
    void on_switched(const client::ExchangeResult& ex, std::string_view b) override { inner_.on_switched(ex, b); }
    void on_exchange_done(const client::ExchangeResult& ex) override { inner_.on_exchange_done(ex); }

    // The most of a named response's body kept for its references.
    static constexpr std::size_t kKeptBody = 4 * 1024 * 1024;

private:
    HttpReferences(const LoadedReq& loaded, const ReqInputOptions& in, client::SessionHooks& inner)
        : loaded_(loaded), in_(in), inner_(inner) {}

    const LoadedReq& loaded_;
    const ReqInputOptions& in_;
    client::SessionHooks& inner_;
    std::vector<HttpRequestInfo> info_;
    std::set<std::size_t> named_;                   // requests some reference names
    std::map<std::size_t, std::string> bodies_;     // their bodies, as they arrived
    std::set<std::size_t> cut_;                     // bodies past kKeptBody
    std::string error_;
};

}  // namespace rawhttp::cli
