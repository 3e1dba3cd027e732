// The one head parser, for requests and responses. It reads leniently (lines
// end at LF, whatever came before it) and reports every rule broken, so one
// fault does not hide the next; a caller decides from the rule book what is
// fatal. Bytes past the head limit are never looked at: a server stops
// reading there, so lint, which sees the whole file, judges what a server
// would have read.
#include <algorithm>
#include <bit>
#include <cstring>

#include "http/chars.hpp"
#include "http/head_detail.hpp"
#include "http/message.hpp"

#if defined(__x86_64__)
#define RAWHTTP_CLEAN_AVX2 1
#include <immintrin.h>
#endif

namespace rawhttp::http {

using namespace detail;

std::optional<std::size_t> find_head_end(std::string_view buf, MessageKind kind, std::size_t from) {
    std::size_t start = 0;
    if (kind == MessageKind::request) {
        // Empty lines before the request line are not the end of a head.
        while (start < buf.size()) {
            if (buf[start] == '\n') ++start;
            else if (buf[start] == '\r' && start + 1 < buf.size() && buf[start + 1] == '\n') start += 2;
            else break;
        }
        if (start == buf.size()) return std::nullopt;
    }
    // Resume two bytes back: the previous call may have ended inside "\n\r\n".
    std::size_t p = std::max(start, from > 2 ? from - 2 : 0);
    const char* base = buf.data();
    // An LF followed by an empty line. A response's first byte may be that LF:
    // its start line is then empty (and wrong), and the empty line after it
    // ends the head, as the general reading (parse_head_general) has it.
    const char* hit = find_empty_line(base + p, base + buf.size());
    if (hit == base + buf.size()) return std::nullopt;
    const std::size_t lf = static_cast<std::size_t>(hit - base);
    return buf[lf + 1] == '\n' ? lf + 2 : lf + 3;
}

bool hopeless_start(std::string_view buf, MessageKind kind) {
    if (kind == MessageKind::response) {
        constexpr std::string_view proto = "HTTP/";
        const std::size_t n = std::min(buf.size(), proto.size());
        return buf.substr(0, n) != proto.substr(0, n);
    }
    std::size_t p = 0;
    while (p < buf.size() && (buf[p] == '\r' || buf[p] == '\n')) {
        if (buf[p] == '\r' && (p + 1 >= buf.size() || buf[p + 1] != '\n')) return false;
        ++p;
    }
    if (p == buf.size()) return false;
    const auto c = static_cast<unsigned char>(buf[p]);
    return !is_tchar(c);
}

namespace {

// A known name, lower case, as the words an unaligned load of a field name
// of its length gives, with 0x20 at its letters: (word | mask) == lower then
// holds exactly when the name matches without regard to case, for any byte
// (0x20 is set only where the known name has a letter, so "\r" never passes
// for "-"). Overlapping words cover lengths 4 to 24.
struct NameKey {
    std::size_t width = 0;  // 4 or 8 bytes per word
    std::size_t at[3] = {};
    std::uint64_t lower[3] = {}, mask[3] = {};
    std::size_t words = 0;
};

constexpr std::uint64_t pack(std::string_view s, std::size_t at, std::size_t width, bool letters_only) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = s[at + i];
        const bool letter = c >= 'a' && c <= 'z';
        const std::uint64_t byte = letters_only ? (letter ? 0x20u : 0u) : static_cast<unsigned char>(c);
        w |= byte << loaded_byte_shift(i, width);
    }
    return w;
}

constexpr NameKey name_key(std::string_view lower) {
    NameKey k;
    const std::size_t n = lower.size();
    k.width = n >= 8 ? 8 : 4;
    k.at[k.words++] = 0;
    if (n > 16) k.at[k.words++] = 8;
    if (n > k.width) k.at[k.words++] = n - k.width;
    for (std::size_t i = 0; i < k.words; ++i) {
        k.lower[i] = pack(lower, k.at[i], k.width, false);
        k.mask[i] = pack(lower, k.at[i], k.width, true);
    }
    return k;
}

// `name` is as long as the key's name.
inline bool matches(std::string_view name, const NameKey& k) {
    for (std::size_t i = 0; i < k.words; ++i) {
        std::uint64_t w = 0;
        if (k.width == 8) std::memcpy(&w, name.data() + k.at[i], 8);
        else {
            std::uint32_t h;
            std::memcpy(&h, name.data() + k.at[i], 4);
            w = h;
        }
        if ((w | k.mask[i]) != k.lower[i]) return false;
    }
    return true;
}

constexpr NameKey kHost = name_key("host"), kDate = name_key("date"), kExpect = name_key("expect"),
                  kConnection = name_key("connection"), kContentLength = name_key("content-length"),
                  kTransferEncoding = name_key("transfer-encoding");

}  // namespace

std::string_view known_field_name(KnownField k) {
    switch (k) {
        case KnownField::host: return "Host";
        case KnownField::content_length: return "Content-Length";
        case KnownField::transfer_encoding: return "Transfer-Encoding";
        case KnownField::connection: return "Connection";
        case KnownField::expect: return "Expect";
        case KnownField::date: return "Date";
        case KnownField::other: break;
    }
    return "";
}

KnownField detail::known_field_of_length(std::string_view name) {
    // A name of one of the known lengths (known_field has checked).
    switch (name.size()) {
        case 4:
            if (matches(name, kHost)) return KnownField::host;
            if (matches(name, kDate)) return KnownField::date;
            break;
        case 6:
            if (matches(name, kExpect)) return KnownField::expect;
            break;
        case 10:
            if (matches(name, kConnection)) return KnownField::connection;
            break;
        case 14:
            if (matches(name, kContentLength)) return KnownField::content_length;
            break;
        case 17:
            if (matches(name, kTransferEncoding)) return KnownField::transfer_encoding;
            break;
        default: break;
    }
    return KnownField::other;
}

namespace {

[[gnu::always_inline]] inline void reset_head(MessageHead& head, MessageKind kind) {
    head.kind = kind;
    // One by one: a chained assignment reads each view back in one 16-byte
    // load from the two 8-byte stores just made, which the CPU cannot forward.
    head.method = {};
    head.target = {};
    head.version = {};
    head.reason = {};
    head.status = 0;
    head.major = head.minor = -1;
    head.headers.clear();
    head.known_fields = 0;
    if (!head.folded.empty()) head.folded.clear();
    head.terminated = false;
    head.head_bytes = 0;
    head.line_offset = head.line_end = head.empty_line = 0;
}

// How the one-pass reading finds the end of a field value: the first byte
// in [p, e) that is no field-value byte, for p in [b, e), all readable. A
// scanner is made once per head and asked for values in order.
struct ScanInUse {
    ScanInUse(const char*, const char* e) : e_(e) {}
    const char* field_value(const char* p) const { return scan_field_value(p, e_); }
    const char* e_;
};

#if RAWHTTP_CLEAN_AVX2
// The same in AVX2, inlined into the reading compiled for it. It keeps the
// stop bytes of 64 bytes at a time as one bit mask, so the next values in
// those bytes are found with a shift and a bit count: the loads and compares
// do not wait on where the last line ended, and most lines need none. Near
// the end the last 64 bytes are loaded instead, the ones before ignored.
class ScanAvx2 {
public:
    ScanAvx2(const char* b, const char* e) : b_(b), e_(e), blk_(e) {}
    [[gnu::target("avx2")]] const char* field_value(const char* p) {
        if (e_ - b_ < 64) return scan_field_value_sse2(p, e_);  // a head too short for a block
        for (;;) {
            if (static_cast<std::size_t>(p - blk_) < 64) {
                if (const std::uint64_t m = mask_ >> (p - blk_)) return p + __builtin_ctzll(m);
                if (e_ - blk_ <= 64) return e_;
                p = blk_ + 64;
            }
            if (p == e_) return e_;
            load(p);
        }
    }

private:
    [[gnu::target("avx2")]] static unsigned stops32(const char* at) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
        const __m256i k1f = _mm256_set1_epi8(0x1f);
        const __m256i ctl = _mm256_cmpeq_epi8(_mm256_max_epu8(x, k1f), k1f);  // x <= 0x1f
        const __m256i bad = _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t')), ctl),
                                            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(0x7f)));
        return static_cast<unsigned>(_mm256_movemask_epi8(bad));
    }
    [[gnu::target("avx2")]] static std::uint64_t stops64(const char* at) {
        return stops32(at) | static_cast<std::uint64_t>(stops32(at + 32)) << 32;
    }
    // The block at p: its 64 bytes, or, nearer the end than that, the bytes
    // up to the end (the bits past it clear: the caller stops at e).
    [[gnu::target("avx2")]] void load(const char* p) {
        blk_ = p;
        mask_ = e_ - p >= 64 ? stops64(p) : stops64(e_ - 64) >> (64 - (e_ - p));
    }

    const char* b_;
    const char* e_;
    const char* blk_;  // the block's start; e (so that no p is in it) until one is loaded
    std::uint64_t mask_ = 0;
};
#endif

template <class Scan>
const char* clean_status_line_with(const char* b, const char* e, MessageHead& head, Scan& scan) {
    if (e - b < 13 || std::memcmp(b, "HTTP/1.", 7) != 0 || (b[7] != '1' && b[7] != '0') || b[8] != ' ')
        return nullptr;
    if (b[9] < '1' || b[9] > '5' || !is_digit(static_cast<unsigned char>(b[10])) ||
        !is_digit(static_cast<unsigned char>(b[11])))
        return nullptr;
    const char* cr = b + 12;
    if (*cr == ' ') {
        cr = scan.field_value(b + 13);
        if (cr == e) return nullptr;
    }
    if (*cr != '\r') return nullptr;
    head.version = std::string_view(b, 8);
    head.major = 1;
    head.minor = b[7] - '0';
    head.status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    if (cr - b > 13) head.reason = std::string_view(b + 13, static_cast<std::size_t>(cr - b - 13));
    return cr;
}

// The common case in one pass: a head that breaks no rule parse_head itself
// checks (every line ends in CR LF, no byte out of place, no limit reached,
// a start line its checker passes). It gives exactly what the general
// reading gives for such a head, and returns false at the first thing it
// does not handle, leaving the head for the general reading, which then
// reports every finding as it always has. tests/http/head_paths_test.cpp
// and fuzz/fuzz_head_paths.cpp hold the two readings to the same result.
template <class Scan>
inline bool parse_clean_head_with(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head,
                                  Violations& out) {
    const std::string_view v = buf.substr(0, std::min(buf.size(), limits.max_head));
    const char* const b = v.data();
    const char* const e = b + v.size();
    if (v.empty() || *b == '\r' || *b == '\n') return false;  // empty lines first: the general reading's
    Scan scan(b, e);
    // The usual start line is read in one pass that also finds its end; any
    // other is found by its CR and judged by the full check.
    const char* cr = kind == MessageKind::request ? clean_request_line(b, e, limits, head)
                                                  : clean_status_line_with(b, e, head, scan);
    if (!cr) {
        cr = scan_field_value(b, e);
        if (e - cr < 2 || cr[0] != '\r' || cr[1] != '\n') return false;
        const Line start{0, static_cast<std::size_t>(cr - b), static_cast<std::size_t>(cr - b) + 1};
        const std::size_t before = out.size();
        if (kind == MessageKind::request) check_request_line(v, start, limits, head, out);
        else check_status_line(v, start, head, out);
        if (out.size() != before) return false;
    } else if (e - cr < 2 || cr[1] != '\n') {
        return false;
    }
    head.line_end = static_cast<std::size_t>(cr - b);
    const char* p = cr + 2;
    for (;;) {
        if (e - p < 2) return false;
        if (p[0] == '\r') {
            if (p[1] != '\n') return false;
            break;  // the empty line
        }
        // name ":" OWS value OWS CR LF, the name all tchars, the value all field-value bytes.
        const char* colon = scan_tchars(p, e);
        if (colon == p || colon == e || *colon != ':') return false;
        const char* vb = colon + 1;
        while (vb < e && is_ows(static_cast<unsigned char>(*vb))) ++vb;
        cr = scan.field_value(vb);
        if (e - cr < 2 || cr[0] != '\r' || cr[1] != '\n') return false;
        if (static_cast<std::size_t>(cr - p) > limits.max_field_line || head.headers.size() == limits.max_fields)
            return false;
        const char* ve = cr;
        while (ve > vb && is_ows(static_cast<unsigned char>(ve[-1]))) --ve;
        head.add_field(std::string_view(p, static_cast<std::size_t>(colon - p)),
                       std::string_view(vb, static_cast<std::size_t>(ve - vb)), static_cast<std::size_t>(p - b),
                       static_cast<std::size_t>(vb - b));
        p = cr + 2;
    }
    head.terminated = true;
    head.empty_line = static_cast<std::size_t>(p - b);
    head.head_bytes = head.empty_line + 2;
    return !(head.head_bytes > limits.large_head && limits.large_head < limits.max_head);
}

#if RAWHTTP_CLEAN_AVX2
// The whole reading compiled for AVX2 (flatten: the scans inline into it),
// picked once per process and entered once per head, not called per line.
[[gnu::target("avx2"), gnu::flatten]] bool parse_clean_head_avx2(std::string_view buf, MessageKind kind,
                                                                 const Limits& limits, MessageHead& head,
                                                                 Violations& out) {
    return parse_clean_head_with<ScanAvx2>(buf, kind, limits, head, out);
}
#endif

[[gnu::always_inline]] inline bool parse_clean_head(std::string_view buf, MessageKind kind, const Limits& limits,
                                                    MessageHead& head, Violations& out,
                                                    CleanReading as = CleanReading::chosen) {
#if RAWHTTP_CLEAN_AVX2
    static const bool avx2 = avx2_supported();
    if (avx2 && as != CleanReading::portable) return parse_clean_head_avx2(buf, kind, limits, head, out);
#endif
    return parse_clean_head_with<ScanInUse>(buf, kind, limits, head, out);
}

}  // namespace

bool read_clean_head(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head) {
    reset_head(head, kind);
    Violations found;  // stays empty (no allocation) on a clean head
    return parse_clean_head(buf, kind, limits, head, found) && found.empty();
}

bool detail::read_clean_head_as(CleanReading as, std::string_view buf, MessageKind kind, const Limits& limits,
                                MessageHead& head) {
    reset_head(head, kind);
    Violations found;
    return parse_clean_head(buf, kind, limits, head, found, as) && found.empty();
}

void parse_head(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head, Violations& out) {
    reset_head(head, kind);
    const std::size_t before = out.size();
    if (parse_clean_head(buf, kind, limits, head, out)) return;
    out.resize(before);
    detail::parse_head_general(buf, kind, limits, head, out);
}

namespace detail {

void parse_head_general(std::string_view buf, MessageKind kind, const Limits& limits, MessageHead& head,
                        Violations& out) {
    reset_head(head, kind);

    const bool over_limit = buf.size() > limits.max_head;
    const std::string_view v = buf.substr(0, std::min(buf.size(), limits.max_head));
    std::size_t pos = 0;
    std::size_t bare_lf_first = std::string_view::npos, bare_lfs = 0;
    auto bare_lf = [&](std::size_t at) {
        if (bare_lfs++ == 0) bare_lf_first = at;
    };
    if (kind == MessageKind::request) {
        // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
        while (pos < v.size()) {
            if (v[pos] == '\n') bare_lf(pos++);
            else if (v[pos] == '\r' && pos + 1 < v.size() && v[pos + 1] == '\n') pos += 2;
            else break;
        }
    }
    head.line_offset = pos;

    std::vector<Line> lines;
    while (pos < v.size()) {
        Line l;
        l.start = pos;
        const void* hit = std::memchr(v.data() + pos, '\n', v.size() - pos);
        if (!hit) {
            l.end = v.size();
            lines.push_back(l);
            pos = v.size();
            break;
        }
        l.lf = static_cast<std::size_t>(static_cast<const char*>(hit) - v.data());
        const bool cr = l.lf > pos && v[l.lf - 1] == '\r';
        l.end = cr ? l.lf - 1 : l.lf;
        if (!cr) bare_lf(l.lf);
        pos = l.lf + 1;
        if (l.end == l.start && !lines.empty()) {  // the empty line that ends the head
            head.terminated = true;
            head.empty_line = l.start;
            break;
        }
        lines.push_back(l);
    }
    head.head_bytes = head.terminated ? pos : v.size();
    if (!head.terminated) head.empty_line = v.size();

    if (bare_lfs > 0) {
        std::string more = bare_lfs > 1 ? " (and " + std::to_string(bare_lfs - 1) + " more line" +
                                              (bare_lfs > 2 ? "s" : "") + " of the head)"
                                        : "";
        out.push_back({Rule::bare_lf, bare_lf_first, "line ends with a bare LF, not CR LF" + more, {}});
    }
    if (head.head_bytes > limits.large_head && limits.large_head < limits.max_head)
        out.push_back({Rule::head_large, limits.large_head,
                       "the head is longer than " + std::to_string(limits.large_head) + " bytes", {}});
    if (over_limit && !head.terminated)
        out.push_back({Rule::head_too_large, limits.max_head,
                       "the head is longer than " + std::to_string(limits.max_head) +
                           " bytes without its empty line; a server stops reading there",
                       {}});
    // A last line the bytes ended inside is unfinished, not wrong: its bytes
    // could still become anything, so only what is already settled counts
    // (its length past a limit; a first byte that can start no message).
    std::optional<Line> open_line;
    if (!head.terminated && !lines.empty() && lines.back().lf == std::string_view::npos) {
        open_line = lines.back();
        lines.pop_back();
        const std::size_t len = open_line->end - open_line->start;
        if (lines.empty()) {
            if (kind == MessageKind::request && len > limits.max_request_line)
                out.push_back({Rule::target_too_long, open_line->start + limits.max_request_line,
                               "the request line is longer than " + std::to_string(limits.max_request_line) +
                                   " bytes; RFC 9112 asks servers to support 8000 octets, and many stop near there",
                               {}});
            if (hopeless_start(v.substr(open_line->start), kind)) {
                // A CR with a byte after it is bare already (one at the very end may
                // still get its LF).
                const std::string_view open = v.substr(open_line->start, len);
                const std::size_t settled = kind == MessageKind::request ? 1 : 5;  // the bytes judged here
                if (const std::size_t cr = open.find('\r');
                    cr != std::string_view::npos && cr < settled && cr + 1 < open.size())
                    out.push_back({Rule::bare_cr, open_line->start + cr,
                                   "a CR that is not followed by LF, inside a line of the head", {}});
                // Judged as a whole line would be at its first bytes: the one rule
                // a method or "HTTP/" broken there breaks, nothing that needs the rest.
                Line whole = *open_line;
                MessageHead tmp;
                Violations first;
                if (kind == MessageKind::request) check_request_line(v, whole, limits, tmp, first);
                else check_status_line(v, whole, tmp, first);
                for (auto& x : first)
                    if (x.rule == Rule::request_line_leading_whitespace || x.rule == Rule::method_invalid_char ||
                        x.rule == Rule::status_line_invalid) {
                        out.push_back(std::move(x));
                        break;
                    }
            }
        } else if (len > limits.max_field_line) {
            out.push_back({Rule::field_line_too_long, open_line->start + limits.max_field_line,
                           "this field line is longer than " + std::to_string(limits.max_field_line) + " bytes", {}});
        }
    }
    if (lines.empty()) {
        if (open_line) {
            head.line_offset = open_line->start;
            return;
        }
        if (kind == MessageKind::request)
            out.push_back({Rule::empty_request, pos,
                           "no request line: only empty lines or nothing at all was sent, so the server keeps "
                           "waiting for one",
                           {}});
        return;
    }
    for (const Line& l : lines) {
        const void* cr = std::memchr(v.data() + l.start, '\r', l.end - l.start);
        if (cr)
            out.push_back({Rule::bare_cr, static_cast<std::size_t>(static_cast<const char*>(cr) - v.data()),
                           "a CR that is not followed by LF, inside a line of the head", {}});
    }

    head.line_end = lines[0].end;
    if (kind == MessageKind::request) check_request_line(v, lines[0], limits, head, out);
    else check_status_line(v, lines[0], head, out);

    bool count_noted = false, length_noted = false;
    for (std::size_t n = 1; n < lines.size(); ++n) {
        const Line& l = lines[n];
        const std::string_view line = v.substr(l.start, l.end - l.start);
        if (!length_noted && line.size() > limits.max_field_line) {
            length_noted = true;
            out.push_back({Rule::field_line_too_long, l.start + limits.max_field_line,
                           "this field line is longer than " + std::to_string(limits.max_field_line) + " bytes", {}});
        }
        if (is_ows(static_cast<unsigned char>(line[0]))) {
            if (n == 1) {
                out.push_back({Rule::whitespace_before_first_field, l.start,
                               "whitespace between the start line and the first field: the line may be ignored or "
                               "joined to the start line",
                               {}});
                continue;
            }
            out.push_back({Rule::obs_fold, l.start,
                           "a line that starts with whitespace continues the previous field (obsolete line folding)",
                           {}});
            // RFC 9112 §5.2: a user agent replaces each obs-fold with SP.
            if (kind == MessageKind::response && !head.headers.empty()) {
                HeaderField& prev = head.headers.back();
                const std::string_view more = trim_ows(line);
                if (!more.empty()) {
                    head.folded.push_back(prev.value.empty() ? std::string(more)
                                                             : std::string(prev.value) + " " + std::string(more));
                    prev.value = head.folded.back();
                }
            }
            continue;
        }
        HeaderField f;
        if (!read_field_line(line, l.start, f, out)) continue;
        if (head.headers.size() == limits.max_fields && !count_noted) {
            count_noted = true;
            out.push_back({Rule::too_many_fields, l.start,
                           "more than " + std::to_string(limits.max_fields) + " header fields", {}});
        }
        head.add_field(f.name, f.value, f.name_offset, f.value_offset);
    }
}

bool read_field_line(std::string_view line, std::size_t offset, HeaderField& field, Violations& out) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        out.push_back({Rule::field_missing_colon, offset, "the field line has no colon", {}});
        return false;
    }
    if (colon == 0) {
        out.push_back({Rule::field_name_empty, offset, "the field line starts with a colon: the name is empty", {}});
        return false;
    }
    std::size_t name_end = colon;
    while (name_end > 0 && is_ows(static_cast<unsigned char>(line[name_end - 1]))) --name_end;
    if (name_end < colon)
        out.push_back({Rule::space_before_colon, offset + name_end,
                       "whitespace between the field name '" +
                           std::string(line.substr(0, std::min<std::size_t>(name_end, 40))) + "' and its colon",
                       {}});
    const char* nb = line.data();
    const char* ne = scan_tchars(nb, nb + name_end);
    for (; ne < nb + name_end; ++ne) {
        const auto c = static_cast<unsigned char>(*ne);
        if (c == '\r') continue;  // reported as bare-cr
        out.push_back({Rule::field_name_invalid_char, offset + static_cast<std::size_t>(ne - nb),
                       "the field name holds " + describe_byte(c) + ", which is not a token character", {}});
        break;
    }
    const std::string_view raw = line.substr(colon + 1);
    const char* vb = raw.data();
    const char* ve = vb + raw.size();
    for (const char* p = scan_field_value(vb, ve); p < ve; p = scan_field_value(p + 1, ve)) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '\r') continue;  // reported as bare-cr
        out.push_back({Rule::field_value_invalid_char, offset + colon + 1 + static_cast<std::size_t>(p - vb),
                       "the field value holds " + describe_byte(c) +
                           (c == 0 ? ", which is invalid and dangerous in a field value"
                                   : ", a control byte no field value may contain"),
                       c == 0 ? "nginx and Node answer 400" : "Node answers 400; nginx accepts"});
        break;
    }
    const std::string_view value = trim_ows(raw);
    field.name = line.substr(0, name_end);
    field.value = value;
    field.name_offset = offset;
    field.value_offset = offset + colon + 1 + static_cast<std::size_t>(value.data() - raw.data());
    return true;
}

std::vector<std::pair<std::string_view, std::size_t>> list_members(std::string_view v) {
    std::vector<std::pair<std::string_view, std::size_t>> out;
    for_each_list_member(v, [&](std::string_view m, std::size_t at) { out.emplace_back(m, at); });
    return out;
}

const char* clean_status_line(const char* b, const char* e, MessageHead& head) {
    ScanInUse scan(b, e);
    return clean_status_line_with(b, e, head, scan);
}

// Not inlined into the one-pass readings: it runs only for a status line
// they do not read themselves.
[[gnu::noinline]] void check_status_line(std::string_view buf, const Line& l, MessageHead& head, Violations& out) {
    const std::string_view s = buf.substr(l.start, l.end - l.start);
    auto bad = [&](std::size_t at, std::string why) {
        out.push_back({Rule::status_line_invalid, l.start + at, std::move(why), {}});
    };
    constexpr std::string_view proto = "HTTP/";
    for (std::size_t i = 0; i < proto.size(); ++i) {
        if (i < s.size() && s[i] == proto[i]) continue;
        if (i < s.size() || l.lf != std::string_view::npos) {
            const auto c0 = s.empty() ? 0 : static_cast<unsigned char>(s[0]);
            if (c0 == 0x15 || c0 == 0x16)
                bad(i, "expected a status line starting with \"HTTP/\", got bytes that look like TLS "
                       "(is this an HTTPS port?)");  // send's hints name the option
            else if (i < s.size() && (s[i] & ~0x20) == proto[i])
                bad(i, "expected a status line starting with \"HTTP/\" in upper case (the protocol name is "
                       "case-sensitive)");
            else
                bad(i, "expected a status line starting with \"HTTP/\" (like \"HTTP/1.1 200 OK\")");
        }
        return;
    }
    auto digit = [&](std::size_t i) { return i < s.size() && is_digit(static_cast<unsigned char>(s[i])); };
    if (!(digit(5) && s.size() > 6 && s[6] == '.' && digit(7)) || (s.size() > 8 && s[8] != ' ')) {
        std::string why = "expected HTTP-version as HTTP/DIGIT.DIGIT (like HTTP/1.1)";
        if (digit(5) && s.size() > 6 && s[6] == ' ' && (s[5] == '2' || s[5] == '3'))
            why += "; HTTP/" + std::string(1, s[5]) + " is not a text protocol and never appears in a status line";
        bad(5, why);
        return;
    }
    head.version = s.substr(0, 8);
    head.major = s[5] - '0';
    head.minor = s[7] - '0';
    if (head.major != 1)
        out.push_back({Rule::version_unsupported, l.start + 5,
                       std::string(head.version) + " in an HTTP/1.x status line", {}});
    else if (head.minor > 1)
        out.push_back({Rule::version_minor, l.start + 7,
                       std::string(head.version) + ": no such version; read as HTTP/1.1", {}});
    if (s.size() < 9 || !(digit(9) && digit(10) && digit(11))) {
        std::size_t at = 9;
        while (digit(at)) ++at;
        bad(std::min(at, s.size()), "the status code must be 3 digits (like 200) after one space");
        return;
    }
    head.status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (s.size() > 12 && s[12] != ' ') {
        bad(12, is_digit(static_cast<unsigned char>(s[12])) ? "the status code must be 3 digits, got more"
                                                             : "expected a space or the end of the line after the "
                                                               "status code, got " +
                                                                   describe_byte(static_cast<unsigned char>(s[12])));
        return;
    }
    if (head.status < 100 || head.status > 599)
        out.push_back({Rule::status_code_range, l.start + 9,
                       "status code " + std::to_string(head.status) + " is outside 100-599", {}});
    if (s.size() > 13) {
        head.reason = s.substr(13);
        const char* rb = head.reason.data();
        const char* re = rb + head.reason.size();
        for (const char* p = scan_field_value(rb, re); p < re; p = scan_field_value(p + 1, re)) {
            if (*p == '\r') continue;  // reported as bare-cr
            bad(13 + static_cast<std::size_t>(p - rb),
                describe_byte(static_cast<unsigned char>(*p)) +
                    " in the reason phrase (only HTAB, SP, visible characters and obs-text are allowed)");
            break;
        }
    }
}

}  // namespace detail

}  // namespace rawhttp::http
