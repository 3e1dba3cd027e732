// The rules of a request's start line and of its whole head: the method, the
// target's form against the method, the version, Host (validated here and
// nowhere else) and Expect. Each message says what the recorded real servers
// answer when they differ from the rule's usual status.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "http/chars.hpp"
#include "http/head_detail.hpp"
#include "http/message.hpp"

namespace rawhttp::http {

using namespace detail;

namespace {

bool is_hex(char c) { return is_digit(static_cast<unsigned char>(c)) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

// Methods Node's llhttp knows (it answers 400 to any other): the registered
// ones of RFC 9110 and the WebDAV family.
bool known_method(std::string_view m) {
    static constexpr std::string_view kKnown[] = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND",
        "UNBIND", "ACL", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE",
        "UNSUBSCRIBE", "PURGE", "MKCALENDAR", "LINK", "UNLINK", "QUERY", "SOURCE"};
    return std::find(std::begin(kKnown), std::end(kKnown), m) != std::end(kKnown);
}

// RFC 3986 characters a URI may hold (unreserved, reserved, and % for
// pct-encoding); other VCHARs ("<>\^`{|}) are not URI characters.
bool uri_char(unsigned char c) { return is_uri_char(c); }

// The end of `scheme ":"` at the start of `t` (RFC 3986 §3.1), or npos.
std::size_t scheme_end(std::string_view t) {
    if (t.empty() || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) return std::string_view::npos;
    for (std::size_t i = 1; i < t.size(); ++i) {
        const char c = t[i];
        if (c == ':') return i + 1;
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '-' || c == '.';
        if (!ok) return std::string_view::npos;
    }
    return std::string_view::npos;
}

// uri-host [ ":" port ] (RFC 9110 §7.2): reg-name, IPv4 or [IP-literal].
// Returns the offset of the first bad byte within `v`, or npos; `name_end`
// gets where the host ends (the port's colon, or the end), and
// `empty_label` whether a reg-name has two dots in a row or a leading dot.
std::size_t bad_host_byte(std::string_view v, std::size_t* name_end = nullptr, bool* empty_label = nullptr) {
    std::size_t i = 0;
    if (!v.empty() && v[0] == '[') {
        const std::size_t close = v.find(']');
        if (close == std::string_view::npos) return v.size() - 1;
        for (i = 1; i < close; ++i) {
            const char c = v[i];
            if (!(is_hex(c) || c == ':' || c == '.' || c == 'v' || c == 'V')) return i;
        }
        i = close + 1;
    } else {
        // Label by label up to the first byte that is no reg-name's (':' is
        // none): the port's colon, a bad byte, or the end. The dots between
        // labels are where an empty one shows.
        const char* const b = v.data();
        const char* const e = b + v.size();
        const char* p = scan_class(b, e, kHostLabel);
        bool empty = false;
        while (p < e && *p == '.') {
            empty = empty || p == b || p[-1] == '.';
            p = scan_class(p + 1, e, kHostLabel);
        }
        if (empty_label) *empty_label = empty;
        i = static_cast<std::size_t>(p - b);
    }
    if (name_end) *name_end = i;
    if (i == v.size()) return std::string_view::npos;
    if (v[i] != ':') return i;
    for (std::size_t j = i + 1; j < v.size(); ++j)
        if (!is_digit(static_cast<unsigned char>(v[j]))) return j;
    return std::string_view::npos;
}

struct Word {
    std::string_view text;
    std::size_t offset;
};

void check_method(std::string_view m, std::size_t off, Violations& out) {
    for (std::size_t i = 0; i < m.size(); ++i)
        if (!is_tchar(static_cast<unsigned char>(m[i]))) {
            if (m[i] == '\r') continue;  // reported as bare-cr
            out.push_back({Rule::method_invalid_char, off + i,
                           "the method holds " + describe_byte(static_cast<unsigned char>(m[i])) +
                               ", which is not a token character",
                           {}});
            return;
        }
    if (known_method(m)) return;
    // Methods are case-sensitive tokens (RFC 9110 §9.1): a lowercase letter
    // makes a different, unknown method, which nginx and Node both refuse; so
    // does a digit or other token character (nginx takes only A-Z, - and _); an
    // unknown method in those capitals is the server's choice (Node refuses it).
    const bool lower = std::any_of(m.begin(), m.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    const bool capitals = std::all_of(m.begin(), m.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; });
    std::string upper_m;
    for (char c : m) upper_m += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const std::string hint =
        lower && known_method(upper_m) ? "; methods are case-sensitive: did you mean " + upper_m + "?" : "";
    out.push_back({lower ? Rule::method_not_uppercase : capitals ? Rule::method_unknown : Rule::method_unusual_char, off,
                   "'" + std::string(m).substr(0, 40) + "' is not a registered method" + hint, {}});
}

bool check_target_bytes(std::string_view t, std::size_t off, Violations& out) {
    const std::size_t clean = static_cast<std::size_t>(scan_target(t.data(), t.data() + t.size()) - t.data());
    for (std::size_t i = clean; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (c == '\r') continue;  // reported as bare-cr
        if (!is_target_byte(c)) {
            out.push_back({Rule::target_invalid_char, off + i,
                           "the target holds " + describe_byte(c) + ", which a request target may not contain",
                           c >= 0x80 ? "Node answers 400; nginx accepts" : ""});
            return false;
        }
    }
    return true;
}

void check_target(std::string_view method, std::string_view t, std::size_t off, std::size_t method_off,
                  Violations& out) {
    if (!check_target_bytes(t, off, out)) return;
    for (std::size_t i = t.find('%'); i < t.size(); i = t.find('%', i + 1)) {
        if (!(i + 2 < t.size() && is_hex(t[i + 1]) && is_hex(t[i + 2]))) {
            out.push_back({Rule::target_bad_percent, off + i, "a % in the target that does not start a %XX escape", {}});
            break;
        }
    }
    for (std::size_t i = static_cast<std::size_t>(scan_class(t.data(), t.data() + t.size(), kUri) - t.data());
         i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (!uri_char(c)) {
            out.push_back({Rule::target_uri_char, off + i,
                           "the target holds " + describe_byte(c) + ", which is not a URI character (RFC 3986)", {}});
            break;
        }
    }
    if (method == "CONNECT") {
        out.push_back({Rule::connect_origin, method_off,
                       "CONNECT asks for a tunnel, which only a proxy opens; an origin server refuses it", {}});
        // authority-form: host:port, nothing else (RFC 9112 §3.2.3).
        const std::size_t colon = t.rfind(':');
        const bool ok = !t.empty() && t[0] != '/' && t.find("://") == std::string_view::npos &&
                        colon != std::string_view::npos && colon + 1 < t.size() &&
                        bad_host_byte(t) == std::string_view::npos;
        if (!ok)
            out.push_back({Rule::target_form, off,
                           "CONNECT takes the authority-form target host:port (like example.com:443), not '" +
                               std::string(t.substr(0, 60)) + "'",
                           "nginx answers 405; Node closes the connection"});
        return;
    }
    if (t == "*") {
        if (method == "OPTIONS")
            out.push_back({Rule::options_asterisk, off,
                           "OPTIONS * asks about the server as a whole, which some servers refuse", {}});
        else
            out.push_back({Rule::target_asterisk, off,
                           "the asterisk-form target * is only for OPTIONS, not " + std::string(method.substr(0, 40)),
                           {}});
        return;
    }
    if (!t.empty() && t[0] == '/') return;  // origin-form
    // absolute-form: scheme "://" authority path (RFC 9112 §3.2.2); a server MUST accept it.
    const std::size_t se = scheme_end(t);
    if (se != std::string_view::npos && t.substr(se, 2) == "//") return;
    std::string why = "the target '" + std::string(t.substr(0, 60)) + "' is in no request-target form";
    if (se != std::string_view::npos)
        why += ": an absolute-form target is scheme://host/path, and this one has no // after '" +
               std::string(t.substr(0, std::min<std::size_t>(se, 20))) + "'";
    else
        why += ": origin-form starts with /, absolute-form with a scheme (http://), authority-form host:port is "
               "for CONNECT, * for OPTIONS";
    out.push_back({Rule::target_form, off, why, {}});
}

void check_version(std::string_view v, std::size_t off, MessageHead& head, Violations& out) {
    auto d = [&](std::size_t i) { return is_digit(static_cast<unsigned char>(v[i])); };
    if (v.size() == 8 && v.substr(0, 5) == "HTTP/" && d(5) && v[6] == '.' && d(7)) {
        head.major = v[5] - '0';
        head.minor = v[7] - '0';
        if (head.major >= 2)
            out.push_back({Rule::version_unsupported, off,
                           std::string(v) + " in a text request line: HTTP/2 and later are binary and begin with a "
                                            "connection preface, never a text request",
                           head.major == 2 && head.minor == 0 ? "" : "nginx answers 505; Node answers 400"});
        else if (head.major == 0)
            out.push_back({Rule::version_invalid, off,
                           std::string(v) + " is not a version that has this request-line format (HTTP/0.9 had no "
                                            "version)",
                           "nginx answers 400; Node accepts"});
        else if (head.minor > 1)
            out.push_back({Rule::version_minor, off, std::string(v) + ": no such version; a server treats it as HTTP/1.1",
                           {}});
        return;
    }
    std::string why = "'" + std::string(v.substr(0, 40)) + "' is not HTTP-version (\"HTTP/\" DIGIT \".\" DIGIT)";
    if (v.size() == 8 && ascii_lower(v.substr(0, 5)) == "http/") why += ": the name HTTP is case-sensitive";
    else if (v.substr(0, 5) == "HTTP/" && v.find('.') == std::string_view::npos) why += ": the minor version is missing";
    out.push_back({Rule::version_invalid, off, why, {}});
}

}  // namespace

namespace detail {

namespace {

// Four bytes as an unaligned load of them gives them.
constexpr std::uint32_t word4(const char (&s)[5]) {
    std::uint32_t w = 0;
    for (std::size_t i = 0; i < 4; ++i)
        w |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) << loaded_byte_shift(i, 4);
    return w;
}

// The end of the usual methods (GET, PUT, POST, HEAD), each found by one
// compare of its bytes and the space after it; null for any other.
const char* usual_method_end(const char* b, const char* e) {
    if (e - b < 5) return nullptr;
    std::uint32_t w;
    std::memcpy(&w, b, 4);
    if (w == word4("GET ") || w == word4("PUT ")) return b + 3;
    if ((w == word4("POST") || w == word4("HEAD")) && b[4] == ' ') return b + 4;
    return nullptr;
}

}  // namespace

const char* clean_request_line(const char* b, const char* e, const Limits& limits, MessageHead& head) {
    const char* sp = usual_method_end(b, e);
    if (!sp) {
        sp = scan_tchars(b, e);
        if (sp == b || sp == e || *sp != ' ') return nullptr;
        const std::string_view other(b, static_cast<std::size_t>(sp - b));
        if (!known_method(other) || other == "CONNECT") return nullptr;
    }
    const std::string_view method(b, static_cast<std::size_t>(sp - b));
    const char* t = sp + 1;
    if (t == e || *t != '/') return nullptr;  // origin-form only
    const char* te = scan_class(t, e, kUriPlain);  // stops at a %: escapes get the full check
    if (e - te < 10 || *te != ' ' || te[9] != '\r') return nullptr;  // SP, the version, CR
    const char* cr = te + 9;
    if (static_cast<std::size_t>(cr - b) > limits.max_request_line) return nullptr;
    const std::string_view version(te + 1, 8);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return nullptr;
    head.method = method;
    head.target = std::string_view(t, static_cast<std::size_t>(te - t));
    head.version = version;
    head.major = 1;
    head.minor = version[7] - '0';
    return cr;
}

void check_request_line(std::string_view buf, const Line& l, const Limits& limits, MessageHead& head,
                        Violations& out) {
    const std::string_view rl = buf.substr(l.start, l.end - l.start);
    const std::size_t base = l.start;
    if (rl.size() > limits.max_request_line)
        out.push_back({Rule::target_too_long, base + limits.max_request_line,
                       "the request line is longer than " + std::to_string(limits.max_request_line) +
                           " bytes; RFC 9112 asks servers to support 8000 octets, and many stop near there",
                       {}});
    if (!rl.empty() && is_ows(static_cast<unsigned char>(rl[0])))
        out.push_back({Rule::request_line_leading_whitespace, base, "the request line starts with whitespace", {}});
    // Words separated by SP; runs of SP are tolerated here and reported once.
    // (The list is kept from call to call: no allocation per request.)
    thread_local std::vector<Word> words;
    words.clear();
    bool extra_space = false;
    std::size_t extra_at = 0;
    std::size_t i = 0;
    while (i < rl.size() && is_ows(static_cast<unsigned char>(rl[i]))) ++i;
    while (i < rl.size()) {
        const std::size_t s = i;
        while (i < rl.size() && rl[i] != ' ') ++i;
        words.push_back({rl.substr(s, i - s), base + s});
        const std::size_t sp = i;
        while (i < rl.size() && rl[i] == ' ') ++i;
        if (!extra_space && ((i - sp > 1 && i < rl.size()) || (i == rl.size() && i > sp))) {
            extra_space = true;
            extra_at = i == rl.size() ? base + sp : base + sp + 1;
        }
    }
    if (extra_space) {
        const bool trailing = rl.find_first_not_of(' ', extra_at - base) == std::string_view::npos;
        out.push_back({Rule::request_line_spaces, extra_at,
                       trailing ? "a space at the end of the request line"
                                : "more than one space between the parts of the request line",
                       trailing ? "Node answers 400; nginx accepts" : ""});
    }
    if (words.empty()) {
        out.push_back({Rule::request_line_parts, base, "the request line is empty or only whitespace", {}});
        return;
    }
    head.method = words[0].text;
    check_method(words[0].text, words[0].offset, out);
    if (words.size() != 3) {
        std::string why;
        if (words.size() == 1) why = "only a method: the target and the version are missing";
        else if (words.size() == 2) why = "two parts: the version (HTTP/1.1) is missing (an HTTP/0.9-style line)";
        else why = std::to_string(words.size()) + " parts, not three: is there a space inside the target?";
        out.push_back({Rule::request_line_parts, words.size() > 3 ? words[2].offset - 1 : base + rl.size(),
                       "the request line has " + why,
                       words.size() == 2 ? "nginx answers in HTTP/0.9 style, a body with no status line; Node accepts"
                                         : ""});
    }
    if (words.size() >= 2) head.target = words[1].text;
    if (words.size() >= 3) {
        head.version = words.back().text;
        check_version(words.back().text, words.back().offset, head, out);
    }
    // A version this server does not speak: the rest of the line is not judged
    // by HTTP/1.1's rules (the HTTP/2 preface "PRI * HTTP/2.0" is a 505, not a
    // misplaced asterisk).
    if (head.major >= 2) return;
    if (words.size() == 2 || words.size() == 3) check_target(words[0].text, words[1].text, words[1].offset, words[0].offset, out);
    if (words.size() > 3)
        for (std::size_t w = 1; w + 1 < words.size(); ++w) check_target_bytes(words[w].text, words[w].offset, out);
}

}  // namespace detail

void check_request_head(const MessageHead& head, Violations& out) {
    if (head.major >= 2) return;  // not HTTP/1.x: see check_request_line
    // Host fields: one, nearly always; a list is built only for more.
    const HeaderField* one_host = nullptr;
    std::vector<const HeaderField*> more;
    if (head.has(KnownField::host))
        for (const auto& f : head.headers) {
            if (f.known != KnownField::host) continue;
            if (!one_host) {
                one_host = &f;
                continue;
            }
            if (more.empty()) more.push_back(one_host);
            more.push_back(&f);
        }
    const std::span<const HeaderField* const> hosts =
        !more.empty() ? std::span<const HeaderField* const>(more)
        : one_host    ? std::span<const HeaderField* const>(&one_host, 1)
                      : std::span<const HeaderField* const>();
    const bool http11 = head.major == 1 && head.minor >= 1;
    if (http11 && hosts.empty())
        out.push_back({Rule::host_missing, head.empty_line,
                       "an HTTP/1." + std::to_string(head.minor) + " request without a Host field", {}});
    if (hosts.size() > 1)
        out.push_back({Rule::host_repeated, hosts[1]->name_offset,
                       std::to_string(hosts.size()) + " Host fields: a server cannot tell which one is meant", {}});
    for (const HeaderField* h : hosts) {
        if (h->value.empty() && http11) out.push_back({Rule::host_empty, h->value_offset, "the Host field is empty", {}});
        std::size_t name_end = 0;
        bool empty_label = false;
        const std::size_t bad = bad_host_byte(h->value, &name_end, &empty_label);
        if (bad == std::string_view::npos && !h->value.empty() && h->value[0] != '[') {
            const std::string_view name = h->value.substr(0, name_end);
            if (name.empty())
                out.push_back({Rule::host_unusual, h->value_offset, "the Host value has a port but no host name", {}});
            else if (empty_label)
                out.push_back({Rule::host_unusual, h->value_offset,
                               "the host name '" + std::string(name.substr(0, 60)) +
                                   "' has an empty label (two dots, or a leading dot)",
                               {}});
        }
        if (bad != std::string_view::npos) {
            // nginx refuses whitespace, / and \ in a host; it lets other oddities through.
            const char c = h->value[bad];
            const bool nginx_rejects =
                c == ' ' || c == '\t' || c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
            out.push_back({Rule::host_invalid, h->value_offset + bad,
                           "the Host value '" + std::string(h->value.substr(0, 60)) + "' is not host[:port] (" +
                               describe_byte(static_cast<unsigned char>(c)) + " here)",
                           nginx_rejects ? "" : "nginx and Node accept it, though RFC 9112 requires a 400"});
        }
    }
    if (!head.has(KnownField::expect)) return;
    for (const auto& f : head.headers)
        if (f.known == KnownField::expect && !iequals(f.value, "100-continue"))
            out.push_back({Rule::expect_unknown, f.value_offset,
                           "Expect: " + std::string(f.value.substr(0, 40)) + " is not an expectation any server knows",
                           {}});
}

}  // namespace rawhttp::http
