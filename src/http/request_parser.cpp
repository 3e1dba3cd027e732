// Server-side request-head parser for serve and listen: strict, and every
// error names the rule it enforces and where (RFC 9112 / RFC 9110 section),
// so that a 400 can explain itself.
//
// Like the response parser: one pass, errors as soon as the offending byte is
// seen, "incomplete" only when the bytes run out; the answer is a function of
// the prefix received.
#include "http/chars.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <cstring>

namespace rawhttp::http {

namespace {

using namespace detail;

struct Cursor {
    const char* base;
    ParseError& err;
    int line = 1;  // 1-based line number of the byte being looked at

    ParseStatus fail(const char* at, std::string msg) const {
        err.message = std::move(msg);
        err.offset = static_cast<std::size_t>(at - base);
        return ParseStatus::error;
    }
    std::string line_tag() const { return "(line " + std::to_string(line) + ")"; }
    ParseStatus bare_lf(const char* at) const {
        return fail(at, "bare LF " + line_tag() + ": HTTP/1.1 lines end with CRLF \xE2\x80\x94 RFC 9112 section 2.2");
    }
    ParseStatus bare_cr(const char* at) const {
        return fail(at, "bare CR " + line_tag() +
                            ": a CR must be followed by LF, a lone CR is not allowed \xE2\x80\x94 RFC 9112 section 2.2");
    }
};

}  // namespace

ParseStatus parse_request_head(std::string_view buf, RequestHead& head, ParseError& err,
                               const HeadLimits& limits) {
    head.headers.clear();
    head.head_bytes = 0;
    head.method = head.target = head.version = {};
    head.major = head.minor = 0;
    head.line_offset = 0;

    const char* const base = buf.data();
    const std::size_t window = std::min(buf.size(), limits.max_head_bytes);
    const char* const end = base + window;
    Cursor cur{base, err};
    auto out_of_bytes = [&]() {
        if (buf.size() > limits.max_head_bytes) {
            err.message = "request head exceeds " + std::to_string(limits.max_head_bytes) +
                          " bytes: a server answers 431 Request Header Fields Too Large "
                          "(RFC 6585 section 5; RFC 9112 section 2.3 lets servers limit it)";
            err.offset = limits.max_head_bytes;
            return ParseStatus::error;
        }
        return ParseStatus::incomplete;
    };

    const char* p = base;

    // ---- empty lines (CRLF) before the request line may be ignored (RFC 9112 section 2.2)
    for (;;) {
        if (p == end) return out_of_bytes();
        if (*p == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return cur.bare_cr(p);
            p += 2;
            ++cur.line;
            continue;
        }
        if (*p == '\n') return cur.bare_lf(p);
        break;
    }
    head.line_offset = static_cast<std::size_t>(p - base);

    // ---- request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 section 3)
    static const char* const kShape =
        "the request line is method SP request-target SP HTTP-version, with single spaces \xE2\x80\x94 RFC 9112 section 3";
    const char* method_begin = p;
    p = scan_tchars(p, end);
    if (p == end) return out_of_bytes();
    if (p == method_begin) {
        const auto b = static_cast<unsigned char>(*p);
        if (is_ows(b)) return cur.fail(p, "whitespace before the method: " + std::string(kShape));
        if (b == 0x16)
            return cur.fail(p, "bytes that look like a TLS handshake where the method should be: this server speaks "
                               "plain HTTP, not HTTPS (RFC 9112 section 3.1: method is a token)");
        return cur.fail(p, describe_byte(b) +
                               " where the method should start: the method is a token (letters, digits and "
                               "!#$%&'*+-.^_`|~) \xE2\x80\x94 RFC 9112 section 3.1");
    }
    if (*p != ' ') {
        const auto b = static_cast<unsigned char>(*p);
        if (b == '\r' || b == '\n')
            return cur.fail(p, "the request line has only a method: " + std::string(kShape));
        if (b == '\t') return cur.fail(p, "HTAB after the method: " + std::string(kShape));
        return cur.fail(p, describe_byte(b) +
                               " in the method: the method is a token (letters, digits and !#$%&'*+-.^_`|~) "
                               "\xE2\x80\x94 RFC 9112 section 3.1");
    }
    head.method = std::string_view(method_begin, static_cast<std::size_t>(p - method_begin));
    ++p;

    const char* target_begin = p;
    p = scan_target(p, end);
    if (p == end) return out_of_bytes();
    if (*p != ' ') {
        const auto b = static_cast<unsigned char>(*p);
        if (b == '\r' || b == '\n') {
            if (p == target_begin) return cur.fail(p, "the request line has no request-target: " + std::string(kShape));
            return cur.fail(p, "the request line has no HTTP-version (HTTP/0.9-style requests are not supported): " +
                                   std::string(kShape));
        }
        if (b >= 0x80)
            return cur.fail(p, describe_byte(b) +
                                   " in the request-target: non-ASCII bytes must be percent-encoded "
                                   "\xE2\x80\x94 RFC 9112 section 3.2, RFC 3986 section 2.1");
        return cur.fail(p, describe_byte(b) +
                               " in the request-target: control characters and whitespace are not allowed "
                               "\xE2\x80\x94 RFC 9112 section 3.2");
    }
    if (p == target_begin) return cur.fail(p, "more than one space after the method: " + std::string(kShape));
    head.target = std::string_view(target_begin, static_cast<std::size_t>(p - target_begin));
    ++p;

    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 section 2.3), case-sensitive.
    const char* version_begin = p;
    static constexpr char kProto[] = "HTTP/";
    static const char* const kVersion =
        "the HTTP-version is HTTP/DIGIT.DIGIT, like HTTP/1.1 \xE2\x80\x94 RFC 9112 section 2.3";
    for (int i = 0; i < 5; ++i) {
        if (p == end) return out_of_bytes();
        if (*p != kProto[i]) {
            const auto b = static_cast<unsigned char>(*p);
            if (i == 0 && b == ' ')
                return cur.fail(p, "more than one space after the request-target: " + std::string(kShape));
            const char up = (b >= 'a' && b <= 'z') ? static_cast<char>(b - 32) : static_cast<char>(b);
            if (up == kProto[i])
                return cur.fail(p, "the HTTP-version is case-sensitive: write \"HTTP/\" in upper case "
                                   "\xE2\x80\x94 RFC 9112 section 2.3");
            if (i == 0)
                return cur.fail(p, "expected the HTTP-version after the request-target (a space inside the target "
                                   "must be percent-encoded as %20): " + std::string(kVersion));
            return cur.fail(p, "malformed HTTP-version: " + std::string(kVersion));
        }
        ++p;
    }
    for (int i = 0; i < 3; ++i) {
        if (p == end) return out_of_bytes();
        const auto b = static_cast<unsigned char>(*p);
        const bool ok = (i == 1) ? b == '.' : is_digit(b);
        if (!ok) return cur.fail(p, "malformed HTTP-version: " + std::string(kVersion));
        ++p;
    }
    head.major = version_begin[5] - '0';
    head.minor = version_begin[7] - '0';
    head.version = std::string_view(version_begin, static_cast<std::size_t>(p - version_begin));
    if (p == end) return out_of_bytes();
    {
        const auto b = static_cast<unsigned char>(*p);
        if (b == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return cur.bare_cr(p);
            p += 2;
        } else if (b == '\n') {
            return cur.bare_lf(p);
        } else if (is_digit(b)) {
            return cur.fail(p, "malformed HTTP-version (one digit each side of the dot): " + std::string(kVersion));
        } else if (is_ows(b)) {
            return cur.fail(p, "whitespace after the HTTP-version: the request line ends right after it with CRLF "
                               "\xE2\x80\x94 RFC 9112 section 3");
        } else {
            return cur.fail(p, describe_byte(b) + " after the HTTP-version where CRLF should end the request line "
                                                  "\xE2\x80\x94 RFC 9112 section 3");
        }
    }
    ++cur.line;

    // ---- field lines (RFC 9112 section 5), then the empty line
    for (;;) {
        if (p == end) return out_of_bytes();
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return cur.bare_cr(p);
            p += 2;
            break;
        }
        if (c == '\n') return cur.bare_lf(p);
        if (is_ows(c)) {
            if (head.headers.empty())
                return cur.fail(p, "whitespace between the request line and the first header field " + cur.line_tag() +
                                       ": a server must reject it or ignore the line \xE2\x80\x94 RFC 9112 section 2.2");
            return cur.fail(p, "obsolete line folding " + cur.line_tag() +
                                   ": a header line starting with whitespace continues the previous one, which "
                                   "HTTP/1.1 no longer allows \xE2\x80\x94 RFC 9112 section 5.2");
        }
        if (head.headers.size() >= limits.max_headers)
            return cur.fail(p, "more than " + std::to_string(limits.max_headers) +
                                   " header fields: a server answers 431 Request Header Fields Too Large "
                                   "(RFC 6585 section 5)");

        const char* name_begin = p;
        p = scan_tchars(p, end);
        if (p == end) return out_of_bytes();
        if (*p != ':') {
            const auto b = static_cast<unsigned char>(*p);
            if (b == '\r' || b == '\n')
                return cur.fail(p, "header line without a colon " + cur.line_tag() +
                                       ": a field line is name \":\" value \xE2\x80\x94 RFC 9112 section 5");
            if (is_ows(b)) {
                const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
                if (!lf) return out_of_bytes();
                if (std::memchr(p, ':', static_cast<std::size_t>(static_cast<const char*>(lf) - p)))
                    return cur.fail(p, "whitespace between the field name and the colon " + cur.line_tag() +
                                           ": a server must answer 400 \xE2\x80\x94 RFC 9112 section 5.1");
                return cur.fail(p, "header line without a colon " + cur.line_tag() +
                                       ": a field line is name \":\" value \xE2\x80\x94 RFC 9112 section 5");
            }
            return cur.fail(p, describe_byte(b) + " in a field name " + cur.line_tag() +
                                   ": field names are tokens (letters, digits and !#$%&'*+-.^_`|~) "
                                   "\xE2\x80\x94 RFC 9112 section 5, RFC 9110 section 5.1");
        }
        if (p == name_begin)
            return cur.fail(p, "empty field name " + cur.line_tag() +
                                   ": the line starts with a colon \xE2\x80\x94 RFC 9112 section 5");
        std::string_view name(name_begin, static_cast<std::size_t>(p - name_begin));
        ++p;
        while (p < end && is_ows(static_cast<unsigned char>(*p))) ++p;
        const char* value_begin = p;
        p = scan_field_value(p, end);
        if (p == end) return out_of_bytes();
        const char* value_end = p;
        const auto b = static_cast<unsigned char>(*p);
        if (b == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return cur.bare_cr(p);
            p += 2;
        } else if (b == '\n') {
            return cur.bare_lf(p);
        } else {
            return cur.fail(p, describe_byte(b) + " in the value of \"" + std::string(name) + "\" " + cur.line_tag() +
                                   ": field values may not contain control characters other than HTAB "
                                   "\xE2\x80\x94 RFC 9112 section 5, RFC 9110 section 5.5");
        }
        ++cur.line;
        while (value_end > value_begin && is_ows(static_cast<unsigned char>(value_end[-1]))) --value_end;
        head.headers.push_back(
            HeaderField{name, std::string_view(value_begin, static_cast<std::size_t>(value_end - value_begin))});
    }

    head.head_bytes = static_cast<std::size_t>(p - base);
    return ParseStatus::complete;
}

}  // namespace rawhttp::http
