// rawhttp compose FILE.req: the exact bytes send would write; nothing goes on the network.
#include <unistd.h>

#include <memory>

#include "cli/common.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_output.hpp"
#include "client/proxy_tunnel.hpp"
#include "compose/wire_bytes.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"
#include "render/terminal_report.hpp"

namespace rawhttp::cli {

namespace {

struct ComposeCmd {
    ReqInputOptions in;
    TargetOptions target;
    bool json = false;
    bool hex = false;
    bool raw = false;
    bool curl_command = false;
    std::string proxy;

    int run() {
        if (!in.resolve(json)) return 2;
        auto reqs = compose_file(in);
        if (!reqs) {
            print_error(reqs.error().message);
            return exit_code(reqs.error().kind);
        }
        // A bad --to or @target is the same usage error as in send (a Host header
        // that names no place is fine here: compose does not connect).
        for (const auto& r : *reqs) {
            if (target.to.empty() && !r.target) continue;
            if (auto d = client::resolve_destination(r, target.overrides()); !d) {
                print_error(d.error().message);
                return 2;
            }
        }
        if (curl_command) return print_curl_commands(*reqs);
        if (json) {
            render::json doc;
            doc["requests"] = render::json::array();
            for (const auto& r : *reqs) {
                std::string where;
                bool tls = false;
                if (auto d = client::resolve_destination(r, target.overrides())) {
                    where = d->display();
                    tls = d->tls;
                }
                doc["requests"].push_back(render::composed_request_json(r, where, tls));
            }
            write_all_fd(1, render::dump(doc, ::isatty(1) == 1) + "\n");
            return 0;
        }
        bool tty = ::isatty(1) == 1;
        render::Style style{render::want_color(1)};
        if (!proxy.empty() && !parse_proxy(proxy, "compose")) return 2;
        std::string tunnel_to;  // send --proxy opens one tunnel per TLS destination, as it connects
        for (std::size_t i = 0; i < reqs->size(); ++i) {
            const auto& r = (*reqs)[i];
            if (!proxy.empty()) {
                auto d = client::resolve_destination(r, target.overrides());
                if (d && d->tls && client::authority_of(*d) != tunnel_to) {
                    tunnel_to = client::authority_of(*d);
                    const std::string connect = client::connect_request(tunnel_to);
                    print_note("request " + std::to_string(i + 1) + ": first, to the proxy " + proxy +
                               ", the CONNECT that opens the tunnel (TLS then runs inside it)");
                    write_all_fd(1, hex ? render::hexdump(connect) : tty && !raw ? render::escape_lines(connect, style) : connect);
                }
            }
            for (const auto& n : r.notes) print_note("request " + std::to_string(i + 1) + " (line " +
                                                    std::to_string(r.line) + "): " + n);
            // A body file too large to hold is named in the views, not dumped.
            auto placeholder = [&](const StreamedFile& f) {
                write_all_fd(1, render::dim(render::escape_inline(streamed_placeholder(f), style), style) + "\n");
            };
            if (hex) {
                walk_held_and_streamed(r, [&](std::string_view b) { write_all_fd(1, render::hexdump(b)); },
                                       placeholder);
            } else if (tty && !raw) {
                // On a terminal: CR/LF visible, unsafe bytes escaped.
                if (reqs->size() > 1)
                    write_all_fd(1, render::dim("# request " + std::to_string(i + 1) + " (" +
                                                    std::to_string(wire_size(r)) + " bytes)",
                                                style) +
                                        "\n");
                walk_held_and_streamed(
                    r, [&](std::string_view b) { write_all_fd(1, render::escape_lines(b, style)); }, placeholder);
            } else {
                // Piped (or --raw): exactly the bytes, back to back as on the wire.
                bool written = true;
                if (auto err = for_each_wire_piece(r, [&](std::string_view piece) {
                        written = write_all_fd(1, piece);
                        return written;
                    })) {
                    print_error(err->message);
                    return 2;
                }
            }
        }
        return 0;
    }

    // One curl command per request, that sends its exact bytes; exit 1 when
    // curl cannot send one of them (a note says why).
    int print_curl_commands(const std::vector<ComposedRequest>& reqs) {
        std::vector<compare::CurlCommand> commands;
        int code = 0;
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            auto d = client::resolve_destination(reqs[i], target.overrides());
            if (!d) {
                print_error(d.error().message);
                return 2;
            }
            commands.push_back(compare::curl_command_for(reqs[i], {d->host, d->port, d->tls, d->unix_socket},
                                                         curl_body_file(in.file, i, reqs.size())));
            if (commands.back().command.empty()) {
                print_note((reqs.size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) +
                           "no curl command: curl cannot send this request as it is: " + commands.back().why_not);
                code = 1;
            }
        }
        if (!write_curl_body_files(commands)) return 2;
        render::Style style{render::want_color(1)};
        for (const auto& c : commands)
            if (!c.command.empty()) write_all_fd(1, (::isatty(1) == 1 ? render::escape_inline(c.command, style) : c.command) + "\n");
        return code;
    }
};

}  // namespace

void add_compose_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ComposeCmd>();
    Command* sub = add_command(app, "compose", "print the exact bytes send would write; nothing goes on the network");
    sub->footer(
        "Print the exact bytes 'send' would write; nothing goes on the network.\n"
        "On a terminal CR and LF are shown as \\r \\n; piped, the bytes are exact.\n\n"
        "Example:\n"
        "  rawhttp compose requests/post-json.req | xxd\n"
        "  rawhttp compose get-google.req --eol lf --hex\n"
        "  rawhttp compose post-json.req --curl-command --to 127.0.0.1:8080   # the same request, for curl\n"
        "  rawhttp compose http://127.0.0.1:8080/ -X PUT -d a=1 --save-req put.req");
    cmd->in.add_to(*sub, "{\"requests\": [...]}");
    add_curl_headers(*sub, cmd->in.keep_curl_headers);
    cmd->target.add_to(*sub);
    add_hex(*sub, cmd->hex, "the bytes");
    sub->add_flag("--raw", cmd->raw, "write exact bytes even on a terminal");
    sub->add_flag("--curl-command", cmd->curl_command,
                  "print a curl command that sends exactly these bytes (a long or binary body is written to a file next "
                  "to the .req, named in the command); where curl cannot, a note says why and the exit status is 1");
    sub->add_option("--proxy", cmd->proxy, "also print the CONNECT that send --proxy HOST:PORT writes first for TLS")
        ->check(non_empty());
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
