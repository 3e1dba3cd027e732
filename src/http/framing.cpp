// Message-body framing (RFC 9112 section 6.3) and the small helpers it needs.
#include "http/chars.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <functional>

namespace rawhttp::http {

namespace {

using namespace detail;

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Offset of `at` from `base` when `at` points into [base, base + size], else 0
// (heads built by hand in tests need not point into one buffer).
std::size_t offset_in(const char* base, std::size_t size, const char* at) {
    if (!base || !at) return 0;
    const auto b = reinterpret_cast<std::uintptr_t>(base);
    const auto a = reinterpret_cast<std::uintptr_t>(at);
    if (a < b || a - b > size) return 0;
    return static_cast<std::size_t>(a - b);
}

// Calls f(element, field) for each non-empty comma-separated element of every
// field named `name`, trimmed of OWS. Returns the number of such fields.
template <typename F>
int for_each_list_element(const std::vector<HeaderField>& headers, std::string_view name, F&& f) {
    int fields = 0;
    for (const HeaderField& h : headers) {
        if (!iequals(h.name, name)) continue;
        ++fields;
        std::string_view v = h.value;
        std::size_t pos = 0;
        for (;;) {
            const std::size_t comma = v.find(',', pos);
            const std::size_t stop = comma == std::string_view::npos ? v.size() : comma;
            f(trim_ows(v.substr(pos, stop - pos)), h);
            if (comma == std::string_view::npos) break;
            pos = comma + 1;
        }
    }
    return fields;
}

struct TransferCodings {
    bool present = false;
    std::size_t codings = 0;       // non-empty codings seen
    std::size_t chunked_count = 0;
    bool last_is_chunked = false;
    const HeaderField* field = nullptr;  // the first Transfer-Encoding field
};

TransferCodings scan_transfer_encoding(const std::vector<HeaderField>& headers) {
    TransferCodings tc;
    for_each_list_element(headers, "transfer-encoding", [&](std::string_view coding, const HeaderField& h) {
        if (!tc.field) tc.field = &h;
        tc.present = true;
        // A coding may carry parameters ("gzip;q=..." is not valid here, but be safe).
        const std::size_t semi = coding.find(';');
        if (semi != std::string_view::npos) coding = trim_ows(coding.substr(0, semi));
        if (coding.empty()) return;
        ++tc.codings;
        tc.last_is_chunked = iequals(coding, "chunked");
        if (tc.last_is_chunked) ++tc.chunked_count;
    });
    return tc;
}

// Validates every Content-Length value (comma lists included) and requires
// them all equal. Returns nullopt (err set) on a bad value; `present` tells
// whether there was any Content-Length field.
std::optional<std::uint64_t> scan_content_length(const std::vector<HeaderField>& headers, const char* base,
                                                 std::size_t size, bool& present, ParseError& err,
                                                 std::string_view rfc_note) {
    present = false;
    std::optional<std::uint64_t> agreed;
    bool failed = false;
    for_each_list_element(headers, "content-length", [&](std::string_view element, const HeaderField& h) {
        present = true;
        if (failed) return;
        const auto n = parse_content_length(element);
        if (!n) {
            failed = true;
            std::string why;
            if (element.empty())
                why = "an empty Content-Length value";
            else {
                bool digits = true;
                for (char c : element) digits = digits && is_digit(static_cast<unsigned char>(c));
                why = digits ? "Content-Length \"" + std::string(element) + "\" is too large (more than 2^64-1)"
                             : "invalid Content-Length \"" + std::string(element) +
                                   "\": it must be decimal digits only (1*DIGIT, no sign, no spaces)";
            }
            err.message = why + std::string(rfc_note);
            err.offset = offset_in(base, size, element.empty() ? h.value.data() : element.data());
            return;
        }
        if (agreed && *agreed != *n) {
            failed = true;
            err.message = "Content-Length values differ (" + std::to_string(*agreed) + " and " + std::to_string(*n) +
                          "): the body length is ambiguous" + std::string(rfc_note);
            err.offset = offset_in(base, size, element.data());
            return;
        }
        agreed = n;
    });
    if (failed) return std::nullopt;
    return agreed.value_or(0);
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

std::string_view framing_name(Framing f) {
    switch (f) {
        case Framing::content_length: return "content-length";
        case Framing::chunked: return "chunked";
        case Framing::close: return "close";
        case Framing::none: return "none";
    }
    return "none";
}

std::optional<std::uint64_t> parse_content_length(std::string_view value) {
    if (value.empty()) return std::nullopt;
    std::uint64_t n = 0;
    for (char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_digit(c)) return std::nullopt;
        const std::uint64_t d = c - '0';
        if (n > (UINT64_MAX - d) / 10) return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

std::optional<BodyFraming> response_framing(const ResponseHead& head, std::string_view request_method,
                                            ParseError& err) {
    // RFC 9112 section 6.3, rules 1 and 2.
    if (request_method == "HEAD") return BodyFraming{Framing::none, 0};
    if ((head.status >= 100 && head.status < 200) || head.status == 204 || head.status == 304)
        return BodyFraming{Framing::none, 0};
    if (request_method == "CONNECT" && head.status >= 200 && head.status < 300)
        return BodyFraming{Framing::none, 0};  // the connection becomes a tunnel

    // Rule 3: Transfer-Encoding overrides Content-Length.
    const TransferCodings tc = scan_transfer_encoding(head.headers);
    if (tc.present) {
        if (tc.last_is_chunked) return BodyFraming{Framing::chunked, 0};
        return BodyFraming{Framing::close, 0};
    }

    // Rules 5 and 4: Content-Length, which must be valid and unambiguous.
    bool present = false;
    const char* base = head.version.data();
    const std::size_t size = head.head_bytes;
    const auto n = scan_content_length(head.headers, base, size, present, err, " (RFC 9112 section 6.3, RFC 9110 section 8.6)");
    if (!n) return std::nullopt;
    if (present) return BodyFraming{Framing::content_length, *n};

    // Rule 8: read until the server closes the connection.
    return BodyFraming{Framing::close, 0};
}

std::optional<BodyFraming> request_framing(const RequestHead& head, ParseError& err) {
    const char* base = head.method.data() ? head.method.data() - head.line_offset : nullptr;
    const std::size_t size = head.head_bytes;
    const TransferCodings tc = scan_transfer_encoding(head.headers);
    bool cl_present = false;
    for (const HeaderField& h : head.headers)
        if (iequals(h.name, "content-length")) cl_present = true;

    if (tc.present) {
        const char* at = tc.field ? tc.field->name.data() : nullptr;
        err.offset = offset_in(base, size, at);
        if (cl_present) {
            err.message = "Content-Length together with Transfer-Encoding: the body length is ambiguous (a "
                          "request smuggling risk); a strict server answers 400 \xE2\x80\x94 RFC 9112 section 6.1";
            return std::nullopt;
        }
        if (head.major == 1 && head.minor == 0) {
            err.message = "Transfer-Encoding in an HTTP/1.0 request: the framing must be treated as faulty "
                          "\xE2\x80\x94 RFC 9112 section 6.1";
            return std::nullopt;
        }
        if (tc.codings == 0) {
            err.message = "empty Transfer-Encoding: it must list the codings applied, ending in chunked "
                          "\xE2\x80\x94 RFC 9112 section 6.1";
            return std::nullopt;
        }
        if (!tc.last_is_chunked) {
            err.message = "Transfer-Encoding does not end in chunked, so the request body length cannot be "
                          "determined; a server answers 400 \xE2\x80\x94 RFC 9112 section 6.3";
            return std::nullopt;
        }
        if (tc.chunked_count > 1) {
            err.message = "chunked applied more than once in Transfer-Encoding \xE2\x80\x94 RFC 9112 section 6.1";
            return std::nullopt;
        }
        err.offset = 0;
        return BodyFraming{Framing::chunked, 0};
    }

    bool present = false;
    const auto n = scan_content_length(head.headers, base, size, present, err,
                                       "; a server answers 400 \xE2\x80\x94 RFC 9112 section 6.3, RFC 9110 section 8.6");
    if (!n) return std::nullopt;
    if (present) return BodyFraming{Framing::content_length, *n};
    return BodyFraming{Framing::none, 0};
}

}  // namespace rawhttp::http
