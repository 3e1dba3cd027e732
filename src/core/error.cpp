#include "core/error.hpp"

namespace rawhttp {

int exit_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::usage:
        case ErrorKind::file:
        case ErrorKind::template_: return 2;
        case ErrorKind::resolve: return 6;
        case ErrorKind::connect: return 7;
        case ErrorKind::malformed: return 8;
        case ErrorKind::partial: return 18;
        case ErrorKind::timeout: return 28;
        case ErrorKind::tls: return 35;
        case ErrorKind::empty_reply: return 52;
        case ErrorKind::send: return 55;
        case ErrorKind::receive: return 56;
        case ErrorKind::tls_verify: return 60;
        case ErrorKind::interrupted: return 130;
    }
    return 2;
}

std::string_view kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::usage: return "usage";
        case ErrorKind::file: return "file";
        case ErrorKind::template_: return "template";
        case ErrorKind::resolve: return "resolve";
        case ErrorKind::connect: return "connect";
        case ErrorKind::malformed: return "malformed";
        case ErrorKind::partial: return "partial";
        case ErrorKind::timeout: return "timeout";
        // A certificate failure is a TLS failure to JSON consumers; the exit
        // code (60 vs 35) keeps the distinction.
        case ErrorKind::tls:
        case ErrorKind::tls_verify: return "tls";
        case ErrorKind::empty_reply: return "empty-reply";
        case ErrorKind::send: return "send";
        case ErrorKind::receive: return "receive";
        case ErrorKind::interrupted: return "interrupted";
    }
    return "unknown";
}

}  // namespace rawhttp
