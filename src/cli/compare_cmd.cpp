// rawhttp compare FILE.req: the same request through rawhttp's socket and
// through libcurl; what each sent (diffed) and what came back (compared).
#include <unistd.h>

#include <memory>

#include "cli/common.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_output.hpp"
#include "cli/options_tls.hpp"
#include "cli/report_page.hpp"
#include "compare/compare.hpp"
#include "render/comparison_json.hpp"
#include "render/comparison_text.hpp"
#include "render/json_output.hpp"

namespace rawhttp::cli {

namespace {

struct CompareCmd {
    ReqInputOptions in;
    TargetOptions target;
    bool json = false;
    bool strict = false;
    bool curl_default = false;
    bool curl_headers = false;
    bool hex = false;
    double connect_timeout{}, max_time{}, idle_timeout{};  // defaults: at their add_ calls
    bool insecure = false;
    std::string cacert;
    std::string report_file;

    int run() {
        if (!in.resolve(json)) return 2;
        in.keep_curl_headers = curl_headers;
        long long cto = seconds_to_ms(connect_timeout), mt = seconds_to_ms(max_time), idle = seconds_to_ms(idle_timeout);
        auto reqs = compose_file(in);
        if (!reqs) {
            print_error(reqs.error().message);
            return exit_code(reqs.error().kind);
        }
        auto dests = target.destinations(*reqs);
        if (!dests) {
            print_error(dests.error().message);
            return 2;
        }

        compare::CompareOptions o;
        o.mode = curl_default ? compare::CurlMode::curl_default
                 : curl_headers ? compare::CurlMode::curl_headers
                                : compare::CurlMode::exact;
        o.strict = strict;
        o.file = in.file;
        o.session.connect_timeout = std::chrono::milliseconds(cto);
        o.session.max_time = std::chrono::milliseconds(mt);
        o.session.idle_timeout = std::chrono::milliseconds(idle);
        o.session.tls_verify = !insecure;
        if (!cacert.empty()) o.session.ca_file = cacert;
        ReportFile page_file;
        if (!report_file.empty() && !page_file.open(report_file, "compare")) return 2;
        compare::CompareRecordings recordings;
        const std::size_t count = reqs->size();
        o.curl_body_file = [this, count](std::size_t i) { return curl_body_file(in.file, i, count); };
        auto report = compare::run_comparison(*reqs, *dests, o, page_file.is_open() ? &recordings : nullptr);
        if (!report) {
            print_error(report.error().message);
            return exit_code(report.error().kind);
        }
        if (!write_curl_body_files(report->curl_commands)) return 2;
        // The options that help (--insecure, --max-time...), worded here: the library names no flags.
        for (auto& e : report->exchanges)
            for (compare::SideSummary* side : {&e.rawhttp, &e.curl})
                if (side->error) side->error->message = worded_error(*side->error);
        // The composer's notes (LF sent as CRLF...) concern both sides alike.
        std::vector<std::string> notes;
        for (std::size_t i = 0; i < reqs->size(); ++i)
            for (const auto& n : (*reqs)[i].notes)
                notes.push_back((reqs->size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) + n);
        report->notes.insert(report->notes.begin(), notes.begin(), notes.end());

        int code = compare::comparison_exit_code(*report);
        if (page_file.is_open()) {
            render::ReportPage page;
            page.title = "rawhttp compare " + in.file;
            page.subtitle = report_subtitle("the same requests through rawhttp's socket and through libcurl " +
                                            report->curl_version + (report->match() ? ": they match" : ": they differ"));
            page.notes = report->notes;
            std::vector<const compare::SideSummary*> ours, curls;
            for (const auto& e : report->exchanges) {
                ours.push_back(&e.rawhttp);
                curls.push_back(&e.curl);
            }
            page.sides.push_back(report_side("rawhttp's socket", ours, *reqs, *dests, recordings.rawhttp));
            page.sides.push_back(report_side("libcurl", curls, *reqs, *dests, recordings.curl));
            if (!page_file.write(page)) return 23;
        }
        if (json) {
            write_all_fd(1, render::dump(render::comparison_json(*report), ::isatty(1) == 1) + "\n");
        } else {
            render::ComparisonTextOptions t;
            t.style.color = render::want_color(1);
            t.hex = hex;
            write_all_fd(1, render::comparison_text(*report, t));
        }
        if (code > 1) {
            for (const auto& e : report->exchanges) {
                if (e.rawhttp.error) {
                    print_error(e.rawhttp.error->message);
                    break;
                }
            }
        }
        return code;
    }
};

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<CompareCmd>();
    Command* sub = add_command(app, 
        "compare", "send FILE.req through rawhttp's socket and through libcurl; diff what was sent and what came back");
    sub->footer(
        "Send the same request through rawhttp's own socket and through the real libcurl,\n"
        "then show (a) the two requests as a diff of lines, CR/LF visible, with what curl\n"
        "added, removed or changed named plainly; (b) the two responses: status, headers\n"
        "(volatile ones such as Date set apart unless --strict), framing, body size and\n"
        "SHA-256; (c) the timing of both. What libcurl wrote is captured from its debug\n"
        "callback, not guessed.\n\n"
        "By default libcurl is asked to send the file as exactly as it can (its own Accept,\n"
        "Expect, Content-Type... removed). --curl-headers keeps what curl adds to the file's\n"
        "headers; --curl-default compares with what a plain `curl URL` sends for the same target.\n\n"
        "It also prints a curl command that sends the request as rawhttp does (a long or binary\n"
        "body is written next to the .req as NAME-curl-body.bin, which the command reads), or\n"
        "says why curl cannot send it (a bare LF, Host not first...).\n\n"
        "Exit: 0 the exchanges match, 1 they differ, 2 usage; when both sides fail alike,\n"
        "the error's code (7: could not connect, 28: timeout...).\n\n"
        "Examples:\n"
        "  rawhttp serve 8080 &\n"
        "  rawhttp compare get-local.req                        # 0: libcurl can send it exactly\n"
        "  rawhttp compare get-local.req --curl-default         # what does curl send? (User-Agent, Accept)\n"
        "  rawhttp compare post-json.req --json | jq .match\n"
        "  rawhttp compare get-local.req --report compare.html  # the two sides in two columns, for a browser\n"
        "  rawhttp compare http://127.0.0.1:8080/echo -d name=alice   # a URL and curl's flags");
    cmd->in.add_to(*sub, "the comparison (one document on stdout)");
    cmd->target.add_to(*sub);
    sub->add_flag("--strict", cmd->strict, "count volatile response headers (Date, Set-Cookie...) as differences");
    add_curl_header_choice(*sub, cmd->curl_default, cmd->curl_headers, "curl side");
    add_hex(*sub, cmd->hex, "both requests");
    add_report(*sub, cmd->report_file,
               "the two sides in two columns (sequence diagram, timing waterfall, request and response line by "
               "line, findings)");
    add_connect_timeout(*sub, cmd->connect_timeout, 10, "each connection attempt");
    // A side that runs out is a difference; exit 28 only when both do.
    add_max_time(*sub, cmd->max_time, "each side's whole run", /*exits_28=*/false);
    add_idle_timeout(*sub, cmd->idle_timeout, 30, "seconds to wait for the next byte before giving up", {"no limit"});
    add_tls_verify(*sub, cmd->insecure, cmd->cacert, "server");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
