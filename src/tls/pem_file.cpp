#include "tls/pem_file.hpp"

#include "core/file_read.hpp"

namespace rawhttp::tls {

std::string ca_file_problem(const std::string& path) {
    FileRead got = read_regular_file(path, kMaxCaFileBytes);
    const std::string quoted = "'" + path + "'";
    switch (got.failure) {
        case ReadFailure::none: break;
        case ReadFailure::missing: return "cannot read " + quoted + ": No such file or directory";
        case ReadFailure::unreadable: return "cannot read " + quoted + ": " + got.why;
        case ReadFailure::not_regular: return quoted + " " + got.why;
        case ReadFailure::too_large:
            return quoted + " " + got.why + ", too large for a file of PEM certificates";
    }
    if (got.bytes.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return quoted + ": no PEM certificate in it (expected a '-----BEGIN CERTIFICATE-----' line)";
    return {};
}

}  // namespace rawhttp::tls
