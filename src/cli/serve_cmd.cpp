// rawhttp serve [HOST:]PORT: the embedded practice server.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "cli/common.hpp"
#include "cli/options_output.hpp"
#include "cli/stop_signals.hpp"
#include "net/transport.hpp"
#include "server/practice_server.hpp"

namespace rawhttp::cli {

namespace {


struct ServeCmd {
    std::string where = "127.0.0.1:8080";
    double idle_timeout{}, head_timeout{};  // defaults: at their add_ calls
    double body_timeout = 30;
    std::uint64_t min_body_rate = 1024;
    std::size_t max_connections = 0;
    std::size_t max_per_client = 0;
    bool quiet = false;
    bool strict = false;
    std::string port_file;

    int run() {
        // "8080" alone means 127.0.0.1:8080; "0" picks a free port.
        std::string text = where;
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) text = "127.0.0.1:" + text;
        auto hp = net::parse_host_port(text);
        if (!hp || !hp->port || *hp->port < 0 || *hp->port > 65535) {
            print_error("serve: '" + where + "' is not [HOST:]PORT (for example 8080, 127.0.0.1:8080 or [::1]:8080)");
            return 2;
        }
        long long idle = seconds_to_ms(idle_timeout);
        long long head = seconds_to_ms(head_timeout);
        long long body = seconds_to_ms(body_timeout);
        int start_code = 0;
        auto listener = start_listening(hp->host, *hp->port, 1024, port_file, "serve", start_code);
        if (!listener) return start_code;
        std::string address = listener->address;
        std::cerr << "rawhttp serve: listening on http://" << address << "/  (pages: / /echo /status/N /bytes/N "
                  << "/chunked/N /slow/N /redirect; Ctrl-C stops)\n";
        server::ServeOptions opts;
        opts.idle_timeout = std::chrono::milliseconds(idle);
        opts.strict = strict;
        opts.head_timeout = std::chrono::milliseconds(head);
        opts.body_timeout = std::chrono::milliseconds(body);
        opts.min_body_rate = min_body_rate;
        opts.max_connections = max_connections;
        opts.max_per_client = max_per_client;
        if (!quiet) opts.log = &std::cerr;
        // The error pages name each limit in words; these say which option sets it.
        opts.limit_name = [](server::Limit limit) -> std::string {
            switch (limit) {
                case server::Limit::idle_timeout: return "--idle-timeout";
                case server::Limit::head_timeout: return "--head-timeout";
                case server::Limit::body_timeout: return "--body-timeout";
                case server::Limit::min_body_rate: return "--min-body-rate";
                case server::Limit::max_connections: return "--max-connections";
                case server::Limit::max_per_client: return "--max-per-client";
            }
            return "";
        };
        server::PracticeServer srv(std::move(*listener), opts);
        srv.run(stop_flag());
        std::cerr << "rawhttp serve: stopped\n";
        return stop_exit_code();
    }
};

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ServeCmd>();
    Command* sub = add_command(app, "serve", "the practice server: offline, strict, and its 400s explain themselves");
    sub->footer(
        "The embedded practice server: works offline, parses strictly, and its 400s say\n"
        "which rule the request broke. Binds 127.0.0.1 unless told otherwise.\n"
        "It judges by the rule book `rawhttp lint` uses: what lint calls an error is\n"
        "answered with that rule's status (400, 414, 431, 501, 505, ...); what lint calls\n"
        "a warning (a bare LF, as plain nc sends) is accepted, named in the log and in a\n"
        "Rawhttp-Warnings response header. --strict rejects warnings too (lint --strict).\n"
        "Pages: /  /echo (your exact request bytes)  /status/N  /bytes/N  /chunked/N  /slow/N  /redirect\n"
        "Exit: 130 when stopped with Ctrl-C, 0 on SIGTERM, 2 usage, 7 cannot listen.\n\n"
        "Examples:\n"
        "  rawhttp serve 8080\n"
        "  rawhttp serve 0 --port-file /tmp/port     # any free port, written to a file\n"
        "  rawhttp serve [::1]:8080 --idle-timeout 3\n"
        "  rawhttp serve 8080 --strict                # bare LF, double spaces, unknown Expect: rejected\n"
        "  rawhttp serve 8080 --head-timeout 2 --max-connections 500 --max-per-client 50");
    sub->add_option("WHERE", cmd->where, "[HOST:]PORT to listen on (default 127.0.0.1:8080; port 0 = any free port)");
    add_idle_timeout(*sub, cmd->idle_timeout, 10, "seconds a client may pause mid-request before 408 Request Timeout",
                     ZeroMeans{ZeroMeans::refused});
    // A person typing into nc needs more for a whole head than a pause's 10.
    add_head_timeout(*sub, cmd->head_timeout, 30,
                     "seconds a whole request head may take from its first byte, however steady, before 408",
                     ZeroMeans{ZeroMeans::refused});
    sub->add_option("--body-timeout", cmd->body_timeout,
                    "seconds a request body may take, plus one per --min-body-rate bytes received, "
                    "before 408 (default 30)")->check(seconds_value(true));
    sub->add_option("--min-body-rate", cmd->min_body_rate,
                    "bytes per second a body must keep up after --body-timeout; 0: no body deadline "
                    "(default 1024)");
    sub->add_option("--max-connections", cmd->max_connections,
                    "connections served at once; when full, a newcomer replaces the idlest or gets 503 "
                    "(default 0: the descriptor limit minus 64, which also caps N)");
    sub->add_option("--max-per-client", cmd->max_per_client,
                    "connections from one client address at once, beyond which 503 (default 0: no limit)");
    add_quiet(*sub, cmd->quiet, "do not log each request on stderr");
    sub->add_flag("--strict", cmd->strict,
                  "reject what the rule book calls a warning too (stricter than any one real server; lint --strict predicts it)");
    sub->add_option("--port-file", cmd->port_file, "write the port it listens on to this file (handy with port 0)")
        ->check(non_empty());
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
