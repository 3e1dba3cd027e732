// libFuzzer target for the pictures (render/timeline, svg_timeline, html,
// report_html, report_exchange), which take bytes from the network. Checks,
// for arbitrary bytes as a request, a response and the reads and writes of a
// conversation: the terminal timeline is printable ASCII within its columns;
// the HTML escapers leave no markup of the input's own (every <, >, ", ' and
// & in their output is one they wrote); and the whole page holds exactly its
// one script and no element that could fetch.
#include "fuzz_support.hpp"
#include "render/html.hpp"
#include "render/report_exchange.hpp"
#include "render/report_html.hpp"
#include "render/timeline.hpp"

#include <cstdint>
#include <string>
#include <string_view>

using namespace rawhttp;

namespace {

std::size_t count(std::string_view s, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string_view::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

// The escapers' output with their own markup taken out: nothing may be left
// that starts a tag, closes an attribute or is a bare ampersand.
void check_inert(std::string s) {
    for (std::string_view own : {"<span class=\"eol\">", "</span>"})
        for (std::size_t at; (at = s.find(own)) != std::string::npos;) s.erase(at, own.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        FUZZ_CHECK(s[i] != '<' && s[i] != '>' && s[i] != '"' && s[i] != '\'');
        if (s[i] == '&') {
            const std::string_view rest = std::string_view(s).substr(i);
            FUZZ_CHECK(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") ||
                       rest.starts_with("&quot;") || rest.starts_with("&#39;"));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    check_inert(render::html_escape(in));
    check_inert(render::html_wire_line(in));

    // A conversation of the input's pieces, reads and writes in turn.
    render::Conversation conv;
    const auto cuts = fuzz_support::cuts_for(in, 2);
    std::size_t from = 0, k = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i, ++k) {
        const std::size_t to = i < cuts.size() ? cuts[i] : in.size();
        render::ConvEvent e;
        e.t_ms = static_cast<double>(k);
        e.connection = 1;
        e.kind = k % 3 == 0 ? render::ConvKind::write : render::ConvKind::read;
        e.size = to - from;
        e.bytes = std::string(in.substr(from, std::min<std::size_t>(to - from, render::ConvEvent::kKeptBytes)));
        e.text = std::string(in.substr(from, to - from));
        conv.events.push_back(std::move(e));
        if (k == 2) conv.events.push_back(render::ConvEvent{0.5, 1, render::ConvKind::head_end, 0, {}, std::string(in)});
        from = to;
    }
    for (std::size_t columns : {40u, 80u}) {
        render::TimelineOptions o;
        o.columns = columns;
        for (const auto& line : render::timeline_lines(conv, 1, o)) {
            FUZZ_CHECK(line.size() <= columns);
            for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
        }
    }

    // The page, with the input everywhere a network byte can go.
    render::ReportPage page;
    page.title = std::string(in);
    render::ReportSide side;
    side.diagrams = render::report_diagrams(conv);
    render::ReportExchange ex;
    ex.title = std::string(in);
    ex.facts.push_back(std::string(in));
    ex.request.heading = "request";
    ex.request.bytes = std::string(in);
    ex.request.total = in.size();
    ex.request.meanings = render::request_meanings(in, in.size() / 2);
    ex.request.findings.push_back({std::string(in), "warning", std::string(in), "RFC", std::string(in), 1});
    ex.response.heading = "response";
    ex.response.bytes = std::string(in);
    ex.response.total = in.size();
    side.exchanges.push_back(std::move(ex));
    page.sides.push_back(std::move(side));
    const std::string html = render::report_html(page);
    FUZZ_CHECK(count(html, "<script") == 1);
    FUZZ_CHECK(count(html, "<img") == 0 && count(html, "<link") == 0 && count(html, "<iframe") == 0);
    FUZZ_CHECK(count(html, "</html>") == 1);
    return 0;
}
