#include "render/head_meanings.hpp"

#include "core/wording.hpp"
#include "http/chars.hpp"
#include "http/message.hpp"

namespace rawhttp::render {

// How the body is framed, as the head decides it (before any body byte).
std::string framing_at_head(const client::Response& r, std::string_view method) {
    if (!r.framing) return "could not be determined";
    switch (*r.framing) {
        case http::Framing::content_length:
            return "Content-Length: " + plural(r.content_length, "byte") + " to come";
        case http::Framing::chunked: return "chunked (Transfer-Encoding): chunks until a last chunk \"0\"";
        case http::Framing::close: return "until the server closes the connection (no Content-Length, not chunked)";
        case http::Framing::none: break;
    }
    if (method == "HEAD") return "none: a response to HEAD never has a body";
    if (r.status == 204 || r.status == 304) return "none: a " + std::to_string(r.status) + " response never has a body";
    if (r.status < 200) return "none: a 1xx response never has a body";
    return "none";
}

// What a header field does, for the raw-beside-parsed view; empty when it is
// not one a learner needs explained.
std::string field_meaning(std::string_view name, std::string_view value, const client::Response& r) {
    using http::iequals;
    if (iequals(name, "Content-Length"))
        return r.framing == http::Framing::content_length ? "framing: the body is exactly " + plural(r.content_length, "byte")
                                                           : "not the framing here (see the empty line)";
    if (iequals(name, "Transfer-Encoding"))
        return r.framing == http::Framing::chunked ? "framing: the body comes in chunks, de-chunked here"
                                                   : "a transfer coding (not chunked: the body runs to the close)";
    if (iequals(name, "Connection")) {
        if (value.find("close") != std::string_view::npos) return "the server closes the connection after this response";
        if (value.find("pgrade") != std::string_view::npos) return "the connection switches to the protocol in Upgrade";
        return "the connection stays open for the next request";
    }
    static const std::pair<const char*, const char*> known[] = {
        {"Content-Type", "the body's media type"},
        {"Content-Encoding", "a coding on the body (not decoded here)"},
        {"Date", "when the server made the response"},
        {"Server", "the server's software"},
        {"Location", "where the resource is: a redirect's target"},
        {"Set-Cookie", "a cookie for the client to keep and send back"},
        {"Cache-Control", "who may cache the response, and for how long"},
        {"ETag", "a version tag of the resource"},
        {"Last-Modified", "when the resource last changed"},
        {"Expires", "when a cached copy goes stale"},
        {"Vary", "request fields a cache must match"},
        {"Keep-Alive", "how long and how often the connection may be reused"},
        {"Upgrade", "the protocol the connection switches to"},
        {"Sec-WebSocket-Accept", "proof the server read the WebSocket key"},
        {"Trailer", "fields that come after the chunked body"},
        {"WWW-Authenticate", "how to authenticate"},
        {"Retry-After", "when to try again"},
        {"Accept-Ranges", "whether parts of the resource may be asked for"},
        {"Content-Range", "which part of the resource this is"},
        {"Age", "seconds the response spent in a cache"},
        {"Strict-Transport-Security", "use only HTTPS with this host from now on"},
    };
    for (const auto& [n, m] : known)
        if (iequals(name, n)) return m;
    return "";
}

std::vector<std::string> response_head_meanings(const client::Response& r, std::string_view method) {
    std::size_t lines = 0;
    for (char c : r.raw_head) lines += c == '\n';
    if (lines != r.headers.size() + 2) return {};
    std::vector<std::string> out;
    out.push_back("status line: " + r.version + ", status " + std::to_string(r.status) + " (" +
                  std::string(http::status_meaning(r.status)) + "), reason " +
                  (r.reason.empty() ? std::string("empty") : "\"" + r.reason + "\""));
    for (std::size_t k = 0; k < r.headers.size(); ++k) {
        const auto& [n, v] = r.headers[k];
        std::string m = field_meaning(n, v, r);
        out.push_back("field " + std::to_string(k + 1) + " (" + n + ")" + (m.empty() ? "" : ": " + m));
    }
    out.push_back("the empty line: the head ends; body: " + framing_at_head(r, method));
    return out;
}

}  // namespace rawhttp::render
