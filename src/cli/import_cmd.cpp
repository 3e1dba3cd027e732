// rawhttp import FILE.hurl: turn another tool's request into a .req.
#include <memory>

#include "cli/common.hpp"
#include "compose/hurl_import.hpp"

namespace rawhttp::cli {

namespace {

struct ImportCmd {
    std::string source;
    std::string output;

    int run() const {
        auto loaded = load_req(source);
        if (!loaded) {
            print_error(loaded.error().message);
            return exit_code(loaded.error().kind);
        }
        if (!looks_like_hurl(loaded->display_name, loaded->text)) {
            print_error("import: '" + source + "' is not a Hurl file (a FILE.hurl, or one with an HTTP 200 line or "
                        "an [Asserts] section); a .req, .http or .rest file is sent as it is");
            return 2;
        }
        return import_hurl_file(*loaded, output);
    }
};

}  // namespace

void add_import_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ImportCmd>();
    CLI::App* sub = app.add_subcommand("import", "turn a Hurl file into the equivalent .req");
    sub->footer(
        "Write the .req that sends the requests of a Hurl file (https://hurl.dev):\n"
        "request lines, headers, [QueryStringParams], [FormParams], [Cookies],\n"
        "[BasicAuth] and bodies. What a .req cannot hold (the expected status,\n"
        "[Asserts], [Captures], [Options]) is dropped and listed on stderr.\n\n"
        "Examples:\n"
        "  rawhttp import login.hurl -o login.req && rawhttp send login.req\n"
        "  rawhttp import api.hurl | rawhttp compose -");
    sub->add_option("FILE", cmd->source, "the Hurl file: a path, or - for standard input")->required();
    sub->add_option("-o,--output", cmd->output, "write the .req to this file (default: standard output)")
        ->check(non_empty());
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
