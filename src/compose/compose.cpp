// The .req composer. The file is read as source lines (content + terminator);
// each request is a preamble (blank lines, comments, @definitions), a head up
// to the first empty line and a body up to the next ### line or the end.
// Everything after the preamble is literal except {{...}} expressions.
//
// Linear in the input: every scan moves forward, expression ends are searched
// only once, and {{content_length}} is spliced in a single pass at the end.
// Bounded: every byte an expansion writes is counted against the limits of
// limits.hpp before it is appended, so memory never outgrows them.
//
// One job, hence the length: every expression kind ({{hex:}}, {{file:}},
// {{content_length}}, variables) writes through the same bounded, line-tracking
// state of the one Composer.
#include "compose/compose.hpp"
#include "compose/text.hpp"
#include "core/wording.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace rawhttp {

std::optional<Eol> parse_eol(std::string_view name) {
    auto eq = [&](std::string_view want) {
        if (name.size() != want.size()) return false;
        for (std::size_t i = 0; i < name.size(); ++i) {
            char c = name[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != want[i]) return false;
        }
        return true;
    };
    if (eq("crlf")) return Eol::crlf;
    if (eq("lf")) return Eol::lf;
    if (eq("keep")) return Eol::keep;
    return std::nullopt;
}

std::string_view eol_name(Eol eol) {
    switch (eol) {
        case Eol::crlf: return "crlf";
        case Eol::lf: return "lf";
        case Eol::keep: return "keep";
    }
    return "crlf";
}

std::string ComposeError::to_string() const {
    std::string name = file;
    if (name.empty()) name = "<input>";
    else if (name == "-") name = "<stdin>";
    return name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

using namespace compose_text;

using Line = SourceLine;

// The text's lines, kept as the offset where each starts: 4 bytes a line, so
// that a .req of nothing but line breaks costs a few times its size, not 40.
class LineTable {
public:
    // An empty table for a text too long for 32-bit offsets (run() refuses it).
    explicit LineTable(std::string_view text) : text_(text) {
        if (text.size() > kMaxOffset) return;
        std::size_t breaks = 0;
        for (char c : text) breaks += c == '\n';
        starts_.reserve(breaks + 2);
        std::size_t pos = 0;
        while (pos < text.size()) {
            starts_.push_back(static_cast<std::uint32_t>(pos));
            std::size_t nl = text.find('\n', pos);
            pos = nl == std::string_view::npos ? text.size() : nl + 1;
        }
        starts_.push_back(static_cast<std::uint32_t>(text.size()));
    }

    static constexpr std::size_t kMaxOffset = 0xffffffffu;

    std::size_t size() const { return starts_.empty() ? 0 : starts_.size() - 1; }

    Line operator[](std::size_t i) const {
        return source_line(text_.substr(starts_[i], starts_[i + 1] - starts_[i]), i + 1);
    }

private:
    std::string_view text_;
    std::vector<std::uint32_t> starts_;
};

std::optional<std::string> default_getenv(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

struct Escape {
    std::string_view name;
    std::string_view bytes;
};

constexpr Escape kEscapes[] = {
    {"CR", "\r"}, {"LF", "\n"}, {"CRLF", "\r\n"}, {"TAB", "\t"}, {"SP", " "}, {std::string_view("NUL"), std::string_view("\0", 1)},
};

const Escape* find_escape(std::string_view name) {
    for (const auto& e : kEscapes)
        if (e.name == name) return &e;
    return nullptr;
}

// How many line breaks ("\r\n" or "\n") end s, counting at most two.
int trailing_breaks(std::string_view s) {
    int n = 0;
    while (n < 2 && !s.empty() && s.back() == '\n') {
        s.remove_suffix(1);
        if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
        ++n;
    }
    return n;
}

std::string_view break_name(std::string_view term) {
    return term == "\r\n" ? "CRLF" : "LF";
}

enum class Where { definition, head, body };

class Composer {
public:
    Composer(std::string_view text, const ComposeOptions& options)
        : opt_(options), lim_(options.limits), text_size_(text.size()),
          lines_(text.size() > options.limits.req_file_bytes ? std::string_view() : text) {
        getenv_ = opt_.getenv ? opt_.getenv : default_getenv;
        read_file_ = opt_.read_file ? opt_.read_file : read_regular_file;
    }

    ComposeOutput run() {
        ComposeOutput out;
        if (text_size_ > lim_.req_file_bytes || text_size_ > LineTable::kMaxOffset) {
            fail(1, 1, "the .req file is larger than " + size_name(lim_.req_file_bytes) +
                           ", the most rawhttp reads (put a large body in a file and write {{file:PATH}})");
            return failed();
        }
        std::size_t i = 0;
        const std::size_t n = lines_.size();
        while (i < n) {
            // Preamble.
            while (i < n) {
                int kind = preamble_line(lines_[i]);
                if (kind < 0) return failed();
                if (kind == 0) break;  // the request line
                ++i;
            }
            if (i >= n) break;  // only preamble left: an empty request, ignored
            if (out.requests.size() == lim_.requests) {
                fail(lines_[i].number, 1,
                     "more than " + std::to_string(lim_.requests) + " requests in one .req, the most rawhttp composes");
                return failed();
            }
            ComposedRequest req;
            std::size_t next = 0;
            if (!request(i, req, next)) return failed();
            out.requests.push_back(std::move(req));
            i = next;
        }
        if (out.requests.empty()) {
            fail(n == 0 ? 1 : n, 1,
                 "no request line found: after the blank lines, comments and @name = value definitions, "
                 "write a request line such as 'GET / HTTP/1.1'");
            return failed();
        }
        return out;
    }

private:
    // A definition's expanded value, and how many levels of definitions it is built from.
    struct Definition {
        std::string value;
        std::size_t depth = 0;
    };

    const ComposeOptions& opt_;
    const ComposeLimits& lim_;
    std::size_t text_size_ = 0;
    LineTable lines_;
    std::function<std::optional<std::string>(const std::string&)> getenv_;
    std::function<FileRead(const std::string&, std::size_t)> read_file_;
    std::map<std::string, Definition, std::less<>> defs_;
    // While a definition's value is expanded: its name, and the depth so far.
    const std::string* defining_ = nullptr;
    std::size_t defining_depth_ = 0;
    // Bytes written so far by every expansion of the file, against lim_.composed_bytes.
    std::size_t produced_ = 0;
    std::optional<Eol> file_eol_;
    std::size_t file_eol_line_ = 0;
    std::optional<std::string> target_;
    std::optional<bool> tls_;
    std::optional<ComposeError> error_;
    // While a body is expanded: where its too-large {{file:}}s are recorded.
    std::vector<StreamedFile>* streamed_ = nullptr;
    // While a request is expanded: where each line break it writes was written.
    std::vector<SourcePos>* wire_lines_ = nullptr;
    bool recording_cut_ = false;  // this request's head had more lines than are recorded

    bool fail(std::size_t line, std::size_t column, std::string message) {
        if (!error_) error_ = ComposeError{opt_.file_name, line, column, std::move(message)};
        return false;
    }

    // Appends what an expression (or, with `expr` empty, literal text) at
    // line:col produced, unless it would pass a limit.
    bool emit(std::string& out, std::string_view bytes, std::size_t line, std::size_t col, std::string_view expr) {
        auto at = [&] { return expr.empty() ? std::string("the text here") : "{{" + show(expr) + "}}"; };
        if (defining_ && bytes.size() > lim_.variable_bytes - std::min(out.size(), lim_.variable_bytes))
            return fail(line, col,
                        "the value of '@" + show(*defining_) + "' would be larger than " +
                            size_name(lim_.variable_bytes) + ", the most a variable may hold (" + at() +
                            " brings it past); put a large payload in the body with {{file:PATH}} instead");
        if (bytes.size() > lim_.composed_bytes - std::min(produced_, lim_.composed_bytes))
            return fail(line, col,
                        at() + " would take this file's composed requests and variables past " +
                            size_name(lim_.composed_bytes) + ", the most one .req may compose");
        produced_ += bytes.size();
        out.append(bytes);
        // A definition's line breaks are recorded where it is used, not where it is defined.
        if (wire_lines_ && !defining_)
            for (std::size_t at = bytes.find('\n'); at != std::string_view::npos; at = bytes.find('\n', at + 1))
                record(SourcePos{line, col});
        return true;
    }

    // A line break the composer writes itself: bounded by the file's size,
    // counted all the same. `next`: where the line it starts was written.
    void emit_break(std::string& out, std::string_view br, SourcePos next) {
        produced_ += br.size();
        out.append(br);
        if (wire_lines_ && br.find('\n') != std::string_view::npos) record(next);
    }

    // Where a wire line was written, while fewer than kMaxRecordedLines are:
    // a file of millions of line breaks must not take 16 bytes for each.
    // Past the recorded ones, source_line() counts on, which plain lines do.
    static constexpr std::size_t kMaxRecordedLines = 1u << 16;
    void record(SourcePos at) {
        if (wire_lines_->size() < kMaxRecordedLines) wire_lines_->push_back(at);
        else recording_cut_ = true;
    }

    ComposeOutput failed() {
        ComposeOutput out;
        out.error = error_;
        return out;
    }

    static bool is_separator(const Line& ln) {
        std::string_view c = ln.content;
        if (c.size() < 3 || c.substr(0, 3) != "###") return false;
        return c.size() == 3 || is_ws(c[3]);
    }

    // 1: a preamble line (consumed), 0: the request line, -1: an error.
    int preamble_line(const Line& ln) {
        std::string_view c = ln.content;
        std::size_t s = 0;
        while (s < c.size() && (is_ws(c[s]) || c[s] == '\r' || c[s] == '\f' || c[s] == '\v')) ++s;
        if (s == c.size()) return 1;  // blank
        if (c[s] == '#') return 1;
        if (c.substr(s, 2) == "//") return 1;
        if (c[s] != '@') return 0;
        return definition(ln, s) ? 1 : -1;
    }

    bool definition(const Line& ln, std::size_t at) {
        std::string_view c = ln.content;
        std::size_t name_begin = at + 1;
        std::size_t name_end = name_begin;
        while (name_end < c.size() && is_name_char(c[name_end])) ++name_end;
        if (name_end == name_begin)
            return fail(ln.number, at + 1,
                        "a preamble line starting with '@' must be a definition '@name = value' "
                        "(names use letters, digits, '_', '-' and '.')");
        std::string name(c.substr(name_begin, name_end - name_begin));
        std::size_t k = name_end;
        while (k < c.size() && is_ws(c[k])) ++k;
        if (k >= c.size() || c[k] != '=')
            return fail(ln.number, k + 1, "expected '=' after '@" + show(name) + "': write '@" + show(name) + " = value'");
        std::size_t v = k + 1;
        std::size_t v_end = c.size();
        auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v'; };
        while (v < v_end && space(c[v])) ++v;
        while (v_end > v && space(c[v_end - 1])) --v_end;
        std::string value;
        defining_ = &name;
        defining_depth_ = 0;
        bool expanded = expand(c.substr(v, v_end - v), v, ln.number, Where::definition, value, nullptr);
        defining_ = nullptr;
        if (!expanded) return false;
        std::size_t vcol = v + 1;
        if (name == "eol") {
            auto e = parse_eol(trim(value));
            if (!e)
                return fail(ln.number, vcol, "@eol must be crlf, lf or keep, not '" + show(value) + "'");
            file_eol_ = e;
            file_eol_line_ = ln.number;
        } else if (name == "tls") {
            std::string_view t = trim(value);
            if (iequals(t, "true")) tls_ = true;
            else if (iequals(t, "false")) tls_ = false;
            else return fail(ln.number, vcol, "@tls must be true or false, not '" + show(value) + "'");
        } else if (name == "target") {
            std::string_view t = trim(value);
            if (t.empty()) return fail(ln.number, vcol, "@target needs a value: '@target = HOST[:PORT]'");
            target_ = std::string(t);
        }
        defs_[std::move(name)] = Definition{std::move(value), defining_depth_};
        return true;
    }

    // Expands the {{...}} expressions of `text` (which starts at byte `offset`
    // of its source line) onto `out`. In the head, {{content_length}} writes
    // nothing and records its position in `marks`.
    bool expand(std::string_view text, std::size_t offset, std::size_t line, Where where, std::string& out,
                std::vector<std::size_t>* marks) {
        std::size_t pos = 0;
        const std::size_t n = text.size();
        while (pos < n) {
            std::size_t b = text.find("{{", pos);
            if (b == std::string_view::npos) return emit(out, text.substr(pos), line, offset + pos + 1, {});
            // In a run of braces the expression starts at the last two: "{{{x}}}" is "{" + x + "}".
            std::size_t e = b;
            while (e < n && text[e] == '{') ++e;
            std::size_t start = e - 2;
            if (!emit(out, text.substr(pos, start - pos), line, offset + pos + 1, {})) return false;
            std::size_t col = offset + start + 1;
            std::size_t p = start + 2;
            std::size_t q = p;
            while (q < n && is_ws(text[q])) ++q;
            if (q < n && text[q] == '"') {
                std::size_t close = text.find('"', q + 1);
                if (close == std::string_view::npos)
                    return fail(line, col,
                                "unterminated literal: {{\"text\"}} needs its closing '\"}}' on the same line");
                std::size_t r = close + 1;
                while (r < n && is_ws(text[r])) ++r;
                if (text.substr(r, 2) != "}}")
                    return fail(line, col,
                                "expected '}}' right after the closing quote of {{\"" +
                                    show(text.substr(q + 1, close - q - 1)) +
                                    "\"}} (a literal cannot contain '\"'; write {{hex:22}} for one)");
                if (!emit(out, text.substr(q + 1, close - q - 1), line, col, text.substr(q, close + 1 - q)))
                    return false;
                pos = r + 2;
                continue;
            }
            std::size_t close = text.find("}}", p);
            if (close == std::string_view::npos)
                return fail(line, col,
                            "unterminated '{{': no '}}' on this line (an expression ends on its line; "
                            "write {{\"{{\"}} for two literal braces)");
            std::string_view inner = trim(text.substr(p, close - p));
            if (!evaluate(inner, line, col, where, out, marks)) return false;
            pos = close + 2;
        }
        return true;
    }

    bool evaluate(std::string_view inner, std::size_t line, std::size_t col, Where where, std::string& out,
                  std::vector<std::size_t>* marks) {
        if (inner.empty())
            return fail(line, col, "empty expression '{{}}': write a variable name, or an escape such as {{CRLF}}");
        if (const Escape* esc = find_escape(inner)) return emit(out, esc->bytes, line, col, inner);
        if (inner == "content_length") {
            if (where == Where::body)
                return fail(line, col,
                            "{{content_length}} cannot be used in the body, whose length it is; "
                            "use it in the head (Content-Length: {{content_length}})");
            if (where == Where::definition || !marks)
                return fail(line, col,
                            "{{content_length}} is only known in the request head, not in a definition; "
                            "write it in the head (Content-Length: {{content_length}})");
            marks->push_back(out.size());
            return true;
        }
        std::size_t colon = inner.find(':');
        if (colon != std::string_view::npos) {
            std::string_view kind = trim(inner.substr(0, colon));
            std::string_view arg = trim(inner.substr(colon + 1));
            if (kind == "env") return env(arg, inner, line, col, out);
            if (kind == "hex") return hex(arg, inner, line, col, out);
            if (kind == "file") return file(arg, inner, line, col, where, out);
            return unknown(inner, line, col);
        }
        if (!is_name(inner)) return unknown(inner, line, col);
        if (auto it = opt_.vars.find(inner); it != opt_.vars.end()) {
            // A --var value is not expanded: one level, like a definition of plain text.
            if (defining_) defining_depth_ = std::max<std::size_t>(defining_depth_, 1);
            return emit(out, it->second, line, col, inner);
        }
        if (auto it = defs_.find(inner); it != defs_.end()) {
            if (defining_) {
                std::size_t depth = it->second.depth + 1;
                if (depth > lim_.variable_depth)
                    return fail(line, col,
                                "'@" + show(*defining_) + "' would be built from variables nested " +
                                    std::to_string(depth) + " levels deep through {{" + show(inner) + "}}; at most " +
                                    std::to_string(lim_.variable_depth) + " levels (@a1 = {{a0}} is one level)");
                defining_depth_ = std::max(defining_depth_, depth);
            }
            return emit(out, it->second.value, line, col, inner);
        }
        std::string name = show(inner);
        if (defining_ && inner == *defining_)
            return fail(line, col,
                        "'@" + name + "' refers to itself, and no earlier definition" +
                            (opt_.var_origin.empty() ? std::string() : " or " + opt_.var_origin) + " gives '" + name +
                            "' a value: a definition sees only the definitions before it");
        std::string msg = "undefined variable '" + name + "': define it with '@" + name + " = ...'" +
                          (opt_.var_origin.empty() ? std::string() : " or '" + opt_.var_origin + " " + name + "=...'");
        std::string upper(inner);
        for (char& ch : upper)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        if (find_escape(upper)) msg += " (escapes are upper case: {{" + upper + "}})";
        if (defining_)
            if (std::size_t later = later_definition(inner, line))
                msg += "; '@" + name + "' is defined later, on line " + std::to_string(later) +
                       ", and a definition sees only the definitions before it (so definitions never refer to each "
                       "other in a cycle)";
        return fail(line, col, std::move(msg));
    }

    // The line of the first "@name =" after `line`, or 0: only for an error message.
    std::size_t later_definition(std::string_view name, std::size_t line) const {
        for (std::size_t i = line; i < lines_.size(); ++i) {
            std::string_view c = lines_[i].content;
            while (!c.empty() && is_ws(c.front())) c.remove_prefix(1);
            if (c.size() <= name.size() || c[0] != '@' || c.substr(1, name.size()) != name) continue;
            std::string_view rest = c.substr(1 + name.size());
            while (!rest.empty() && is_ws(rest.front())) rest.remove_prefix(1);
            if (!rest.empty() && rest.front() == '=') return lines_[i].number;
        }
        return 0;
    }

    bool unknown(std::string_view inner, std::size_t line, std::size_t col) {
        return fail(line, col,
                    "unknown expression '{{" + show(inner) +
                        "}}': write a variable name, env:NAME, file:PATH, hex:HEX, \"text\", "
                        "CR, LF, CRLF, TAB, SP, NUL or content_length");
    }

    bool env(std::string_view name, std::string_view inner, std::size_t line, std::size_t col, std::string& out) {
        if (name.empty()) return fail(line, col, "{{env:}} needs a name: {{env:NAME}}");
        auto v = getenv_(std::string(name));
        if (!v)
            return fail(line, col,
                        "environment variable '" + show(name) + "' is not set: export it, or use a variable" +
                            (opt_.var_origin.empty() ? std::string() : " ('" + opt_.var_origin + " name=...')") +
                            " instead");
        return emit(out, *v, line, col, inner);
    }

    bool hex(std::string_view digits, std::string_view inner, std::size_t line, std::size_t col, std::string& out) {
        bool good = digits.size() >= 2 && digits.size() % 2 == 0;
        for (std::size_t i = 0; good && i < digits.size(); ++i)
            if (hex_value(digits[i]) < 0) good = false;
        if (!good)
            return fail(line, col,
                        "bad {{hex:" + show(digits) +
                            "}}: write an even number (at least 2) of hex digits, two per byte, as in {{hex:0d0a}}");
        std::string bytes;
        bytes.reserve(digits.size() / 2);
        for (std::size_t i = 0; i < digits.size(); i += 2)
            bytes.push_back(static_cast<char>(hex_value(digits[i]) * 16 + hex_value(digits[i + 1])));
        return emit(out, bytes, line, col, inner);
    }

    bool file(std::string_view path, std::string_view inner, std::size_t line, std::size_t col, Where where,
              std::string& out) {
        if (path.empty()) return fail(line, col, "{{file:}} needs a path: {{file:PATH}} (relative to the .req file)");
        std::string full;
        if (path.front() == '/' || opt_.base_dir.empty() || opt_.base_dir == ".") {
            full = std::string(path);
        } else {
            full = opt_.base_dir;
            if (full.back() != '/') full += '/';
            full.append(path);
        }
        FileRead got = read_file_(full, lim_.included_file_bytes);
        if (got.failure == ReadFailure::none && got.bytes.size() > lim_.included_file_bytes)
            got = FileRead{ReadFailure::too_large, {}, "is larger than " + size_name(lim_.included_file_bytes),
                           got.bytes.size()};
        std::string what = "'" + show(full, 200) + "' for {{file:" + show(path, 200) + "}}";
        switch (got.failure) {
            case ReadFailure::none: break;
            case ReadFailure::missing: {
                std::string msg = "cannot read " + what + ": it " + got.why;
                if (path.front() != '/') msg += " (PATH is relative to the .req file's folder)";
                return fail(line, col, std::move(msg));
            }
            case ReadFailure::not_regular:
                return fail(line, col, "cannot read " + what + ": it " + got.why + "; {{file:}} reads only regular files");
            case ReadFailure::too_large:
                // In a body the file is sent from disk as it goes out, never held.
                if (where == Where::body && streamed_) {
                    streamed_->push_back(StreamedFile{out.size(), full, got.size});
                    return true;
                }
                return fail(line, col,
                            what + " " + got.why + ", the most one {{file:}} may include in a " +
                                (where == Where::head ? "head" : "definition") +
                                " (in the body, a file of any size is sent from disk)");
            case ReadFailure::unreadable: return fail(line, col, "cannot read " + what + ": " + got.why);
        }
        return emit(out, got.bytes, line, col, inner);
    }

    // Composes the request whose request line is lines_[first]; `next` is
    // the index where the next request's preamble starts.
    bool request(std::size_t first, ComposedRequest& req, std::size_t& next) {
        const std::size_t n = lines_.size();
        std::size_t head_end = first;
        while (head_end < n && !lines_[head_end].content.empty() && !is_separator(lines_[head_end])) ++head_end;
        const bool has_blank = head_end < n && lines_[head_end].content.empty();
        std::size_t body_begin = has_blank ? head_end + 1 : head_end;
        std::size_t body_end = body_begin;
        if (has_blank)
            while (body_end < n && !is_separator(lines_[body_end])) ++body_end;
        const bool by_separator = body_end < n;
        next = by_separator ? body_end + 1 : n;

        const Eol mode = opt_.eol ? *opt_.eol : (file_eol_ ? *file_eol_ : Eol::crlf);
        req.eol = mode;
        req.line = lines_[first].number;
        req.target = target_;
        req.tls = tls_;
        if (opt_.eol && file_eol_ && *opt_.eol != *file_eol_)
            req.notes.push_back(opt_.eol_origin + " " + std::string(eol_name(*opt_.eol)) + " wins over '@eol = " +
                                std::string(eol_name(*file_eol_)) + "' (line " + std::to_string(file_eol_line_) + ")");

        // Head.
        std::string head;
        std::vector<std::size_t> marks;
        std::size_t converted = 0;
        std::string_view dropped_head_term;
        // The line after lines_[idx] starts there (past the file's end: the line after the last).
        auto next_line = [&](std::size_t idx) {
            return SourcePos{idx + 1 < n ? lines_[idx + 1].number : lines_[idx].number + 1, 1};
        };
        auto write_break = [&](std::string_view term, SourcePos next) {
            switch (mode) {
                case Eol::crlf:
                    emit_break(head, "\r\n", next);
                    if (term == "\n") ++converted;
                    break;
                case Eol::lf:
                    emit_break(head, "\n", next);
                    if (term == "\r\n") ++converted;
                    break;
                case Eol::keep: emit_break(head, term, next); break;
            }
        };
        // The head's line breaks, then the body's: the body is composed
        // before the head's missing empty line is added.
        std::vector<SourcePos> head_lines{SourcePos{lines_[first].number, 1}}, body_lines;
        wire_lines_ = &head_lines;
        recording_cut_ = false;
        for (std::size_t idx = first; idx < head_end; ++idx) {
            const Line ln = lines_[idx];
            if (!expand(ln.content, 0, ln.number, Where::head, head, &marks)) return false;
            if (!has_blank && idx + 1 == head_end && mode != Eol::keep) {
                dropped_head_term = ln.term;
                continue;
            }
            write_break(ln.term, next_line(idx));
        }
        if (has_blank) write_break(lines_[head_end].term, next_line(head_end));
        const bool head_cut = recording_cut_;
        wire_lines_ = &body_lines;

        // Body: its own bytes, minus the last line break before ### or the end.
        std::string body;
        std::string_view dropped_body_term;
        std::vector<StreamedFile> streamed;
        streamed_ = &streamed;
        for (std::size_t idx = body_begin; idx < body_end; ++idx) {
            const Line ln = lines_[idx];
            if (!expand(ln.content, 0, ln.number, Where::body, body, nullptr)) {
                streamed_ = nullptr;
                return false;
            }
            if (idx + 1 == body_end) dropped_body_term = ln.term;
            else emit_break(body, ln.term, next_line(idx));
        }
        streamed_ = nullptr;
        wire_lines_ = nullptr;
        std::uint64_t body_size = body.size();
        for (const auto& f : streamed) {
            body_size += f.size;
            req.notes.push_back("'" + show(f.path, 200) + "' (" + std::to_string(f.size) + " bytes, more than the " +
                                size_name(lim_.included_file_bytes) +
                                " a {{file:}} may hold) is read from disk as it is sent, never held in memory");
        }

        // {{content_length}}, now that the body is known.
        if (!marks.empty()) {
            std::string len = std::to_string(body_size);
            std::string spliced;
            spliced.reserve(head.size() + marks.size() * len.size());
            std::size_t from = 0;
            for (std::size_t m : marks) {
                spliced.append(head, from, m - from);
                spliced += len;
                from = m;
            }
            spliced.append(head, from, std::string::npos);
            head = std::move(spliced);
        }

        if (converted > 0) {
            if (mode == Eol::crlf)
                req.notes.push_back(std::string(kRoutineCrlfNote) + " on " + plural(converted, "line", "lines") +
                                    " of the head");
            else
                req.notes.push_back("CRLF line breaks sent as LF on " + plural(converted, "line", "lines") +
                                    " of the head");
        }

        // A head without its terminating empty line.
        if (!has_blank) {
            int ends = trailing_breaks(head);
            if (mode == Eol::keep) {
                if (ends < 2)
                    req.notes.push_back(
                        "the head has no terminating empty line and keep mode adds none: a server will wait for it");
            } else {
                std::string_view br = mode == Eol::crlf ? "\r\n" : "\n";
                std::string_view brn = mode == Eol::crlf ? "CRLF" : "LF";
                if (ends < 2) {
                    int add = 2 - ends;
                    // Written at the end of the head's last line.
                    const Line& last = lines_[head_end - 1];
                    for (int k = 0; k < add; ++k) {
                        head.append(br);
                        if (!head_cut) head_lines.push_back(SourcePos{last.number, last.content.size() + 1});
                    }
                    std::string what = add == 2 ? std::string(brn) + " " + std::string(brn) : std::string(brn);
                    req.notes.push_back("no empty line ends the head: added " + what +
                                        (add == 2 ? " (ending the last line, then the empty line)" : " (the empty line)"));
                } else if (!dropped_head_term.empty()) {
                    req.notes.push_back("the " + std::string(break_name(dropped_head_term)) +
                                        " after the last head line was not sent: the head already ends with an empty line");
                }
            }
        }

        if (!dropped_body_term.empty() && body_size > 0) {
            std::string_view bn = break_name(dropped_body_term);
            std::string where = by_separator ? "before ###" : "at the end of the file";
            req.notes.push_back("the " + std::string(bn) + " " + where +
                                " is the editor's, not the body's, and was not sent (write {{" + std::string(bn) +
                                "}} to send one)");
        }

        req.head_bytes = head.size();
        req.method = method_of(head);
        req.host_header = host_of(head);
        for (auto& f : streamed) f.at += head.size();
        req.streamed = std::move(streamed);
        head.reserve(head.size() + body.size());
        head.append(body);
        req.bytes = std::move(head);
        // The body's lines follow the head's only when every head line was recorded.
        if (!head_cut) head_lines.insert(head_lines.end(), body_lines.begin(), body_lines.end());
        req.wire_lines = std::move(head_lines);
        return true;
    }

    static std::string method_of(std::string_view head) {
        std::size_t s = 0;
        while (s < head.size() && (head[s] == '\r' || head[s] == '\n')) ++s;
        std::size_t e = s;
        while (e < head.size() && head[e] != ' ' && head[e] != '\t' && head[e] != '\r' && head[e] != '\n') ++e;
        return std::string(head.substr(s, e - s));
    }

    // The trimmed value of the first Host field of a composed head.
    static std::optional<std::string> host_of(std::string_view head) {
        std::size_t pos = head.find('\n');
        if (pos == std::string_view::npos) return std::nullopt;
        ++pos;  // skip the request line
        while (pos < head.size()) {
            std::size_t nl = head.find('\n', pos);
            std::string_view ln = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
            if (ln.empty()) break;  // the end of the head
            std::size_t colon = ln.find(':');
            if (colon != std::string_view::npos) {
                std::string_view name = ln.substr(0, colon);
                while (!name.empty() && is_ws(name.back())) name.remove_suffix(1);
                if (iequals(name, "host")) return std::string(trim(ln.substr(colon + 1)));
            }
            if (nl == std::string_view::npos) break;
            pos = nl + 1;
        }
        return std::nullopt;
    }
};

}  // namespace

std::size_t ComposedRequest::source_line(std::size_t wire_line) const {
    if (wire_line == 0) return line;
    if (wire_line <= wire_lines.size()) return wire_lines[wire_line - 1].line;
    const std::size_t last = wire_lines.empty() ? line : wire_lines.back().line;
    return last + wire_line - std::max<std::size_t>(wire_lines.size(), 1);
}

ComposeOutput compose_requests(std::string_view text, const ComposeOptions& options) {
    Composer composer(text, options);
    return composer.run();
}

}  // namespace rawhttp
