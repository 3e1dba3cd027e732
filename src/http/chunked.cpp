// Incremental decoder for the chunked transfer coding (RFC 9112 section 7.1).
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// A byte-at-a-time state machine for the framing, and whole spans for the
// data, which is handed out as views into the caller's buffer. The state lives
// in the decoder, so every split of the input decodes to the same bytes.
#include "http/chars.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <cstring>

namespace rawhttp::http {

namespace {

using namespace detail;

constexpr int kMaxSizeDigits = 16;
constexpr std::size_t kMaxExtBytes = 4096;
constexpr std::size_t kMaxTrailerBytes = 64 * 1024;

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view in) {
    Step st;
    const char* const begin = in.data();
    const char* const end = begin + in.size();
    const char* p = begin;

    if (state_ == State::done) {
        st.done = true;
        return st;
    }
    if (state_ == State::error) {
        st.error = true;
        return st;
    }

    auto fail = [&](std::string msg) {
        state_ = State::error;
        error_ = std::move(msg);
        st.error = true;
        st.consumed = static_cast<std::size_t>(p - begin);
        return st;
    };
    // The CRLF (or bare LF) ending a chunk-size line has been consumed.
    auto size_line_done = [&]() {
        size_digits_ = 0;
        ext_bytes_ = 0;
        ext_semicolon_ = false;
        if (remaining_ == 0) {
            state_ = State::trailer_line;
            line_.clear();
        } else {
            state_ = State::data;
        }
    };

    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        switch (state_) {
            case State::size: {
                const int v = hex_value(c);
                if (v >= 0) {
                    if (size_digits_ == kMaxSizeDigits)
                        return fail("chunk size has more than 16 hex digits");
                    remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(v);
                    ++size_digits_;
                    ++p;
                    break;
                }
                if (size_digits_ == 0) {
                    if (c == '-' || c == '+') return fail("chunk size must be hex digits, without a sign");
                    if (c == '\r' || c == '\n') return fail("empty chunk-size line: expected the chunk size in hex");
                    return fail("chunk size must be hex digits, got " + describe_byte(c));
                }
                if (c == ';' || is_ows(c)) {
                    state_ = State::ext;
                    break;  // the ext state consumes it
                }
                if (c == '\r') {
                    state_ = State::size_lf;
                    ++p;
                    break;
                }
                if (c == '\n') {
                    ++p;
                    size_line_done();
                    break;
                }
                return fail(describe_byte(c) + " after the chunk size (expected hex digits, ';' or CRLF)");
            }
            case State::ext: {
                // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ); skipped, roughly
                // checked: whitespace, then ';', then visible text (quoted strings included).
                if (c == '\r') {
                    state_ = State::size_lf;
                    ++p;
                    break;
                }
                if (c == '\n') {
                    ++p;
                    size_line_done();
                    break;
                }
                if (!ext_semicolon_) {
                    if (c == ';') ext_semicolon_ = true;
                    else if (!is_ows(c)) return fail(describe_byte(c) + " after the chunk size (expected ';' or CRLF)");
                } else if (!is_field_value_byte(c)) {
                    return fail(describe_byte(c) + " in a chunk extension");
                }
                if (++ext_bytes_ > kMaxExtBytes) return fail("chunk extensions longer than 4096 bytes");
                ++p;
                break;
            }
            case State::size_lf:
                if (c != '\n') return fail("CR not followed by LF at the end of a chunk-size line");
                ++p;
                size_line_done();
                break;
            case State::data: {
                const std::size_t avail = static_cast<std::size_t>(end - p);
                const std::size_t n = remaining_ < avail ? static_cast<std::size_t>(remaining_) : avail;
                st.data = std::string_view(p, n);
                p += n;
                remaining_ -= n;
                if (remaining_ == 0) state_ = State::data_cr;
                st.consumed = static_cast<std::size_t>(p - begin);
                return st;
            }
            case State::data_cr:
                if (c == '\r') state_ = State::data_lf;
                else if (c == '\n') state_ = State::size;
                else return fail("chunk data not followed by CRLF (the chunk is longer than its size says)");
                ++p;
                break;
            case State::data_lf:
                if (c != '\n') return fail("chunk data not followed by CRLF (CR without LF)");
                state_ = State::size;
                ++p;
                break;
            case State::trailer_line: {
                const std::size_t avail = static_cast<std::size_t>(end - p);
                const void* lf = std::memchr(p, '\n', avail);
                const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) + 1 : avail;
                if (trailer_bytes_ + take > kMaxTrailerBytes) {
                    p += kMaxTrailerBytes - trailer_bytes_;
                    return fail("trailer section exceeds 64 KiB");
                }
                trailer_bytes_ += take;
                if (!lf) {
                    line_.append(p, take);
                    p += take;
                    break;
                }
                line_.append(p, take - 1);
                p += take;
                if (!line_.empty() && line_.back() == '\r') line_.pop_back();
                if (line_.empty()) {
                    state_ = State::done;
                    st.done = true;
                    st.consumed = static_cast<std::size_t>(p - begin);
                    return st;
                }
                // field-line = field-name ":" OWS field-value OWS
                const std::string_view line(line_);
                const char* lb = line.data();
                const char* le = lb + line.size();
                const char* q = scan_tchars(lb, le);
                auto line_fail = [&](std::string msg) { return fail(std::move(msg)); };
                if (is_ows(static_cast<unsigned char>(line[0])))
                    return line_fail("obsolete line folding in the trailer section");
                if (q == le || *q != ':') {
                    if (q < le && is_ows(static_cast<unsigned char>(*q)) && line.find(':') != std::string_view::npos)
                        return line_fail("whitespace between a trailer field name and its colon");
                    if (q < le && *q != ':' && line.find(':') != std::string_view::npos)
                        return line_fail(describe_byte(static_cast<unsigned char>(*q)) + " in a trailer field name");
                    return line_fail("trailer line without a colon");
                }
                if (q == lb) return line_fail("empty trailer field name");
                const std::string_view name(lb, static_cast<std::size_t>(q - lb));
                const std::string_view raw_value(q + 1, static_cast<std::size_t>(le - q - 1));
                const char* bad = scan_field_value(raw_value.data(), raw_value.data() + raw_value.size());
                if (bad != raw_value.data() + raw_value.size())
                    return line_fail(describe_byte(static_cast<unsigned char>(*bad)) + " in the value of trailer \"" +
                                     std::string(name) + "\"");
                trailers_.emplace_back(std::string(name), std::string(trim_ows(raw_value)));
                line_.clear();
                break;
            }
            case State::done:
            case State::error:
                break;  // handled above
        }
    }
    st.consumed = static_cast<std::size_t>(p - begin);
    return st;
}

}  // namespace rawhttp::http
