// TLS over rawhttp's own TCP transport, with OpenSSL: SNI, ALPN http/1.1,
// certificate and host-name verification on by default.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "net/transport.hpp"

namespace rawhttp::net {

struct TlsOptions {
    std::string server_name;              // SNI and the name the certificate must match
    bool verify = true;                   // --insecure turns it off
    std::optional<std::string> ca_file;   // --cacert FILE (else the system store)
};

// Runs the TLS handshake over a connected transport, bounded by the deadline.
// Errors: tls (35) for a failed handshake, tls_verify (60) for a certificate
// that cannot be verified, timeout (28). The connection info gains the TLS
// version, cipher and handshake time.
Result<std::unique_ptr<Transport>> start_tls(std::unique_ptr<Transport> tcp, const TlsOptions& options,
                                             const Deadline& deadline);

}  // namespace rawhttp::net
