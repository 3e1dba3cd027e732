#include "cli/options_tls.hpp"

#include "cli/options_timeouts.hpp"
#include "tls/pem_file.hpp"

namespace rawhttp::cli {

CLI::Validator ca_file() {
    return CLI::Validator(
        [](std::string& s) {
            if (s.empty()) return std::string("the value is empty");
            return tls::ca_file_problem(s);
        },
        "");
}

CLI::Option* add_tls(Command& cmd, bool& tls, std::string_view what) {
    return cmd.add_flag("--tls", tls, std::string(what));
}

CLI::Option* add_no_tls(Command& cmd, bool& no_tls, CLI::Option* tls_flag) {
    return cmd.add_flag("--no-tls", no_tls, "never use TLS, even on port 443")->excludes(tls_flag);
}

void add_tls_verify(Command& cmd, bool& insecure, std::string& cacert, std::string_view peer, CLI::Option* needs) {
    const std::string p(peer);
    auto* k = cmd.add_flag("-k,--insecure", insecure, "TLS: do not verify the " + p + "'s certificate and name");
    auto* ca = cmd.add_option("--cacert", cacert,
                              "TLS: trust the CA certificates in this PEM file (else the system store)")
                   ->check(ca_file());
    if (needs) k->needs(needs), ca->needs(needs);
}

std::string tls_hint(TlsFailure failure, TlsChoice choice) {
    switch (failure) {
        case TlsFailure::name_mismatch: return " (use --insecure to skip the check, or a Host header with one of its names)";
        case TlsFailure::untrusted: return " (use --cacert FILE to trust its CA, or --insecure to skip the check)";
        case TlsFailure::not_tls:
            return choice == TlsChoice::by_port ? " (is the server speaking plain HTTP on this port? try --no-tls)"
                                                : " (is the server speaking plain HTTP on this port? leave out --tls)";
        case TlsFailure::none: break;
    }
    return {};
}

std::string worded_error(const Error& error, TlsChoice choice) {
    return error.message + tls_hint(error.tls_failure, choice) + timeout_hint(error.limit);
}

}  // namespace rawhttp::cli
