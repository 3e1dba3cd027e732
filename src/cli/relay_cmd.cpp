// rawhttp relay [HOST:]PORT --to UPSTREAM[:PORT]: sits between a real client
// and a real server, forwards the bytes both ways unchanged and shows each
// exchange (raw and parsed, findings on both sides, timing); --as-proxy: a
// forward proxy; --save DIR and --har FILE keep what went by. The relaying is
// src/relay/; this file turns flags into options and events into text.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>

#include "cli/common.hpp"
#include "cli/options_output.hpp"
#include "cli/options_tls.hpp"
#include "cli/stop_signals.hpp"
#include "compose/req_writer.hpp"
#include "core/wording.hpp"
#include "net/transport.hpp"
#include "cli/relay_report.hpp"
#include "relay/har.hpp"
#include "relay/proxy_rewrite.hpp"
#include "relay/relay.hpp"
#include "render/escape.hpp"

namespace rawhttp::cli {

namespace {


constexpr int kDefaultMaxClients = 128;
constexpr std::size_t kShowCap = 16 * 1024;  // raw bytes of each message shown

std::string utc_text(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string number4(std::uint64_t id) {
    char b[32];
    std::snprintf(b, sizeof b, "%04llu", static_cast<unsigned long long>(id));
    return b;
}

// --save DIR: NNNN.req (replayable by send, a big body in NNNN.body) and
// NNNN.response (the raw bytes), written as they go by.
class SaveSink : public relay::ExchangeSink {
public:
    SaveSink(const std::string& dir, std::uint64_t id, ReqWriterOptions wo)
        : req_(dir + "/" + number4(id) + ".req", std::move(wo)), response_path_(dir + "/" + number4(id) + ".response") {}
    ~SaveSink() override {
        if (fd_ >= 0) ::close(fd_);
    }
    void request_bytes(std::string_view b) override { req_.append(b); }
    void response_bytes(std::string_view b) override {
        if (fd_ < 0 && error_.empty()) {
            fd_ = ::open(response_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd_ < 0) error_ = response_path_ + ": " + std::strerror(errno);
        }
        if (fd_ >= 0 && !write_all_fd(fd_, b)) error_ = response_path_ + ": " + std::strerror(errno);
    }
    // Writes the .req; returns what was saved, in words, or an error.
    bool finish(std::string& words) {
        if (req_.bytes() > 0 && !req_.finish()) {
            words = req_.req_path() + ": " + req_.error();
            return false;
        }
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
        if (!error_.empty()) {
            words = error_;
            return false;
        }
        if (req_.bytes() > 0) words = req_.req_path();
        if (req_.spilled()) words += " (its body in " + req_.side_path() + ")";
        if (!words.empty()) words += ", ";
        words += response_path_;
        return true;
    }

private:
    ReqFileWriter req_;
    std::string response_path_;
    int fd_ = -1;
    std::string error_;
};

struct RelayCmd {
    std::string where;
    std::string to;
    bool tls = false;
    bool insecure = false;
    std::string cacert;
    bool as_proxy = false;
    bool no_via = false;
    std::string save;
    std::string har;
    std::string report_file;
    std::string port_file;
    double idle_timeout{}, connect_timeout{}, max_time{};  // defaults: at their add_ calls
    int max_clients = kDefaultMaxClients;

    int run();
};

// Prints each event as a block, whole, so connections never mix their lines.
class Printer : public relay::RelayHooks {
public:
    Printer(const RelayCmd& cmd, render::Style s, relay::HarLog* har) : cmd_(cmd), s_(s), har_(har) {}

    RelayReport* report = nullptr;  // --report

    void on_connected(const relay::ConnectionReport& c) override {
        report_step([&](std::string& err) { return report->connected(c, err); });
        out(render::bold("connection " + std::to_string(c.number) + ": client " + c.client.remote + " connected", s_) +
            render::dim("  (to " + c.client.local + "; " + c.client.remote + " is its address and ephemeral port)", s_) +
            "\n");
    }
    void on_upstream(const relay::ConnectionReport& c) override {
        const auto& u = *c.upstream;
        std::string tls = u.tls_version ? ", " + *u.tls_version + " " + u.tls_cipher.value_or("") : "";
        out(render::dim("connection " + std::to_string(c.number) + ": upstream " + u.remote + " connected in " +
                            fmt_ms(u.connect_ms) + " (from " + u.local + tls + ")",
                        s_) +
            "\n");
    }
    void on_exchange_start(relay::Exchange& ex) override {
        if (cmd_.save.empty()) return;
        ReqWriterOptions wo;
        wo.source = "rawhttp relay";
        wo.peer = ex.client;
        wo.time = utc_text(ex.started_at);
        wo.target = cmd_.as_proxy ? std::string() : cmd_.to;
        auto sink = std::make_shared<SaveSink>(cmd_.save, ex.id, wo);
        ex.sink = sink;
    }
    void on_exchange(const relay::Exchange& ex) override {
        std::string text = exchange_text(ex);
        if (auto* sink = dynamic_cast<SaveSink*>(ex.sink.get())) {
            std::string words;
            if (sink->finish(words)) {
                text += render::dim("  saved " + words + "  (replay: rawhttp send " + cmd_.save + "/" +
                                        number4(ex.id) + ".req)",
                                    s_) +
                        "\n";
            } else {
                print_error("relay: cannot write --save: " + words);
                failed_ = true;
            }
        }
        if (har_) {
            std::string err;
            if (!har_->add(ex, cmd_.as_proxy, cmd_.tls, err)) {
                print_error("relay: cannot write --har '" + cmd_.har + "': " + err);
                failed_ = true;
            }
        }
        report_step([&](std::string& err) { return report->exchange(ex, err); });
        out(text + "\n");
    }
    void on_closed(const relay::ConnectionReport& c) override {
        report_step([&](std::string& err) { return report->closed(c, err); });
        std::string line = "connection " + std::to_string(c.number) + " closed: " + render::escape_message(relay_end_words(c), s_) +
                           " (" + plural(c.exchanges, "exchange") + "; " + plural(c.from_client, "byte") +
                           " from the client, " + plural(c.from_upstream, "byte") + " from the upstream; " +
                           fmt_ms(c.duration_ms) + ")";
        std::string text = c.error ? render::yellow(line, s_) : render::dim(line, s_);
        text += "\n";
        if (c.tunnel)
            text += "  tunnel: " + plural(c.tunnel_up, "byte") + " client -> upstream, " +
                    plural(c.tunnel_down, "byte") + " upstream -> client, passed on blind\n";
        if (c.unparsed_up || c.unparsed_down)
            text += "  not read as HTTP: " + plural(c.unparsed_up, "byte") + " client -> upstream, " +
                    plural(c.unparsed_down, "byte") + " upstream -> client (passed on unchanged)\n";
        out(text + "\n");
    }
    bool failed() const { return failed_; }

    template <class Step>
    void report_step(Step&& step) {
        if (!report) return;
        std::string err;
        if (!step(err)) {
            print_error("relay: cannot write --report '" + cmd_.report_file + "': " + err);
            failed_ = true;
        }
    }

private:
    void out(const std::string& s) {
        std::lock_guard<std::mutex> lock(m_);
        write_all_fd(1, s);
    }

    std::string side_text(const relay::Side& side, bool request, bool by_relay) const {
        std::string t;
        const char* who = request ? "request from the client" : by_relay ? "response from the relay itself" : "response from the upstream";
        if (!side.started)
            return render::bold(who, s_) + "  " +
                   render::yellow("(none" + (side.ended.empty() ? "" : ": " + render::escape_message(side.ended, s_)) + ")", s_) +
                   "\n";
        std::string state = side.complete ? "complete" : render::yellow("incomplete", s_);
        t += render::bold(who, s_) + " (" + plural(side.bytes, "byte") + ", " + state + ")\n";
        const std::string mark = request ? "  > " : "  < ";
        t += render::escape_lines(side.shown, s_, mark);
        if (!side.shown.empty() && side.shown.back() != '\n') t += "\n";
        if (side.bytes > side.shown.size())
            t += render::dim("  ... " + plural(side.bytes - side.shown.size(), "more byte") + " not shown" +
                                 (cmd_.save.empty() ? " (--save DIR keeps them all)" : ""),
                             s_) +
                 "\n";
        if (side.head_complete) {
            if (request)
                t += "  parsed    " + render::escape_inline(side.method, s_) + " " +
                     render::escape_inline(side.target, s_) + " " + render::escape_inline(side.version, s_);
            else
                t += "  parsed    " + render::escape_inline(side.version, s_) + " " + std::to_string(side.status) +
                     " " + render::escape_inline(side.reason, s_) + "  (" +
                     std::string(http::status_meaning(side.status)) + ")";
            t += ", " + plural(side.headers.size(), "header") + "\n";
            std::size_t k = 0;
            for (const auto& [n, v] : side.headers) {
                char idx[16];
                std::snprintf(idx, sizeof idx, "%6zu  ", ++k);
                t += render::dim(idx, s_) + render::cyan(render::escape_inline(n, s_), s_) + "  " +
                     render::escape_inline(v, s_) + "\n";
            }
            std::string body;
            switch (side.framing) {
                case http::Framing::content_length:
                    body = "Content-Length: " + plural(side.content_length, "byte");
                    break;
                case http::Framing::chunked: body = "chunked, " + plural(side.body_bytes, "byte") + " decoded"; break;
                case http::Framing::close: body = "until close, " + plural(side.body_bytes, "byte"); break;
                case http::Framing::none: body = "none"; break;
            }
            if (side.interim) body += "; after " + plural(side.interim, "interim 1xx response");
            t += "  body      " + body + "\n";
        }
        if (!side.ended.empty()) t += "  " + render::yellow("ended", s_) + "     " + render::escape_message(side.ended, s_) + "\n";
        if (side.findings.empty()) {
            t += "  findings  " + render::green("none", s_) + "\n";
        } else {
            t += "  findings\n";
            for (const auto& f : side.findings) {
                std::string sev = f.severity == http::Severity::error ? render::red("error", s_) : render::yellow("warning", s_);
                t += "    " + sev + " [" + f.id + "] line " + std::to_string(f.line) + ", column " +
                     std::to_string(f.column) + ": " + render::escape_message(f.message, s_) + " (" + f.rfc + ")\n";
            }
        }
        return t;
    }

    std::string exchange_text(const relay::Exchange& ex) const {
        std::string t = render::bold("exchange " + std::to_string(ex.id), s_) + render::dim(
            "  (connection " + std::to_string(ex.connection) + ", #" + std::to_string(ex.index) + " on it: client " +
                ex.client + " -> upstream " + (ex.upstream.empty() ? std::string("(none)") : ex.upstream) + ")", s_) + "\n";
        t += side_text(ex.request, true, false);
        if (ex.proxy && !ex.proxy->sent_head.empty()) {
            t += render::bold("as the proxy sent it to " + render::escape_inline(ex.proxy->authority, s_), s_) +
                 render::dim("  (- only in what came in, + only in what went out)", s_) + "\n";
            for (const auto& d : relay::head_diff(ex.request.raw_head, ex.proxy->sent_head)) {
                std::string line = std::string("  ") + d.mark + " " + render::escape_inline(d.line, s_);
                t += (d.mark == '-' ? render::red(line, s_) : d.mark == '+' ? render::green(line, s_) : line) + "\n";
            }
        }
        t += side_text(ex.response, false, ex.answered_by_relay);
        auto ms = [](const std::optional<double>& v) { return v ? fmt_ms(*v) : std::string("-"); };
        t += "timing    request received " + ms(ex.received_ms) + " (client -> relay), forwarded " + ms(ex.forwarded_ms) +
             " (relay -> upstream), first byte " + ms(ex.first_byte_ms) + ", total " + ms(ex.total_ms) + "\n";
        if (ex.tunnel)
            t += render::bold("tunnel", s_) +
                 "    from here the connection's bytes pass through blind (counted when it closes)\n";
        return t;
    }

    const RelayCmd& cmd_;
    render::Style s_;
    relay::HarLog* har_;
    std::mutex m_;
    std::atomic<bool> failed_{false};
};

int RelayCmd::run() {
    std::string text = where;
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) text = "127.0.0.1:" + text;
    auto hp = net::parse_host_port(text);
    if (!hp || !hp->port) {
        print_error("relay: '" + where + "' is not [HOST:]PORT (for example 8080, 127.0.0.1:8080 or [::1]:8080)");
        return 2;
    }
    relay::RelayOptions o;
    if (as_proxy) {
        if (!to.empty() || tls) {
            print_error("relay: --as-proxy takes the upstream from each request (an absolute-form target or CONNECT); "
                        "leave out --to and --tls");
            return 2;
        }
        o.as_proxy = true;
        o.add_via = !no_via;
    } else {
        if (to.empty()) {
            print_error("relay: --to UPSTREAM[:PORT] is required (where the bytes go), or --as-proxy");
            return 2;
        }
        if (no_via) {
            print_error("relay: --no-via goes with --as-proxy (the plain relay adds nothing)");
            return 2;
        }
        auto up = net::parse_host_port(to);
        if (!up) {
            print_error("relay: --to '" + to + "' is not HOST[:PORT] (for example 127.0.0.1:8080 or example.com)");
            return 2;
        }
        o.upstream.host = up->host;
        o.upstream.port = up->port.value_or(tls ? 443 : 80);
        o.upstream.tls = tls;
        o.upstream.verify = !insecure;
        if (!cacert.empty()) o.upstream.ca_file = cacert;
        to = (up->host.find(':') != std::string::npos ? "[" + up->host + "]" : up->host) + ":" +
             std::to_string(o.upstream.port);
    }
    if ((insecure || !cacert.empty()) && !tls) {
        print_error("relay: --insecure and --cacert go with --tls");
        return 2;
    }
    long long idle = seconds_to_ms(idle_timeout), ct = seconds_to_ms(connect_timeout);
    if (max_clients < 1) {
        print_error("relay: --max-clients takes a number of clients, 1 or more");
        return 2;
    }
    o.idle_timeout = std::chrono::milliseconds(idle);
    o.connect_timeout = std::chrono::milliseconds(ct);
    o.deadline = max_time_deadline(max_time);
    o.show_cap = kShowCap;
    if (!save.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(save, ec)) std::filesystem::create_directories(save, ec);
        if (!std::filesystem::is_directory(save, ec) || ::access(save.c_str(), W_OK) != 0) {
            print_error("relay: cannot write --save '" + save + "': " +
                        (ec ? ec.message() : std::string("not a writable folder")));
            return 2;
        }
    }
    std::unique_ptr<relay::HarLog> har_log;
    if (!har.empty()) {
        har_log = std::make_unique<relay::HarLog>(har);
        std::string err;
        if (!har_log->write(err)) {
            print_error("relay: cannot write --har '" + har + "': " + err);
            return 2;
        }
    }
    std::unique_ptr<RelayReport> page;
    if (!report_file.empty()) {
        page = std::make_unique<RelayReport>(report_file, as_proxy ? std::string("the hosts the clients ask for") : to);
        std::string err;
        if (!page->start(err)) {
            print_error("relay: cannot write --report '" + report_file + "': " + err);
            return 2;
        }
    }
    int start_code = 0;
    auto listener = start_listening(hp->host, *hp->port, 256, port_file, "relay", start_code);
    if (!listener) return start_code;
    std::signal(SIGPIPE, SIG_IGN);
    if (as_proxy)
        std::cerr << "rawhttp relay: a forward proxy on " << listener->address << " (try: http_proxy=http://"
                  << listener->address << " curl http://HOST/; Ctrl-C stops)\n";
    else
        std::cerr << "rawhttp relay: " << listener->address << " -> " << (tls ? "https://" : "") << to
                  << " (try: curl http://" << listener->address << "/; Ctrl-C stops)\n";

    Printer printer(*this, render::Style{render::want_color(1)}, har_log.get());
    printer.report = page.get();
    Status st = relay::serve_relay(*listener, o, static_cast<std::size_t>(max_clients), printer, stop_flag());
    ::close(listener->fd);
    if (!st) {
        print_error("relay: " + (st.error().kind == ErrorKind::timeout ? std::string("--max-time reached")
                                                                        : st.error().message));
        return exit_code(st.error().kind);
    }
    if (printer.failed()) return 23;
    return stop_exit_code();
}

}  // namespace

void add_relay_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<RelayCmd>();
    Command* sub = add_command(app, 
        "relay", "sit between a client and a server: forward bytes unchanged both ways, show and lint both sides");
    sub->footer(
        "Accepts clients on [HOST:]PORT (a bare number: 127.0.0.1:PORT; port 0: any free\n"
        "port, see --port-file) and forwards each client's bytes to UPSTREAM, and UPSTREAM's\n"
        "bytes back, unchanged, both ways at once. Each exchange is shown when both its\n"
        "request and its response have gone by: the client's address and ephemeral port,\n"
        "the raw bytes (CR and LF visible; the first 16 KiB of each message), the parsed\n"
        "view, the rule book's findings on both sides, and the timing (received from the\n"
        "client, forwarded to the upstream, first byte of the response, total). Keep-alive\n"
        "and pipelined exchanges are paired in order; bodies are streamed, never held\n"
        "whole. After a 101 or a 2xx to CONNECT the connection is a tunnel: its bytes pass\n"
        "blind and are counted.\n\n"
        "Several clients at once (a connection each, up to --max-clients; more wait in the\n"
        "kernel's queue). A client or upstream that resets, stalls or sends what cannot be\n"
        "read as HTTP ends its own connection only, and the reason is shown (bytes that\n"
        "cannot be read as HTTP are still passed on unchanged). Every read and write waits\n"
        "at most --idle-timeout (default 30 s): silence in both directions that long ends\n"
        "the connection.\n\n"
        "--as-proxy: a forward proxy (RFC 9110 §7.6, RFC 9112 §3.2) for clients with\n"
        "http_proxy=http://HOST:PORT: each absolute-form request goes to its host with an\n"
        "origin-form target, Host from the target, the Connection field and the fields it\n"
        "names (and Proxy-Connection, Keep-Alive, TE) removed, Via added (unless --no-via);\n"
        "what came in and what went out are shown as a diff. CONNECT (https_proxy) opens a\n"
        "tunnel relayed blind, so TLS stays end to end.\n\n"
        "--save DIR writes each exchange as DIR/NNNN.req (the request as a .req that\n"
        "`rawhttp send` replays byte for byte; past 1 MiB its body in NNNN.body) and\n"
        "DIR/NNNN.response (the raw response bytes). --har FILE writes an HTTP Archive\n"
        "(HAR 1.2), rewritten after each exchange, that browsers' devtools open.\n\n"
        "Exit: 130 when stopped with Ctrl-C, 0 on SIGTERM, 2 usage, 7 cannot listen, 23 --save\n"
        "or --har cannot be written, 28 --max-time.\n\n"
        "Examples:\n"
        "  rawhttp serve 9000 &  rawhttp relay 8080 --to 127.0.0.1:9000   # then: curl http://127.0.0.1:8080/\n"
        "  rawhttp relay 8443 --to example.com --tls --save caps/           # plain in, TLS out\n"
        "  rawhttp relay 3128 --as-proxy        # then: http_proxy=http://127.0.0.1:3128 curl http://example.com/");
    sub->add_option("WHERE", cmd->where, "[HOST:]PORT to listen on (a bare number: 127.0.0.1:PORT; port 0: any free port)")
        ->required();
    sub->add_option("--to", cmd->to, "UPSTREAM[:PORT] the bytes go to (port 80, or 443 with --tls)")->check(non_empty());
    add_tls(*sub, cmd->tls, "speak TLS to the upstream (clients still speak plain HTTP to the relay)");
    add_tls_verify(*sub, cmd->insecure, cmd->cacert, "upstream");
    sub->add_flag("--as-proxy", cmd->as_proxy, "be a forward proxy: each request names its upstream (http_proxy, CONNECT)");
    sub->add_flag("--no-via", cmd->no_via, "--as-proxy: do not add a Via field");
    sub->add_option("--save", cmd->save, "write each exchange as DIR/NNNN.req (replayable by send) and DIR/NNNN.response")
        ->check(non_empty());
    sub->add_option("--har", cmd->har, "write an HTTP Archive (HAR 1.2) of the exchanges to FILE")->check(non_empty());
    add_report(*sub, cmd->report_file,
               "a diagram per client connection (an arrow per request and response), each exchange's timing, and "
               "both messages line by line with their findings",
               /*rewritten=*/true);
    sub->add_option("--port-file", cmd->port_file, "write the port it listens on to this file (handy with port 0)")
        ->check(non_empty());
    add_idle_timeout(*sub, cmd->idle_timeout, 30,
                     "seconds any read or write may wait, and of silence both ways before a connection ends",
                     ZeroMeans{ZeroMeans::refused});
    add_connect_timeout(*sub, cmd->connect_timeout, 10, "connecting to the upstream", ZeroMeans{ZeroMeans::refused});
    add_max_time(*sub, cmd->max_time, "the whole run");
    sub->add_option("--max-clients", cmd->max_clients,
                    "client connections relayed at once (default 128); more wait in the kernel's queue");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
