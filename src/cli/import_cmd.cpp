// rawhttp import curl 'curl -X POST -H ... URL' | import FILE.hurl: another
// tool's request turned into a .req. A curl command goes through
// intake/curl_command_line, then intake/curl_args (the same composition as
// `send URL -H ...`); a Hurl file through compose/hurl_import.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/common.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_output.hpp"
#include "compose/hurl_import.hpp"
#include "intake/curl_args.hpp"
#include "intake/curl_command_line.hpp"
#include "intake/shell_words.hpp"

namespace rawhttp::cli {

namespace {

struct ImportCmd {
    std::string what;               // "curl", or a Hurl file
    std::vector<std::string> args;  // the command: one string, or its words (after --)
    std::string output;
    bool curl_headers = false;

    int run() {
        if (what != "curl") return import_hurl();
        if (args.empty()) {
            print_error("import curl: give the curl command, in quotes: rawhttp import curl 'curl -H \"X: 1\" URL'");
            return 2;
        }
        std::vector<std::string> words;
        if (args.size() == 1) {
            auto split = intake::split_shell_words(args[0]);
            if (!split) {
                print_error("import curl: " + split.error().message);
                return 2;
            }
            words = std::move(*split);
        } else {
            words = args;  // already split by the shell (after --)
        }
        auto parsed = intake::parse_curl_command_line(words);
        if (!parsed) {
            print_error("import curl: " + parsed.error().message);
            return 2;
        }
        for (const auto& n : parsed->notes) print_note(n);
        parsed->args.keep_curl_headers = curl_headers;
        auto made = intake::curl_request(parsed->args);
        if (!made) {
            print_error("import curl: " + made.error().message);
            return exit_code(made.error().kind);
        }
        for (const auto& n : made->notes) print_note(n);
        if (output.empty() || output == "-") {
            if (!write_all_fd(1, made->req_text)) return 23;
            return 0;
        }
        FILE* f = std::fopen(output.c_str(), "wb");
        if (!f || std::fwrite(made->req_text.data(), 1, made->req_text.size(), f) != made->req_text.size() ||
            std::fclose(f) != 0) {
            print_error("import curl: cannot write '" + output + "': " + std::strerror(errno));
            return 2;
        }
        print_note("wrote " + output + ": rawhttp send " + output + " sends what the curl command sends" +
                   (curl_headers ? "" : " (without curl's own User-Agent and Accept: */*; --curl-headers keeps them)"));
        return 0;
    }

    int import_hurl() const {
        if (!args.empty()) {
            print_error("import: '" + what + "' is a file to import, and takes nothing after it (to import a curl "
                        "command: rawhttp import curl 'curl ...')");
            return 2;
        }
        auto loaded = load_req(what);
        if (!loaded) {
            print_error(loaded.error().message);
            return exit_code(loaded.error().kind);
        }
        if (!looks_like_hurl(loaded->display_name, loaded->text)) {
            print_error("import: '" + what + "' is not a Hurl file (a FILE.hurl, or one with an HTTP 200 line or "
                        "an [Asserts] section); a .req, .http or .rest file is sent as it is. To import a curl "
                        "command: rawhttp import curl 'curl ...'");
            return 2;
        }
        return import_hurl_file(*loaded, output);
    }
};

}  // namespace

void add_import_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ImportCmd>();
    Command* sub = add_command(app, "import", "turn a curl command or a Hurl file into a .req");
    sub->footer(
        "import curl 'curl ...': write the .req of the request a curl command sends, byte for byte as curl 7.88 sends it,\n"
        "without the two headers curl adds on its own (User-Agent: curl/..., Accept: */*) unless\n"
        "--curl-headers. The command is split as a shell would ('...', \"...\", $'...', backslashes,\n"
        "line continuations); nothing is expanded or run.\n\n"
        "Understood: -X -H -d/--data --data-binary --data-raw --data-urlencode --json -G -A -e -u -b\n"
        "-I -0 --http1.1 --compressed --path-as-is --request-target --url. Dropped with a note (they\n"
        "change only what curl does with the answer): -s -S -v -i -L -k -f -O -o -w -m --connect-timeout\n"
        "--retry --cacert --trace. Any other option is an error naming it.\n\n"
        "import FILE.hurl: write the .req that sends the requests of a Hurl file (https://hurl.dev):\n"
        "request lines, headers, [QueryStringParams], [FormParams], [Cookies], [BasicAuth] and\n"
        "bodies. What a .req cannot hold (the expected status, [Asserts], [Captures], [Options])\n"
        "is dropped and listed on stderr.\n\n"
        "Examples:\n"
        "  rawhttp import curl 'curl -X POST -H \"Content-Type: application/json\" -d @body.json http://127.0.0.1:8080/api'\n"
        "  rawhttp import curl \"$(cat pasted-from-browser.txt)\" -o api.req && rawhttp send api.req\n"
        "  rawhttp import curl -o get.req -- curl -H 'X-Trace: 1' http://127.0.0.1:8080/\n"
        "  rawhttp import login.hurl -o login.req && rawhttp send login.req");
    sub->add_option("WHAT", cmd->what, "what to import: curl (then the command), or a Hurl file (a path, or -)")->required();
    sub->add_option("COMMAND", cmd->args, "the curl command: one quoted string, or its words after --");
    add_output_file(*sub, cmd->output, "the .req to FILE (default: standard output)");
    add_curl_headers(*sub, cmd->curl_headers, "from the curl command");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
