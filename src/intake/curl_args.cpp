#include "intake/curl_args.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>

#include "compose/compose.hpp"
#include "compose/req_writer.hpp"
#include "core/base64.hpp"
#include "intake/url.hpp"

namespace rawhttp::intake {

namespace {

bool iequal_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// curl's Curl_checkheaders: the first custom header named `name` (followed by
// ':' or ';'), whether it sends a value or removes curl's own.
const std::string* custom_header(const std::vector<std::string>& headers, std::string_view name) {
    for (const auto& h : headers)
        if (iequal_prefix(h, name) && h.size() > name.size() && (h[name.size()] == ':' || h[name.size()] == ';'))
            return &h;
    return nullptr;
}

// What curl writes for one -H line (Curl_add_custom_headers): the line as
// given; "Name;" as "Name:"; nothing for "Name:" (a removal) or a line with
// neither separator.
std::optional<std::string> custom_line(const std::string& h) {
    std::size_t colon = h.find(':');
    if (colon != std::string::npos) {
        if (blank(std::string_view(h).substr(colon + 1))) return std::nullopt;
        return h;
    }
    std::size_t semi = h.find(';');
    if (semi != std::string::npos && blank(std::string_view(h).substr(semi + 1))) return h.substr(0, semi) + ":";
    return std::nullopt;
}

FileRead default_reader(const std::string& path, std::size_t max) {
    if (path == "-") return read_fd_bounded(0, max);
    return read_regular_file(path, max);
}

Result<std::string> read_data(const DataPiece& piece, const DataFileReader& reader, std::vector<std::string>& notes) {
    if (piece.kind == DataKind::raw || piece.value.empty() || piece.value.front() != '@') return piece.value;
    const std::string path = piece.value.substr(1);
    FileRead got = (reader ? reader : DataFileReader(default_reader))(path, kMaxDataFileBytes);
    const std::string name = path == "-" ? "standard input" : "'" + path + "'";
    if (got.failure == ReadFailure::too_large)
        return make_error(ErrorKind::file, "the data file " + name + " " + got.why + ", the most rawhttp holds");
    if (got.failure != ReadFailure::none)
        return make_error(ErrorKind::file, "cannot read the data file " + name + ": " + got.why);
    if (piece.kind != DataKind::form) {
        notes.push_back("the body includes " + name + " (" + size_name(got.bytes.size()) + "), as it is");
        return std::move(got.bytes);
    }
    std::string kept;
    std::size_t removed = 0;
    for (char c : got.bytes) {
        if (c == '\r' || c == '\n') ++removed;
        else kept += c;
    }
    notes.push_back("the body includes " + name + " (" + size_name(got.bytes.size()) + ")" +
                    (removed ? ", without its " + std::to_string(removed) +
                                   " CR and LF bytes, as curl reads form data from a file (binary data keeps them)"
                             : std::string()));
    return kept;
}

// A .req a person can read (LF line breaks sent as CRLF), if it composes
// back to exactly `bytes`; else the exact writer's form (@eol = keep, escapes).
std::string req_text_for(const std::string& bytes, const std::string& target, bool tls, const std::string& origin) {
    std::string pre = "# " + origin + "\n@target = " + target + "\n";
    if (tls) pre += "@tls = true\n";
    std::string text = pre + "\n";
    std::size_t head_end = bytes.find("\r\n\r\n");
    std::string head = bytes.substr(0, head_end + 2), body = bytes.substr(head_end + 4);
    for (std::size_t pos = 0; pos < head.size();) {
        std::size_t crlf = head.find("\r\n", pos);
        text += head.substr(pos, crlf - pos) + "\n";
        pos = crlf + 2;
    }
    text += "\n" + body;
    ComposeOptions check;
    check.file_name = "<curl>";
    check.getenv = [](const std::string&) { return std::optional<std::string>(); };
    check.read_file = [](const std::string&, std::size_t) { return FileRead{ReadFailure::missing, {}, "not read", 0}; };
    auto back = compose_requests(text, check);
    if (!back.error && back.requests.size() == 1 && back.requests[0].bytes == bytes && back.requests[0].streamed.empty())
        return text;
    ReqWriterOptions w;
    w.source = origin.substr(0, origin.find('\n'));
    w.target = target;
    std::string exact = write_req(bytes, w);
    if (tls) {
        // Before the @eol line (its own line: a comment above names it too).
        const std::string nl = exact.find("\r\n") < exact.find('\n') ? "\r\n" : "\n";
        std::size_t at = exact.find(nl + "@eol = keep" + nl);
        exact.insert(at + nl.size(), "@tls = true" + nl);
    }
    return exact;
}

}  // namespace

Result<CurlRequest> curl_request(const CurlArgs& a, const DataFileReader& reader) {
    auto url = parse_url(a.url, a.path_as_is);
    if (!url) return url.error();
    CurlRequest out;
    out.tls = url->tls;
    out.target = url->authority();
    if (a.head && !a.data.empty())
        return make_error(ErrorKind::usage, "a HEAD request and data to send do not go together "
                                            "(curl refuses them too: you can only select one HTTP request method)");

    // The body first: its size and kind decide headers.
    std::string body;
    bool has_body = !a.data.empty(), json = false;
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        auto piece = read_data(a.data[i], reader, out.notes);
        if (!piece) return piece.error();
        if (a.data[i].kind == DataKind::json) json = true;
        else if (i > 0) body += '&';
        body += *piece;
    }
    std::vector<std::string> headers = a.headers;
    if (json) {
        // curl appends them to the custom headers, unless the user gave them.
        if (!custom_header(headers, "Content-Type")) headers.push_back("Content-Type: application/json");
        if (!custom_header(headers, "Accept")) headers.push_back("Accept: application/json");
    }

    std::string method = a.method && !a.method->empty() ? *a.method : a.head ? "HEAD" : has_body ? "POST" : "GET";
    std::string target = a.request_target ? *a.request_target : url->target;
    std::string r = method + " " + target + (a.http10 ? " HTTP/1.0" : " HTTP/1.1") + "\r\n";
    const std::string* host = custom_header(headers, "Host");
    bool host_slot = true;
    if (!host) r += "Host: " + url->host_header() + "\r\n";
    else if (*host != "Host:") r += "Host:" + host->substr(5) + "\r\n";
    else host_slot = false;

    std::optional<std::string> credentials;
    if (a.user) {
        if (a.user->find(':') == std::string::npos)
            return make_error(ErrorKind::usage, "the user '" + *a.user + "' has no password: curl would ask for one; "
                                                "give user:password (user: for an empty one)");
        credentials = *a.user;
    } else if (url->user) {
        credentials = *url->user + ":" + url->password.value_or("");
    }
    if (credentials && !custom_header(headers, "Authorization"))
        r += "Authorization: Basic " + base64_encode(*credentials) + "\r\n";
    const std::string own_agent = "curl/" + a.curl_version;
    if (!custom_header(headers, "User-Agent")) {
        if (a.user_agent) {
            if (!a.user_agent->empty()) r += "User-Agent: " + *a.user_agent + "\r\n";
        } else if (a.keep_curl_headers) {
            r += "User-Agent: " + own_agent + "\r\n";
        }
    }
    if (!custom_header(headers, "Accept") && a.keep_curl_headers) r += "Accept: */*\r\n";
    if (a.accept_encoding && !custom_header(headers, "Accept-Encoding"))
        r += "Accept-Encoding: " + *a.accept_encoding + "\r\n";
    if (a.referer && !custom_header(headers, "Referer")) {
        std::string ref = *a.referer;
        if (ref.ends_with(";auto")) ref.resize(ref.size() - 5);
        if (!ref.empty()) r += "Referer: " + ref + "\r\n";
    }
    if (a.cookie && !custom_header(headers, "Cookie")) {
        if (a.cookie->find('=') == std::string::npos)
            return make_error(ErrorKind::usage, "the cookie '" + *a.cookie +
                                                    "' has no '=': curl would read it as a cookie file, which rawhttp "
                                                    "does not; give name=value");
        r += "Cookie: " + *a.cookie + "\r\n";
    }
    for (const auto& h : headers) {
        // As Curl_add_custom_headers: a Host header that filled the Host slot is not sent twice,
        // "Host;" (sent as "Host:") included.
        const auto line = custom_line(h);
        if (host_slot && (iequal_prefix(h, "Host:") || (line && iequal_prefix(*line, "Host:")))) continue;
        if (line) r += *line + "\r\n";
        else if (h.find(':') == std::string::npos && h.find(';') == std::string::npos)
            out.notes.push_back("the header '" + h + "' has no ':' and was left out, as curl leaves it out");
    }
    // curl chunks only for "Transfer-Encoding:" with "chunked" after the colon
    // (Curl_compareheader); "Transfer-Encoding;..." is sent but does not chunk.
    bool chunked = false;
    constexpr std::string_view te_name = "Transfer-Encoding:";
    if (const std::string* te = custom_header(headers, "Transfer-Encoding"); te && iequal_prefix(*te, te_name))
        for (std::size_t i = te_name.size(); i + 7 <= te->size(); ++i)
            if (iequal_prefix(std::string_view(*te).substr(i), "chunked")) chunked = true;
    if (has_body) {
        if (!chunked && !custom_header(headers, "Content-Length"))
            r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        if (!custom_header(headers, "Content-Type")) r += "Content-Type: application/x-www-form-urlencoded\r\n";
        if (!a.http10 && body.size() > kCurlExpectThreshold && !custom_header(headers, "Expect"))
            r += "Expect: 100-continue\r\n";
    }
    r += "\r\n";
    if (has_body && chunked) {
        if (!body.empty()) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", body.size());
            r += size + body + "\r\n";
            if (body.size() > 65536)
                out.notes.push_back("the body went as one chunk; curl sends a chunked body over 64 KiB in several");
        }
        r += "0\r\n\r\n";
    } else {
        r += body;
    }
    out.bytes = r;
    out.req_text = req_text_for(r, out.target, out.tls,
                                "the request curl " + a.curl_version + " sends for " + a.url +
                                    (a.keep_curl_headers ? "" : " (without curl's own User-Agent and Accept)"));
    return out;
}

}  // namespace rawhttp::intake
