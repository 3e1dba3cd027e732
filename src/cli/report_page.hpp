// --report FILE.html for send, compare and relay: the file (checked before
// anything is sent, written after the run) and the pages' sides made from
// the commands' results. The page itself is render/report_html.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"
#include "compare/response_comparison.hpp"
#include "render/conversation.hpp"
#include "render/report_html.hpp"

namespace rawhttp::cli {

class ReportFile {
public:
    ReportFile() = default;
    ReportFile(const ReportFile&) = delete;
    ReportFile& operator=(const ReportFile&) = delete;
    ~ReportFile();
    // Creates the file now, so a path that cannot be written is a usage
    // error before any byte goes out; prints "COMMAND: cannot write ..." and
    // returns false then.
    bool open(const std::string& path, std::string_view command);
    bool is_open() const { return fd_ >= 0; }
    // Writes the page and closes; prints the error and returns false on failure.
    bool write(const render::ReportPage& page);

private:
    int fd_ = -1;
    std::string path_, command_;
};

// "written by rawhttp VERSION on DATE UTC; HOW".
std::string report_subtitle(std::string_view how);

// One side of the page from a session's results and what its recorder saw:
// the diagrams of its connections and each exchange line by line, with
// lint's findings on each request as sent.
render::ReportSide report_side(std::string name, const std::vector<client::ExchangeResult>& results,
                               const render::Recording& recording, std::size_t exchange_count);

// One side of compare's page: each exchange as that side sent it (libcurl's
// bytes as it wrote them, linted too) and what came back.
render::ReportSide report_side(std::string name, const std::vector<const compare::SideSummary*>& sides,
                               const std::vector<ComposedRequest>& requests,
                               const std::vector<client::Destination>& destinations, const render::Recording& recording);

}  // namespace rawhttp::cli
