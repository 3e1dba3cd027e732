#include "server/practice_pages.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/byte_escape.hpp"
#include "http/message.hpp"
#include "server/practice_server.hpp"

namespace rawhttp::server::pages {

bool no_body_status(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

// Bytes from the network made safe to show: CR, LF, TAB and anything not
// printable ASCII become escapes.
std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c < 0x20 || c >= 0x7f || c == '\\') byte_escape::append(out, c);
        else out += static_cast<char>(c);
    }
    return out;
}

std::string escape_limited(std::string_view s, std::size_t max) {
    if (s.size() <= max) return escape(s);
    return escape(s.substr(0, max)) + "...";
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
    if (s.empty() || s.size() > 12) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

std::string path_of(std::string_view target) {
    if (!target.empty() && target.front() != '/') {
        auto scheme = target.find("://");
        if (scheme == std::string_view::npos) return std::string(target);
        auto slash = target.find('/', scheme + 3);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    auto q = target.find_first_of("?#");
    return std::string(target.substr(0, q));
}

std::string http_date(std::time_t t) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
                  months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string join(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

void Request::clear() {
    constexpr std::size_t kKeep = 4096;  // larger buffers (a big /echo) are not kept
    for (std::string* s : {&method, &target, &line, &echo_bytes, &wire}) {
        if (s->capacity() > kKeep) std::string().swap(*s);
        s->clear();
    }
    warnings.clear();
    minor = 1;
    keep_alive = true;
    echo = false;
}

// Written straight into the output, piece by piece: this runs once per
// response, and temporaries here were a malloc each.
void append_head(std::string& out, const Response& resp, const Request* r, std::string_view date, bool close) {
    char num[24];
    auto put_number = [&](std::uint64_t v) { out.append(num, std::to_chars(num, num + sizeof num, v).ptr); };
    out += resp.interim;
    out += "HTTP/1.1 ";
    put_number(static_cast<std::uint64_t>(resp.status));
    out += ' ';
    out += http::status_reason(resp.status);
    out += "\r\nDate: ";
    out += date;
    out += "\r\nServer: rawhttp-serve\r\n";
    if (!no_body_status(resp.status)) {
        out += "Content-Type: ";
        out += resp.content_type;
        out += "\r\n";
        if (resp.gen == GenKind::chunked) {
            out += "Transfer-Encoding: chunked\r\n";
        } else if (!resp.close_delimited) {
            out += "Content-Length: ";
            put_number(resp.gen != GenKind::none ? resp.gen_length : resp.body.size());
            out += "\r\n";
        }
    }
    for (const auto& [name, value] : resp.headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    // What the rule book calls a warning is tolerated here, and named.
    if (r && !r->warnings.empty()) {
        out += "Rawhttp-Warnings: ";
        out += join(r->warnings);
        out += "\r\n";
    }
    if (close) {
        out += "Connection: close\r\n";
    } else if (r && r->minor == 0) {
        out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
}

namespace {

std::string page_list() {
    return "Pages:\n\n"
           "  /            this page\n"
           "  /echo        your exact request bytes (head and body) as the response body\n"
           "  /status/N    a response with status N (100-599)\n"
           "  /bytes/N     N bytes with Content-Length (N up to 1073741824)\n"
           "  /chunked/N   N bytes in chunks of up to 1024 bytes (Transfer-Encoding: chunked)\n"
           "  /slow/N      N bytes with Content-Length, dripped one byte every 100 ms\n"
           "  /redirect    302 Found with Location: /, as many home pages answer\n";
}

std::string home_page(const Site& site) {
    std::string port = std::to_string(site.port);
    return "rawhttp serve: the practice server of rawhttp\n\n"
           "This is rawhttp's embedded practice server, a target for learning HTTP/1.1 on\n"
           "the wire. It parses requests strictly: a malformed request gets a 400 whose body\n"
           "names the rule it broke and the RFC section. Keep-alive and pipelining work; a\n"
           "client that pauses mid-request for " +
           std::to_string(site.idle_timeout.count()) + " ms gets 408 Request Timeout.\n\n" + page_list() +
           "\nMethods: GET HEAD POST PUT DELETE PATCH OPTIONS.\n\n"
           "Try:\n"
           "  printf 'GET /echo HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n' | nc localhost " +
           port + "\n  rawhttp chat localhost " + port + "\n";
}


std::optional<std::uint64_t> number_after(const std::string& path, std::string_view prefix) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    return parse_number(std::string_view(path).substr(prefix.size()));
}

bool is_known_page(const std::string& path) {
    if (path == "/" || path == "/echo" || path == "/redirect") return true;
    for (std::string_view p : {"/status/", "/bytes/", "/chunked/", "/slow/"}) {
        if (number_after(path, p)) return true;
    }
    return false;
}

bool generated_size_ok(std::uint64_t n, const std::string& path, Response& resp) {
    if (n <= kMaxGeneratedBody) return true;
    resp.status = 404;
    resp.body = "404 Not Found\n\n" + escape_limited(path, 100) + ": N is at most " +
                std::to_string(kMaxGeneratedBody) + " (1 GiB) on this server.\n\n" + page_list();
    return false;
}

void status_page(std::uint64_t n, const Request& r, Response& resp) {
    if (n < 100 || n > 599) {
        resp.status = 404;
        resp.body = "404 Not Found\n\n/status/N takes a status code from 100 to 599; " + std::to_string(n) +
                    " is not one.\n\n" + page_list();
        return;
    }
    int code = static_cast<int>(n);
    if (code < 200) {
        // A 1xx is interim, never final: send it, then a final 200.
        if (code == 101 || r.minor == 0) {
            resp.body = "200 OK instead of " + std::to_string(code) + ": " +
                        (code == 101 ? "101 Switching Protocols only answers an Upgrade request "
                                       "(RFC 9110 section 15.2.2).\n"
                                     : "a server MUST NOT send a 1xx response to an HTTP/1.0 client "
                                       "(RFC 9110 section 15.2).\n");
            resp.log_status = "200";
            return;
        }
        std::string reason(http::status_reason(code));
        resp.interim = "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nServer: rawhttp-serve\r\n\r\n";
        resp.body = "200 OK, after a " + std::to_string(code) + (reason.empty() ? "" : " " + reason) +
                    " interim response: a 1xx is never a final answer (RFC 9110 section 15.2).\n";
        resp.log_status = std::to_string(code) + "+200";
        return;
    }
    resp.status = code;
    if (no_body_status(code)) return;
    std::string reason(http::status_reason(code));
    resp.body = std::to_string(code) + (reason.empty() ? "" : " " + reason) + "\n" +
                std::string(http::status_meaning(code)) + "\n";
    switch (code) {
        case 401: resp.headers.push_back({"WWW-Authenticate", "Basic realm=\"rawhttp practice\""}); break;
        case 405: resp.headers.push_back({"Allow", std::string(kAllow)}); break;
        case 407: resp.headers.push_back({"Proxy-Authenticate", "Basic realm=\"rawhttp practice\""}); break;
        case 426: resp.headers.push_back({"Upgrade", "HTTP/2.0"}); break;
        default:
            if (code >= 300 && code < 400 && code != 300) resp.headers.push_back({"Location", "/"});
            break;
    }
}

}  // namespace

Response answer(const Request& r, const Site& site) {
    Response resp;
    std::string path = path_of(r.target);
    bool known_method = std::find(std::begin(kMethods), std::end(kMethods), r.method) != std::end(kMethods);

    if (!known_method) {
        // A valid token the rule book accepts: this application does not
        // offer it, which is 405 with Allow (RFC 9110 section 15.5.6).
        resp.status = 405;
        resp.headers.push_back({"Allow", std::string(kAllow)});
        resp.body = "405 Method Not Allowed\n\nThe method " + escape_limited(r.method, 40) +
                    " is not one this server offers \xe2\x80\x94 RFC 9110 section 15.5.6\n\n"
                    "This server implements " + std::string(kAllow) + ".\n";
    } else if (r.target == "*") {  // only OPTIONS gets here (begin_request)
        resp.status = 204;
        resp.headers.push_back({"Allow", std::string(kAllow)});
    } else if (path == "/echo") {
        resp.content_type = "text/plain";
        resp.body = r.echo_bytes;
    } else if (r.method == "OPTIONS" && is_known_page(path)) {
        resp.status = 204;
        resp.headers.push_back({"Allow", std::string(kAllow)});
    } else if (path == "/") {
        resp.body = home_page(site);
    } else if (path == "/redirect") {
        resp.status = 302;
        resp.headers.push_back({"Location", "/"});
        resp.body = "302 Found: the page you want is at /\n";
    } else if (auto n = number_after(path, "/status/")) {
        status_page(*n, r, resp);
    } else if (auto b = number_after(path, "/bytes/")) {
        if (generated_size_ok(*b, path, resp)) {
            resp.content_type = "text/plain";
            resp.gen = GenKind::bytes;
            resp.gen_length = *b;
        }
    } else if (auto k = number_after(path, "/chunked/")) {
        if (!generated_size_ok(*k, path, resp)) {
            // a 404 explaining the limit
        } else if (r.minor == 0) {
            // RFC 9112 section 6.1: no Transfer-Encoding to an HTTP/1.0
            // client; the body ends when the connection closes instead.
            resp.content_type = "text/plain";
            resp.gen = GenKind::bytes;
            resp.gen_length = *k;
            resp.close = true;
            resp.close_delimited = true;
            resp.headers.push_back({"X-Rawhttp-Note", "HTTP/1.0 has no chunked coding: body delimited by close"});
        } else {
            resp.content_type = "text/plain";
            resp.gen = GenKind::chunked;
            resp.gen_length = *k;
        }
    } else if (auto s = number_after(path, "/slow/")) {
        if (generated_size_ok(*s, path, resp)) {
            resp.content_type = "text/plain";
            resp.gen = GenKind::slow;
            resp.gen_length = *s;
        }
    } else {
        resp.status = 404;
        resp.body = "404 Not Found\n\nNothing lives at " + escape_limited(r.target, 200) + " on this server.\n\n" +
                    page_list();
    }
    return resp;
}

}  // namespace rawhttp::server::pages
