// The .http front end. Two passes over the file: the first only learns which
// request carries which # @name (a reference may name a request written
// further down, which is then reported as not earlier); the second translates.
// Each translated line remembers the .http line it comes from, so that the
// composer's messages and request lines point into the file the user wrote.
//
// One job, hence the length: the translator's parts (variables, dynamic
// variables, references, bodies, the request line and its defaults) share one
// state, the line being translated and where each output line came from. The
// dates it writes are http_dates.cpp.
#include "compose/http_file.hpp"
#include "compose/http_dates.hpp"
#include "compose/text.hpp"

#include <chrono>
#include <ctime>
#include <map>
#include <random>

namespace rawhttp {

namespace {

using namespace compose_text;
using http_dates::add_offset;
using http_dates::iso8601;
using http_dates::rfc1123;

// .http files are UTF-8 text: quoted in messages as they are, controls escaped.
std::string show_text(std::string_view s, std::size_t limit = 60) { return show(s, limit, true); }

// A value written into the .req text so that the composer sends exactly its
// bytes: as it is when it holds no brace and no control byte, else as hex.
std::string req_literal(std::string_view v) {
    bool plain = true;
    for (char ch : v) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f || c == '{' || c == '}') plain = false;
    }
    return plain ? std::string(v) : hex_expr(v);
}

using SrcLine = SourceLine;

bool is_separator(std::string_view c) { return c.substr(0, 3) == "###"; }

bool is_comment(std::string_view c) {
    std::string_view t = trim(c);
    return t.starts_with("#") || t.starts_with("//");
}

// "# @name login", "// @name login", "# @name = login": the name, else empty.
std::string name_comment(std::string_view c) {
    std::string_view t = trim(c);
    if (t.starts_with("#")) t.remove_prefix(1);
    else if (t.starts_with("//")) t.remove_prefix(2);
    else return {};
    t = trim(t);
    if (!t.starts_with("@name")) return {};
    t.remove_prefix(5);
    if (!t.empty() && !is_ws(t.front()) && t.front() != '=') return {};
    t = trim(t);
    if (t.starts_with("=")) t = trim(t.substr(1));
    return is_name(t) ? std::string(t) : std::string();
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_ws(s[i])) ++i;
        std::size_t b = i;
        while (i < s.size() && !is_ws(s[i])) ++i;
        if (i > b) out.push_back(s.substr(b, i - b));
    }
    return out;
}

// One piece of an expanded line: a value to be written exactly (`value`), or
// text the composer reads as it is (a .req expression, an unknown name).
struct Piece {
    bool value = false;
    std::string text;
};

// A request line as a note quotes it: an unfilled reference as the file wrote it.
std::string shown_unfilled(std::string s) {
    const std::string_view escaped = "{{\"{{\"}}";
    for (std::size_t at = s.find(escaped); at != std::string::npos; at = s.find(escaped, at + 2)) s.replace(at, escaped.size(), "{{");
    return s;
}

std::string to_req(const std::vector<Piece>& pieces) {
    std::string out;
    for (const auto& p : pieces) out += p.value ? req_literal(p.text) : p.text;
    return out;
}

std::string flat(const std::vector<Piece>& pieces) {
    std::string out;
    for (const auto& p : pieces) out += p.text;
    return out;
}

struct OutLine {
    std::string text;
    std::string_view term;
    std::size_t source = 0;  // 1-based .http line
};

// A response reference met in the file, where it is written.
struct RefUse {
    ResponseRef ref;
    std::size_t line = 0;
    std::size_t request = 0;          // the named request's index
    std::optional<std::string> fail;  // why it could not be filled, when it had to be
    bool filled = false;
};

class Translator {
public:
    Translator(std::string_view text, const ComposeOptions& o, const HttpFileOptions& h,
               const std::map<std::string, std::size_t, std::less<>>* names)
        : opt_(o), http_(h), names_(names), lines_(source_lines(text)) {}

    std::optional<ComposeError> error;
    std::vector<OutLine> out;
    std::vector<HttpRequestInfo> requests;
    std::vector<std::vector<std::string>> notes;  // per request
    std::map<std::string, std::size_t, std::less<>> names;  // # @name -> request index

    void run() {
        std::size_t i = 0;
        const std::size_t n = lines_.size();
        while (i < n && !error) {
            std::string name;
            // Preamble: blank lines, comments (# @name among them), @definitions.
            while (i < n) {
                const SrcLine& ln = lines_[i];
                std::string_view t = trim(ln.content);
                if (is_separator(ln.content)) {
                    emit("###", ln);
                } else if (t.empty()) {
                    emit("", ln);
                } else if (t.starts_with("<") && t.find("{%") != std::string_view::npos) {
                    fail(ln.number, 1, "a JetBrains pre-request script ('< {% ... %}') is JavaScript, which rawhttp does "
                                       "not run: remove it and set the variables with @name = value" +
                                           (opt_.var_origin.empty() ? std::string() : " or " + opt_.var_origin));
                    return;
                } else if (is_comment(ln.content)) {
                    if (auto nm = name_comment(ln.content); !nm.empty()) name = nm;
                    emit(std::string(ln.content), ln);
                } else if (t.starts_with("@")) {
                    if (!definition(ln)) return;
                } else {
                    break;
                }
                ++i;
            }
            if (i >= n) break;
            if (!request(i, name)) return;
        }
    }

private:
    struct Def {
        std::string raw;               // the expanded value, for URLs
        std::vector<RefUse> refs;      // response references it holds (directly or through other variables)
    };

    const ComposeOptions& opt_;
    const HttpFileOptions& http_;
    const std::map<std::string, std::size_t, std::less<>>* names_;  // from the first pass (null: this is it)
    std::vector<SrcLine> lines_;
    std::map<std::string, Def, std::less<>> defs_;
    std::optional<std::map<std::string, std::string>> dotenv_;
    std::size_t current_ = 0;  // the index of the request being translated
    // References met while expanding the current line (directly or through a variable).
    std::vector<RefUse>* refs_out_ = nullptr;

    bool fail(std::size_t line, std::size_t column, std::string message) {
        if (!error) error = ComposeError{opt_.file_name, line, column, std::move(message)};
        return false;
    }

    void emit(std::string text, const SrcLine& ln) { out.push_back(OutLine{std::move(text), ln.term, ln.number}); }
    void emit_added(std::string text, std::size_t source) { out.push_back(OutLine{std::move(text), "\n", source}); }

    std::int64_t now_ms() const {
        if (http_.now_ms) return http_.now_ms();
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    std::uint64_t random() const {
        if (http_.random) return http_.random();
        static std::mt19937_64 gen{std::random_device{}()};
        return gen();
    }

    bool definition(const SrcLine& ln) {
        std::string_view c = ln.content;
        std::size_t at = c.find('@');
        std::size_t e = at + 1;
        while (e < c.size() && is_name_char(c[e])) ++e;
        std::string name(c.substr(at + 1, e - at - 1));
        std::size_t eq = c.find('=', e);
        if (name.empty() || eq == std::string_view::npos || !trim(c.substr(e, eq - e)).empty()) {
            // The composer says what is wrong with it.
            emit(std::string(c), ln);
            return true;
        }
        std::vector<RefUse> refs;
        refs_out_ = &refs;
        std::vector<Piece> pieces;
        std::string_view value = trim(c.substr(eq + 1));
        bool ok = expand(value, static_cast<std::size_t>(value.data() - c.data()), ln.number, pieces, true);
        refs_out_ = nullptr;
        if (!ok) return false;
        defs_[name] = Def{flat(pieces), std::move(refs)};
        emit("@" + name + " = " + to_req(pieces), ln);
        return true;
    }

    // Expands the system variables, response references and (with
    // `all_names`, or in a URL) the variables of `s`. Unknown names and the
    // .req expressions are left for the composer.
    bool expand(std::string_view s, std::size_t offset, std::size_t line, std::vector<Piece>& out,
                bool names_too = false) {
        std::size_t pos = 0;
        while (pos < s.size()) {
            std::size_t b = s.find("{{", pos);
            if (b == std::string_view::npos) {
                out.push_back(Piece{false, std::string(s.substr(pos))});
                return true;
            }
            std::size_t e = b;
            while (e < s.size() && s[e] == '{') ++e;
            std::size_t start = e - 2;
            out.push_back(Piece{false, std::string(s.substr(pos, start - pos))});
            std::size_t q = start + 2;
            while (q < s.size() && is_ws(s[q])) ++q;
            if (q < s.size() && s[q] == '"') {  // a .req literal {{"..."}}: the composer's
                std::size_t close = s.find('"', q + 1);
                std::size_t end = close == std::string_view::npos ? std::string_view::npos : s.find("}}", close);
                if (end == std::string_view::npos) {
                    out.push_back(Piece{false, std::string(s.substr(start))});
                    return true;
                }
                out.push_back(Piece{false, std::string(s.substr(start, end + 2 - start))});
                pos = end + 2;
                continue;
            }
            std::size_t close = s.find("}}", start + 2);
            if (close == std::string_view::npos) {  // the composer reports it
                out.push_back(Piece{false, std::string(s.substr(start))});
                return true;
            }
            std::string_view whole = s.substr(start, close + 2 - start);
            std::string_view inner = trim(s.substr(start + 2, close - start - 2));
            std::size_t col = offset + start + 1;
            pos = close + 2;
            if (!inner.empty() && inner.front() == '$') {
                std::string v;
                if (!system_variable(inner, line, col, v)) return false;
                out.push_back(Piece{true, std::move(v)});
                continue;
            }
            if (looks_like_response_ref(inner)) {
                if (!reference(inner, line, col, out)) return false;
                continue;
            }
            if (is_name(inner) && !opt_.vars.count(std::string(inner))) {
                if (auto it = defs_.find(inner); it != defs_.end()) {
                    if (refs_out_) refs_out_->insert(refs_out_->end(), it->second.refs.begin(), it->second.refs.end());
                    if (names_too) {
                        // A value that still holds a .req expression is left for the composer to expand.
                        bool kept = it->second.raw.find("{{") != std::string::npos;
                        out.push_back(Piece{!kept, it->second.raw});
                        continue;
                    }
                }
            } else if (names_too && is_name(inner)) {
                out.push_back(Piece{true, opt_.vars.find(std::string(inner))->second});
                continue;
            }
            out.push_back(Piece{false, std::string(whole)});
        }
        return true;
    }

    bool reference(std::string_view inner, std::size_t line, std::size_t col, std::vector<Piece>& out) {
        auto ref = parse_response_ref(inner);
        if (!ref) return fail(line, col, ref.error().message);
        const std::string unfilled = "{{\"{{\"}}" + std::string(inner) + "}}";
        if (!names_) {  // the first pass: names are not known yet
            out.push_back(Piece{false, unfilled});
            return true;
        }
        auto it = names_->find(ref->name);
        if (it == names_->end())
            return fail(line, col,
                        "{{" + show_text(inner) + "}} names a request '" + show_text(ref->name) +
                            "', and no request has '# @name " + show_text(ref->name) + "' (write it in the comment lines above the request line)");
        RefUse use{*ref, line, it->second, std::nullopt, false};
        if (http_.fill_request && it->second < *http_.fill_request && http_.lookup) {
            auto v = http_.lookup(*ref, it->second);
            if (v) {
                use.filled = true;
                out.push_back(Piece{true, *v});
            } else {
                use.fail = v.error().message;
                out.push_back(Piece{false, unfilled});
            }
        } else {
            out.push_back(Piece{false, unfilled});
        }
        if (refs_out_) refs_out_->push_back(std::move(use));
        return true;
    }

    bool system_variable(std::string_view inner, std::size_t line, std::size_t col, std::string& v) {
        std::vector<std::string_view> w = words(inner);
        std::string_view name = w[0];
        auto bad = [&](std::string why) { return fail(line, col, "{{" + show_text(inner) + "}}: " + why); };
        auto time_with_offset = [&](std::size_t from, std::int64_t& ms) {
            ms = now_ms();
            if (w.size() == from) return true;
            if (w.size() != from + 2) return bad("an offset is written 'N unit', as in {{$timestamp -1 d}}");
            auto t = add_offset(ms, w[from], w[from + 1]);
            if (!t) return bad("'" + show_text(std::string(w[from])) + " " + show_text(std::string(w[from + 1])) +
                               "' is not an offset: a whole number and one of y M w d h m s ms");
            ms = *t;
            return true;
        };
        if (name == "$guid" || name == "$uuid" || name == "$random.uuid") {
            std::uint64_t a = random(), b = random();
            unsigned char bytes[16];
            for (int k = 0; k < 8; ++k) bytes[k] = static_cast<unsigned char>(a >> (8 * k));
            for (int k = 0; k < 8; ++k) bytes[8 + k] = static_cast<unsigned char>(b >> (8 * k));
            bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
            bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
            static const char digits[] = "0123456789abcdef";
            for (int k = 0; k < 16; ++k) {
                if (k == 4 || k == 6 || k == 8 || k == 10) v += '-';
                v += digits[bytes[k] >> 4];
                v += digits[bytes[k] & 15];
            }
            return true;
        }
        if (name == "$randomInt") {
            std::int64_t lo = 0, hi = 1000;  // JetBrains' {{$randomInt}}: 0 to 1000
            if (w.size() != 1) {
                auto num = [](std::string_view s, std::int64_t& out) {
                    if (s.empty() || s.size() > 15) return false;
                    std::size_t i = s[0] == '-' ? 1 : 0;
                    if (i == s.size()) return false;
                    std::int64_t n = 0;
                    for (; i < s.size(); ++i) {
                        if (s[i] < '0' || s[i] > '9') return false;
                        n = n * 10 + (s[i] - '0');
                    }
                    out = s[0] == '-' ? -n : n;
                    return true;
                };
                if (w.size() != 3 || !num(w[1], lo) || !num(w[2], hi) || lo >= hi)
                    return bad("write {{$randomInt MIN MAX}} with whole numbers MIN < MAX (MAX itself is never chosen)");
            } else {
                hi = 1001;
            }
            v = std::to_string(lo + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(hi - lo)));
            return true;
        }
        if (name == "$timestamp") {
            std::int64_t ms;
            if (!time_with_offset(1, ms)) return false;
            v = std::to_string(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
            return true;
        }
        if (name == "$isoTimestamp") {
            if (w.size() != 1) return bad("{{$isoTimestamp}} takes nothing more");
            v = iso8601(now_ms());
            return true;
        }
        if (name == "$datetime" || name == "$localDatetime") {
            if (w.size() < 2) return bad("say the format: {{$datetime iso8601}} or {{$datetime rfc1123}}");
            std::int64_t ms;
            if (!time_with_offset(2, ms)) return false;
            if (w[1] == "rfc1123") v = rfc1123(ms);
            else if (w[1] == "iso8601") v = iso8601(ms);
            else return bad("rawhttp writes the formats iso8601 and rfc1123, not " + show_text(std::string(w[1])));
            if (name == "$localDatetime" && w[1] == "iso8601") {
                // Local time with its offset from UTC, as the editors write it.
                std::time_t t = static_cast<std::time_t>(ms / 1000);
                std::tm tm{};
                ::localtime_r(&t, &tm);
                long off = tm.tm_gmtoff;
                v = http_dates::iso8601_at_offset(ms, off);
            }
            return true;
        }
        if (name == "$processEnv") {
            if (w.size() != 2) return bad("name one variable: {{$processEnv NAME}}");
            if (w[1].starts_with("%")) return bad("the indirect form %NAME is not supported: name the variable itself");
            auto got = opt_.getenv ? opt_.getenv(std::string(w[1])) : std::nullopt;
            if (!opt_.getenv) {
                const char* e = std::getenv(std::string(w[1]).c_str());
                if (e) got = std::string(e);
            }
            if (!got) return bad("the environment variable '" + show_text(std::string(w[1])) + "' is not set: export it");
            v = *got;
            return true;
        }
        if (name == "$dotenv") {
            if (w.size() != 2) return bad("name one variable: {{$dotenv NAME}}");
            if (!load_dotenv(line, col)) return false;
            auto it = dotenv_->find(std::string(w[1]));
            if (it == dotenv_->end())
                return bad("'" + show_text(std::string(w[1])) + "' is not in the .env file next to the .http file");
            v = it->second;
            return true;
        }
        return bad("unknown system variable: rawhttp knows $guid ($uuid, $random.uuid), $randomInt MIN MAX, "
                   "$timestamp, $isoTimestamp, $datetime iso8601|rfc1123, $localDatetime, $processEnv NAME, $dotenv NAME");
    }

    bool load_dotenv(std::size_t line, std::size_t col) {
        if (dotenv_) return true;
        std::string path = opt_.base_dir.empty() || opt_.base_dir == "." ? ".env" : opt_.base_dir + "/.env";
        FileRead got = opt_.read_file ? opt_.read_file(path, 64 * 1024) : read_regular_file(path, 64 * 1024);
        if (got.failure != ReadFailure::none)
            return fail(line, col, "{{$dotenv}} reads '" + show_text(path, 200) + "', which " +
                                       (got.why.empty() ? std::string("cannot be read") : got.why));
        dotenv_.emplace();
        for (const SrcLine& l : source_lines(got.bytes)) {
            std::string_view t = trim(l.content);
            if (t.empty() || t.front() == '#') continue;
            if (t.starts_with("export ")) t = trim(t.substr(7));
            std::size_t eq = t.find('=');
            if (eq == std::string_view::npos) continue;
            std::string_view key = trim(t.substr(0, eq)), val = trim(t.substr(eq + 1));
            if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'') && val.back() == val.front())
                val = val.substr(1, val.size() - 2);
            (*dotenv_)[std::string(key)] = std::string(val);
        }
        return true;
    }

    static std::optional<std::string_view> header_name(std::string_view line) {
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        return trim(line.substr(0, colon));
    }

    bool request(std::size_t& i, const std::string& name) {
        const std::size_t n = lines_.size();
        current_ = requests.size();
        HttpRequestInfo started;
        started.name = name;
        started.line = lines_[i].number;
        requests.push_back(std::move(started));
        notes.emplace_back();
        if (!name.empty() && !names_) names.emplace(name, current_);
        std::vector<RefUse> refs;
        refs_out_ = &refs;
        auto& info = requests.back();
        auto& my_notes = notes.back();

        // The request line, with REST Client's query continuation lines (? and &).
        const SrcLine& rl = lines_[i];
        std::vector<Piece> pieces;
        if (!expand(rl.content, 0, rl.number, pieces, true)) return false;
        std::string line = flat(pieces);
        ++i;
        while (i < n) {
            std::string_view t = trim(lines_[i].content);
            if (!t.starts_with("?") && !t.starts_with("&")) break;
            std::vector<Piece> more;
            if (!expand(t, static_cast<std::size_t>(t.data() - lines_[i].content.data()), lines_[i].number, more, true))
                return false;
            line += flat(more);
            ++i;
        }
        std::vector<std::string_view> w = words(line);
        std::string method = "GET", url, version;
        if (w.size() == 1) {
            url = std::string(w[0]);
            my_notes.push_back("no method: GET, as the editors send");
        } else if (w.size() == 2 || w.size() == 3) {
            method = std::string(w[0]);
            url = std::string(w[1]);
            if (w.size() == 3) version = std::string(w[2]);
        } else {
            return fail(rl.number, 1, "a request line is METHOD URL [HTTP/1.1]; this one has " +
                                          std::to_string(w.size()) + " words: '" + show_text(line) + "'");
        }
        std::optional<std::string> host;
        std::string target = url;
        std::string_view u(url);
        bool https = u.size() > 8 && iequals(u.substr(0, 8), "https://");
        bool http = u.size() > 7 && iequals(u.substr(0, 7), "http://");
        if (https || http) {
            std::string_view rest = u.substr(https ? 8 : 7);
            std::size_t end = rest.find_first_of("/?#");
            std::string_view authority = rest.substr(0, end);
            if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
            if (authority.empty()) return fail(rl.number, 1, "the URL '" + show_text(url) + "' names no host");
            std::string_view path = end == std::string_view::npos ? std::string_view("/") : rest.substr(end);
            if (std::size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
            target = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
            host = std::string(authority);
            info.tls = https;
            my_notes.push_back("the URL " + shown_unfilled(show_text(url, 200)) + " is sent as the target " +
                               shown_unfilled(show_text(target, 200)) + ", with Host: " + show_text(*host) +
                               (https ? ", over TLS (https)" : " (http, no TLS)"));
        }
        if (version.empty()) {
            version = "HTTP/1.1";
            my_notes.push_back("no HTTP version: HTTP/1.1 added, as the editors send");
        }
        auto safe = [](const std::string& s) {  // controls in a request line: hex, the rest as written
            std::string o;
            for (char ch : s) {
                auto c = static_cast<unsigned char>(ch);
                if (c < 0x20 || c == 0x7f) o += req_literal(std::string(1, ch));
                else o += ch;
            }
            return o;
        };
        emit(safe(method) + " " + safe(target) + " " + safe(version), rl);

        // The head: comment lines are the editor's, not the request's.
        std::vector<std::pair<std::string, const SrcLine*>> head;
        bool has_host = false, has_length = false;
        while (i < n && !trim(lines_[i].content).empty() && !is_separator(lines_[i].content)) {
            const SrcLine& ln = lines_[i++];
            if (is_comment(ln.content)) continue;
            std::vector<Piece> hp;
            if (!expand(ln.content, 0, ln.number, hp)) return false;
            if (auto hn = header_name(ln.content)) {
                if (iequals(*hn, "host")) has_host = true;
                if (iequals(*hn, "content-length") || iequals(*hn, "transfer-encoding")) has_length = true;
            }
            head.emplace_back(to_req(hp), &ln);
        }
        if (host && !has_host) emit_added("Host: " + safe(*host), rl.number);
        else if (host) my_notes.push_back("the file's own Host header is sent, not the URL's host");
        for (auto& [text, ln] : head) emit(std::move(text), *ln);

        // The body, up to ### or the end; blank lines at its end are not sent.
        std::vector<std::pair<std::string, const SrcLine*>> body;
        const SrcLine* blank = nullptr;
        if (i < n && !is_separator(lines_[i].content)) blank = &lines_[i++];
        while (blank && i < n && !is_separator(lines_[i].content)) {
            const SrcLine& ln = lines_[i++];
            std::string_view t = trim(ln.content);
            if (t.starts_with("> {%") || t.starts_with(">{%") || t.starts_with(">> ") || t.starts_with(">>! ") ||
                (t.starts_with("> ") && ends_with_ci(t, ".js")))
                return fail(ln.number, 1,
                            t.starts_with(">>")
                                ? "'>>' saves the response to a file in JetBrains' client; rawhttp does not: use send -o FILE"
                                : "a JetBrains response handler script ('> {% ... %}' or '> script.js') is JavaScript, which "
                                  "rawhttp does not run: remove it (for a value from a response, use # @name and "
                                  "{{NAME.response.body.$.PATH}})");
            if (t.starts_with("<@") || (t.starts_with("< ") && t.size() > 2)) {
                bool with_vars = t.starts_with("<@");
                std::string_view path = trim(t.substr(2));
                std::vector<Piece> pp;
                if (!expand(path, 0, ln.number, pp, true)) return false;
                std::string p = flat(pp);
                while (p.starts_with("./")) p.erase(0, 2);
                if (p.empty()) return fail(ln.number, 1, "'<' needs a file name: '< ./body.json'");
                if (!with_vars) {
                    body.emplace_back("{{file:" + p + "}}", &ln);
                } else {
                    std::string full = p.front() == '/' || opt_.base_dir.empty() || opt_.base_dir == "." ? p : opt_.base_dir + "/" + p;
                    FileRead got = opt_.read_file ? opt_.read_file(full, opt_.limits.included_file_bytes)
                                                  : read_regular_file(full, opt_.limits.included_file_bytes);
                    if (got.failure != ReadFailure::none)
                        return fail(ln.number, 1, "cannot read '" + show_text(full, 200) + "' for '<@': it " +
                                                      (got.why.empty() ? std::string("cannot be read") : got.why));
                    std::vector<Piece> fp;
                    if (!expand(got.bytes, 0, ln.number, fp, true)) return false;
                    std::string bytes = flat(fp);
                    body.emplace_back(req_literal(bytes), &ln);
                }
                continue;
            }
            std::vector<Piece> bp;
            if (!expand(ln.content, 0, ln.number, bp)) return false;
            body.emplace_back(to_req(bp), &ln);
        }
        while (!body.empty() && trim(body.back().second->content).empty()) body.pop_back();
        if (!body.empty() && !has_length) {
            emit_added("Content-Length: {{content_length}}", rl.number);
            my_notes.push_back("Content-Length added for the body, as the editors send it");
        }
        if (blank) emit("", *blank);
        for (auto& [text, ln] : body) emit(std::move(text), *ln);
        // A "### text" line may be meant as part of the body (a Markdown heading): say where it cut.
        if (i < n && is_separator(lines_[i].content) && !body.empty() && !trim(lines_[i].content.substr(3)).empty()) {
            std::string_view sep = trim(lines_[i].content);
            my_notes.push_back("line " + std::to_string(lines_[i].number) + ": '" + show_text(sep) +
                               "' ends this request's body: the editors start the next request there");
        }
        refs_out_ = nullptr;

        // Every reference the request needs: to an earlier request, filled when it is due.
        for (auto& r : refs) {
            if (r.request >= current_)
                return fail(r.line, 1,
                            "{{" + show_text(r.ref.text) + "}} refers to '" + show_text(r.ref.name) + "', request " +
                                std::to_string(r.request + 1) + (r.request == current_ ? " (this one)" : "") +
                                ", which is not sent before this one: a reference is filled from an earlier response");
            if (http_.fill_request && *http_.fill_request == current_ && !r.filled)
                return fail(r.line, 1,
                            "{{" + show_text(r.ref.text) + "}} cannot be filled from the response to request " +
                                std::to_string(r.request + 1) + " '" + show_text(r.ref.name) + "': " +
                                (r.fail ? *r.fail : std::string("that request has no response")) +
                                "; this request was not sent");
            bool seen = false;
            for (const auto& wt : info.waits) seen = seen || (wt.text == r.ref.text && wt.line == r.line);
            if (!seen) info.waits.push_back(ResponseWait{r.ref.text, r.line, r.request, r.ref.name});
        }
        return true;
    }
};

}  // namespace

Dialect detect_dialect(std::string_view file_name, std::string_view text) {
    if (ends_with_ci(file_name, ".http") || ends_with_ci(file_name, ".rest")) return Dialect::http;
    for (const SrcLine& ln : source_lines(text.substr(0, 64 * 1024))) {
        std::string_view t = trim(ln.content);
        if (t.empty() || t.starts_with("#") || t.starts_with("//")) continue;
        if (!t.starts_with("@")) break;
        std::string_view def = t.substr(1);
        if (!def.starts_with("format")) continue;
        def = trim(def.substr(6));
        if (def.starts_with("=") && trim(def.substr(1)) == "http") return Dialect::http;
    }
    return Dialect::req;
}

HttpFileOutput compose_http_file(std::string_view text, const ComposeOptions& options, const HttpFileOptions& http) {
    HttpFileOutput result;
    if (text.size() > options.limits.req_file_bytes) {
        result.composed = compose_requests(text, options);  // the composer words the size error
        return result;
    }
    Translator first(text, options, http, nullptr);
    first.run();
    if (first.error) {
        result.composed.error = first.error;
        return result;
    }
    Translator tr(text, options, http, &first.names);
    tr.run();
    if (tr.error) {
        result.composed.error = tr.error;
        return result;
    }
    std::string req;
    for (const auto& l : tr.out) {
        req += l.text;
        req += l.term;
    }
    result.composed = compose_requests(req, options);
    result.req_text = std::move(req);
    auto source = [&](std::size_t line) { return line >= 1 && line <= tr.out.size() ? tr.out[line - 1].source : line; };
    if (result.composed.error) {
        result.composed.error->line = source(result.composed.error->line);
        return result;
    }
    if (result.composed.requests.size() != tr.requests.size()) {
        result.composed.requests.clear();
        result.composed.error = ComposeError{options.file_name, 1, 1,
                                             "rawhttp could not match the requests of this .http file to the ones it "
                                             "composed (a request line that reads as a comment or a definition?)"};
        return result;
    }
    for (std::size_t k = 0; k < tr.requests.size(); ++k) {
        auto& r = result.composed.requests[k];
        r.line = source(r.line);
        // The .req text's lines are this file's: say which of its lines each wire line came from.
        for (auto& w : r.wire_lines) w.line = source(w.line);
        if (tr.requests[k].tls) r.tls = tr.requests[k].tls;
        std::vector<std::string> notes = tr.notes[k];
        for (const auto& w : tr.requests[k].waits)
            notes.push_back("{{" + w.text + "}} (line " + std::to_string(w.line) + ") waits for the response to request " +
                            std::to_string(w.request + 1) + " '" + w.name + "' (line " +
                            std::to_string(tr.requests[w.request].line) + "): shown unfilled until send fills it");
        notes.insert(notes.end(), r.notes.begin(), r.notes.end());
        r.notes = std::move(notes);
    }
    result.requests = std::move(tr.requests);
    return result;
}

}  // namespace rawhttp
