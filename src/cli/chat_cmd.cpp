// rawhttp chat HOST PORT: the interactive netcat/telnet role (Alice's side).
// Each line typed goes out with CRLF (--eol lf: a bare LF); the bytes that
// arrive are shown as they arrive, escaped, line breaks kept; Ctrl-D
// half-closes and keeps showing until the other side closes; Ctrl-C leaves.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/common.hpp"
#include "cli/options_input.hpp"
#include "cli/options_output.hpp"
#include "cli/options_tls.hpp"
#include "core/wording.hpp"
#include "net/transport.hpp"
#include "render/escape.hpp"
#include "render/trace.hpp"
#include "tls/tls_transport.hpp"
#include "client/conversation.hpp"
#include "render/stream_view.hpp"

namespace rawhttp::cli {

namespace {

std::atomic<bool> g_chat_stop{false};
extern "C" void on_chat_signal(int) { g_chat_stop.store(true); }

struct ChatCmd {
    std::string host;
    int port = 0;
    std::string eol;  // add_typed_eol: crlf
    bool hex = false;
    bool verbose = false;
    bool trace = false;
    bool quiet = false;
    double connect_timeout{}, max_time{};  // defaults: at their add_ calls
    bool tls = false;       // as ncat --ssl
    bool insecure = false;
    std::string cacert;

    int run() {
        long long cto = seconds_to_ms(connect_timeout);
        if (port < 1 || port > 65535) {
            print_error("chat: PORT must be 1-65535, not " + std::to_string(port));
            return 2;
        }
        std::string h = host;
        if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
        net::ConnectOptions co;
        co.host = h;
        co.port = port;
        co.connect_timeout = std::chrono::milliseconds(cto);
        co.deadline = max_time_deadline(max_time);
        auto conn = net::connect(co);
        if (!conn) {
            print_error("chat: " + worded_error(conn.error(), TlsChoice::opt_in));
            return exit_code(conn.error().kind);
        }
        if (tls) {
            // SNI and the certificate name: the host as given.
            net::TlsOptions to{h, !insecure, cacert.empty() ? std::nullopt : std::optional<std::string>(cacert)};
            conn = net::start_tls(std::move(*conn), to, co.deadline);
            if (!conn) {
                print_error("chat: " + worded_error(conn.error(), TlsChoice::opt_in));
                return exit_code(conn.error().kind);
            }
        }
        // Only now: Ctrl-C during a slow connect keeps its default (leave at once).
        std::signal(SIGINT, on_chat_signal);
        std::signal(SIGTERM, on_chat_signal);
        net::Transport& t = **conn;
        render::Style note_style{render::want_color(2)};
        const bool tty_in = ::isatty(0) == 1;
        if (!quiet) {
            const auto& i = t.info();
            std::cerr << render::dim("connected to " + i.remote + " from " + i.local +
                                         (i.tls_version ? " over " + *i.tls_version + " (" + i.tls_cipher.value_or("?") +
                                                              (i.cert_subject ? ", certificate " + *i.cert_subject : "") + ")"
                                                        : std::string()) +
                                         " (your address and ephemeral port); each line " +
                                         (tty_in ? "you type" : "read") + " goes out with " +
                                         (eol == "lf" ? "LF" : "CRLF") + (tty_in ? "; Ctrl-D half-closes, Ctrl-C leaves" : ""),
                                     note_style)
                      << "\n";
        }
        render::ConversationPrinting p;
        p.style = render::Style{render::want_color(1)};
        p.note_style = note_style;
        p.hex = hex;
        p.show_sent = verbose;
        if (quiet) p.note_fd = -1;
        render::PrintingHooks hooks(p);
        render::TraceWriter tracer(2, hex, note_style);
        if (trace) t.set_observer(&tracer);
        client::ConversationOptions o;
        o.bare_lf = eol == "lf";
        o.send_partial_lines = tty_in;
        o.deadline = co.deadline;
        auto end = client::converse(t, o, hooks, g_chat_stop);
        hooks.finish();
        if (!end) {
            print_error("chat: " + worded_error(end.error(), TlsChoice::opt_in));
            return exit_code(end.error().kind);
        }
        if (*end == client::ConversationEnd::stopped) {
            if (!quiet) std::cerr << render::dim("left the conversation (Ctrl-C)", note_style) << "\n";
            return 130;
        }
        if (!quiet)
            std::cerr << render::dim(t.info().remote + " closed the connection (" + plural(hooks.received(), "byte") +
                                         " received, " + plural(hooks.sent(), "byte") + " sent)",
                                     note_style)
                      << "\n";
        return 0;
    }
};

}  // namespace

void add_chat_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ChatCmd>();
    Command* sub = add_command(app, "chat", "the interactive netcat/telnet role: type lines, they go out with CRLF, see what arrives");
    sub->footer(
        "Like `nc -C HOST PORT` or telnet: each line you type goes out with CRLF (--eol lf:\n"
        "a bare LF, like nc without -C); the bytes that arrive are shown as they arrive, with\n"
        "CR and LF visible and control bytes escaped. Ctrl-D half-closes (sends FIN) and keeps\n"
        "showing what arrives until the other side closes; Ctrl-C leaves. Lines may also be\n"
        "piped in. Exit 0 when the other side closes, 6/7 when the host cannot be resolved\n"
        "or connected to, 130 on Ctrl-C.\n\n"
        "Examples:\n"
        "  rawhttp chat 127.0.0.1 8080           # then type: GET / HTTP/1.1, Host: x, empty line\n"
        "  printf 'GET / HTTP/1.1\\nHost: x\\n\\n' | rawhttp chat 127.0.0.1 8080\n"
        "  rawhttp chat 127.0.0.1 3000           # Alice, while Bob runs: rawhttp listen 3000 --chat");
    sub->add_option("HOST", cmd->host, "host name or address to connect to")->required();
    sub->add_option("PORT", cmd->port, "port")->required();
    add_typed_eol(*sub, cmd->eol);
    add_hex(*sub, cmd->hex, "what arrives");
    add_verbose(*sub, cmd->verbose, "also show each line sent, CR/LF visible (> lines)");
    add_trace(*sub, cmd->trace);
    add_quiet(*sub, cmd->quiet, "no notes on stderr (connected, closed)");
    auto* tls = add_tls(*sub, cmd->tls, "speak TLS on the connection, as ncat --ssl (SNI and the certificate name: HOST)");
    add_tls_verify(*sub, cmd->insecure, cmd->cacert, "server", tls);
    add_connect_timeout(*sub, cmd->connect_timeout, 10, "connecting");
    add_max_time(*sub, cmd->max_time, "the whole conversation");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
