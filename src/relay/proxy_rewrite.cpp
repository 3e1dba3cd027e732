#include "relay/proxy_rewrite.hpp"

#include <algorithm>
#include <cctype>

#include "net/transport.hpp"

namespace rawhttp::relay {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The head's lines from its start line on, each with its line end.
std::vector<std::string_view> lines_of(std::string_view head) {
    std::vector<std::string_view> out;
    while (!head.empty()) {
        std::size_t lf = head.find('\n');
        std::size_t n = lf == std::string_view::npos ? head.size() : lf + 1;
        out.push_back(head.substr(0, n));
        head.remove_prefix(n);
    }
    return out;
}

bool is_empty_line(std::string_view line) { return line == "\n" || line == "\r\n" || line.empty(); }

Error bad(std::string message) { return make_error(ErrorKind::usage, std::move(message)); }

}  // namespace

Result<ProxyTarget> proxy_target(std::string_view method, std::string_view target) {
    ProxyTarget t;
    std::string_view authority;
    if (method == "CONNECT") {
        // RFC 9110 §9.3.6: authority-form, and the port is required.
        t.connect = true;
        authority = target;
        auto hp = net::parse_host_port(authority);
        if (!hp || !hp->port)
            return bad("CONNECT takes host:port (authority-form, RFC 9110 §9.3.6), not '" + std::string(target) + "'");
        t.host = hp->host;
        t.port = *hp->port;
        t.authority = std::string(authority);
        return t;
    }
    constexpr std::string_view scheme = "http://";
    if (target.size() < scheme.size() || lower(target.substr(0, scheme.size())) != scheme) {
        if (!target.empty() && target.front() == '/')
            return bad("a forward proxy needs an absolute-form target (http://host/path, RFC 9112 §3.2.2); '" +
                       std::string(target) + "' is origin-form, what a server gets (set http_proxy, or send to the "
                       "server itself)");
        return bad("a forward proxy relays http:// targets (https goes through CONNECT); cannot relay '" +
                   std::string(target) + "'");
    }
    std::string_view rest = target.substr(scheme.size());
    std::size_t end = rest.find_first_of("/?#");
    authority = rest.substr(0, end);
    if (authority.find('@') != std::string_view::npos)
        return bad("the target's authority holds userinfo ('@'), which RFC 9110 §4.2.4 forbids in http URIs");
    auto hp = net::parse_host_port(authority);
    if (!hp) return bad("the target's authority '" + std::string(authority) + "' is not host[:port]");
    t.host = hp->host;
    t.port = hp->port.value_or(80);
    t.authority = std::string(authority);
    std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (std::size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
    t.origin = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
    return t;
}

std::string via_value(std::string_view version) {
    std::string_view v = version;
    if (v.starts_with("HTTP/")) v.remove_prefix(5);
    return std::string(v.empty() ? "1.1" : v) + " rawhttp";
}

std::string rewrite_head(std::string_view raw_head, const http::MessageHead& head, const ProxyTarget& target,
                         std::string_view via) {
    const auto lines = lines_of(raw_head.substr(std::min(head.line_offset, raw_head.size())));
    if (lines.empty()) return std::string(raw_head);
    // The fields the Connection field names are this hop's only (RFC 9110 §7.6.1).
    std::vector<std::string> drop = {"connection", "proxy-connection", "keep-alive", "te"};
    for (const auto& f : head.headers) {
        if (f.known != http::KnownField::connection) continue;
        std::string_view v = f.value;
        while (!v.empty()) {
            std::size_t comma = v.find(',');
            std::string name = lower(trim(v.substr(0, comma)));
            if (!name.empty()) drop.push_back(name);
            v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        }
    }
    std::string out;
    // The request line: the same method and version, the origin-form target.
    std::string_view first = lines[0];
    std::string_view eol = first.ends_with("\r\n") ? "\r\n" : first.ends_with("\n") ? "\n" : "\r\n";
    out += std::string(head.method) + " " + (target.connect ? target.authority : target.origin) + " " +
           std::string(head.version) + std::string(eol);
    bool host_written = false;
    bool dropping = false;  // an obs-fold continuation belongs to the field before it
    std::size_t i = 1;
    for (; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (is_empty_line(line)) break;
        if ((line.front() == ' ' || line.front() == '\t')) {
            if (!dropping) out += line;
            continue;
        }
        std::size_t colon = line.find(':');
        std::string name = lower(line.substr(0, colon == std::string_view::npos ? 0 : colon));
        dropping = false;
        if (name == "host") {
            dropping = true;
            if (!host_written) out += "Host: " + target.authority + "\r\n";
            host_written = true;
            continue;
        }
        if (std::find(drop.begin(), drop.end(), name) != drop.end()) {
            dropping = true;
            continue;
        }
        out += line;
    }
    if (!host_written) {
        // No Host came: the target's authority goes right after the request line.
        std::size_t after_first = out.find('\n') + 1;
        out.insert(after_first, "Host: " + target.authority + "\r\n");
    }
    if (!via.empty()) out += "Via: " + std::string(via) + "\r\n";
    out += i < lines.size() ? std::string(lines[i]) : std::string("\r\n");
    return out;
}

std::vector<DiffLine> head_diff(std::string_view in, std::string_view out) {
    const auto a = lines_of(in), b = lines_of(out);
    const std::size_t n = a.size(), m = b.size();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]; heads are small.
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<DiffLine> d;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            d.push_back({' ', std::string(a[i])});
            ++i, ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            d.push_back({'-', std::string(a[i++])});  // a removed line reads best before its replacement
        } else {
            d.push_back({'+', std::string(b[j++])});
        }
    }
    return d;
}

}  // namespace rawhttp::relay
