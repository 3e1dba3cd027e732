#include "cli/options_input.hpp"

#include "cli/common.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_output.hpp"

namespace rawhttp::cli {

CLI::Option* add_vars(Command& cmd, std::vector<std::string>& vars, std::string_view of) {
    return cmd.add_option("--var", vars,
                          "set a variable" + (of.empty() ? std::string() : " " + std::string(of)) +
                              ": --var name=value (wins over @name in the file); repeatable");
}

namespace {
const char* const kEol = "--eol";
}  // namespace

CLI::Option* add_req_eol(Command& cmd, std::string& eol) {
    return cmd.add_option(kEol, eol, "line endings of the head: crlf (default), lf, keep (wins over @eol)")
        ->check(CLI::IsMember({"crlf", "lf", "keep"}));
}

CLI::Option* add_typed_eol(Command& cmd, std::string& eol, std::string_view when) {
    eol = "crlf";
    return cmd
        .add_option(kEol, eol,
                    (when.empty() ? std::string() : std::string(when) + ": ") +
                        "end each typed line with crlf (default) or lf")
        ->check(CLI::IsMember({"crlf", "lf"}));
}

void ReqInputOptions::add_to(Command& cmd, const std::string& json_document) {
    cmd_ = &cmd;
    // Not ->required(): `--json FILE` takes FILE as --json's value, and resolve() gives it back.
    cmd.add_option("FILE", file,
                   "the .req file: a path, - for standard input, a name from 'rawhttp gallery', or a URL "
                   "(http://, https://) with curl's flags -X -H -d --data-binary --json -A -e -u -b; a .http or "
                   ".rest file (VS Code REST Client, JetBrains) is read as those editors read it");
    add_vars(cmd, vars);
    add_req_eol(cmd, eol);
    add_json_or_body(cmd, json_values, json_document);
    add_curl_flags(cmd, *this);
}

}  // namespace rawhttp::cli
