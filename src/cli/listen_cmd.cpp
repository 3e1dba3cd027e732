// rawhttp listen [HOST:]PORT: the `nc -l` role. Accepts clients (a thread
// each, at most --max-clients at once) and shows what each sent: its address
// and ephemeral port, the exact bytes (CR/LF visible, or a hexdump), the
// parsed request and the findings; answers per --respond; --save writes the
// capture as a .req that `send` replays byte for byte (a large body in a side
// file). --chat: Bob's side of a two-way conversation.
//
// The command line only: parses the options, runs the accept loop, and hands
// each client to a thin adapter (ListenPrinter) that takes its text from
// render::ListenView (worded with listen's flag names) and writes it to the
// Screen (cli/listen_screen), stdout shared by the client threads.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/common.hpp"
#include "cli/listen_screen.hpp"
#include "cli/options_input.hpp"
#include "cli/options_output.hpp"
#include "cli/options_tls.hpp"
#include "cli/stop_signals.hpp"
#include "compose/req_writer.hpp"
#include "core/file_read.hpp"
#include "core/wording.hpp"
#include "net/transport.hpp"
#include "render/escape.hpp"
#include "render/trace.hpp"
#include "client/conversation.hpp"
#include "render/listen_view.hpp"
#include "server/listen_session.hpp"

namespace rawhttp::cli {

namespace {

constexpr std::size_t kMaxRespondFileBytes = std::size_t{64} << 20;  // --respond FILE, held in memory
// Bytes of one client's stream kept in memory (linted, echoed by --respond
// echo); --save streams all of them to disk. Small, since up to --max-clients
// clients are held at once.
constexpr std::size_t kKeepPerClient = 4u << 20;
constexpr int kDefaultMaxClients = 64;
// Clients beyond --max-clients wait in the kernel's accept queue.
constexpr int kBacklog = 128;

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// --save FILE for the n-th client: FILE itself for the first, then FILE-2.req, FILE-3.req, ...
std::string numbered(const std::string& path, std::size_t n) {
    if (n <= 1) return path;
    std::size_t slash = path.rfind('/');
    std::size_t dot = path.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == 0 ||
        (slash != std::string::npos && dot == slash + 1))
        return path + "-" + std::to_string(n);
    return path.substr(0, dot) + "-" + std::to_string(n) + path.substr(dot);
}

struct ListenCmd {
    std::string where;
    std::string respond = "ok";
    bool once = false;
    bool hex = false;
    bool chat = false;
    std::string save;
    std::string port_file;
    std::string eol;  // add_typed_eol: crlf
    bool verbose = false;
    bool trace = false;
    double idle_timeout{}, max_time{};  // defaults: at their add_ calls
    double linger = 2;
    int max_clients = kDefaultMaxClients;

    int run();
    int run_chat(net::Listener& listener, const net::Deadline& deadline);
    bool save_capture(std::string_view bytes, const std::string& peer, const std::string& listener_address,
                      std::size_t number);
    // The n-th client, from accept to close; returns 0, or the exit code that ends listen.
    int serve_client(net::Transport& client, std::size_t number, const server::ListenOptions& opts, Screen& screen,
                     const std::string& listener_address, const std::string& mode, bool separator);
};

// Each step of a client: its bytes to the saver, their text from the view
// (render::ListenView) to the screen.
class ListenPrinter : public server::ListenHooks {
public:
    ListenPrinter(render::ListenView view, Screen& screen, Screen::View& screen_view, ReqFileWriter* saver)
        : view_(std::move(view)), screen_(screen), screen_view_(screen_view), saver_(saver) {}

    void on_connected(const net::ConnectionInfo& info) override { out(view_.connected(info)); }
    void on_bytes(std::string_view bytes, bool after_request) override {
        // Every byte the client sent passes here, in order: the saver gets them all.
        if (saver_) saver_->append(bytes);
        out(view_.bytes(bytes, after_request));
    }
    void on_request(const capture::ClientReport& rep) override { out(view_.request(rep)); }
    void on_response(std::string_view bytes) override { out(view_.response(bytes)); }
    void on_closed(const capture::ClientReport& rep) override { out(view_.closed(rep)); }

    void out(const std::string& s) {
        if (!s.empty()) screen_.write(screen_view_, s);
    }

private:
    render::ListenView view_;
    Screen& screen_;
    Screen::View& screen_view_;
    ReqFileWriter* saver_;
};

bool ListenCmd::save_capture(std::string_view bytes, const std::string& peer, const std::string& listener_address,
                             std::size_t number) {
    std::string path = numbered(save, number);
    if (bytes.empty()) {
        print_note("nothing was received from " + peer + ": " + path + " not written");
        return true;
    }
    ReqWriterOptions wo;
    wo.peer = peer;
    wo.time = utc_now();
    wo.target = listener_address;
    std::string text = write_req(bytes, wo);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (f) f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
        print_error("listen: cannot write --save '" + path + "': " + std::strerror(errno));
        return false;
    }
    render::Style s{render::want_color(1)};
    write_all_fd(1, render::dim("saved " + plural(bytes.size(), "byte") + " as " + path +
                                    " (replay them byte for byte: rawhttp send " + path + " --to HOST:PORT)",
                                s) +
                        "\n");
    return true;
}

int ListenCmd::run() {
    std::string text = where;
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) text = "127.0.0.1:" + text;
    auto hp = net::parse_host_port(text);
    if (!hp || !hp->port) {
        print_error("listen: '" + where + "' is not [HOST:]PORT (for example 3000, 127.0.0.1:3000 or [::1]:3000)");
        return 2;
    }
    long long idle = seconds_to_ms(idle_timeout), lg = seconds_to_ms(linger);
    server::ListenOptions opts;
    if (respond == "ok") {
        opts.respond = server::RespondMode::ok;
    } else if (respond == "echo") {
        opts.respond = server::RespondMode::echo;
    } else if (respond == "none") {
        opts.respond = server::RespondMode::none;
    } else {
        // Bounded and regular-only, as a .req is: --respond /dev/zero or a FIFO must not hang or grow.
        FileRead got = read_regular_file(respond, kMaxRespondFileBytes);
        if (got.failure != ReadFailure::none) {
            std::string why = got.failure == ReadFailure::missing ? std::string("No such file or directory")
                              : got.failure == ReadFailure::unreadable ? got.why
                                                                       : "it " + got.why;
            print_error("listen: --respond takes ok, echo, none or a FILE whose bytes are sent; cannot use '" +
                        respond + "': " + why);
            return 2;
        }
        opts.respond = server::RespondMode::file;
        opts.file_response = std::move(got.bytes);
    }
    if (!save.empty()) {
        // Found out now, not after a client has sent something it cannot be saved.
        std::error_code ec;
        std::filesystem::path dir = std::filesystem::path(save).parent_path();
        if (dir.empty()) dir = ".";
        std::string why;
        if (std::filesystem::is_directory(save, ec))
            why = "it is a folder";
        else if (!std::filesystem::is_directory(dir, ec))
            why = "the folder '" + dir.string() + "' does not exist";
        else if (::access(dir.c_str(), W_OK) != 0)
            why = "the folder '" + dir.string() + "' is not writable";
        if (!why.empty()) {
            print_error("listen: cannot write --save '" + save + "': " + why);
            return 2;
        }
    }
    opts.idle_timeout = std::chrono::milliseconds(idle);
    opts.linger = std::chrono::milliseconds(lg);
    net::Deadline deadline = max_time_deadline(max_time);
    opts.deadline = deadline;

    if (max_clients < 1) {
        print_error("listen: --max-clients takes a number of clients, 1 or more");
        return 2;
    }
    opts.max_capture = kKeepPerClient;
    int start_code = 0;
    auto listener = start_listening(hp->host, *hp->port, kBacklog, port_file, "listen", start_code);
    if (!listener) return start_code;

    if (chat) {
        int rc = run_chat(*listener, deadline);
        ::close(listener->fd);
        return rc;
    }

    std::string mode = opts.respond == server::RespondMode::file ? respond : std::string(respond);
    std::cerr << "rawhttp listen: listening on " << listener->address << " (like nc -l; --respond " << mode
              << (once ? "; --once" : "") << "; Ctrl-C stops)\n"
              << "  try: curl http://" << listener->address << "/   or   rawhttp chat "
              << (listener->address.rfind(':') != std::string::npos
                      ? listener->address.substr(0, listener->address.rfind(':')) + " " +
                            listener->address.substr(listener->address.rfind(':') + 1)
                      : listener->address)
              << "\n";

    Screen screen;
    screen.style_ = render::Style{render::want_color(1)};
    std::size_t clients = 0;
    int code = 0;
    if (once) {
        // One client, in this thread; later ones wait in the backlog and go when listen exits.
        auto client = server::accept_client(*listener, deadline, stop_flag());
        if (!client) {
            print_error("listen: " + worded_error(client.error()));
            code = exit_code(client.error().kind);
        } else if (*client) {
            code = serve_client(**client, 1, opts, screen, listener->address, mode, false);
        }
        ::close(listener->fd);
        return stop_exit_code(code);
    }

    // A thread per client, at most max_clients at once: one that stalls holds
    // only its own thread, never the others.
    std::mutex m;
    std::condition_variable cv;
    std::map<std::size_t, std::thread> running;
    std::vector<std::size_t> ended;
    auto reap = [&](std::unique_lock<std::mutex>& lock) {
        std::vector<std::size_t> ids;
        ids.swap(ended);
        for (std::size_t id : ids) {
            std::thread t = std::move(running[id]);
            running.erase(id);
            lock.unlock();
            t.join();  // it has already reported: the join is immediate
            lock.lock();
        }
    };
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m);
            reap(lock);
            while (running.size() >= static_cast<std::size_t>(max_clients) && !stop_flag().load()) {
                cv.wait_for(lock, std::chrono::milliseconds(100));
                reap(lock);
            }
        }
        if (stop_flag().load()) break;
        auto client = server::accept_client(*listener, deadline, stop_flag());
        if (!client) {
            print_error("listen: " + worded_error(client.error()));
            std::lock_guard<std::mutex> lock(m);
            if (code == 0) code = exit_code(client.error().kind);
            // At --max-time the clients stop by themselves; otherwise tell them.
            if (client.error().kind != ErrorKind::timeout) stop_flag().store(true);
            break;
        }
        if (!*client) break;  // stopped
        std::size_t number = ++clients;
        std::shared_ptr<net::Transport> accepted(std::move(*client));
        std::lock_guard<std::mutex> lock(m);
        auto serve = [this, &m, &cv, &ended, &code, &opts, &screen, &listener, &mode, number,
                      t = accepted]() mutable {
            int rc = serve_client(*t, number, opts, screen, listener->address, mode, true);
            t.reset();  // closed before the accept loop hears of the free slot
            std::lock_guard<std::mutex> lock(m);
            if (rc != 0 && code == 0) {
                code = rc;
                stop_flag().store(true);  // --save failed, --max-time: listen ends
            }
            ended.push_back(number);
            cv.notify_all();
        };
        try {
            running[number] = std::thread(std::move(serve));
        } catch (const std::system_error& e) {
            // Out of threads (ulimit -u, say): this client is dropped, listen goes on.
            running.erase(number);
            print_note("cannot serve client " + accepted->info().remote + ": no thread for it (" + e.what() + ")");
        }
    }
    {
        std::unique_lock<std::mutex> lock(m);
        while (!running.empty()) {
            cv.wait_for(lock, std::chrono::milliseconds(100));
            reap(lock);
        }
    }
    ::close(listener->fd);
    return stop_exit_code(code);
}

int ListenCmd::serve_client(net::Transport& client, std::size_t number, const server::ListenOptions& opts,
                            Screen& screen, const std::string& listener_address, const std::string& mode,
                            bool separator) {
    Screen::View view;
    view.remote = client.info().remote;
    screen.attach(view);
    std::optional<ReqFileWriter> saver;
    if (!save.empty()) {
        ReqWriterOptions wo;
        wo.peer = view.remote;
        wo.time = utc_now();
        wo.target = listener_address;
        saver.emplace(numbered(save, number), wo);
    }
    render::Style style = screen.style_;
    render::ListenWording wording;
    wording.respond_label = "--respond " + mode;
    wording.hidden_hint = "--save FILE keeps them all";
    wording.idle_hint = "(--idle-timeout)";
    wording.timeout_hint = [](Limit limit) { return timeout_hint(limit); };
    wording.worded_error = [](const Error& e) { return worded_error(e); };
    ListenPrinter printer(render::ListenView(style, hex, std::move(wording)), screen, view,
                          saver ? &*saver : nullptr);
    render::TraceWriter tracer(2, hex, render::Style{render::want_color(2)});
    if (trace) {
        tracer.set_label("#" + std::to_string(number));  // the n-th client, as send numbers connections
        client.set_observer(&tracer);
    }
    capture::ClientReport rep = server::handle_client(client, opts, printer, stop_flag());
    client.set_observer(nullptr);
    int code = 0;
    if (saver) {
        const std::string& path = saver->req_path();
        if (saver->bytes() == 0) {
            print_note("nothing was received from " + view.remote + ": " + path + " not written");
        } else if (!saver->finish()) {
            print_error("listen: cannot write --save '" + path + "': " + saver->error());
            code = 23;
        } else {
            std::string where = path;
            if (saver->spilled())
                where += " (the " + plural(saver->side_bytes(), "byte") + " after the head in " + saver->side_path() +
                         ", which it names)";
            printer.out(render::dim("saved " + plural(saver->bytes(), "byte") + " as " + where +
                                        " (replay them byte for byte: rawhttp send " + path + " --to HOST:PORT)",
                                    style) +
                        "\n");
        }
    }
    if (rep.captured_truncated()) {
        std::string kept = "only the first " + std::to_string(rep.captured.size()) + " of " +
                           std::to_string(rep.received) + " bytes from " + view.remote + " were kept in memory";
        print_note(kept + (saver && code == 0 ? " (shown and linted); --save wrote them all" : ""));
    }
    if (rep.error && rep.error->kind == ErrorKind::timeout) {
        print_error("listen: " + worded_error(*rep.error));
        code = 28;
    }
    screen.detach(view, separator);
    return code;
}

int ListenCmd::run_chat(net::Listener& listener, const net::Deadline& deadline) {
    std::cerr << "rawhttp listen --chat: waiting on " << listener.address
              << " for one client (then each line you type goes out with " << (eol == "lf" ? "LF" : "CRLF")
              << "; Ctrl-D half-closes, Ctrl-C leaves)\n";
    auto client = server::accept_client(listener, deadline, stop_flag());
    if (!client) {
        print_error("listen: " + worded_error(client.error()));
        return exit_code(client.error().kind);
    }
    if (!*client) return 130;
    ::close(listener.fd);  // one conversation: nobody else gets in
    listener.fd = -1;
    net::Transport& t = **client;
    render::Style style{render::want_color(1)};
    render::Style note_style{render::want_color(2)};
    render::TraceWriter tracer(2, hex, note_style);
    if (trace) t.set_observer(&tracer);
    std::cerr << render::bold("client " + t.info().remote + " connected", note_style)
              << render::dim("  (to " + t.info().local + "; type to answer, what the client sends shows as < lines)",
                             note_style)
              << "\n";
    render::ConversationPrinting p;
    p.style = style;
    p.note_style = note_style;
    p.hex = hex;
    p.show_sent = verbose;
    render::PrintingHooks hooks(p);
    if (!save.empty()) hooks.capture_cap = 16u << 20;
    client::ConversationOptions co;
    co.bare_lf = eol == "lf";
    co.send_partial_lines = ::isatty(0) == 1;
    co.deadline = deadline;
    co.end_on_peer_close = false;  // a client's FIN is a half-close: Bob may still answer
    auto end = client::converse(t, co, hooks, stop_flag());
    hooks.finish();
    int code = 0;
    if (!end) {
        print_error("listen: " + worded_error(end.error()));
        code = exit_code(end.error().kind);
    } else if (*end == client::ConversationEnd::peer_closed) {
        std::cerr << render::dim("client " + t.info().remote + " closed the connection (" +
                                     plural(hooks.received(), "byte") + " received, " + plural(hooks.sent(), "byte") +
                                     " sent)",
                                 note_style)
                  << "\n";
    } else {
        std::cerr << render::dim("left the conversation (Ctrl-C)", note_style) << "\n";
        code = 130;
    }
    if (!save.empty() && !save_capture(hooks.captured, t.info().remote, listener.address, 1)) return 23;
    return code;
}

}  // namespace

void add_listen_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<ListenCmd>();
    Command* sub = add_command(app, "listen", "the nc -l role: accept clients, show exactly what each sent, parsed; answer; save it as a .req");
    sub->footer(
        "Like `nc -l PORT`, but it shows what each client sent: its address and ephemeral\n"
        "port, the exact bytes with CR and LF visible, the parsed request, and what a strict\n"
        "server would reject. Binds 127.0.0.1 unless told otherwise; a bare number is a port\n"
        "on 127.0.0.1; port 0 picks a free one.\n\n"
        "Clients are served at once, a thread each, up to --max-clients (default 64); one\n"
        "more waits in the kernel's queue (connected, not read) until another ends, so a\n"
        "stalled client holds only itself. A client alone is shown live, as its bytes\n"
        "arrive; while several are connected, each view is printed whole when its client\n"
        "ends, so views never mix. --once: one client, then exit.\n\n"
        "--respond: ok (default: a small 200 OK with Connection: close once the request is\n"
        "complete, so curl finishes), echo (a 200 whose body is the request's exact bytes),\n"
        "none (answer nothing and wait for the client to close, like nc), or a FILE whose\n"
        "bytes are sent verbatim.\n"
        "--save FILE.req writes what the first client sent as a .req that `rawhttp send`\n"
        "replays byte for byte; later clients (in the order they connected) go to\n"
        "FILE-2.req, FILE-3.req, ... Past 1 MiB, the bytes after the head go to a side file,\n"
        "FILE.body (FILE-2.body, ...), written as they arrive and named in the .req as\n"
        "{{file:FILE.body}}: nothing is cut, and memory stays small (4 MiB of each client\n"
        "are kept for the screen, lint and --respond echo).\n"
        "--chat: Bob's side of the netcat lesson: wait for one client, then type lines to it\n"
        "(each goes out with CRLF) while what it sends is shown as it arrives.\n"
        "--trace: every socket read and write on stderr, with its time, size and bytes.\n\n"
        "Exit: 0 (--once done, or stopped by SIGTERM), 2 usage, 7 cannot listen (the port\n"
        "is in use, say), 23 --save cannot be written, 28 --max-time, 130 stopped with Ctrl-C.\n\n"
        "Examples:\n"
        "  rawhttp listen 8080                          # then: curl http://127.0.0.1:8080/\n"
        "  rawhttp listen 8080 --once --save curl.req   # capture what curl sends ...\n"
        "  rawhttp send curl.req --to 127.0.0.1:8081    # ... and replay it byte for byte\n"
        "  rawhttp listen 3000 --respond none --hex     # nc -l 3000, with a hexdump\n"
        "  rawhttp listen 3000 --chat                   # Bob; Alice runs: rawhttp chat 127.0.0.1 3000");
    sub->add_option("WHERE", cmd->where, "[HOST:]PORT to listen on (a bare number: 127.0.0.1:PORT; port 0: any free port)")
        ->required();
    sub->add_option("--respond", cmd->respond, "what to answer: ok (default), echo, none, or FILE (its bytes, verbatim)")
        ->check(non_empty());
    sub->add_flag("--once", cmd->once, "exit after the first client");
    add_hex(*sub, cmd->hex, "the bytes");
    sub->add_option("--save", cmd->save, "write the capture as a .req that send replays byte for byte (then FILE-2.req, ...; a body past 1 MiB in FILE.body)")
        ->check(non_empty());
    sub->add_flag("--chat", cmd->chat, "a two-way conversation with the first client (Bob's side of the netcat lesson)");
    add_typed_eol(*sub, cmd->eol, "--chat");
    add_verbose(*sub, cmd->verbose, "--chat: also show each line sent, CR/LF visible");
    add_trace(*sub, cmd->trace);
    sub->add_option("--port-file", cmd->port_file, "write the port it listens on to this file (handy with port 0)")
        ->check(non_empty());
    add_idle_timeout(*sub, cmd->idle_timeout, 30, "seconds of silence after which an incomplete request is taken as ended",
                     {"wait"});
    sub->add_option("--linger", cmd->linger, "seconds to wait for the client to close after the response (default 2)")->check(seconds_value());
    add_max_time(*sub, cmd->max_time, "the whole run");
    sub->add_option("--max-clients", cmd->max_clients,
                    "clients served at once (default 64); more wait in the kernel's queue until one ends");
    // What only one mode uses is refused in the other, rather than silently ignored.
    auto* chat_opt = sub->get_option("--chat");
    chat_opt->excludes(sub->get_option("--respond"));
    chat_opt->excludes(sub->get_option("--max-clients"));
    sub->get_option("--eol")->needs(chat_opt);
    sub->get_option("--verbose")->needs(chat_opt);
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
