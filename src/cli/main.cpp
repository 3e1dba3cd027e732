// rawhttp: the command-line tool. Thin: each command lives in its own file and
// calls the library's modules.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <regex>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/common.hpp"

namespace {

// CLI11's parse errors, said in words a user acts on ("--show was given 2
// times", not "At Most 1 required but received 2").
std::string plain_parse_error(const CLI::ParseError& e, const CLI::App& app, int argc, char** argv) {
    std::string what = e.what();
    std::smatch m;
    if (what == "A subcommand is required" && argc > 1) {
        // `rawhttp bogus` or `rawhttp --bogus`: CLI11 only says a subcommand is missing.
        std::string first = argv[1];
        std::string names;
        for (const auto* sub : app.get_subcommands({}))
            names += (names.empty() ? "" : ", ") + sub->get_name();
        if (first.starts_with("-")) return "unknown option '" + first + "': the commands are " + names;
        return "unknown command '" + first + "': the commands are " + names;
    }
    if (what == "PORT is required") {
        // `rawhttp chat 127.0.0.1:8080`: nc and telnet take the port apart, and so does chat.
        for (const auto* sub : app.get_subcommands({})) {
            if (sub->get_name() != "chat" || !sub->parsed()) continue;
            const auto& results = sub->get_option("HOST")->results();
            std::string host = results.empty() ? std::string() : results.front();
            auto colon = host.rfind(':');
            if (colon != std::string::npos && colon + 1 < host.size() &&
                host.find_first_not_of("0123456789", colon + 1) == std::string::npos)
                return "PORT is required: write HOST and PORT apart, as with nc: rawhttp chat " + host.substr(0, colon) +
                       " " + host.substr(colon + 1);
        }
    }
    if (std::regex_match(what, m, std::regex(R"((.+): At Most 1 required but received (\d+))")))
        return m[1].str() + " was given " + m[2].str() + " times: give it once";
    if (std::regex_match(what, m, std::regex(R"((.+): \d+ required \S+ missing)")))
        return m[1].str() + " needs a value";
    if (std::regex_match(what, m, std::regex(R"(Could not convert: (.+) = (.*))"))) {
        if (std::regex_match(m[2].str(), std::regex(R"([-+]?[0-9]*\.?[0-9]+)")))
            return m[1].str() + ": '" + m[2].str() + "' is not a whole number";
        return m[1].str() + ": '" + m[2].str() + "' is not a number";
    }
    if (std::regex_match(what, m, std::regex(R"((.+): (.*) not in \{(.*)\})"))) {
        std::string choices = std::regex_replace(m[3].str(), std::regex(","), ", ");
        return m[1].str() + ": '" + m[2].str() + "' is not one of " + choices;
    }
    if (std::regex_match(what, m, std::regex(R"((\S+) excludes (\S+))")))
        return m[1].str() + " and " + m[2].str() + " cannot be used together";
    if (std::regex_match(what, m, std::regex(R"(The following arguments? (?:was|were) not expected: (.*))"))) {
        std::string extra = m[1].str();
        if (extra.starts_with("-") && extra.find(' ') == std::string::npos) return "unknown option '" + extra + "'";
        return "unexpected argument" + std::string(extra.find(' ') == std::string::npos ? " '" : "s '") + extra + "'";
    }
    return what;
}

}  // namespace

int main(int argc, char** argv) {
    // A peer that closes early must give an error value, never kill us.
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{
        "rawhttp: a workbench for HTTP/1.1 as it travels on the wire.\n"
        "Write a request as plain text in a .req file, exactly as you would type it into netcat;\n"
        "rawhttp composes the exact bytes, sends them over its own sockets, and shows the raw\n"
        "response next to the parsed one.\n\n"
        "  rawhttp serve 8080 &                                 # the offline practice server\n"
        "  rawhttp send get-local.req --to 127.0.0.1:8080       # send a request from the gallery\n"
        "  rawhttp compose my.req | xxd                         # the exact bytes, nothing sent\n",
        "rawhttp"};
    app.set_version_flag("--version", std::string("rawhttp ") + RAWHTTP_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    int exit_code = 0;
    // Building a command's options is most of start-up: `rawhttp send ...`
    // builds only send's. The whole tree is for the top-level help, the
    // completions and the man page, and for a name that is no command.
    using Add = void (*)(CLI::App&, int&);
    static constexpr std::pair<std::string_view, Add> kCommands[] = {
        {"send", rawhttp::cli::add_send_command},       {"compose", rawhttp::cli::add_compose_command},
        {"compare", rawhttp::cli::add_compare_command}, {"lint", rawhttp::cli::add_lint_command},
        {"rules", rawhttp::cli::add_rules_command},     {"probe", rawhttp::cli::add_probe_command},
        {"import", rawhttp::cli::add_import_command},   {"serve", rawhttp::cli::add_serve_command},
        {"gallery", rawhttp::cli::add_gallery_command}, {"listen", rawhttp::cli::add_listen_command},
        {"chat", rawhttp::cli::add_chat_command},       {"relay", rawhttp::cli::add_relay_command},
        {"completion", rawhttp::cli::add_completion_command}, {"man", rawhttp::cli::add_man_command},
    };
    const std::string_view named = argc >= 2 ? std::string_view(argv[1]) : std::string_view();
    const bool whole_tree = named == "completion" || named == "man" ||
                            std::none_of(std::begin(kCommands), std::end(kCommands),
                                         [&](const auto& c) { return c.first == named; });
    for (const auto& [name, add] : kCommands)
        if (whole_tree || name == named) add(app, exit_code);
    for (const auto* sub : app.get_subcommands({}))
        if (const auto* command = dynamic_cast<const rawhttp::cli::Command*>(sub)) command->check_unique_names();

    // `rawhttp help` and `rawhttp help send`, as git and go allow.
    std::vector<std::string> help_args;
    if (argc >= 2 && std::string_view(argv[1]) == "help") {
        if (argc == 2) {
            std::cout << app.help();
            return 0;
        }
        bool known = false;
        for (const auto* sub : app.get_subcommands({})) known = known || sub->get_name() == argv[2];
        if (!known) {
            std::string names;
            for (const auto* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
            rawhttp::cli::print_error("unknown command '" + std::string(argv[2]) + "': the commands are " + names);
            return 2;
        }
        help_args = {std::string(argv[2]), "--help"};
    }

    try {
        if (!help_args.empty()) {
            std::vector<std::string> reversed(help_args.rbegin(), help_args.rend());
            app.parse(reversed);
        } else {
            app.parse(argc, argv);
        }
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << "\n";
        return 0;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            // --help on a subcommand.
            return app.exit(e);
        }
        std::string hint = "run 'rawhttp --help'";
        for (auto* sub : app.get_subcommands())
            hint = "run 'rawhttp " + sub->get_name() + " --help'";
        rawhttp::cli::print_error(plain_parse_error(e, app, argc, argv) + " (" + hint + ")");
        return 2;
    }
    // Like curl's 23: output that did not reach standard output is a failure, not a
    // success (a reader that went away, as with `| head`, is not an error).
    if (rawhttp::cli::stdout_write_error() == ETIMEDOUT) {
        rawhttp::cli::print_error("--max-time was reached while standard output was not being read");
        return exit_code == 0 || exit_code == 23 ? 28 : exit_code;
    }
    if (int err = rawhttp::cli::stdout_write_error(); err != 0 && err != EPIPE) {
        rawhttp::cli::print_error(std::string("could not write to standard output: ") + std::strerror(err));
        if (exit_code == 0) return 23;  // an earlier failure's own code wins
    }
    return exit_code;
}
