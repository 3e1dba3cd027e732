// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1): the
// one chunk-size-line parser of rawhttp.
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
//
// A byte-at-a-time state machine for the framing, and whole spans for the
// data, handed out as views into the caller's buffer. The state lives in the
// decoder, so every split of the input decodes to the same bytes and reports
// the same rules at the same offsets.
#include <algorithm>
#include <cstring>

#include "http/chars.hpp"
#include "http/head_detail.hpp"
#include "http/message.hpp"

namespace rawhttp::http {

namespace {

using namespace detail;

constexpr int kMaxSizeDigits = 16;

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4).
// Returns the index past the closing quote, or npos (unterminated or bad byte at `bad`).
std::size_t skip_quoted(std::string_view s, std::size_t i, std::size_t& bad) {
    for (++i; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') return i + 1;
        if (c == '\\') {
            if (++i >= s.size()) break;
            const auto q = static_cast<unsigned char>(s[i]);
            if (!(q == '\t' || q == ' ' || (q > 0x20 && q != 0x7f))) {
                bad = i;
                return std::string_view::npos;
            }
            continue;
        }
        if (!(c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c != 0x7f))) {
            bad = i;
            return std::string_view::npos;
        }
    }
    bad = s.size();
    return std::string_view::npos;
}

// Checks `s` (the bytes from the first ';' to the line end) against
// chunk-ext. Returns npos when valid, else the index of the fault and why.
std::size_t chunk_ext_fault(std::string_view s, std::string& why) {
    std::size_t i = 0;
    auto bws = [&] {
        while (i < s.size() && is_ows(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (i < s.size()) {
        bws();
        if (i == s.size()) break;
        if (s[i] != ';') {
            why = describe_byte(static_cast<unsigned char>(s[i])) + " in a chunk extension, where ';' or the line end belongs";
            return i;
        }
        ++i;
        bws();
        const std::size_t name = i;
        while (i < s.size() && is_tchar(static_cast<unsigned char>(s[i]))) ++i;
        if (i == name) {
            why = i < s.size() ? describe_byte(static_cast<unsigned char>(s[i])) + " where a chunk extension's name belongs"
                               : "a ';' with no chunk extension name after it";
            return i;
        }
        bws();
        if (i < s.size() && s[i] == '=') {
            ++i;
            bws();
            if (i < s.size() && s[i] == '"') {
                std::size_t bad = 0;
                const std::size_t end = skip_quoted(s, i, bad);
                if (end == std::string_view::npos) {
                    why = bad >= s.size() ? "an unterminated quoted string in a chunk extension"
                                          : describe_byte(static_cast<unsigned char>(s[bad])) +
                                                " inside a quoted chunk extension value";
                    return std::min(bad, s.size());
                }
                i = end;
            } else {
                const std::size_t val = i;
                while (i < s.size() && is_tchar(static_cast<unsigned char>(s[i]))) ++i;
                if (i == val) {
                    why = i < s.size() ? describe_byte(static_cast<unsigned char>(s[i])) +
                                             " where a chunk extension's value belongs (a token or a quoted string)"
                                       : "a chunk extension '=' with no value after it";
                    return i;
                }
            }
        }
    }
    return std::string_view::npos;
}

}  // namespace

ChunkedDecoder::ChunkedDecoder(MessageKind kind, Limits limits, std::size_t base_offset, bool strict, bool collect_all)
    : kind_(kind), limits_(limits), base_(base_offset), strict_(strict), collect_all_(collect_all) {}

std::string ChunkedDecoder::error_message() const {
    return violations_.empty() || state_ != State::error ? std::string() : violations_.back().detail;
}

bool ChunkedDecoder::note(Rule r, std::uint64_t at, std::string detail) {
    violations_.push_back({r, base_ + static_cast<std::size_t>(at), std::move(detail), {}});
    // The leniencies (bare LF, whitespace after the size, a malformed
    // extension) leave the framing readable: they stop the decoder only when
    // the rule book makes them errors for this kind of message.
    const bool readable = r == Rule::chunked_bare_lf || r == Rule::chunked_size_whitespace || r == Rule::chunk_ext_invalid;
    const bool fatal = !readable || (!collect_all_ && severity_of(r, kind_, strict_) == Severity::error);
    if (fatal) state_ = State::error;
    return fatal;
}

bool ChunkedDecoder::check_extension(std::uint64_t line_start) {
    std::string why;
    const std::size_t at = chunk_ext_fault(ext_, why);
    if (at == std::string_view::npos) return false;
    return note(Rule::chunk_ext_invalid, line_start + at, std::move(why));
}

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view in) {
    Step st;
    const char* const begin = in.data();
    const char* const end = begin + in.size();
    const char* p = begin;
    auto here = [&] { return pos_ + static_cast<std::uint64_t>(p - begin); };
    auto stop = [&]() -> Step& {
        st.error = state_ == State::error;
        st.consumed = static_cast<std::size_t>(p - begin);
        pos_ += st.consumed;
        return st;
    };
    if (state_ == State::done) {
        st.done = true;
        return st;
    }
    if (state_ == State::error) {
        st.error = true;
        return st;
    }
    // The LF ending a chunk-size line has been consumed (p is past it).
    auto size_line_done = [&]() -> bool {
        if (ext_started_ && check_extension(ext_start_)) return true;
        size_digits_ = 0;
        ext_.clear();
        ext_bytes_ = 0;
        ext_started_ = false;
        size_ws_ = false;
        if (remaining_ == 0) {
            state_ = State::trailer_line;
            line_.clear();
            trailer_line_start_ = here();
        } else {
            state_ = State::data;
        }
        return false;
    };

    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        switch (state_) {
            case State::size: {
                if (size_digits_ == 0 && remaining_ == 0) line_start_ = here();
                const int v = hex_value(c);
                if (v >= 0 && !size_ws_) {
                    if (size_digits_ == kMaxSizeDigits) {
                        note(Rule::chunked_malformed, here(), "the chunk size has more than 16 hex digits");
                        return stop();
                    }
                    remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(v);
                    ++size_digits_;
                    ++p;
                    break;
                }
                if (size_digits_ == 0) {
                    std::string why = c == '-' || c == '+'   ? "the chunk size must be hex digits, without a sign"
                                      : c == '\r' || c == '\n' ? "an empty chunk-size line: expected the chunk size in hex"
                                                               : "expected a chunk size in hex, found " + describe_byte(c);
                    note(Rule::chunked_malformed, here(), std::move(why));
                    return stop();
                }
                state_ = State::ext;
                break;  // the ext state looks at this byte
            }
            case State::ext: {
                if (c == '\r' || c == '\n') {
                    if (size_ws_ && !ext_started_ && !ws_noted_) {
                        ws_noted_ = true;
                        if (note(Rule::chunked_size_whitespace, line_start_ + static_cast<std::uint64_t>(size_digits_),
                                 "whitespace after the chunk size, before the line end"))
                            return stop();
                    }
                    if (c == '\r') {
                        state_ = State::size_lf;
                        ++p;
                        break;
                    }
                    if (!bare_lf_noted_) {
                        bare_lf_noted_ = true;
                        if (note(Rule::chunked_bare_lf, here(), "a chunk-size line ends with a bare LF, not CR LF"))
                            return stop();
                    }
                    ++p;
                    if (size_line_done()) return stop();
                    break;
                }
                if (!ext_started_) {
                    if (c == ';') {
                        ext_started_ = true;
                        ext_start_ = here();
                        ext_.push_back(';');
                        ++ext_bytes_;
                    } else if (is_ows(c)) {
                        size_ws_ = true;  // BWS: allowed only before ';'
                    } else {
                        note(Rule::chunked_malformed, here(),
                             describe_byte(c) + " after the chunk size, where CR LF or ;extension belongs");
                        return stop();
                    }
                    ++p;
                    break;
                }
                if (++ext_bytes_ > limits_.max_chunk_ext) {
                    note(Rule::chunk_ext_too_long, here(),
                         "chunk extensions longer than " + std::to_string(limits_.max_chunk_ext) + " bytes on one line");
                    return stop();
                }
                ext_.push_back(static_cast<char>(c));
                ++p;
                break;
            }
            case State::size_lf:
                if (c != '\n') {
                    note(ext_started_ ? Rule::chunk_ext_invalid : Rule::chunked_malformed, here() - 1,
                         "a CR not followed by LF in a chunk-size line");
                    state_ = State::error;  // a bare CR never leaves the line readable
                    return stop();
                }
                ++p;
                if (size_line_done()) return stop();
                break;
            case State::data: {
                const std::size_t avail = static_cast<std::size_t>(end - p);
                const std::size_t n = remaining_ < avail ? static_cast<std::size_t>(remaining_) : avail;
                st.data = std::string_view(p, n);
                p += n;
                remaining_ -= n;
                if (remaining_ == 0) state_ = State::data_cr;
                return stop();
            }
            case State::data_cr:
                if (c == '\r') {
                    state_ = State::data_lf;
                } else if (c == '\n') {
                    if (!bare_lf_noted_) {
                        bare_lf_noted_ = true;
                        if (note(Rule::chunked_bare_lf, here(), "chunk data is followed by a bare LF, not CR LF"))
                            return stop();
                    }
                    state_ = State::size;
                } else {
                    note(Rule::chunked_malformed, here(),
                         "the chunk's data is longer than its size says: CR LF must follow it");
                    return stop();
                }
                ++p;
                break;
            case State::data_lf:
                if (c != '\n') {
                    note(Rule::chunked_malformed, here(), "chunk data followed by a CR without LF");
                    return stop();
                }
                state_ = State::size;
                ++p;
                break;
            case State::trailer_line: {
                const std::size_t avail = static_cast<std::size_t>(end - p);
                const void* lf = std::memchr(p, '\n', avail);
                const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) + 1 : avail;
                if (trailer_bytes_ + take > limits_.max_trailer) {
                    p += limits_.max_trailer - trailer_bytes_;
                    note(Rule::trailer_invalid, here(),
                         "the trailer section is longer than " + std::to_string(limits_.max_trailer) + " bytes");
                    return stop();
                }
                trailer_bytes_ += take;
                line_.append(p, lf ? take - 1 : take);
                p += take;
                if (!lf) break;
                if (finish_trailer_line()) return stop();
                if (state_ == State::done) {
                    st.done = true;
                    return stop();
                }
                trailer_line_start_ = here();
                break;
            }
            case State::done:
            case State::error:
                return stop();
        }
    }
    return stop();
}

bool ChunkedDecoder::finish_trailer_line() {
    const std::uint64_t at = trailer_line_start_;
    const bool cr = !line_.empty() && line_.back() == '\r';
    if (cr) line_.pop_back();
    else if (!bare_lf_noted_) {
        bare_lf_noted_ = true;
        if (note(Rule::chunked_bare_lf, at + line_.size(), "a line of the trailer section ends with a bare LF"))
            return true;
    }
    if (line_.empty()) {
        state_ = State::done;
        return false;
    }
    // The same field-line rules as a head's (RFC 9112 §7.1.2).
    Violations found;
    HeaderField f;
    const std::string_view line(line_);
    if (const std::size_t cr = line.find('\r'); cr != std::string_view::npos) {
        found.push_back({Rule::bare_cr, cr, "a CR that is not followed by LF, inside a trailer line", {}});
    } else if (is_ows(static_cast<unsigned char>(line[0]))) {
        found.push_back({Rule::obs_fold, 0, "obsolete line folding in the trailer section", {}});
    } else if (read_field_line(line, 0, f, found) && found.empty()) {
        trailers_.emplace_back(std::string(f.name), std::string(f.value));
    }
    line_.clear();
    for (auto& v : found) {
        violations_.push_back({v.rule, base_ + static_cast<std::size_t>(at + v.offset), std::move(v.detail), v.servers});
        if (severity_of(v.rule, kind_, strict_) == Severity::error || v.rule != Rule::obs_fold) {
            state_ = State::error;
            return true;
        }
    }
    return false;
}

}  // namespace rawhttp::http
