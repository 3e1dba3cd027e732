// The rule book's table. Severity, decided in this order (SPEC.md, "lint"):
// error when RFC 9110/9112 say a recipient must reject the message or treat
// it as invalid, when it breaks the grammar of what decides where a message
// ends (two parsers reading one end differently is how request smuggling
// starts), when a server cannot process it at all, or when nginx and Node
// both reject it; warning when only some real servers reject it or the RFC
// leaves it to the server. The status is the RFC's where it names one, else
// what nginx and Node answer (recorded in requests/verdicts.json).
#include "http/rules.hpp"

#include <algorithm>

namespace rawhttp::http {

namespace {

constexpr Severity E = Severity::error;
constexpr Severity W = Severity::warning;
constexpr std::optional<Severity> RE = Severity::error;
constexpr std::optional<Severity> RW = Severity::warning;
constexpr std::optional<Severity> RN = std::nullopt;
using L = Level;
using K = Risk;

// clang-format off
constexpr RuleInfo kRules[] = {
    {Rule::empty_request, "empty-request", "RFC 9112 §2.2", L::should, E, RN, "timeout", "",
     "write a request line such as: GET / HTTP/1.1", K::hang},
    {Rule::bare_lf, "bare-lf", "RFC 9112 §2.2", L::may, W, RW, "400", "Node answers 400; nginx accepts",
     "end every line of the head with CR LF (@eol = crlf, the default, or netcat's -C)", K::smuggling},
    {Rule::bare_cr, "bare-cr", "RFC 9112 §2.2", L::must, E, RE, "400", "nginx and Node answer 400",
     "remove the CR, or follow it with LF to end the line", K::smuggling},
    {Rule::request_line_leading_whitespace, "request-line-leading-whitespace", "RFC 9112 §3", L::must, E, RN, "400",
     "nginx and Node answer 400", "start the request line with the method, at the first byte", K::none},
    {Rule::request_line_spaces, "request-line-spaces", "RFC 9112 §3", L::may, W, RN, "400",
     "nginx and Node accept it; stricter servers answer 400",
     "separate method, target and version by exactly one space", K::none},
    {Rule::request_line_parts, "request-line-parts", "RFC 9112 §3", L::must, E, RN, "400", "nginx and Node answer 400",
     "write exactly three parts: METHOD SP TARGET SP HTTP/1.1 (percent-encode a space in the target as %20)", K::none},
    {Rule::method_invalid_char, "method-invalid-char", "RFC 9112 §3.1", L::must, E, RN, "400", "nginx and Node answer 400",
     "a method is a token: letters, digits and !#$%&'*+-.^_`|~ only (usually uppercase, like GET)", K::none},
    {Rule::method_not_uppercase, "method-not-uppercase", "RFC 9110 §9.1", L::must, E, RN, "400", "nginx and Node answer 400",
     "write the method in uppercase letters, like GET; methods are case-sensitive", K::none},
    {Rule::method_unusual_char, "method-unusual-char", "RFC 9110 §9.1", L::may, E, RN, "400",
     "nginx takes only A-Z, - and _ in a method and Node only the methods it knows: both answer 400",
     "write the method in capital letters (A-Z, - and _), like GET", K::none},
    {Rule::method_unknown, "method-unknown", "RFC 9110 §9.1", L::may, W, RN, "400",
     "Node answers 400 to a method it does not know; nginx accepts",
     "use a registered method (GET, HEAD, POST, PUT, DELETE, OPTIONS, ...); methods are case-sensitive", K::none},
    {Rule::target_invalid_char, "target-invalid-char", "RFC 9112 §3.2", L::must, E, RN, "400", "nginx and Node answer 400",
     "percent-encode the byte in the target (a space is %20)", K::none},
    {Rule::target_uri_char, "target-uri-char", "RFC 3986 §2", L::may, W, RN, "400",
     "nginx and Node accept it; stricter servers answer 400",
     "percent-encode the character (\" is %22, < is %3C, > is %3E, { is %7B, } is %7D, | is %7C)", K::none},
    {Rule::target_form, "target-form", "RFC 9112 §3.2", L::must, E, RN, "400", "nginx and Node answer 400",
     "an origin-form target starts with /: write /index.html, or an absolute URL http://host/path", K::routing},
    {Rule::options_asterisk, "options-asterisk", "RFC 9110 §9.3.7", L::may, W, RN, "400", "nginx answers 400; Node accepts",
     "ask OPTIONS about a path (OPTIONS / HTTP/1.1) when the server rejects the asterisk", K::none},
    {Rule::connect_origin, "connect-origin", "RFC 9110 §9.3.6", L::must, E, RN, "400",
     "nginx answers 400; Node closes the connection",
     "send CONNECT only to a proxy; ask an origin server with GET", K::none},
    {Rule::target_asterisk, "target-asterisk", "RFC 9112 §3.2.4", L::must, E, RN, "400", "nginx answers 400; Node accepts",
     "use * only with OPTIONS; other methods take an origin-form target like /", K::none},
    {Rule::target_bad_percent, "target-bad-percent", "RFC 3986 §2.1", L::may, W, RN, "400", "nginx answers 400; Node accepts",
     "write % as %25, or follow it with two hex digits", K::routing},
    {Rule::version_invalid, "version-invalid", "RFC 9112 §2.3", L::must, E, RE, "400", "nginx and Node answer 400",
     "write the version exactly as HTTP/1.1 (uppercase, one digit on each side of the dot)", K::none},
    {Rule::version_minor, "version-minor", "RFC 9110 §2.5", L::should, W, RW, "400",
     "Node answers 400; nginx accepts it as HTTP/1.1", "write HTTP/1.1", K::none},
    {Rule::version_unsupported, "version-unsupported", "RFC 9110 §15.6.6", L::may, E, RE, "505",
     "nginx answers 505; Node accepts it as HTTP/1.1",
     "write HTTP/1.1: HTTP/2 and HTTP/3 are binary protocols, never a text request line", K::none},
    {Rule::status_line_invalid, "status-line-invalid", "RFC 9112 §4", L::must, RN, RE, "", "",
     "a status line is HTTP/1.1 SP 3DIGIT SP reason CRLF", K::none},
    {Rule::status_code_range, "status-code-range", "RFC 9110 §15", L::must, RN, RW, "", "",
     "use a status code from 100 to 599", K::none},
    {Rule::whitespace_before_first_field, "whitespace-before-first-field", "RFC 9112 §2.2", L::must, E, RE, "400",
     "nginx and Node answer 400", "remove the whitespace at the start of the line", K::smuggling},
    {Rule::obs_fold, "obs-fold", "RFC 9112 §5.2", L::must, E, RW, "400", "nginx and Node answer 400",
     "join the continuation line to the field's value on one line", K::smuggling},
    {Rule::field_missing_colon, "field-missing-colon", "RFC 9112 §5", L::must, E, RE, "400",
     "Node answers 400; nginx ignores the line", "write each field as Name: value", K::smuggling},
    {Rule::field_name_empty, "field-name-empty", "RFC 9110 §5.1", L::must, E, RE, "400", "nginx and Node answer 400",
     "put the field's name before the colon", K::smuggling},
    {Rule::space_before_colon, "space-before-colon", "RFC 9112 §5.1", L::must, E, RE, "400", "nginx and Node answer 400",
     "remove the whitespace between the field name and the colon: Name: value", K::smuggling},
    {Rule::field_name_invalid_char, "field-name-invalid-char", "RFC 9110 §5.1", L::must, E, RE, "400",
     "Node answers 400; nginx ignores the field", "a field name is a token: letters, digits and !#$%&'*+-.^_`|~ only", K::smuggling},
    {Rule::field_value_invalid_char, "field-value-invalid-char", "RFC 9110 §5.5", L::must, E, RE, "400", "",
     "remove the control byte; field values are visible characters, SP and HTAB", K::smuggling},
    {Rule::target_too_long, "target-too-long", "RFC 9112 §3", L::limit, E, RN, "414", "nginx answers 414 past 8 KiB",
     "shorten the target; move data into a POST body", K::none},
    {Rule::field_line_too_long, "field-line-too-long", "RFC 6585 §5", L::limit, E, RE, "431",
     "nginx answers 400 past 8 KiB per line", "shorten the field; servers limit each line", K::none},
    {Rule::too_many_fields, "too-many-fields", "RFC 6585 §5", L::limit, E, RE, "431", "",
     "send fewer header fields", K::none},
    {Rule::head_too_large, "head-too-large", "RFC 6585 §5", L::limit, E, RE, "431",
     "Node answers 431 past 16 KiB of head; nginx answers 400 past 32 KiB", "send fewer or shorter header fields", K::none},
    {Rule::head_large, "head-large", "RFC 6585 §5", L::may, W, RN, "431",
     "Node answers 431 past 16 KiB of head; nginx accepts up to 32 KiB", "send fewer or shorter header fields", K::none},
    {Rule::chunk_ext_too_long, "chunk-ext-too-long", "RFC 9112 §7.1.1", L::limit, E, RE, "400",
     "Node answers 400 to long chunk extensions", "drop the chunk extensions (nothing reads them)", K::none},
    {Rule::too_many_interim, "too-many-interim", "RFC 9110 §15.2", L::limit, RN, RE, "", "",
     "a server sends a few 1xx responses at most before the final one", K::hang},
    {Rule::host_missing, "host-missing", "RFC 9112 §3.2", L::must, E, RN, "400", "nginx and Node answer 400",
     "add a Host field: Host: example.com", K::routing},
    {Rule::host_repeated, "host-repeated", "RFC 9112 §3.2", L::must, E, RN, "400", "nginx answers 400; Node accepts",
     "keep exactly one Host field", K::routing},
    {Rule::host_empty, "host-empty", "RFC 9112 §3.2", L::may, W, RN, "400", "nginx answers 400; Node accepts",
     "give Host the server's name, unless the target URI has no authority", K::routing},
    {Rule::host_unusual, "host-unusual", "RFC 3986 §3.2.2", L::may, W, RN, "400", "nginx answers 400; Node accepts",
     "write the host name with non-empty labels (example.com), then an optional :port", K::routing},
    {Rule::host_invalid, "host-invalid", "RFC 9112 §3.2", L::must, E, RN, "400", "nginx answers 400; Node accepts",
     "write Host as host[:port], with no spaces, path or userinfo", K::routing},
    {Rule::expect_unknown, "expect-unknown", "RFC 9110 §10.1.1", L::may, W, RN, "417", "Node answers 417; nginx ignores it",
     "send Expect: 100-continue or no Expect at all", K::none},
    {Rule::date_missing, "date-missing", "RFC 9110 §6.6.1", L::must, RN, RW, "", "",
     "an origin server with a clock sends Date in every 2xx, 3xx and 4xx response", K::caching},
    {Rule::content_length_invalid, "content-length-invalid", "RFC 9112 §6.3", L::must, E, RE, "400",
     "nginx and Node answer 400", "write Content-Length as the body's size in decimal digits, nothing else", K::smuggling},
    {Rule::content_length_conflict, "content-length-conflict", "RFC 9112 §6.3", L::must, E, RE, "400",
     "nginx and Node answer 400", "send one Content-Length, the body's exact size", K::smuggling},
    {Rule::content_length_repeated, "content-length-repeated", "RFC 9110 §8.6", L::may, E, RW, "400",
     "nginx and Node answer 400", "send Content-Length once", K::smuggling},
    {Rule::content_length_with_transfer_encoding, "content-length-with-transfer-encoding", "RFC 9112 §6.1", L::must, E,
     RW, "400", "nginx and Node answer 400",
     "send either Content-Length or Transfer-Encoding: chunked, never both", K::smuggling},
    {Rule::transfer_encoding_not_chunked, "transfer-encoding-not-chunked", "RFC 9112 §6.3", L::must, E, RN, "400",
     "Node answers 400; nginx answers 501 to a coding it does not know",
     "end Transfer-Encoding with chunked, and send the body in chunks", K::smuggling},
    {Rule::transfer_encoding_chunked_twice, "transfer-encoding-chunked-twice", "RFC 9112 §6.1", L::must, E, RE, "400",
     "Node answers 400; nginx answers 501", "apply chunked once, as the last coding", K::smuggling},
    {Rule::transfer_encoding_repeated, "transfer-encoding-repeated", "RFC 9110 §5.3", L::may, W, RW, "400",
     "nginx answers 400; Node accepts",
     "list every coding in one Transfer-Encoding field: Transfer-Encoding: chunked", K::smuggling},
    {Rule::transfer_encoding_unknown, "transfer-encoding-unknown", "RFC 9112 §6.1", L::should, E, RN, "501",
     "nginx answers 501; Node accepts",
     "use only Transfer-Encoding: chunked in requests (compress the body with Content-Encoding instead)", K::smuggling},
    {Rule::transfer_encoding_http10, "transfer-encoding-http10", "RFC 9112 §6.1", L::must, E, RW, "400",
     "nginx answers 400; Node accepts", "use HTTP/1.1 for a chunked body, or send Content-Length", K::smuggling},
    {Rule::content_length_forbidden, "content-length-forbidden", "RFC 9110 §8.6", L::must, RN, RW, "", "",
     "send no Content-Length in a 1xx or 204 response, nor in a 2xx to CONNECT: they have no body", K::desync},
    {Rule::transfer_encoding_forbidden, "transfer-encoding-forbidden", "RFC 9112 §6.1", L::must, RN, RW, "", "",
     "send no Transfer-Encoding in a 1xx or 204 response, nor in a 2xx to CONNECT: they have no body", K::desync},
    {Rule::chunked_malformed, "chunked-malformed", "RFC 9112 §7.1", L::must, E, RE, "400", "nginx and Node answer 400",
     "write each chunk as: size in hex, CR LF, that many bytes, CR LF; end with 0 CR LF CR LF", K::smuggling},
    {Rule::chunked_bare_lf, "chunked-bare-lf", "RFC 9112 §7.1", L::must, E, RW, "400", "Node answers 400; nginx accepts",
     "end every chunk-size line and chunk with CR LF", K::smuggling},
    {Rule::chunked_size_whitespace, "chunked-size-whitespace", "RFC 9112 §7.1", L::must, E, RW, "400",
     "Node answers 400; nginx accepts",
     "write the chunk size right before CR LF (or before ;ext), with no spaces", K::smuggling},
    {Rule::chunk_ext_invalid, "chunk-ext-invalid", "RFC 9112 §7.1.1", L::must, E, RW, "400",
     "Node answers 400", "write a chunk extension as ;name or ;name=value (a token or a quoted string)", K::smuggling},
    {Rule::trailer_invalid, "trailer-invalid", "RFC 9112 §7.1.2", L::must, E, RE, "400", "Node answers 400",
     "write each trailer field as Name: value, then end the body with an empty line", K::smuggling},
    {Rule::chunked_incomplete, "chunked-incomplete", "RFC 9112 §7.1", L::must, E, RE, "timeout",
     "Node waits for it; nginx's return answers before reading any body",
     "end the chunked body with the last chunk: 0 CR LF, then an empty line (CR LF)", K::truncation},
    {Rule::content_length_exceeds_body, "content-length-exceeds-body", "RFC 9112 §6.2", L::must, E, RE, "timeout",
     "Node waits for the rest; nginx's return answers before reading any body",
     "set Content-Length to the body's size ({{content_length}} computes it)", K::truncation},
    {Rule::body_extra_bytes, "body-extra-bytes", "RFC 9112 §6.3", L::must, W, RW, "400",
     "Node answers 400; nginx answers 200, then 400 to the extra bytes",
     "set Content-Length to the body's size ({{content_length}} computes it); the rest is read as a next request",
     K::desync, true},
    {Rule::body_without_framing, "body-without-framing", "RFC 9112 §6.3", L::must, W, RN, "411",
     "Node answers 400, reading the body as a next request; nginx answers 200, then 400 to that next request",
     "add Content-Length: {{content_length}} (or Transfer-Encoding: chunked)", K::desync, true},
    {Rule::body_close_delimited, "body-close-delimited", "RFC 9110 §8.6", L::should, RN, RW, "", "",
     "send Content-Length (or Transfer-Encoding: chunked), or Connection: close when the body ends with the "
     "connection",
     K::truncation},
    {Rule::body_not_allowed, "body-not-allowed", "RFC 9110 §6.4.1", L::must, RN, RW, "", "",
     "send no body after a 1xx, 204 or 304 response, nor after a response to HEAD", K::desync},
    {Rule::head_unterminated, "head-unterminated", "RFC 9112 §2.1", L::must, E, RE, "timeout", "nginx and Node wait",
     "end the head with an empty line (CR LF CR LF after the last field)", K::hang},
};
// clang-format on

static_assert(std::size(kRules) == static_cast<std::size_t>(Rule::count_), "one row per Rule");

constexpr bool rows_in_order() {
    for (std::size_t i = 0; i < std::size(kRules); ++i)
        if (static_cast<std::size_t>(kRules[i].rule) != i) return false;
    return true;
}
static_assert(rows_in_order(), "kRules rows follow the Rule enum");

}  // namespace

std::string_view severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

const RuleInfo& rule_info(Rule r) { return kRules[static_cast<std::size_t>(r)]; }

std::span<const RuleInfo> all_rules() { return kRules; }

std::optional<Rule> find_rule(std::string_view id) {
    for (const auto& r : kRules)
        if (r.id == id) return r.rule;
    return std::nullopt;
}

std::optional<Severity> severity_of(Rule r, MessageKind kind, bool strict) {
    const RuleInfo& info = rule_info(r);
    if (kind == MessageKind::response) return info.response;
    if (strict && info.request && !info.next_message) return Severity::error;
    return info.request;
}

std::string_view risk_name(Risk r) {
    switch (r) {
        case Risk::none: return "";
        case Risk::smuggling: return "smuggling";
        case Risk::desync: return "desync";
        case Risk::truncation: return "truncation";
        case Risk::hang: return "hang";
        case Risk::routing: return "routing";
        case Risk::caching: return "caching";
    }
    return "";
}

std::string_view risk_text(Risk r) {
    switch (r) {
        case Risk::none: return "";
        case Risk::smuggling:
            return "two parsers (a proxy and a server, a server and a client) may read this message's end or fields "
                   "differently: request smuggling, response splitting";
        case Risk::desync:
            return "bytes the sender meant as one message are read as part of another: the connection falls out of "
                   "step";
        case Risk::truncation: return "a body cut short cannot be told from a complete one";
        case Risk::hang: return "the reader waits for bytes that never come";
        case Risk::routing: return "servers and proxies may route the request to different hosts or paths";
        case Risk::caching: return "caches cannot compute the response's age";
    }
    return "";
}

void sort_violations(Violations& v) {
    std::stable_sort(v.begin(), v.end(), [](const Violation& a, const Violation& b) {
        if (a.offset != b.offset) return a.offset < b.offset;
        return static_cast<int>(a.rule) < static_cast<int>(b.rule);
    });
}

const Violation* first_error(const Violations& v, MessageKind kind, bool strict) {
    const Violation* best = nullptr;
    for (const auto& x : v) {
        if (severity_of(x.rule, kind, strict) != Severity::error) continue;
        if (!best || x.offset < best->offset ||
            (x.offset == best->offset && static_cast<int>(x.rule) < static_cast<int>(best->rule)))
            best = &x;
    }
    return best;
}

}  // namespace rawhttp::http
