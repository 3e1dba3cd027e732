#include "cli/report_page.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "cli/common.hpp"
#include "render/report_exchange.hpp"

namespace rawhttp::cli {

ReportFile::~ReportFile() {
    if (fd_ < 0) return;
    // Opened but never written (the run stopped first): no empty page left behind.
    ::close(fd_);
    ::unlink(path_.c_str());
}

bool ReportFile::open(const std::string& path, std::string_view command) {
    command_ = std::string(command);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        print_error(command_ + ": cannot write --report '" + path + "': " + std::strerror(errno));
        return false;
    }
    path_ = path;
    return true;
}

bool ReportFile::write(const render::ReportPage& page) {
    const bool ok = write_all_fd(fd_, render::report_html(page));
    const int saved = errno;
    const bool closed = ::close(fd_) == 0;
    fd_ = -1;
    if (!ok || !closed) {
        print_error(command_ + ": could not write the report to '" + path_ + "': " + std::strerror(ok ? errno : saved));
        return false;
    }
    return true;
}

std::string report_subtitle(std::string_view how) {
    char when[64] = "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    if (::gmtime_r(&now, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    return std::string("written by rawhttp ") + RAWHTTP_VERSION + " on " + when + "; " + std::string(how);
}

render::ReportSide report_side(std::string name, const std::vector<client::ExchangeResult>& results,
                               const render::Recording& recording, std::size_t exchange_count) {
    render::ReportSide side;
    side.name = std::move(name);
    side.diagrams = render::report_diagrams(recording.conversation);
    for (const auto& ex : results) {
        render::ExchangeReportInput in;
        in.exchange = &ex;
        in.response_raw = recording.raw_of(ex.index);
        in.response_total = recording.raw_total(ex.index);
        in.exchange_count = exchange_count;
        if (ex.request)
            if (auto found = lint_composed(*ex.request, {})) in.request_findings = std::move(*found);
        side.exchanges.push_back(render::report_exchange(in));
    }
    return side;
}

render::ReportSide report_side(std::string name, const std::vector<const compare::SideSummary*>& sides,
                               const std::vector<ComposedRequest>& requests,
                               const std::vector<client::Destination>& destinations, const render::Recording& recording) {
    render::ReportSide side;
    side.name = std::move(name);
    side.diagrams = render::report_diagrams(recording.conversation);
    for (std::size_t i = 0; i < sides.size() && i < requests.size(); ++i) {
        const compare::SideSummary& s = *sides[i];
        if (!s.sent) continue;
        // The request as this side wrote it (libcurl's may differ from the file's).
        ComposedRequest sent = requests[i];
        sent.bytes = s.request;
        sent.streamed.clear();
        const std::size_t crlf = sent.bytes.find("\r\n\r\n"), lf = sent.bytes.find("\n\n");
        sent.head_bytes = crlf != std::string::npos && (lf == std::string::npos || crlf < lf) ? crlf + 4
                          : lf != std::string::npos                                           ? lf + 2
                                                                                              : sent.bytes.size();
        client::ExchangeResult ex;
        ex.index = i;
        ex.request = &sent;
        ex.destination = destinations[i];
        ex.connection = s.connection;
        ex.response = s.response;
        ex.timing = s.timing;
        ex.error = s.error;
        ex.bytes_written = sent.bytes.size();
        render::ExchangeReportInput in;
        in.exchange = &ex;
        in.response_raw = recording.raw_of(i);
        in.response_total = recording.raw_total(i);
        in.exchange_count = requests.size();
        if (auto found = lint_composed(sent, {})) in.request_findings = std::move(*found);
        side.exchanges.push_back(render::report_exchange(in));
    }
    return side;
}

}  // namespace rawhttp::cli
