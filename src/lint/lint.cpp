// The lint rules. The head is read leniently (lines end at LF, whatever came
// before it) so that one broken rule does not hide the others; each rule is a
// general statement from RFC 9110/9112, and its message says what the real
// servers recorded in requests/verdicts.json answer.
#include "lint/lint.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

#include "http/chars.hpp"
#include "http/message.hpp"

namespace rawhttp::lint {

namespace {

using http::detail::describe_byte;
using http::detail::is_digit;
using http::detail::is_field_value_byte;
using http::detail::is_ows;
using http::detail::is_target_byte;
using http::detail::is_tchar;
using http::detail::trim_ows;

// A rule: what does not change from one finding to the next.
struct Rule {
    std::string_view id;
    Severity severity;
    std::string_view rfc;
    std::string_view expect_status;
    std::string_view servers;  // what nginx and Node answered, appended to the message
    std::string_view fix;
};

constexpr Severity E = Severity::error;
constexpr Severity W = Severity::warning;

// clang-format off
constexpr Rule kRules[] = {
    {"empty-request", E, "RFC 9112 §2.2", "timeout", "",
     "write a request line such as: GET / HTTP/1.1"},
    {"bare-lf", W, "RFC 9112 §2.2", "400", "Node answers 400; nginx accepts",
     "end every line of the head with CR LF (@eol = crlf, the default, or netcat's -C)"},
    {"bare-cr", E, "RFC 9112 §2.2", "400", "nginx and Node answer 400",
     "remove the CR, or follow it with LF to end the line"},
    {"request-line-leading-whitespace", E, "RFC 9112 §3", "400", "nginx and Node answer 400",
     "start the request line with the method, at the first byte"},
    {"request-line-spaces", W, "RFC 9112 §3", "400", "nginx and Node accept it; stricter servers answer 400",
     "separate method, target and version by exactly one space"},
    {"request-line-parts", E, "RFC 9112 §3", "400", "nginx and Node answer 400",
     "write exactly three parts: METHOD SP TARGET SP HTTP/1.1 (percent-encode a space in the target as %20)"},
    {"method-invalid-char", E, "RFC 9112 §3.1", "400", "nginx and Node answer 400",
     "a method is a token: letters, digits and !#$%&'*+-.^_`|~ only (usually uppercase, like GET)"},
    {"method-not-uppercase", E, "RFC 9110 §9.1", "400", "nginx and Node answer 400",
     "write the method in uppercase letters, like GET; methods are case-sensitive"},
    {"method-unknown", W, "RFC 9110 §9.1", "400", "Node answers 400 to a method it does not know; nginx accepts",
     "use a registered method (GET, HEAD, POST, PUT, DELETE, OPTIONS, ...); methods are case-sensitive"},
    {"target-invalid-char", E, "RFC 9112 §3.2", "400", "nginx and Node answer 400",
     "percent-encode the byte in the target (a space is %20)"},
    {"target-uri-char", W, "RFC 3986 §2", "400", "nginx and Node accept it; stricter servers answer 400",
     "percent-encode the character (\" is %22, < is %3C, > is %3E, { is %7B, } is %7D, | is %7C)"},
    {"target-form", E, "RFC 9112 §3.2", "400", "nginx and Node answer 400",
     "an origin-form target starts with /: write /index.html, or an absolute URL http://host/path"},
    {"options-asterisk", W, "RFC 9110 §9.3.7", "400", "nginx answers 400; Node accepts",
     "ask OPTIONS about a path (OPTIONS / HTTP/1.1) when the server rejects the asterisk"},
    {"connect-origin", E, "RFC 9110 §9.3.6", "400", "nginx answers 400; Node closes the connection",
     "send CONNECT only to a proxy; ask an origin server with GET"},
    {"target-asterisk", E, "RFC 9112 §3.2.4", "400", "nginx answers 400; Node accepts",
     "use * only with OPTIONS; other methods take an origin-form target like /"},
    {"target-too-long", W, "RFC 9112 §3", "414", "nginx answers 414 past 8 KiB",
     "shorten the target; move data into a POST body"},
    {"version-invalid", E, "RFC 9112 §2.3", "400", "nginx and Node answer 400",
     "write the version exactly as HTTP/1.1 (uppercase, one digit on each side of the dot)"},
    {"version-minor", W, "RFC 9110 §2.5", "400", "Node answers 400; nginx accepts it as HTTP/1.1",
     "write HTTP/1.1"},
    {"version-unsupported", E, "RFC 9110 §15.6.6", "505", "nginx answers 505; Node accepts it as HTTP/1.1",
     "write HTTP/1.1: HTTP/2 and HTTP/3 are binary protocols, never a text request line"},
    {"whitespace-before-first-field", E, "RFC 9112 §2.2", "400", "nginx and Node answer 400",
     "remove the whitespace at the start of the line"},
    {"obs-fold", E, "RFC 9112 §5.2", "400", "nginx and Node answer 400",
     "join the continuation line to the field's value on one line"},
    {"field-missing-colon", E, "RFC 9112 §5", "400", "Node answers 400; nginx ignores the line",
     "write each field as Name: value"},
    {"field-name-empty", E, "RFC 9110 §5.1", "400", "nginx and Node answer 400",
     "put the field's name before the colon"},
    {"space-before-colon", E, "RFC 9112 §5.1", "400", "nginx and Node answer 400",
     "remove the whitespace between the field name and the colon: Name: value"},
    {"field-name-invalid-char", E, "RFC 9110 §5.1", "400", "Node answers 400; nginx ignores the field",
     "a field name is a token: letters, digits and !#$%&'*+-.^_`|~ only"},
    {"field-value-invalid-char", E, "RFC 9110 §5.5", "400", "",
     "remove the control byte; field values are visible characters, SP and HTAB"},
    {"field-line-too-long", W, "RFC 9112 §5", "400", "nginx answers 400 past 8 KiB per line",
     "shorten the field; servers limit each line"},
    {"head-too-large", W, "RFC 6585 §5", "431", "Node answers 431 past 16 KiB of head; nginx accepts up to 32 KiB",
     "send fewer or shorter header fields"},
    {"host-missing", E, "RFC 9112 §3.2", "400", "nginx and Node answer 400",
     "add a Host field: Host: example.com"},
    {"host-repeated", E, "RFC 9112 §3.2", "400", "nginx answers 400; Node accepts",
     "keep exactly one Host field"},
    {"host-empty", W, "RFC 9112 §3.2", "400", "nginx answers 400; Node accepts",
     "give Host the server's name, unless the target URI has no authority"},
    {"host-unusual", W, "RFC 3986 §3.2.2", "400", "nginx answers 400; Node accepts",
     "write the host name with non-empty labels (example.com), then an optional :port"},
    {"target-bad-percent", W, "RFC 3986 §2.1", "400", "nginx answers 400; Node accepts",
     "write % as %25, or follow it with two hex digits"},
    {"host-invalid", E, "RFC 9112 §3.2", "400", "nginx answers 400; Node accepts",
     "write Host as host[:port], with no spaces, path or userinfo"},
    {"content-length-invalid", E, "RFC 9112 §6.3", "400", "nginx and Node answer 400",
     "write Content-Length as the body's size in decimal digits, nothing else"},
    {"content-length-conflict", E, "RFC 9112 §6.3", "400", "nginx and Node answer 400",
     "send one Content-Length, the body's exact size"},
    {"content-length-repeated", E, "RFC 9110 §8.6", "400", "nginx and Node answer 400",
     "send Content-Length once"},
    {"content-length-with-transfer-encoding", E, "RFC 9112 §6.1", "400", "nginx and Node answer 400",
     "send either Content-Length or Transfer-Encoding: chunked, never both"},
    {"transfer-encoding-not-chunked", E, "RFC 9112 §6.3", "400", "Node answers 400; nginx answers 501 to a coding it does not know",
     "end Transfer-Encoding with chunked, and send the body in chunks"},
    {"transfer-encoding-chunked-twice", E, "RFC 9112 §6.1", "400", "Node answers 400; nginx answers 501",
     "apply chunked once, as the last coding"},
    {"transfer-encoding-repeated", W, "RFC 9110 §5.3", "400", "nginx answers 400; Node accepts",
     "list every coding in one Transfer-Encoding field: Transfer-Encoding: chunked"},
    {"transfer-encoding-unknown", W, "RFC 9112 §6.1", "501", "nginx answers 501; Node accepts",
     "use only Transfer-Encoding: chunked in requests (compress the body with Content-Encoding instead)"},
    {"transfer-encoding-http10", W, "RFC 9112 §6.1", "400", "nginx answers 400; Node accepts",
     "use HTTP/1.1 for a chunked body, or send Content-Length"},
    {"chunked-malformed", E, "RFC 9112 §7.1", "400", "nginx and Node answer 400",
     "write each chunk as: size in hex, CR LF, that many bytes, CR LF; end with 0 CR LF CR LF"},
    {"chunked-bare-lf", W, "RFC 9112 §7.1", "400", "Node answers 400; nginx accepts",
     "end every chunk-size line and chunk with CR LF"},
    {"chunked-size-whitespace", W, "RFC 9112 §7.1", "400", "Node answers 400; nginx accepts",
     "write the chunk size right before CR LF (or before ;ext), with no spaces"},
    {"expect-unknown", W, "RFC 9110 §10.1.1", "417", "Node answers 417; nginx ignores it",
     "send Expect: 100-continue or no Expect at all"},
    {"chunked-incomplete", E, "RFC 9112 §7.1", "timeout", "Node waits for it; nginx's return answers before reading any body",
     "end the chunked body with the last chunk: 0 CR LF, then an empty line (CR LF)"},
    {"content-length-exceeds-body", E, "RFC 9112 §6.2", "timeout", "Node waits for the rest; nginx's return answers before reading any body",
     "set Content-Length to the body's size ({{content_length}} computes it)"},
    {"body-extra-bytes", W, "RFC 9112 §6.3", "400", "Node answers 400; nginx answers 200, then 400 to the extra bytes",
     "set Content-Length to the body's size ({{content_length}} computes it); the rest is read as a next request"},
    {"body-without-framing", W, "RFC 9112 §6.3", "411", "Node answers 400, reading the body as a next request; nginx answers 200, then 400 to that next request",
     "add Content-Length: {{content_length}} (or Transfer-Encoding: chunked)"},
    {"head-unterminated", E, "RFC 9112 §2.1", "timeout", "nginx and Node wait",
     "end the head with an empty line (CR LF CR LF after the last field)"},
};
// clang-format on

const Rule& rule(std::string_view id) {
    for (const auto& r : kRules)
        if (r.id == id) return r;
    return kRules[0];  // unreachable for the ids used below
}

// A line of the head: [start, end) without its line ending; `lf` is the
// offset of its LF, or npos when the bytes ended first.
struct Line {
    std::size_t start = 0, end = 0;
    std::size_t lf = std::string_view::npos;
    bool cr = false;  // ended by CR LF
};

struct Field {
    std::string_view name;
    std::string_view value;  // OWS trimmed
    std::size_t name_offset = 0;
    std::size_t value_offset = 0;
};

bool is_upper_alpha(char c) { return c >= 'A' && c <= 'Z'; }

// Methods Node's llhttp knows (it answers 400 to any other); the registered
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
bool uri_char(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos;
}

// scheme ":" ... (RFC 3986 §3.1), the start of an absolute-form target.
bool has_scheme(std::string_view t) {
    if (t.empty() || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) return false;
    for (std::size_t i = 1; i < t.size(); ++i) {
        char c = t[i];
        if (c == ':') return i + 1 < t.size() && t[i + 1] == '/';
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '-' || c == '.';
        if (!ok) return false;
    }
    return false;
}

// uri-host [ ":" port ] (RFC 9110 §7.2): reg-name, IPv4 or [IP-literal].
// Returns the offset of the first bad byte within `v`, or npos.
std::size_t bad_host_byte(std::string_view v) {
    std::size_t i = 0;
    if (!v.empty() && v[0] == '[') {
        std::size_t close = v.find(']');
        if (close == std::string_view::npos) return v.size() - 1;
        for (i = 1; i < close; ++i) {
            char c = v[i];
            bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                      c == '.' || c == 'v' || c == 'V';
            if (!ok) return i;
        }
        i = close + 1;
    } else {
        for (; i < v.size() && v[i] != ':'; ++i) {
            unsigned char c = static_cast<unsigned char>(v[i]);
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("-._~!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos;
            if (!ok) return i;
        }
    }
    if (i == v.size()) return std::string_view::npos;
    if (v[i] != ':') return i;
    for (std::size_t j = i + 1; j < v.size(); ++j)
        if (!is_digit(static_cast<unsigned char>(v[j]))) return j;
    return std::string_view::npos;
}

// Comma-separated list members, OWS trimmed, with their offsets in `v`.
std::vector<std::pair<std::string_view, std::size_t>> list_members(std::string_view v) {
    std::vector<std::pair<std::string_view, std::size_t>> out;
    std::size_t start = 0;
    while (start <= v.size()) {
        std::size_t comma = v.find(',', start);
        if (comma == std::string_view::npos) comma = v.size();
        std::string_view raw = v.substr(start, comma - start);
        std::string_view t = trim_ows(raw);
        out.emplace_back(t, start + static_cast<std::size_t>(t.data() - raw.data()));
        start = comma + 1;
    }
    return out;
}

class Linter {
public:
    Linter(std::string_view bytes, const LintOptions& opts) : b_(bytes), opts_(opts) {}

    std::vector<Finding> run() {
        std::size_t pos = 0;
        // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
        while (pos < b_.size()) {
            if (b_[pos] == '\n') bare_lfs_.push_back(pos++);
            else if (b_[pos] == '\r' && pos + 1 < b_.size() && b_[pos + 1] == '\n') pos += 2;
            else break;
        }
        if (pos >= b_.size()) {
            check_line_endings();
            add("empty-request", pos, "no request line: only empty lines or nothing at all was sent, so the server "
                                      "keeps waiting for one");
            return finish();
        }
        split_head(pos);
        check_line_endings();
        check_request_line(lines_[0]);
        check_fields();
        check_sizes();
        check_host();
        check_framing();
        check_expect();
        if (!head_terminated_) {
            add("head-unterminated", b_.size(),
                "the head has no terminating empty line, so the server waits for the rest of it (then times out "
                "or answers 408)");
        }
        return finish();
    }

private:
    std::string_view b_;
    LintOptions opts_;
    std::vector<Line> lines_;  // request line, then field lines (the empty line excluded)
    bool head_terminated_ = false;
    std::size_t head_end_ = 0;  // offset just past the empty line
    std::vector<Field> fields_;
    std::vector<std::size_t> bare_lfs_;  // offsets of LFs without CR in the head
    int major_ = -1, minor_ = -1;
    std::vector<Finding> out_;

    // `servers` and `expect` override the rule's when the observed servers
    // answer this case differently from the rule's usual one.
    void add(std::string_view id, std::size_t offset, std::string message, std::string_view servers = {},
             std::string_view expect = {}, std::optional<Severity> severity = std::nullopt) {
        const Rule& r = rule(id);
        Finding f;
        f.id = std::string(r.id);
        f.severity = severity.value_or(r.severity);
        f.offset = std::min(offset, b_.size());
        f.message = std::move(message);
        std::string_view note = servers.empty() ? r.servers : servers;
        if (!note.empty()) f.message += " (" + std::string(note) + ")";
        f.rfc = std::string(r.rfc);
        f.expect_status = std::string(expect.empty() ? r.expect_status : expect);
        f.fix = std::string(r.fix);
        out_.push_back(std::move(f));
    }

    std::vector<Finding> finish() {
        std::stable_sort(out_.begin(), out_.end(),
                         [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
        // Line and column in one pass over the bytes.
        std::size_t line = 1, line_start = 0, at = 0;
        for (auto& f : out_) {
            for (; at < f.offset; ++at)
                if (b_[at] == '\n') {
                    ++line;
                    line_start = at + 1;
                }
            f.line = line;
            f.column = f.offset - line_start + 1;
        }
        return std::move(out_);
    }

    void split_head(std::size_t pos) {
        while (pos < b_.size()) {
            Line l;
            l.start = pos;
            std::size_t lf = b_.find('\n', pos);
            if (lf == std::string_view::npos) {
                l.end = b_.size();
                lines_.push_back(l);
                head_end_ = b_.size();
                return;
            }
            l.lf = lf;
            l.cr = lf > pos && b_[lf - 1] == '\r';
            l.end = l.cr ? lf - 1 : lf;
            pos = lf + 1;
            if (l.end == l.start && !lines_.empty()) {  // the empty line that ends the head
                head_terminated_ = true;
                head_end_ = pos;
                if (!l.cr) bare_lfs_.push_back(lf);
                return;
            }
            if (!l.cr) bare_lfs_.push_back(lf);
            lines_.push_back(l);
        }
        head_end_ = b_.size();
    }
    void check_line_endings() {
        if (!bare_lfs_.empty()) {
            std::string more = bare_lfs_.size() > 1
                                   ? " (and " + std::to_string(bare_lfs_.size() - 1) + " more line" +
                                         (bare_lfs_.size() > 2 ? "s" : "") + " of the head)"
                                   : "";
            add("bare-lf", bare_lfs_[0], "line ends with a bare LF, not CR LF" + more);
        }
        for (const auto& l : lines_)
            for (std::size_t i = l.start; i < l.end; ++i)
                if (b_[i] == '\r')
                    add("bare-cr", i, "a CR that is not followed by LF, inside a line of the head");
    }

    void check_request_line(const Line& l) {
        std::string_view rl = b_.substr(l.start, l.end - l.start);
        std::size_t base = l.start;
        if (!rl.empty() && is_ows(static_cast<unsigned char>(rl[0])))
            add("request-line-leading-whitespace", base, "the request line starts with whitespace");
        // Words separated by SP; runs of SP are tolerated here and reported once.
        struct Word {
            std::string_view text;
            std::size_t offset;
        };
        std::vector<Word> words;
        bool extra_space = false;
        std::size_t extra_at = 0;
        std::size_t i = 0;
        while (i < rl.size() && is_ows(static_cast<unsigned char>(rl[i]))) ++i;
        while (i < rl.size()) {
            std::size_t s = i;
            while (i < rl.size() && rl[i] != ' ') ++i;
            words.push_back({rl.substr(s, i - s), base + s});
            std::size_t sp = i;
            while (i < rl.size() && rl[i] == ' ') ++i;
            if (i - sp > 1 && i < rl.size() && !extra_space) {
                extra_space = true;
                extra_at = base + sp + 1;
            }
            if (i == rl.size() && i > sp && !extra_space) {  // trailing space
                extra_space = true;
                extra_at = base + sp;
            }
        }
        if (extra_space) {
            bool trailing = extra_at + 1 >= base + rl.size() || rl.find_first_not_of(' ', extra_at - base) == std::string_view::npos;
            add("request-line-spaces", extra_at,
                trailing ? "a space at the end of the request line" : "more than one space between the parts of the request line",
                trailing ? "Node answers 400; nginx accepts" : "");
        }
        if (words.empty()) {
            add("request-line-parts", base, "the request line is empty or only whitespace");
            return;
        }
        check_method(words[0].text, words[0].offset);
        if (words.size() != 3) {
            std::string why;
            if (words.size() == 1) why = "only a method: the target and the version are missing";
            else if (words.size() == 2) why = "two parts: the version (HTTP/1.1) is missing (an HTTP/0.9-style line)";
            else
                why = std::to_string(words.size()) +
                      " parts, not three: is there a space inside the target?";
            add("request-line-parts", words.size() > 3 ? words[2].offset - 1 : base + rl.size(),
                "the request line has " + why,
                words.size() == 2 ? "nginx answers in HTTP/0.9 style, a body with no status line; Node accepts" : "");
        }
        if (words.size() >= 3) check_version(words.back().text, words.back().offset);
        if (words.size() == 2 || words.size() == 3) check_target(words[0].text, words[1].text, words[1].offset);
        if (words.size() > 3) {
            // Still report bytes no target may hold.
            for (std::size_t w = 1; w + 1 < words.size(); ++w)
                check_target_bytes(words[w].text, words[w].offset);
        }
        if (rl.size() > kMaxRequestLine)
            add("target-too-long", base,
                "the request line is " + std::to_string(rl.size()) + " bytes long; RFC 9112 asks servers to "
                "support 8000 octets, and many stop near there");
    }

    void check_method(std::string_view m, std::size_t off) {
        for (std::size_t i = 0; i < m.size(); ++i)
            if (!is_tchar(static_cast<unsigned char>(m[i]))) {
                add("method-invalid-char", off + i, "the method holds " + describe_byte(static_cast<unsigned char>(m[i])) +
                                                        ", which is not a token character");
                return;
            }
        if (!known_method(m)) {
            // nginx takes only A-Z, - and _ in a method; Node only the methods it knows.
            bool upper = std::all_of(m.begin(), m.end(), [](char c) { return is_upper_alpha(c) || c == '-' || c == '_'; });
            std::string upper_m;
            for (char c : m) upper_m += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
            std::string hint = !upper && known_method(upper_m) ? "; methods are case-sensitive: did you mean " + upper_m + "?"
                                                               : "";
            add(upper ? "method-unknown" : "method-not-uppercase", off,
                "'" + std::string(m).substr(0, 40) + "' is not a registered method" + hint);
        }
    }

    bool check_target_bytes(std::string_view t, std::size_t off) {
        for (std::size_t i = 0; i < t.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(t[i]);
            if (c == '\r') continue;  // reported as bare-cr
            if (!is_target_byte(c)) {
                add("target-invalid-char", off + i,
                    "the target holds " + describe_byte(c) + ", which a request target may not contain",
                    c >= 0x80 ? "Node answers 400; nginx accepts" : "");
                return false;
            }
        }
        return true;
    }

    void check_target(std::string_view method, std::string_view t, std::size_t off) {
        if (!check_target_bytes(t, off)) return;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] == '%' && !(i + 2 < t.size() && std::isxdigit(static_cast<unsigned char>(t[i + 1])) &&
                                 std::isxdigit(static_cast<unsigned char>(t[i + 2])))) {
                add("target-bad-percent", off + i, "a % in the target that does not start a %XX escape");
                break;
            }
        }
        for (std::size_t i = 0; i < t.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(t[i]);
            if (!uri_char(c)) {
                add("target-uri-char", off + i,
                    "the target holds " + describe_byte(c) + ", which is not a URI character (RFC 3986)");
                break;
            }
        }
        if (method == "CONNECT") {
            add("connect-origin", off - method.size() - 1,
                "CONNECT asks for a tunnel, which only a proxy opens; an origin server refuses it");
            // authority-form: host:port, nothing else (RFC 9112 §3.2.3).
            std::size_t colon = t.rfind(':');
            bool ok = !t.empty() && t[0] != '/' && !has_scheme(t) && colon != std::string_view::npos &&
                      colon + 1 < t.size() && bad_host_byte(t) == std::string_view::npos;
            if (!ok)
                add("target-form", off,
                    "CONNECT takes the authority-form target host:port (like example.com:443), not '" +
                        std::string(t.substr(0, 60)) + "'",
                    "nginx answers 405; Node closes the connection");
            return;
        }
        if (t == "*") {
            if (method == "OPTIONS")
                add("options-asterisk", off, "OPTIONS * asks about the server as a whole, which some servers refuse");
            else
                add("target-asterisk", off, "the asterisk-form target * is only for OPTIONS, not " +
                                            std::string(method.substr(0, 40)));
            return;
        }
        if (!t.empty() && t[0] == '/') return;  // origin-form
        if (has_scheme(t)) return;              // absolute-form: a server MUST accept it
        add("target-form", off,
            "the target '" + std::string(t.substr(0, 60)) +
                "' is in no request-target form: origin-form starts with /, absolute-form with a scheme "
                "(http://), authority-form host:port is for CONNECT, * for OPTIONS");
    }

    void check_version(std::string_view v, std::size_t off) {
        auto d = [&](std::size_t i) { return is_digit(static_cast<unsigned char>(v[i])); };
        if (v.size() == 8 && v.substr(0, 5) == "HTTP/" && d(5) && v[6] == '.' && d(7)) {
            major_ = v[5] - '0';
            minor_ = v[7] - '0';
            if (major_ >= 2)
                add("version-unsupported", off,
                    std::string(v) + " in a text request line: HTTP/2 and later are binary and begin with a "
                                     "connection preface, never a text request",
                    major_ == 2 && minor_ == 0 ? "" : "nginx answers 505; Node answers 400");
            else if (major_ == 0)
                add("version-unsupported", off,
                    std::string(v) + " is not a version that has this request-line format (HTTP/0.9 had no version)",
                    "nginx answers 400; Node accepts", "400");
            else if (minor_ > 1)
                add("version-minor", off, std::string(v) + ": no such version; a server treats it as HTTP/1.1");
            return;
        }
        std::string why = "'" + std::string(v.substr(0, 40)) + "' is not HTTP-version (\"HTTP/\" DIGIT \".\" DIGIT)";
        if (v.size() == 8 && http::detail::ascii_lower(v.substr(0, 5)) == "http/") why += ": the name HTTP is case-sensitive";
        else if (v.substr(0, 5) == "HTTP/" && v.find('.') == std::string_view::npos) why += ": the minor version is missing";
        add("version-invalid", off, why);
    }

    void check_fields() {
        for (std::size_t n = 1; n < lines_.size(); ++n) {
            const Line& l = lines_[n];
            std::string_view line = b_.substr(l.start, l.end - l.start);
            if (is_ows(static_cast<unsigned char>(line[0]))) {
                if (n == 1)
                    add("whitespace-before-first-field", l.start,
                        "whitespace between the request line and the first field: the line may be ignored or "
                        "joined to the request line");
                else
                    add("obs-fold", l.start,
                        "a line that starts with whitespace continues the previous field (obsolete line folding)");
                continue;
            }
            std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) {
                add("field-missing-colon", l.start, "the field line has no colon");
                continue;
            }
            if (colon == 0) {
                add("field-name-empty", l.start, "the field line starts with a colon: the name is empty");
            } else {
                std::size_t name_end = colon;
                while (name_end > 0 && is_ows(static_cast<unsigned char>(line[name_end - 1]))) --name_end;
                if (name_end < colon)
                    add("space-before-colon", l.start + name_end,
                        "whitespace between the field name '" + std::string(line.substr(0, std::min<std::size_t>(name_end, 40))) +
                            "' and its colon");
                for (std::size_t i = 0; i < name_end; ++i) {
                    unsigned char c = static_cast<unsigned char>(line[i]);
                    if (c == '\r') continue;  // reported as bare-cr
                    if (!is_tchar(c)) {
                        add("field-name-invalid-char", l.start + i,
                            "the field name holds " + describe_byte(c) + ", which is not a token character");
                        break;
                    }
                }
            }
            std::string_view raw_value = line.substr(colon + 1);
            for (std::size_t i = 0; i < raw_value.size(); ++i) {
                unsigned char c = static_cast<unsigned char>(raw_value[i]);
                if (c == '\r') continue;  // reported as bare-cr
                if (!is_field_value_byte(c)) {
                    add("field-value-invalid-char", l.start + colon + 1 + i,
                        "the field value holds " + describe_byte(c) +
                            (c == 0 ? ", which is invalid and dangerous in a field value"
                                    : ", a control byte no field value may contain"),
                        c == 0 ? "nginx and Node answer 400" : "Node answers 400; nginx accepts");
                    break;
                }
            }
            Field f;
            std::size_t name_end = colon;
            while (name_end > 0 && is_ows(static_cast<unsigned char>(line[name_end - 1]))) --name_end;
            f.name = line.substr(0, name_end);
            f.value = trim_ows(raw_value);
            f.name_offset = l.start;
            f.value_offset = l.start + colon + 1 + static_cast<std::size_t>(f.value.data() - raw_value.data());
            fields_.push_back(f);
        }
    }

    void check_sizes() {
        for (std::size_t n = 1; n < lines_.size(); ++n) {
            const Line& l = lines_[n];
            if (l.end - l.start > kMaxFieldLine) {
                add("field-line-too-long", l.start,
                    "this field line is " + std::to_string(l.end - l.start) + " bytes long");
                break;
            }
        }
        std::size_t head = head_end_ - lines_[0].start;
        if (head > kMaxHeadBoth)
            add("head-too-large", lines_[0].start, "the head is " + std::to_string(head) + " bytes",
                "Node answers 431; nginx answers 400 past 32 KiB", "", Severity::error);
        else if (head > kMaxHead)
            add("head-too-large", lines_[0].start, "the head is " + std::to_string(head) + " bytes");
    }

    std::vector<const Field*> named(std::string_view name) const {
        std::vector<const Field*> out;
        for (const auto& f : fields_)
            if (http::iequals(f.name, name)) out.push_back(&f);
        return out;
    }

    void check_host() {
        auto hosts = named("Host");
        if (major_ == 1 && minor_ >= 1 && hosts.empty()) {
            std::size_t at = lines_.size() > 1 ? lines_.back().lf : lines_[0].lf;
            add("host-missing", at == std::string_view::npos ? b_.size() : at + 1,
                "an HTTP/1." + std::to_string(minor_) + " request without a Host field");
        }
        if (hosts.size() > 1)
            add("host-repeated", hosts[1]->name_offset,
                std::to_string(hosts.size()) + " Host fields: a server cannot tell which one is meant");
        for (const Field* h : hosts) {
            if (h->value.empty() && major_ == 1 && minor_ >= 1)
                add("host-empty", h->value_offset, "the Host field is empty");
            std::size_t bad = bad_host_byte(h->value);
            if (bad == std::string_view::npos && !h->value.empty() && h->value[0] != '[') {
                std::string_view name = h->value.substr(0, h->value.find(':'));
                if (name.empty())
                    add("host-unusual", h->value_offset, "the Host value has a port but no host name");
                else if (name.front() == '.' || name.find("..") != std::string_view::npos)
                    add("host-unusual", h->value_offset, "the host name '" + std::string(name.substr(0, 60)) +
                                                            "' has an empty label (two dots, or a leading dot)");
            }
            if (bad != std::string_view::npos) {
                // nginx refuses whitespace, / and \ in a host; it lets other oddities through.
                char c = h->value[bad];
                bool nginx_rejects = c == ' ' || c == '\t' || c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
                add("host-invalid", h->value_offset + bad,
                    "the Host value '" + std::string(h->value.substr(0, 60)) + "' is not host[:port] (" +
                        describe_byte(static_cast<unsigned char>(c)) + " here)",
                    nginx_rejects ? "" : "nginx and Node accept it, though RFC 9112 requires a 400");
            }
        }
    }

    void check_framing() {
        // Content-Length: every member of every field must be the same 1*DIGIT.
        auto cls = named("Content-Length");
        // The one length every Content-Length member agrees on (have_length), if any.
        std::uint64_t length = 0;
        bool have_length = false;
        bool cl_valid = !cls.empty();
        bool cl_conflict = false;
        std::size_t members = 0;
        for (const Field* f : cls) {
            for (auto [m, at] : list_members(f->value)) {
                ++members;
                auto n = http::parse_content_length(m);
                if (!n) {
                    add("content-length-invalid", f->value_offset + at,
                        "Content-Length '" + std::string(m.substr(0, 40)) + "' is not a decimal number of bytes");
                    cl_valid = false;
                    continue;
                }
                if (have_length && length != *n && !cl_conflict) {
                    add("content-length-conflict", f->value_offset + at,
                        "Content-Length says both " + std::to_string(length) + " and " + std::to_string(*n) +
                            " bytes: where the body ends is ambiguous");
                    cl_conflict = true;
                }
                if (!have_length) {
                    length = *n;
                    have_length = true;
                }
            }
        }
        if (members > 1 && cl_valid && !cl_conflict) {
            add("content-length-repeated", cls.size() > 1 ? cls[1]->name_offset : cls[0]->value_offset,
                "Content-Length is given " + std::to_string(members) +
                    " times with the same value; a server may reject the repetition");
        }
        if (!cl_valid || cl_conflict) have_length = false;

        // Transfer-Encoding: codings in order, across fields.
        auto tes = named("Transfer-Encoding");
        std::vector<std::pair<std::string, std::size_t>> codings;
        for (const Field* f : tes)
            for (auto [m, at] : list_members(f->value)) {
                // "chunked;q=1" is not chunked: chunked takes no parameters, and
                // nginx (501) and Node (400) both refuse it.
                if (!m.empty()) codings.emplace_back(http::detail::ascii_lower(m), f->value_offset + at);
            }
        bool chunked = false;
        if (tes.size() > 1)
            add("transfer-encoding-repeated", tes[1]->name_offset,
                std::to_string(tes.size()) + " Transfer-Encoding fields");
        if (!tes.empty()) {
            if (!cls.empty())
                add("content-length-with-transfer-encoding", cls[0]->name_offset,
                    "Content-Length and Transfer-Encoding together: two framings, the classic request smuggling "
                    "setup (RFC 9112 §11.2)");
            if (major_ == 1 && minor_ == 0)
                add("transfer-encoding-http10", tes[0]->name_offset,
                    "Transfer-Encoding in an HTTP/1.0 request: HTTP/1.0 has no transfer codings, so the framing is "
                    "faulty");
            if (codings.empty() || codings.back().first != "chunked") {
                add("transfer-encoding-not-chunked", tes[0]->value_offset,
                    "Transfer-Encoding '" + std::string(tes[0]->value.substr(0, 40)) +
                        "' does not end with chunked, so the request body's length cannot be determined",
                    codings.empty() ? "nginx answers 501; Node accepts" : "");
            } else {
                chunked = true;
            }
            for (std::size_t i = 0; i + 1 < codings.size(); ++i)
                if (codings[i].first == "chunked") {
                    add("transfer-encoding-chunked-twice", codings[i].second,
                        "chunked appears before the last coding: it may be applied only once, last");
                    chunked = false;
                    break;
                }
            for (const auto& [c, at] : codings)
                if (c != "chunked" && !(codings.size() == 1)) {
                    add("transfer-encoding-unknown", at,
                        "transfer coding '" + c.substr(0, 40) + "' is one few servers decode in a request");
                    break;
                }
        }

        if (!opts_.check_body || !head_terminated_) return;
        std::string_view body = b_.substr(head_end_);
        if (chunked) {  // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3)
            check_chunked(body);
        } else if (!tes.empty()) {
            return;  // framing already broken; the body cannot be judged
        } else if (have_length) {
            const std::uint64_t declared = length;
            if (body.size() < declared)
                add("content-length-exceeds-body", cls[0]->value_offset,
                    "Content-Length announces " + std::to_string(declared) + " bytes but the body has " +
                        std::to_string(body.size()) + ": the server waits for the rest");
            else if (body.size() > declared && !only_line_breaks(body.substr(declared)))
                add("body-extra-bytes", head_end_ + declared,
                    std::to_string(body.size() - declared) + " bytes after the " + std::to_string(declared) +
                        " that Content-Length announces are read as the start of a next request");
        } else if (cls.empty() && !body.empty() && !only_line_breaks(body)) {
            add("body-without-framing", head_end_,
                "a body of " + std::to_string(body.size()) +
                    " bytes with neither Content-Length nor Transfer-Encoding: a request without them has no body");
        }
    }

    static bool only_line_breaks(std::string_view s) {
        return s == "\r\n" || s == "\n";
    }

    // Walks the chunked body (RFC 9112 §7.1) itself, to say where it breaks
    // and to tell the leniencies servers differ on (bare LF, spaces after the
    // size) from what no server accepts.
    void check_chunked(std::string_view body) {
        const std::size_t base = head_end_;
        bool bare_lf_seen = false, space_seen = false;
        std::size_t pos = 0;
        auto line_end = [&](std::size_t lf) {  // the CR before an LF, if any
            if (lf > pos && body[lf - 1] == '\r') return lf - 1;
            if (!bare_lf_seen) {
                bare_lf_seen = true;
                add("chunked-bare-lf", base + lf, "a line of the chunked body ends with a bare LF, not CR LF");
            }
            return lf;
        };
        auto incomplete = [&] {
            add("chunked-incomplete", b_.size(),
                "the chunked body has no last chunk (0 CR LF, then an empty line): the server waits for it");
        };
        for (;;) {
            std::size_t lf = body.find('\n', pos);
            if (lf == std::string_view::npos) return incomplete();
            std::size_t end = line_end(lf);
            std::string_view size_line = body.substr(pos, end - pos);
            std::uint64_t size = 0;
            std::size_t i = 0;
            for (; i < size_line.size() && std::isxdigit(static_cast<unsigned char>(size_line[i])); ++i) {
                if (i >= 15) {
                    add("chunked-malformed", base + pos + i, "the chunk size has too many hex digits");
                    return;
                }
                char c = size_line[i];
                size = size * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            if (i == 0) {
                add("chunked-malformed", base + pos,
                    "the chunked body is malformed: expected a chunk size in hex, found " +
                        (size_line.empty() ? std::string("an empty line")
                                           : describe_byte(static_cast<unsigned char>(size_line[0]))));
                return;
            }
            std::size_t j = i;
            while (j < size_line.size() && is_ows(static_cast<unsigned char>(size_line[j]))) ++j;
            if (j > i && !space_seen) {
                space_seen = true;
                add("chunked-size-whitespace", base + pos + i, "whitespace after the chunk size");
            }
            if (j < size_line.size() && size_line[j] != ';') {
                add("chunked-malformed", base + pos + j,
                    "the chunked body is malformed: " + describe_byte(static_cast<unsigned char>(size_line[j])) +
                        " after the chunk size, where CR LF or ;extension belongs");
                return;
            }
            pos = lf + 1;
            if (size == 0) break;
            if (body.size() - pos < size) return incomplete();
            pos += static_cast<std::size_t>(size);
            if (pos >= body.size()) return incomplete();
            if (body.substr(pos, 2) == "\r\n") {
                pos += 2;
            } else if (body[pos] == '\n') {
                line_end(pos);
                pos += 1;
            } else if (body.substr(pos) == "\r") {
                return incomplete();
            } else {
                add("chunked-malformed", base + pos,
                    "the chunked body is malformed: the chunk's data is longer than its size (" + std::to_string(size) +
                        "); CR LF must follow it");
                return;
            }
        }
        // Trailer section: field lines up to an empty line.
        for (;;) {
            std::size_t lf = body.find('\n', pos);
            if (lf == std::string_view::npos) return incomplete();
            std::size_t end = line_end(lf);
            bool empty = end == pos;
            pos = lf + 1;
            if (empty) break;
        }
        if (pos < body.size() && !only_line_breaks(body.substr(pos)))
            add("body-extra-bytes", base + pos,
                std::to_string(body.size() - pos) + " bytes after the last chunk are read as the start of a next request");
    }

    void check_expect() {
        for (const Field* f : named("Expect"))
            if (http::detail::ascii_lower(f->value) != "100-continue")
                add("expect-unknown", f->value_offset,
                    "Expect: " + std::string(f->value.substr(0, 40)) + " is not an expectation any server knows");
    }
};

}  // namespace

std::string_view severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

std::vector<Finding> lint_request(std::string_view bytes, const LintOptions& options) {
    return Linter(bytes, options).run();
}

bool has_error(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error; });
}

}  // namespace rawhttp::lint

namespace rawhttp::lint {

std::vector<Finding> findings_for_status(const std::vector<Finding>& findings, int status) {
    std::string want = status == 408 ? std::string("timeout") : std::to_string(status);
    std::vector<Finding> out;
    for (const auto& f : findings)
        if (f.expect_status == want) out.push_back(f);
    if (out.empty() && status == 400)
        for (const auto& f : findings)
            if (f.severity == Severity::error) out.push_back(f);
    return out;
}

}  // namespace rawhttp::lint
