#include "intake/url.hpp"

#include <cctype>
#include <vector>

namespace rawhttp::intake {

namespace {

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string Url::host_header() const {
    if (port_given && port != (tls ? 443 : 80)) return host + ":" + std::to_string(port);
    return host;
}

std::string Url::authority() const { return host + ":" + std::to_string(port); }

bool looks_like_url(std::string_view text) {
    std::size_t sep = text.find("://");
    if (sep == std::string_view::npos || sep == 0) return false;
    if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
    for (std::size_t i = 0; i < sep; ++i)
        if (!is_scheme_char(text[i])) return false;
    return true;
}

std::string remove_dot_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::string_view in = path;
    bool trailing_slash = false;
    if (!in.empty() && in.front() == '/') in.remove_prefix(1);
    while (true) {
        std::size_t slash = in.find('/');
        std::string_view seg = in.substr(0, slash);
        bool last = slash == std::string_view::npos;
        if (seg == ".") {
            trailing_slash = last;
        } else if (seg == "..") {
            if (!out.empty()) out.pop_back();
            trailing_slash = last;
        } else {
            out.push_back(seg);
            trailing_slash = false;
        }
        if (last) break;
        in.remove_prefix(slash + 1);
    }
    std::string result;
    for (auto seg : out) {
        result += '/';
        result += seg;
    }
    if (trailing_slash || result.empty()) result += '/';
    return result;
}

Result<Url> parse_url(std::string_view text, bool path_as_is) {
    const std::string quoted = "'" + std::string(text) + "'";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f)
            return make_error(ErrorKind::usage, "the URL " + quoted +
                                                    " has a space or a control byte in it (curl refuses it too; "
                                                    "write a space as %20)");
    }
    if (!looks_like_url(text))
        return make_error(ErrorKind::usage, quoted + " is not a URL: a URL starts with http:// or https://");
    std::size_t sep = text.find("://");
    std::string scheme = lower(text.substr(0, sep));
    Url url;
    if (scheme == "https") url.tls = true;
    else if (scheme != "http")
        return make_error(ErrorKind::usage, "the URL " + quoted + " has the scheme '" + scheme +
                                                "': rawhttp speaks HTTP/1.1, so a URL starts with http:// or https://");
    url.port = url.tls ? 443 : 80;
    std::string_view rest = text.substr(sep + 3);
    std::size_t auth_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view after = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
    if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view info = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        std::size_t colon = info.find(':');
        url.user = percent_decode(info.substr(0, colon));
        if (colon != std::string_view::npos) url.password = percent_decode(info.substr(colon + 1));
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return make_error(ErrorKind::usage, "the URL " + quoted + " opens an IPv6 address with '[' and never closes it");
        host = authority.substr(0, close + 1);
        std::string_view tail = authority.substr(close + 1);
        if (!tail.empty()) {
            if (tail.front() != ':')
                return make_error(ErrorKind::usage, "the URL " + quoted + " has '" + std::string(tail) +
                                                        "' after its IPv6 address (expected :PORT)");
            port = tail.substr(1);
        }
        for (char c : host.substr(1, host.size() - 2))
            if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
                return make_error(ErrorKind::usage, "the URL " + quoted + " has an IPv6 address that is not one: " +
                                                        std::string(host));
    } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || host == "[]") return make_error(ErrorKind::usage, "the URL " + quoted + " names no host");
    if (host.front() != '[')
        for (char c : host)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos ||
                  static_cast<unsigned char>(c) >= 0x80))
                return make_error(ErrorKind::usage, "the URL " + quoted + " has '" + std::string(1, c) + "' in its host name");
    url.host = std::string(host);
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
            std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
            return make_error(ErrorKind::usage, "the URL " + quoted + " has the port '" + std::string(port) +
                                                    "' (a port is a number from 1 to 65535)");
        url.port = std::stoi(std::string(port));
        url.port_given = true;
    }
    // Path and query; the fragment never leaves the client.
    if (std::size_t hash = after.find('#'); hash != std::string_view::npos) after = after.substr(0, hash);
    std::size_t q = after.find('?');
    std::string_view path = after.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view() : after.substr(q);
    std::string p = path.empty() ? "/" : std::string(path);
    if (!path_as_is) p = remove_dot_segments(p);
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : p) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            url.target += '%';
            url.target += kHex[u >> 4];
            url.target += kHex[u & 15];
        } else {
            url.target += c;
        }
    }
    url.target += query;
    return url;
}

}  // namespace rawhttp::intake
