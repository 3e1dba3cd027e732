#include "cli/stop_signals.hpp"

#include <csignal>

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

}  // namespace rawhttp::cli
