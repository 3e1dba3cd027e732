// relay --report FILE.html: the page rewritten after each exchange and each
// closed connection (as --har is), so whatever stops the relay leaves a whole
// page. The relay sees messages, not each socket read: its diagram has an
// arrow per request and per response, at the times the relay measured.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "relay/relay.hpp"
#include "render/report_html.hpp"

namespace rawhttp::cli {

// How a relayed connection ended, with the options that help named: the
// limit that ended it (" (--idle-timeout)"), the TLS advice for the upstream.
std::string relay_end_words(const relay::ConnectionReport& c);

class RelayReport {
public:
    RelayReport(std::string path, std::string upstream) : path_(std::move(path)), upstream_(std::move(upstream)) {}
    // Writes the page as it stands (no connection yet); false with `error` set
    // when the file cannot be written.
    bool start(std::string& error);
    bool connected(const relay::ConnectionReport& c, std::string& error);
    bool exchange(const relay::Exchange& ex, std::string& error);
    bool closed(const relay::ConnectionReport& c, std::string& error);
    static constexpr std::size_t kMaxExchanges = 200;  // past it, counted in a note: the page stays readable

private:
    struct Conn {
        std::chrono::system_clock::time_point start;
        render::ReportDiagram diagram;
    };
    bool write(std::string& error);  // to a temporary file, renamed over the page
    Conn& conn(std::size_t number);

    std::string path_, upstream_;
    std::mutex m_;
    std::map<std::size_t, Conn> conns_;
    std::vector<render::ReportExchange> exchanges_;
    std::size_t left_out_ = 0;
    std::string started_;
};

// What the report shows of one relayed exchange (the request as the client
// sent it, the response as the upstream did, with the rule book's findings).
render::ReportExchange relay_report_exchange(const relay::Exchange& ex);

}  // namespace rawhttp::cli
