// How serve, listen and relay stop: SIGINT and SIGTERM set one flag that
// every wait of theirs watches. Ctrl-C exits 130, as SPEC says; a SIGTERM
// from a supervisor is a normal stop, 0.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "net/transport.hpp"

namespace rawhttp::cli {

// Set by the signal handler (or by the command itself, to end its loop).
std::atomic<bool>& stop_flag();
// Installs the handler for SIGINT and SIGTERM. Called before the port file
// is written: whoever reads it may signal at once.
void install_stop_signals();
// `code`, or 130 when it is 0 and Ctrl-C stopped the command.
int stop_exit_code(int code = 0);

// How serve, listen and relay start: listen on host:port, install the stop
// signals, then write the port file (when one is asked for), in that order.
// nullopt: the error was printed ("COMMAND: ..."), and `code` is the exit code.
std::optional<net::Listener> start_listening(const std::string& host, int port, int backlog,
                                             const std::string& port_file, std::string_view command, int& code);

}  // namespace rawhttp::cli
