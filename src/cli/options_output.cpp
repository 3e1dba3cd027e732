#include "cli/options_output.hpp"

#include "cli/common.hpp"

namespace rawhttp::cli {

namespace {
std::string json_help(std::string_view document) { return "print " + std::string(document) + " as JSON"; }
}  // namespace

CLI::Option* add_json(Command& cmd, bool& json, std::string_view document) {
    return cmd.add_flag("--json", json, json_help(document));
}

CLI::Option* add_json_or_body(Command& cmd, std::vector<std::string>& values, std::string_view document) {
    return cmd
        .add_option("--json", values,
                    json_help(document) + "; --json DATA with a URL: send DATA as a JSON body, as curl --json does")
        ->expected(0, 1)
        ->allow_extra_args(false)  // one value an occurrence; and "[1,2]" is data, not CLI11's list syntax
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Option* add_hex(Command& cmd, bool& hex, std::string_view what) {
    return cmd.add_flag("--hex", hex, "show " + std::string(what) + " as a hexdump");
}

CLI::Option* add_trace(Command& cmd, bool& trace, std::string_view events) {
    return cmd.add_flag("--trace", trace,
                        "show every socket read and write on stderr: time, direction, size and the bytes (escaped, "
                        "or --hex)" + std::string(events));
}

CLI::Option* add_verbose(Command& cmd, bool& verbose, std::string_view shows) {
    return cmd.add_flag("-v,--verbose", verbose, std::string(shows));
}

CLI::Option* add_quiet(Command& cmd, bool& quiet, std::string_view leaves_out) {
    return cmd.add_flag("-q,--quiet", quiet, std::string(leaves_out));
}

CLI::Option* add_report(Command& cmd, std::string& file, std::string_view holds, bool rewritten) {
    return cmd
        .add_option("--report", file,
                    std::string(rewritten ? "write FILE.html, rewritten after each exchange" : "also write FILE.html") +
                        ": one self-contained page (nothing loaded from the network) with " + std::string(holds))
        ->check(non_empty());
}

CLI::Option* add_output_file(Command& cmd, std::string& file, std::string_view writes) {
    return cmd.add_option("-o,--output", file, "write " + std::string(writes))->check(non_empty());
}

}  // namespace rawhttp::cli
