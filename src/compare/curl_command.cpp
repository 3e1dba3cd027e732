#include "compare/curl_command.hpp"

#include <cctype>
#include <vector>

#include "core/byte_escape.hpp"
#include "http/request_line.hpp"
#include "intake/url.hpp"

namespace rawhttp::compare {

namespace {

bool is_tchar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool printable_text(std::string_view s) {
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (!((u >= 0x20 && u < 0x7f) || c == '\r' || c == '\n' || c == '\t')) return false;
    }
    return true;
}

std::string dollar_quote(std::string_view s) {
    std::string out = "$'";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\\') out += "\\\\";
        else if (c == '\'') out += "\\'";
        else if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (u < 0x20 || u >= 0x7f) byte_escape::append_hex(out, u);
        else out += c;
    }
    return out + "'";
}

CurlCommand none(std::string why) {
    CurlCommand c;
    c.why_not = std::move(why);
    return c;
}

// A target curl puts on the wire unchanged when it is the URL's path.
bool url_safe_target(std::string_view t) {
    if (t.empty() || t.front() != '/') return false;
    for (char c : t) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '#' || c == '\\') return false;
    }
    return true;
}

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

}  // namespace

std::string shell_word(std::string_view s) {
    bool plain = !s.empty();
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./:=@%+,").find(c) != std::string_view::npos))
            plain = false;
    if (plain) return std::string(s);
    bool quotable = true;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || u >= 0x80) quotable = false;
    }
    if (!quotable) return dollar_quote(s);
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

CurlCommand curl_command_for(const ComposedRequest& request, const CurlCommandTarget& to, const std::string& body_file) {
    std::string_view bytes = request.bytes;
    // A body file too large to hold is named as it is, when it is the whole body.
    std::optional<std::string> body_on_disk;
    if (!request.streamed.empty()) {
        const auto& f = request.streamed.front();
        if (request.streamed.size() > 1 || f.at != bytes.size() || !bytes.ends_with("\r\n\r\n") ||
            bytes.find("\r\n\r\n") != bytes.size() - 4)
            return none("its body mixes '" + f.path + "', too large to hold, with other bytes; only a body that is "
                        "that file alone can go as --data-binary @FILE");
        body_on_disk = f.path;
    }
    std::size_t head_end = bytes.find("\r\n\r\n");
    std::size_t first_lf = bytes.find('\n');
    if (first_lf != std::string_view::npos && (first_lf == 0 || bytes[first_lf - 1] != '\r'))
        return none("its request line ends with a bare LF; curl ends every line with CRLF");
    if (head_end == std::string_view::npos)
        return none("its head has no empty line (CRLF CRLF) ending it; curl always ends the head");
    std::string_view head = bytes.substr(0, head_end + 2), body = bytes.substr(head_end + 4);
    if (head.find('\0') != std::string_view::npos)
        return none("its head has a NUL byte, which no command-line argument can carry");
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos < head.size();) {
        std::size_t lf = head.find('\n', pos);
        if (lf == 0 || head[lf - 1] != '\r') return none("its head has a bare LF line break; curl ends every line with CRLF");
        std::string_view line = head.substr(pos, lf - 1 - pos);
        if (line.find('\r') != std::string_view::npos)
            return none("its head has a CR that does not end a line; curl refuses CR inside a header");
        lines.push_back(line);
        pos = lf + 1;
    }
    // The request line: METHOD SP TARGET SP HTTP/1.x, which curl writes itself.
    std::string_view rl = lines[0];
    auto parts = http::split_request_line(rl);
    if (!parts)
        return none("its request line is not METHOD SP TARGET SP VERSION with single spaces, which is all curl writes");
    std::string method(parts->method), target(parts->target), version(parts->version);
    for (char c : method)
        if (!is_tchar(c)) return none("its method '" + method + "' has a byte curl would not put in a method");
    for (char c : target)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return none("its target has a control byte");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return none("its version is " + version + "; curl sends HTTP/1.0 or HTTP/1.1 here");

    std::vector<std::string> words = {"curl"};
    if (version == "HTTP/1.0") words.push_back("-0");
    else if (to.tls) words.push_back("--http1.1");  // else curl offers HTTP/2 by ALPN
    bool has_body = !body.empty() || body_on_disk;
    std::optional<std::string> host_value;
    std::vector<std::string> seen;  // lower-case names of the file's fields
    std::vector<std::string> header_args;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        std::size_t colon = l.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return none("its line " + std::to_string(i + 1) + " is not Name: value; curl sends only such header lines");
        std::string name(l.substr(0, colon));
        std::string lower = name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = l.substr(colon + 1);
        if (lower == "host") {
            if (i != 1) return none("its Host field is not the first header; curl always writes Host first");
            if (name != "Host") return none("its Host field is spelt '" + name + "'; curl writes it as 'Host'");
            if (host_value) return none("it has two Host fields; curl sends one");
            host_value = std::string(value);
            seen.push_back(lower);
            continue;  // curl writes Host first: it goes before the other -H
        }
        std::string lower_value(value);
        for (auto& c : lower_value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "transfer-encoding" && lower_value.find("chunked") != std::string::npos && has_body)
            return none("its body is chunked; curl chunks a body itself, its own way");
        seen.push_back(lower);
        if (value.empty()) {
            // Written "Name;", which curl reads up to its first ';'.
            if (name.find(';') != std::string::npos)
                return none("its empty field '" + name + "' has a ';' in its name; curl cannot send it empty");
            header_args.push_back(name + ";");
        }
        else if (value.find_first_not_of(" \t") == std::string_view::npos)
            return none("its field '" + name + "' has a value of only blanks; curl reads that as removing the field");
        else header_args.emplace_back(l);
    }
    auto has = [&](std::string_view n) {
        for (const auto& s : seen)
            if (s == n) return true;
        return false;
    };
    if (method == "HEAD" && !has_body) words.push_back("-I");
    else if (!((method == "GET" && !has_body) || (method == "POST" && has_body))) {
        words.push_back("-X");
        words.push_back(method);
    }
    // Where the URL's path cannot carry the target as it is, curl is told it.
    std::string url_path = "/";
    if (url_safe_target(target)) {
        url_path = target;
        std::string path = target.substr(0, target.find('?'));
        if (intake::remove_dot_segments(path) != path) words.push_back("--path-as-is");
    } else {
        words.push_back("--request-target");
        words.push_back(target);
    }
    const std::size_t host_at = words.size();  // where -H 'Host...' goes, once the URL is known
    for (auto& h : header_args) {
        words.push_back("-H");
        words.push_back(h);
    }
    std::vector<std::string_view> own = {"user-agent", "accept"};
    if (has_body) own.insert(own.end(), {"content-type", "content-length", "expect"});
    for (auto n : own)
        if (!has(n)) {
            static const std::pair<std::string_view, std::string_view> spelled[] = {
                {"user-agent", "User-Agent:"}, {"accept", "Accept:"}, {"content-type", "Content-Type:"},
                {"content-length", "Content-Length:"}, {"expect", "Expect:"}};
            for (auto& [k, v] : spelled)
                if (k == n) {
                    words.push_back("-H");
                    words.push_back(std::string(v));
                }
        }
    CurlCommand out;
    std::vector<std::string> quoted_body;  // already shell-quoted words
    if (body_on_disk) {
        quoted_body = {"--data-binary", shell_word("@" + *body_on_disk)};
    } else if (has_body) {
        if (body.size() <= kInlineBodyMax && printable_text(body)) {
            quoted_body = {body.front() == '@' ? "--data-raw" : "--data-binary", dollar_quote(body)};
        } else {
            out.body_in_file = true;
            out.body = std::string(body);
            out.body_file = body_file;
            quoted_body = {"--data-binary", shell_word("@" + body_file)};
        }
    }
    // The URL: TLS names the Host header's host (SNI and the certificate, as
    // send does) and connects to the destination; plain HTTP just connects.
    const int default_port = to.tls ? 443 : 80;
    std::string dest = bracketed(to.host) + ":" + std::to_string(to.port);
    std::string authority = to.port == default_port ? bracketed(to.host) : dest;
    if (to.tls && host_value) {
        std::string hv(*host_value);
        hv.erase(0, hv.find_first_not_of(" \t"));
        hv.erase(hv.find_last_not_of(" \t") + 1);
        auto parsed = intake::parse_url("https://" + hv + "/");
        if (parsed) {
            authority = parsed->host_header();
            if (parsed->host + ":" + std::to_string(parsed->port) != dest) {
                words.push_back("--connect-to");
                words.push_back("::" + dest);
            }
        }
    }
    if (to.unix_socket) {
        words.push_back("--unix-socket");
        words.push_back(*to.unix_socket);
        authority = "localhost";
    }
    // curl writes "Host: AUTHORITY" itself; any other Host (or none) is said.
    if (!host_value) words.insert(words.begin() + host_at, {"-H", "Host:"});
    else if (host_value->empty()) words.insert(words.begin() + host_at, {"-H", "Host;"});
    else if (*host_value != " " + authority) words.insert(words.begin() + host_at, {"-H", "Host:" + *host_value});
    std::string url = std::string(to.tls ? "https://" : "http://") + authority + url_path;
    std::string cmd;
    for (const auto& w : words) cmd += (cmd.empty() ? "" : " ") + (w == "curl" ? w : shell_word(w));
    for (const auto& w : quoted_body) cmd += " " + w;
    cmd += " " + shell_word(url);
    out.command = cmd;
    return out;
}

}  // namespace rawhttp::compare
