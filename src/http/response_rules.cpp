// The rules of a response's whole head beyond reading its framing: the
// fields its status forbids (RFC 9110 §8.6, RFC 9112 §6.1), Date (RFC 9110
// §6.6.1), and a body only the close can end on a connection meant to stay
// open. The server's mistakes, reported as warnings: a client reads on.
#include "http/head_detail.hpp"
#include "http/message.hpp"

namespace rawhttp::http {

using namespace detail;

bool list_has_token(std::string_view list, std::string_view token) {
    bool found = false;
    for_each_list_member(list, [&](std::string_view m, std::size_t) { found = found || iequals(m, token); });
    return found;
}

bool keeps_alive(const MessageHead& head) {
    bool close = false, keep_alive = false;
    if (head.has(KnownField::connection))
        for (const auto& f : head.headers) {
            if (f.known != KnownField::connection) continue;
            close = close || list_has_token(f.value, "close");
            keep_alive = keep_alive || list_has_token(f.value, "keep-alive");
        }
    return keeps_alive(head.major, head.minor, close, keep_alive);
}

bool keeps_alive(int major, int minor, bool close_token, bool keep_alive_token) {
    if (close_token) return false;
    if (major == 1 && minor == 0) return keep_alive_token;
    return true;
}

void check_response_head(const MessageHead& head, std::string_view request_method, const BodyFraming* framing,
                         Violations& out) {
    const int s = head.status;
    const bool tunnel = request_method == "CONNECT" && s >= 200 && s < 300;
    if (((s >= 100 && s < 200) || s == 204 || tunnel) &&
        (head.has(KnownField::content_length) || head.has(KnownField::transfer_encoding))) {
        const std::string status = std::to_string(s);
        const std::string what = tunnel ? "a " + status + " to CONNECT" : "a " + status + " response";
        bool cl = false, te = false;
        for (const auto& f : head.headers) {
            if (!cl && f.known == KnownField::content_length) {
                cl = true;
                out.push_back({Rule::content_length_forbidden, f.name_offset,
                               what + " has no body, yet it has Content-Length: " + std::string(f.value.substr(0, 40)) +
                                   "; a client or proxy that believes it reads the next response as this body",
                               {}});
            }
            if (!te && f.known == KnownField::transfer_encoding) {
                te = true;
                out.push_back({Rule::transfer_encoding_forbidden, f.name_offset,
                               what + " has no body, yet it has Transfer-Encoding: " +
                                   std::string(f.value.substr(0, 40)) +
                                   "; a client or proxy that believes it reads the next response as chunks",
                               {}});
            }
        }
    }
    if (!framing) return;  // an interim head: no Date is asked of it, and it has no body
    if (s >= 200 && s < 500 && !tunnel && !head.has(KnownField::date)) {
        out.push_back({Rule::date_missing, head.line_offset,
                       "a " + std::to_string(s) +
                           " response without a Date field (an origin server with a clock must send one; a proxy "
                           "adds it when it forwards)",
                       {}});
    }
    if (framing->framing == Framing::close && framing->decidable && keeps_alive(head))
        out.push_back({Rule::body_close_delimited, head.line_offset,
                       "no Content-Length, no chunked framing and no Connection: close: the body ends only when the "
                       "server closes, so a body cut short looks complete, and the connection cannot be reused",
                       {}});
}

}  // namespace rawhttp::http
