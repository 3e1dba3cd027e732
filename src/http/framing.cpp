// Message-body framing (RFC 9112 §6.3): the one place that reads
// Content-Length and Transfer-Encoding, for requests and responses.
#include <array>
#include <cstdint>
#include <vector>

#include "http/chars.hpp"
#include "http/head_detail.hpp"
#include "http/message.hpp"

namespace rawhttp::http {

using namespace detail;

namespace {


struct ContentLength {
    bool present = false;
    bool valid = false;        // every member a number, all equal
    std::uint64_t length = 0;
    const HeaderField* first = nullptr;
};

// Every member of every Content-Length field must be the same 1*DIGIT.
ContentLength scan_content_length(const MessageHead& head, Violations& out) {
    ContentLength cl;
    std::size_t members = 0, fields = 0;
    bool bad = false, conflict = false, have = false;
    const HeaderField* second = nullptr;
    if (!head.has(KnownField::content_length)) return cl;
    for (const auto& f : head.headers) {
        if (f.known != KnownField::content_length) continue;
        if (++fields == 1) cl.first = &f;
        else if (fields == 2) second = &f;
        cl.present = true;
        const auto take = [&](std::uint64_t n, std::size_t at) {
            if (have && cl.length != n && !conflict) {
                out.push_back({Rule::content_length_conflict, f.value_offset + at,
                               "Content-Length says both " + std::to_string(cl.length) + " and " + std::to_string(n) +
                                   " bytes: where the body ends is ambiguous",
                               {}});
                conflict = true;
            }
            if (!have) {
                cl.length = n;
                have = true;
            }
        };
        // Nearly always the value is one number: the list is read only when it is not.
        if (const auto n = parse_content_length(f.value)) {
            ++members;
            if (have) {
                take(*n, 0);
            } else {
                cl.length = *n;
                have = true;
            }
            continue;
        }
        for_each_list_member(f.value, [&](std::string_view m, std::size_t at) {
            ++members;
            const auto n = parse_content_length(m);
            if (!n) {
                std::string why;
                bool digits = !m.empty();
                for (char c : m) digits = digits && is_digit(static_cast<unsigned char>(c));
                why = m.empty() ? "an empty Content-Length value"
                      : digits  ? "Content-Length '" + std::string(m.substr(0, 40)) + "' is too large (more than 2^64-1)"
                                : "Content-Length '" + std::string(m.substr(0, 40)) +
                                     "' is not a decimal number of bytes (1*DIGIT, no sign, no spaces)";
                out.push_back({Rule::content_length_invalid, f.value_offset + at, why, {}});
                bad = true;
                return;
            }
            take(*n, at);
        });
    }
    if (members > 1 && !bad && !conflict)
        out.push_back({Rule::content_length_repeated, second ? second->name_offset : cl.first->value_offset,
                       "Content-Length is given " + std::to_string(members) +
                           " times with the same value; a server may reject the repetition",
                       {}});
    cl.valid = cl.present && !bad && !conflict;
    return cl;
}

// A transfer coding as written (any case), and its offset.
struct Coding {
    std::string_view name;
    std::size_t at;
    bool is_chunked() const { return iequals(name, "chunked"); }
};

struct Codings {
    const HeaderField* first = nullptr;
    std::size_t fields = 0;
    const HeaderField* second = nullptr;
    // The codings in order. Nearly always one, chunked: a few are held in
    // place, so that judging a head allocates nothing (it was a fifth of a
    // chunked head's instructions); more go on the heap. Left uninitialised
    // (only the first `size` are read): zeroing them was a `rep stos` whose
    // stores the next loads could not be forwarded from, a stall on every head.
    std::array<Coding, 4> few;
    std::vector<Coding> more;
    std::size_t size = 0;
    void add(Coding c) {
        if (size < few.size()) few[size] = c;
        else more.push_back(c);
        ++size;
    }
    const Coding& operator[](std::size_t i) const { return i < few.size() ? few[i] : more[i - few.size()]; }
    bool present() const { return first != nullptr; }
    bool last_is_chunked() const { return size > 0 && (*this)[size - 1].is_chunked(); }
};

Codings scan_transfer_encoding(const MessageHead& head) {
    Codings tc;
    if (!head.has(KnownField::transfer_encoding)) return tc;
    for (const auto& f : head.headers) {
        if (f.known != KnownField::transfer_encoding) continue;
        if (++tc.fields == 1) tc.first = &f;
        else if (tc.fields == 2) tc.second = &f;
        // "chunked;q=1" is not chunked: chunked takes no parameters, and
        // nginx (501) and Node (400) both refuse it.
        for_each_list_member(f.value, [&](std::string_view m, std::size_t at) {
            if (!m.empty()) tc.add({m, f.value_offset + at});
        });
    }
    return tc;
}

// Rules on the codings shared by requests and responses; true when chunked
// is applied more than once or not last (the body cannot be decoded).
bool chunked_misplaced(const Codings& tc, Violations& out) {
    for (std::size_t i = 0; i + 1 < tc.size; ++i)
        if (tc[i].is_chunked()) {
            out.push_back({Rule::transfer_encoding_chunked_twice, tc[i].at,
                           "chunked appears before the last coding: it may be applied only once, last", {}});
            return true;
        }
    return false;
}

}  // namespace

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
    // Nineteen digits or fewer cannot overflow 64 bits: no check per digit.
    const bool may_overflow = value.size() > 19;
    for (char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_digit(c)) return std::nullopt;
        const std::uint64_t d = c - '0';
        if (may_overflow && n > (UINT64_MAX - d) / 10) return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

BodyFraming request_framing(const MessageHead& head, Violations& out) {
    // Most requests have neither field: nothing to read.
    if (!head.has(KnownField::content_length) && !head.has(KnownField::transfer_encoding))
        return {Framing::none, 0, true};
    const ContentLength cl = scan_content_length(head, out);
    const Codings tc = scan_transfer_encoding(head);
    if (tc.fields > 1)
        out.push_back({Rule::transfer_encoding_repeated, tc.second->name_offset,
                       std::to_string(tc.fields) + " Transfer-Encoding fields", {}});
    if (!tc.present()) {
        if (cl.present && !cl.valid) return {Framing::none, 0, false};
        if (cl.valid) return {Framing::content_length, cl.length, true};
        return {Framing::none, 0, true};
    }
    bool ok = true;
    if (cl.present) {
        out.push_back({Rule::content_length_with_transfer_encoding, cl.first->name_offset,
                       "Content-Length and Transfer-Encoding together: two framings, the classic request smuggling "
                       "setup (RFC 9112 §11.2)",
                       {}});
        ok = false;
    }
    if (head.major == 1 && head.minor == 0) {
        out.push_back({Rule::transfer_encoding_http10, tc.first->name_offset,
                       "Transfer-Encoding in an HTTP/1.0 request: HTTP/1.0 has no transfer codings, so the framing is "
                       "faulty",
                       {}});
        ok = false;
    }
    if (!tc.last_is_chunked()) {
        out.push_back({Rule::transfer_encoding_not_chunked, tc.first->value_offset,
                       "Transfer-Encoding '" + std::string(tc.first->value.substr(0, 40)) +
                           "' does not end with chunked, so the request body's length cannot be determined",
                       tc.size == 0 ? "nginx answers 501; Node accepts" : ""});
        return {Framing::none, 0, false};
    }
    if (chunked_misplaced(tc, out)) return {Framing::none, 0, false};
    // A coding besides chunked: a server that does not know it answers 501
    // (RFC 9112 §6.1); this server, like most, knows only chunked.
    for (std::size_t i = 0; i < tc.size; ++i)
        if (!tc[i].is_chunked()) {
            out.push_back({Rule::transfer_encoding_unknown, tc[i].at,
                           "transfer coding '" + ascii_lower(tc[i].name.substr(0, 40)) +
                               "' is one few servers decode in a request",
                           {}});
            ok = false;
            break;
        }
    return {Framing::chunked, 0, ok};
}

BodyFraming response_framing(const MessageHead& head, std::string_view request_method, Violations& out) {
    // RFC 9112 §6.3, rules 1 and 2.
    if (request_method == "HEAD") return {Framing::none, 0, true};
    if ((head.status >= 100 && head.status < 200) || head.status == 204 || head.status == 304)
        return {Framing::none, 0, true};
    if (request_method == "CONNECT" && head.status >= 200 && head.status < 300)
        return {Framing::none, 0, true};  // the connection becomes a tunnel
    if (!head.has(KnownField::content_length) && !head.has(KnownField::transfer_encoding))
        return {Framing::close, 0, true};  // rule 8
    if (head.has(KnownField::transfer_encoding)) {
        const Codings tc = scan_transfer_encoding(head);
        // Rule 3: Transfer-Encoding overrides Content-Length (reported: a
        // response with both may be an attempt at response splitting).
        for (const auto& f : head.headers)
            if (f.known == KnownField::content_length) {
                out.push_back({Rule::content_length_with_transfer_encoding, f.name_offset,
                               "Content-Length and Transfer-Encoding together: Transfer-Encoding wins (RFC 9112 §6.3), "
                               "a proxy between may read the other",
                               {}});
                break;
            }
        if (tc.fields > 1)
            out.push_back({Rule::transfer_encoding_repeated, tc.second->name_offset,
                           std::to_string(tc.fields) + " Transfer-Encoding fields", {}});
        if (head.major == 1 && head.minor == 0) {
            out.push_back({Rule::transfer_encoding_http10, tc.first->name_offset,
                           "Transfer-Encoding in an HTTP/1.0 response: the framing is faulty, read until the close",
                           {}});
            return {Framing::close, 0, true};
        }
        if (chunked_misplaced(tc, out)) return {Framing::close, 0, false};
        if (tc.last_is_chunked()) return {Framing::chunked, 0, true};
        return {Framing::close, 0, true};  // rule 3: read until the close
    }
    const ContentLength cl = scan_content_length(head, out);
    if (cl.present && !cl.valid) return {Framing::close, 0, false};
    if (cl.valid) return {Framing::content_length, cl.length, true};
    return {Framing::close, 0, true};  // rule 8
}

}  // namespace rawhttp::http
