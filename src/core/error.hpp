// Errors that cross module boundaries are values, never exceptions.
// ErrorKind mirrors the contract's error kinds; exit_code() maps them to the
// curl-compatible exit codes of SPEC.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace rawhttp {

enum class ErrorKind {
    usage,        // bad command line (exit 2)
    file,         // cannot read a file (exit 2)
    template_,    // .req template error (exit 2)
    resolve,      // 6
    connect,      // 7
    malformed,    // 8
    partial,      // 18
    timeout,      // 28
    tls,          // 35
    empty_reply,  // 52
    send,         // 55
    receive,      // 56
    tls_verify,   // 60
    interrupted,  // 130: the user pressed Ctrl-C
};

// Which configurable limit an error ran into, so that the command line can
// say which option raises it (the library words no flag names).
enum class Limit { none, head_size, header_count, interim_count, max_time, head_timeout, idle_timeout };

// What a failed TLS handshake points at, so that the command line can say
// which option helps: a certificate no trusted CA signed, one for other
// names, or a peer that answered the handshake in plain text.
enum class TlsFailure { none, untrusted, name_mismatch, not_tls };

struct Error {
    ErrorKind kind;
    std::string message;
    Limit limit = Limit::none;
    std::string rule{};  // the rule book's id when a broken rule is the error ("content-length-conflict")
    TlsFailure tls_failure = TlsFailure::none;
};

// Exit code of SPEC.md for an error of this kind.
int exit_code(ErrorKind kind);

// The contract's JSON name ("resolve", "empty-reply", ...). usage/file/template
// never appear in exchange JSON; they are named for completeness.
std::string_view kind_name(ErrorKind kind);

// A small std::expected stand-in (C++20 has none): either a value or an Error.
template <class T>
class Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Status(Ok{}); }

inline Error make_error(ErrorKind kind, std::string message) {
    return Error{kind, std::move(message)};
}

}  // namespace rawhttp
