// Client-side response-head parser: lenient where real clients are lenient
// (bare LF line ends, HTTP/1.x minor versions, empty reason phrase), strict
// where safety needs it (field-name syntax, obs-fold, control bytes).
//
// One pass over the bytes. An error is reported as soon as the offending byte
// is seen, "incomplete" only when the bytes run out with everything so far
// valid; so the answer depends only on the prefix read, and a head arriving in
// any split gives the same answer once its last byte is there.
#include "http/chars.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <cstring>

namespace rawhttp::http {

namespace {

using namespace detail;

struct Fail {
    ParseError& err;
    const char* base;
    ParseStatus operator()(const char* at, std::string msg) const {
        err.message = std::move(msg);
        err.offset = static_cast<std::size_t>(at - base);
        return ParseStatus::error;
    }
};

// The buffer does not start with "HTTP/" (mismatch at base[i]): say what was
// expected, judging only by the bytes up to the mismatch so that the message
// does not depend on how much has arrived.
std::string not_http_message(const char* base, int i) {
    const auto c0 = static_cast<unsigned char>(base[0]);
    if (c0 == 0x15 || c0 == 0x16)
        return "expected a status line starting with \"HTTP/\", got bytes that look like TLS "
               "(is this an HTTPS port? try --tls)";
    const char c = base[i];
    const char up = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if (up == "HTTP/"[i])
        return "expected a status line starting with \"HTTP/\" in upper case (the protocol name is case-sensitive)";
    return "expected a status line starting with \"HTTP/\" (like \"HTTP/1.1 200 OK\")";
}

}  // namespace

ParseStatus parse_response_head(std::string_view buf, ResponseHead& head, ParseError& err,
                                const HeadLimits& limits) {
    head.headers.clear();
    head.head_bytes = 0;
    head.version = {};
    head.reason = {};
    head.status = 0;
    head.major = head.minor = 0;

    const char* const base = buf.data();
    // Only the first max_head_bytes can belong to an acceptable head: parsing
    // within that window keeps the result a function of the prefix (and the
    // work bounded) once the buffer has grown past the limit.
    const std::size_t window = std::min(buf.size(), limits.max_head_bytes);
    const char* const end = base + window;
    const Fail fail{err, base};
    auto out_of_bytes = [&]() {
        if (buf.size() > limits.max_head_bytes) {
            err.message = "response head exceeds " + std::to_string(limits.max_head_bytes) +
                          " bytes without its terminating empty line";
            err.offset = limits.max_head_bytes;
            return ParseStatus::error;
        }
        return ParseStatus::incomplete;
    };

    const char* p = base;

    // ---- status line: HTTP/D.D SP 3DIGIT [SP reason] (CRLF | LF)
    static constexpr char kProto[] = "HTTP/";
    // Bytes that can never become "HTTP/" are rejected at once, without
    // waiting for a line end: a peer not speaking HTTP may just wait.
    for (int i = 0; i < 5; ++i) {
        if (p + i == end) return out_of_bytes();
        if (p[i] != kProto[i]) return fail(p + i, not_http_message(base, i));
    }
    p += 5;
    static const char* const kVersionMsg = "expected HTTP-version as HTTP/DIGIT.DIGIT (like HTTP/1.1)";
    if (p == end) return out_of_bytes();
    if (!is_digit(static_cast<unsigned char>(*p))) return fail(p, kVersionMsg);
    head.major = *p - '0';
    ++p;
    if (p == end) return out_of_bytes();
    if (*p != '.') {
        if (*p == ' ' && (head.major == 2 || head.major == 3))
            return fail(p, std::string(kVersionMsg) + "; HTTP/" + std::to_string(head.major) +
                               " is not a text protocol and never appears in an HTTP/1.x status line");
        return fail(p, kVersionMsg);
    }
    ++p;
    if (p == end) return out_of_bytes();
    if (!is_digit(static_cast<unsigned char>(*p))) return fail(p, kVersionMsg);
    head.minor = *p - '0';
    ++p;
    head.version = std::string_view(base, static_cast<std::size_t>(p - base));
    if (p == end) return out_of_bytes();
    if (*p != ' ') {
        if (is_digit(static_cast<unsigned char>(*p))) return fail(p, kVersionMsg);
        return fail(p, "expected a single space after the HTTP-version, then a 3-digit status code");
    }
    ++p;
    int status = 0;
    for (int i = 0; i < 3; ++i) {
        if (p == end) return out_of_bytes();
        if (!is_digit(static_cast<unsigned char>(*p)))
            return fail(p, "status code must be 3 digits (like 200), got " + describe_byte(static_cast<unsigned char>(*p)));
        status = status * 10 + (*p - '0');
        ++p;
    }
    head.status = status;
    if (p == end) return out_of_bytes();
    const char* reason_begin = p;
    const char* reason_end = p;
    if (*p == ' ') {
        ++p;
        reason_begin = p;
        p = scan_field_value(p, end);
        if (p == end) return out_of_bytes();
        reason_end = p;
    } else if (is_digit(static_cast<unsigned char>(*p))) {
        return fail(p, "status code must be 3 digits, got more");
    } else if (*p != '\r' && *p != '\n') {
        return fail(p, "expected a space or the end of the line after the status code, got " +
                           describe_byte(static_cast<unsigned char>(*p)));
    }
    // Line end: CRLF or bare LF.
    if (*p == '\r') {
        if (p + 1 == end) return out_of_bytes();
        if (p[1] != '\n') return fail(p, "CR in the status line not followed by LF");
        p += 2;
    } else if (*p == '\n') {
        ++p;
    } else {
        return fail(p, describe_byte(static_cast<unsigned char>(*p)) + " in the reason phrase (only HTAB, SP, "
                       "visible characters and obs-text are allowed)");
    }
    head.reason = std::string_view(reason_begin, static_cast<std::size_t>(reason_end - reason_begin));

    // ---- header section
    for (;;) {
        if (p == end) return out_of_bytes();
        const char c = *p;
        if (c == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return fail(p, "CR not followed by LF at the start of a header line");
            p += 2;
            break;
        }
        if (c == '\n') {
            ++p;
            break;
        }
        if (c == ' ' || c == '\t') {
            if (head.headers.empty())
                return fail(p, "whitespace between the status line and the first header field "
                               "(looks like obsolete line folding)");
            return fail(p, "obsolete line folding: a header line starts with whitespace "
                           "(continuation lines are not allowed, RFC 9112 section 5.2)");
        }
        if (head.headers.size() >= limits.max_headers)
            return fail(p, "more than " + std::to_string(limits.max_headers) + " header fields");

        const char* name_begin = p;
        p = scan_tchars(p, end);
        if (p == end) return out_of_bytes();
        if (*p != ':') {
            const auto b = static_cast<unsigned char>(*p);
            if (b == '\r' || b == '\n') return fail(p, "header line without a colon");
            if (is_ows(b)) {
                // "Name : value" or "no colon here": decide once the line is complete.
                const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
                if (!lf) return out_of_bytes();
                if (std::memchr(p, ':', static_cast<std::size_t>(static_cast<const char*>(lf) - p)))
                    return fail(p, "whitespace between the header name and the colon");
                return fail(p, "header line without a colon");
            }
            return fail(p, describe_byte(b) + " in a header name (names are tokens: letters, digits and !#$%&'*+-.^_`|~)");
        }
        if (p == name_begin) return fail(p, "empty header name (line starts with a colon)");
        std::string_view name(name_begin, static_cast<std::size_t>(p - name_begin));
        ++p;  // ':'
        while (p < end && is_ows(static_cast<unsigned char>(*p))) ++p;
        const char* value_begin = p;
        p = scan_field_value(p, end);
        if (p == end) return out_of_bytes();
        const char* value_end = p;
        if (*p == '\r') {
            if (p + 1 == end) return out_of_bytes();
            if (p[1] != '\n') return fail(p, "CR not followed by LF in a header value");
            p += 2;
        } else if (*p == '\n') {
            ++p;
        } else {
            return fail(p, describe_byte(static_cast<unsigned char>(*p)) + " in the value of header \"" +
                               std::string(name) + "\" (control bytes other than HTAB are not allowed)");
        }
        while (value_end > value_begin && is_ows(static_cast<unsigned char>(value_end[-1]))) --value_end;
        head.headers.push_back(
            HeaderField{name, std::string_view(value_begin, static_cast<std::size_t>(value_end - value_begin))});
    }

    head.head_bytes = static_cast<std::size_t>(p - base);
    return ParseStatus::complete;
}

}  // namespace rawhttp::http
