// A quick look at a --cacert file before anything is sent, so that a wrong
// file is a usage error (exit 2) rather than a failed handshake (35) after
// connecting. OpenSSL is loaded only when a TLS connection starts, so this
// checks the shape, not the certificates.
#pragma once

#include <cstddef>
#include <string>

namespace rawhttp::tls {

// A CA bundle is a few hundred KiB; anything near this is not one.
inline constexpr std::size_t kMaxCaFileBytes = std::size_t{16} << 20;

// Empty when `path` is a readable regular file of at most kMaxCaFileBytes
// holding a "-----BEGIN CERTIFICATE-----" line; else why not, as a sentence
// that names the file ("cannot read 'x.pem': No such file or directory").
std::string ca_file_problem(const std::string& path);

}  // namespace rawhttp::tls
