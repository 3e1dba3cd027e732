#include "render/lint_report.hpp"

#include <algorithm>

#include "render/text_width.hpp"

namespace rawhttp::render {

std::string finding_text(const lint::Finding& f, const Style& s, std::string_view location, std::string_view indent) {
    std::string sev(lint::severity_name(f.severity));
    std::string out(indent);
    if (location.empty()) out += "line " + std::to_string(f.line) + ", column " + std::to_string(f.column) + ": ";
    else out += std::string(location) + ": ";
    out += (f.severity == lint::Severity::error ? red(sev, s) : yellow(sev, s)) + " [" + f.id + "] " +
           escape_inline(f.message, s) + "\n";
    std::string answer = f.expect_status == "timeout" ? "a strict server waits, then times out (408 or a close)"
                                                      : "a strict server answers " + f.expect_status;
    out += std::string(indent) + "    " + dim(f.rfc + "; " + answer, s) + "\n";
    out += std::string(indent) + "    fix: " + escape_inline(f.fix, s) + "\n";
    return out;
}

std::string response_finding_text(const lint::Finding& f, const Style& s, std::string_view indent) {
    std::string sev(lint::severity_name(f.severity));
    std::string out(indent);
    out += "line " + std::to_string(f.line) + ", column " + std::to_string(f.column) + ": " +
           (f.severity == lint::Severity::error ? red(sev, s) : yellow(sev, s)) + " [" + f.id + "] " +
           escape_message(f.message, s) + "\n";  // the message quotes bytes already escaped
    std::string cite = f.rfc;
    if (f.risk != http::Risk::none)
        cite += "; risk: " + std::string(http::risk_name(f.risk)) + ", " + std::string(http::risk_text(f.risk));
    out += std::string(indent) + "    " + dim(cite, s) + "\n";
    return out;
}

std::string finding_pointer(std::string_view bytes, const lint::Finding& f, const Style& s, std::string_view indent) {
    std::size_t off = std::min(f.offset, bytes.size());
    std::size_t start = off == 0 ? 0 : bytes.rfind('\n', off - 1);
    start = start == std::string_view::npos || off == 0 ? 0 : start + 1;
    std::size_t end = bytes.find('\n', off);
    end = end == std::string_view::npos ? bytes.size() : end + 1;
    constexpr std::size_t kMax = 100;  // long lines: show a window around the byte
    std::size_t from = off > start + kMax / 2 ? off - kMax / 2 : start;
    std::size_t to = std::min(end, from + kMax);
    std::string before = escape_inline(bytes.substr(from, off - from), {});
    std::string shown = escape_inline(bytes.substr(from, to - from), s);
    std::string out(indent);
    out += (from > start ? "..." : "") + shown + (to < end ? "..." : "") + "\n";
    out += std::string(indent) + std::string(display_width(before) + (from > start ? 3 : 0), ' ') + red("^", s) + "\n";
    return out;
}

nlohmann::json lint_finding_json(const lint::Finding& f, std::size_t file_line) {
    return {{"id", f.id},
            {"severity", std::string(lint::severity_name(f.severity))},
            {"line", file_line},
            {"column", f.column},
            {"message", f.message},
            {"rfc", f.rfc},
            {"expect_status", f.expect_status}};
}

}  // namespace rawhttp::render
