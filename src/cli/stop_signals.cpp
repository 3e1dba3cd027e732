#include "cli/stop_signals.hpp"

#include <unistd.h>

#include <csignal>

#include "cli/common.hpp"

namespace rawhttp::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
    g_signal.store(sig);
    g_stop.store(true);
}

}  // namespace

std::atomic<bool>& stop_flag() { return g_stop; }

void install_stop_signals() {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
}

int stop_exit_code(int code) { return code == 0 && g_signal.load() == SIGINT ? 130 : code; }

std::optional<net::Listener> start_listening(const std::string& host, int port, int backlog,
                                             const std::string& port_file, std::string_view command, int& code) {
    auto listener = net::listen_on(host, port, backlog);
    if (!listener) {
        print_error(std::string(command) + ": " + listener.error().message);
        code = exit_code(listener.error().kind) == 2 ? 2 : 7;
        return std::nullopt;
    }
    install_stop_signals();  // before the port file: whoever reads it may signal at once
    if (!port_file.empty() && !write_port_file(port_file, listener->port, command)) {
        ::close(listener->fd);
        code = 2;
        return std::nullopt;
    }
    return std::move(*listener);
}

}  // namespace rawhttp::cli
