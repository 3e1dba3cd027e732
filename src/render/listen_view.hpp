// The text `rawhttp listen` shows for each step of a client: connected, its
// bytes as they arrive (capped on screen), the request read and its findings,
// the response sent, the close. Returns strings; the command writes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "capture/client_report.hpp"
#include "core/error.hpp"
#include "net/transport.hpp"
#include "render/escape.hpp"
#include "render/stream_view.hpp"

namespace rawhttp::render {

// What the command line words: the library names no flag.
struct ListenWording {
    std::string respond_label;  // "--respond ok": how the response was chosen
    std::string hidden_hint;    // "--save FILE keeps them all": where the bytes not shown go
    std::string idle_hint;      // "(--idle-timeout)": after "the client went quiet "
    std::function<std::string(Limit)> timeout_hint;           // the option behind a limit, or ""
    std::function<std::string(const Error&)> worded_error;  // an error, worded for the user
};

// The view of one client, fed its steps in order.
class ListenView {
public:
    static constexpr std::size_t kShowCap = 64 * 1024;  // bytes of one client's stream shown

    ListenView(Style style, bool hex, ListenWording wording);

    std::string connected(const net::ConnectionInfo& info) const;
    // Bytes as they arrive; `after_request`: they come after the first request.
    std::string bytes(std::string_view bytes, bool after_request);
    // The first request, complete or ended otherwise, with its findings.
    std::string request(const capture::ClientReport& report);
    std::string response(std::string_view bytes);
    std::string closed(const capture::ClientReport& report);

private:
    std::string describe_end(const capture::ClientReport& report) const;
    std::string flush_hidden();
    std::string timeout_hint(Limit limit) const;

    Style s_;
    bool hex_;
    ListenWording wording_;
    StreamView view_;
    bool heading_ = false, after_heading_ = false;
    std::size_t shown_ = 0;
    std::uint64_t hidden_ = 0;
};

}  // namespace rawhttp::render
