// rawhttp: the command-line tool. Thin: each command lives in its own file and
// calls the library's modules.
#include <csignal>
#include <iostream>

#include "cli/common.hpp"

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
    rawhttp::cli::add_send_command(app, exit_code);
    rawhttp::cli::add_compose_command(app, exit_code);
    rawhttp::cli::add_compare_command(app, exit_code);
    rawhttp::cli::add_lint_command(app, exit_code);
    rawhttp::cli::add_serve_command(app, exit_code);
    rawhttp::cli::add_gallery_command(app, exit_code);
    rawhttp::cli::add_listen_command(app, exit_code);
    rawhttp::cli::add_chat_command(app, exit_code);

    try {
        app.parse(argc, argv);
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
        rawhttp::cli::print_error(std::string(e.what()) + " (" + hint + ")");
        return 2;
    }
    return exit_code;
}
