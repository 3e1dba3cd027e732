#include "cli/options_curl.hpp"

#include <string>

#include "cli/common.hpp"

namespace rawhttp::cli {

void add_curl_flags(Command& cmd, ReqInputOptions& in) {
    const std::string g = "curl's flags (with a URL)";
    cmd.add_option("-X,--request", in.method, "with a URL: the method (as curl -X)")->group(g)->check(non_empty());
    cmd.add_option("-H,--header", in.headers, "with a URL: a header line 'Name: value', repeatable, in order ('Name:' removes one, 'Name;' sends it empty)")->group(g)->allow_extra_args(false);
    cmd.add_option("-d,--data", in.data, "with a URL: form data, POST; @FILE reads a file without its CR and LF; several are joined with &")->group(g)->allow_extra_args(false);
    cmd.add_option("--data-binary", in.data_binary, "with a URL: data sent as it is (@FILE: the file's exact bytes)")->group(g)->allow_extra_args(false);
    cmd.add_option("--data-raw", in.data_raw, "with a URL: data, an @ is not a file")->group(g)->allow_extra_args(false);
    cmd.add_option("-A,--user-agent", in.user_agent, "with a URL: the User-Agent ('' sends none)")->group(g);
    cmd.add_option("-e,--referer", in.referer, "with a URL: the Referer")->group(g);
    cmd.add_option("-u,--user", in.user, "with a URL: user:password, sent as Basic authorization")->group(g);
    cmd.add_option("-b,--cookie", in.cookie, "with a URL: a Cookie header 'name=value; ...'")->group(g);
    cmd.add_option("--save-req", in.save_req, "with a URL: write the composed .req to FILE, for editing")
        ->group(g)
        ->check(non_empty());
}

namespace {
const std::string kOwnHeaders = "keep curl's own User-Agent: curl/VERSION and Accept: */*";
}  // namespace

CLI::Option* add_curl_headers(Command& cmd, bool& keep, std::string_view when) {
    return cmd.add_flag("--curl-headers", keep, std::string(when) + ": " + kOwnHeaders);
}

void add_curl_header_choice(Command& cmd, bool& curl_default, bool& curl_headers, std::string_view side) {
    const std::string s(side);
    auto* d = cmd.add_flag("--curl-default", curl_default,
                           s + ": send what a plain `curl URL` sends for the same target (curl's own headers)");
    add_curl_headers(cmd, curl_headers,
                     s + ": the file's headers plus those curl adds to them (User-Agent, Accept...); with a URL")
        ->excludes(d);
}

}  // namespace rawhttp::cli
