// The TLS options, each declared here once: --tls, --no-tls, -k/--insecure and
// --cacert (with its check of the file), and the words that turn the
// library's TLS failure kinds into advice naming these options.
#pragma once

#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "core/error.hpp"

namespace rawhttp::cli {

// --cacert: a readable file of PEM certificates, checked before anything is sent.
CLI::Validator ca_file();

// --tls: `what` says what speaks TLS ("use TLS (default when the port is 443)").
CLI::Option* add_tls(Command& cmd, bool& tls, std::string_view what);

// --no-tls: never TLS, even on port 443; excludes `tls_flag`.
CLI::Option* add_no_tls(Command& cmd, bool& no_tls, CLI::Option* tls_flag);

// -k/--insecure and --cacert FILE, about the certificate of `peer` ("server",
// "upstream"). `needs`: the --tls they go with, when TLS is not the default.
void add_tls_verify(Command& cmd, bool& insecure, std::string& cacert, std::string_view peer,
                    CLI::Option* needs = nullptr);

// How a command comes to speak TLS: by the port (443) unless --no-tls, as
// send and compare do, or only when --tls is given (chat, relay, probe).
enum class TlsChoice { by_port, opt_in };

// " (use --cacert FILE to trust its CA, or --insecure to skip the check)":
// what the command line can do about a failed handshake, or "".
std::string tls_hint(TlsFailure failure, TlsChoice choice = TlsChoice::by_port);

// The error's message with the options that help: a TLS failure's advice and
// the timeout that fired (" (--max-time)").
std::string worded_error(const Error& error, TlsChoice choice = TlsChoice::by_port);

}  // namespace rawhttp::cli
