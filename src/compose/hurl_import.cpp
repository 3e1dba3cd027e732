#include "compose/hurl_import.hpp"
#include "compose/text.hpp"

#include "core/base64.hpp"
#include "core/wording.hpp"

#include <cctype>

namespace rawhttp {

namespace {

using compose_text::ends_with_ci;
using compose_text::hex_expr;
using compose_text::trim;

// "HTTP 200", "HTTP/1.1 404", "HTTP/2 *", "HTTP *": a Hurl response section's first line.
bool is_status_line(std::string_view t) {
    if (!t.starts_with("HTTP")) return false;
    std::string_view rest = t.substr(4);
    if (rest.starts_with("/")) {
        std::size_t sp = rest.find(' ');
        if (sp == std::string_view::npos) return false;
        for (char c : rest.substr(1, sp - 1))
            if (!(c >= '0' && c <= '9') && c != '.') return false;
        rest = rest.substr(sp);
    }
    if (!rest.starts_with(" ")) return false;
    rest = trim(rest);
    if (rest == "*") return true;
    if (rest.size() != 3) return false;
    for (char c : rest)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

bool looks_like_hurl(std::string_view file_name, std::string_view text) {
    if (ends_with_ci(file_name, ".hurl")) return true;
    // A .req may hold a response's text in its body (a pipelining lesson): only
    // files named otherwise (standard input, FILE.txt) are judged by their lines.
    for (std::string_view own : {".req", ".http", ".rest"})
        if (ends_with_ci(file_name, own)) return false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        if (line == "[Asserts]" || line == "[Captures]" || is_status_line(line)) return true;
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return false;
}

std::optional<std::string> hurl_send_error(std::string_view file_name, std::string_view text) {
    if (!looks_like_hurl(file_name, text)) return std::nullopt;
    std::string name = file_name.empty() ? std::string("FILE.hurl") : std::string(file_name);
    return "'" + name + "' is a Hurl file (its response sections, [Asserts] and [Captures] are Hurl's, not a .req's): "
           "turn it into a .req with 'rawhttp import " + name + " -o FILE.req', then send that";
}

namespace {

using HLine = compose_text::SourceLine;

// A Hurl file's lines; a CR ending the last line (no LF after it) is its
// line break too.
std::vector<HLine> hurl_lines(std::string_view text) {
    std::vector<HLine> out = compose_text::source_lines(text);
    if (!out.empty() && out.back().term.empty() && out.back().content.ends_with('\r'))
        out.back().content.remove_suffix(1);
    return out;
}

bool is_method(std::string_view t) {
    if (t.empty()) return false;
    for (char c : t)
        if (c < 'A' || c > 'Z') return false;
    return true;
}

// "GET https://x/": a Hurl entry's first line.
bool is_request_line(std::string_view t) {
    if (is_status_line(t)) return false;
    std::size_t sp = t.find(' ');
    if (sp == std::string_view::npos || !is_method(t.substr(0, sp))) return false;
    return !trim(t.substr(sp)).empty();
}

// "[Asserts]": the section's name, else empty.
std::string_view section_name(std::string_view t) {
    if (t.size() < 3 || t.front() != '[' || t.back() != ']') return {};
    std::string_view name = t.substr(1, t.size() - 2);
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return {};
    return name;
}

// A comment starts with # (not \\#, not inside the quotes of an assert).
std::string_view strip_comment(std::string_view t) {
    bool quoted = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '"' && (i == 0 || t[i - 1] != '\\')) quoted = !quoted;
        if (t[i] == '#' && !quoted && (i == 0 || t[i - 1] != '\\')) return trim(t.substr(0, i));
    }
    return trim(t);
}

// A key-value line's value, as written: Hurl sends quotes in a header or
// parameter value as they are (SOAPAction: "urn:x"), and \# is a '#'.
std::string unquote(std::string_view v) {
    v = trim(v);
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == '#') continue;
        out += v[i];
    }
    return out;
}

bool split_key_value(std::string_view t, std::string& key, std::string& value) {
    std::size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    key = std::string(trim(t.substr(0, colon)));
    value = unquote(t.substr(colon + 1));
    return !key.empty();
}

// application/x-www-form-urlencoded and query strings: all but A-Z a-z 0-9 - . _ ~ percent-encoded,
// except {{...}} templates, which stay for --var.
std::string url_encode(std::string_view s) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.substr(i, 2) == "{{") {
            std::size_t close = s.find("}}", i + 2);
            if (close != std::string_view::npos) {
                out.append(s.substr(i, close + 2 - i));
                i = close + 1;
                continue;
            }
        }
        auto c = static_cast<unsigned char>(s[i]);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string lines(std::size_t n) { return plural(n, "line"); }

// Where a JSON value that starts at lines[i] ends: the line where its
// brackets balance, strings skipped. npos when they never do.
std::size_t json_end(const std::vector<HLine>& lines, std::size_t i) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t k = i; k < lines.size(); ++k) {
        for (char c : lines[k].content) {
            if (in_string) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') in_string = false;
                continue;
            }
            if (c == '"') in_string = true;
            else if (c == '{' || c == '[') ++depth;
            else if (c == '}' || c == ']') --depth;
        }
        if (depth <= 0) return k;
    }
    return std::string_view::npos;
}

struct Entry {
    std::size_t line = 0;
    std::string method, url;
    std::vector<std::pair<std::string, std::string>> headers, query, form, cookies;
    std::optional<std::pair<std::string, std::string>> basic_auth;
    std::string body;               // as .req text (expressions allowed)
    std::string implicit_type;      // the Content-Type Hurl adds for a typed body
    bool has_body = false;
};

class HurlReader {
public:
    explicit HurlReader(std::string_view text) : lines_(hurl_lines(text)) {}

    Result<HurlImport> run() {
        HurlImport out;
        std::size_t i = 0;
        std::vector<Entry> entries;
        for (std::string_view t = next_content(i); !t.empty(); t = next_content(i)) {
            if (!is_request_line(t))
                return error(lines_[i].number, "expected a request line such as 'GET https://example.org/', not '" +
                                                   std::string(t.substr(0, 60)) + "'");
            Entry e;
            if (auto err = entry(i, e)) return *err;
            entries.push_back(std::move(e));
        }
        if (entries.empty()) return error(1, "no request in this Hurl file");
        for (std::size_t k = 0; k < entries.size(); ++k) {
            bool body = false;
            auto r = write(entries[k], k, entries.size(), body);
            if (!r) return r.error();
            out.req += *r;
            // After a body, a line break of the editor's (not sent) ends it.
            if (k + 1 < entries.size()) out.req += body ? "\n###\n" : "###\n";
            else if (body) out.req += "\n";
        }
        out.requests = entries.size();
        out.dropped = std::move(dropped_);
        return out;
    }

private:
    std::vector<HLine> lines_;
    std::vector<std::string> dropped_;

    static Error error(std::size_t line, std::string message) {
        return make_error(ErrorKind::template_, "line " + std::to_string(line) + ": " + message);
    }

    void drop(std::size_t line, std::string what) { dropped_.push_back("line " + std::to_string(line) + ": " + what); }

    // The lines of a section or a response, up to the next section, status
    // line, request line or body (their count, for the dropped list).
    std::size_t section_end(std::size_t i) const {
        while (i < lines_.size()) {
            std::string_view t = strip_comment(lines_[i].content);
            if (!section_name(t).empty() || is_status_line(t) || is_request_line(t)) break;
            // A body starts ('[' here is a JSON array: sections were taken above).
            if (!t.empty() && (t.front() == '{' || t.front() == '[' || t.front() == '<' || t.starts_with("```") ||
                               t.front() == '`' || t.starts_with("base64,") || t.starts_with("hex,") ||
                               t.starts_with("file,")))
                break;
            ++i;
        }
        return i;
    }

    // Moves i past the lines that are empty once their comment is stripped;
    // the next line's text, stripped, or an empty view at the end.
    std::string_view next_content(std::size_t& i) const {
        for (; i < lines_.size(); ++i)
            if (std::string_view t = strip_comment(lines_[i].content); !t.empty()) return t;
        return {};
    }

    std::optional<Error> entry(std::size_t& i, Entry& e) {
        std::string_view t = strip_comment(lines_[i].content);
        e.line = lines_[i].number;
        std::size_t sp = t.find(' ');
        e.method = std::string(t.substr(0, sp));
        e.url = std::string(trim(t.substr(sp)));
        ++i;
        // Headers: key-value lines right after the request line.
        for (std::string_view h = next_content(i); !h.empty(); h = next_content(i)) {
            if (!section_name(h).empty() || is_status_line(h) || is_request_line(h) || h.front() == '{' ||
                h.front() == '[' || h.front() == '<' || h.front() == '`' || h.starts_with("base64,") ||
                h.starts_with("hex,") || h.starts_with("file,"))
                break;
            std::string k, v;
            if (!split_key_value(h, k, v)) return error(lines_[i].number, "expected a header 'Name: value'");
            e.headers.emplace_back(k, v);
            ++i;
        }
        // Request sections, then the body.
        for (std::string_view h = next_content(i); !h.empty(); h = next_content(i)) {
            std::string_view sec = section_name(h);
            if (sec.empty()) break;
            std::size_t at = lines_[i].number;
            std::size_t end = section_end(i + 1);
            std::vector<std::pair<std::string, std::string>>* into = nullptr;
            if (sec == "QueryStringParams" || sec == "Query") into = &e.query;
            else if (sec == "FormParams" || sec == "Form") into = &e.form;
            else if (sec == "Cookies") into = &e.cookies;
            if (into || sec == "BasicAuth") {
                for (std::size_t k = i + 1; k < end; ++k) {
                    std::string_view kv = strip_comment(lines_[k].content);
                    if (kv.empty()) continue;
                    std::string key, value;
                    if (!split_key_value(kv, key, value))
                        return error(lines_[k].number, "expected 'name: value' in [" + std::string(sec) + "]");
                    if (into) into->emplace_back(key, value);
                    else e.basic_auth = std::make_pair(key, value);
                }
            } else if (sec == "Options") {
                std::size_t n = 0;
                for (std::size_t k = i + 1; k < end; ++k) n += !strip_comment(lines_[k].content).empty();
                drop(at, "[Options] (Hurl's run options, " + lines(n) + "): a .req has none; use send's own options");
            } else if (sec == "MultipartFormData" || sec == "Multipart") {
                drop(at, "[MultipartFormData]: not converted; write the multipart body by hand");
            } else {
                return error(at, "[" + std::string(sec) + "] is not a section of a Hurl request");
            }
            i = end;
        }
        // The body.
        if (i < lines_.size()) {
            std::string_view h = trim(lines_[i].content);
            if (!h.empty() && !is_status_line(h) && !is_request_line(h))
                if (auto err = body(i, e)) return err;
        }
        // The response: dropped, section by section.
        for (std::string_view h = next_content(i); !h.empty(); h = next_content(i)) {
            if (is_request_line(h)) break;
            std::size_t at = lines_[i].number;
            if (is_status_line(h)) {
                drop(at, "'" + std::string(h) + "' (the status Hurl expects): a .req holds no checks");
                std::size_t end = section_end(i + 1);
                std::size_t headers = 0;
                for (std::size_t k = i + 1; k < end; ++k) headers += !strip_comment(lines_[k].content).empty();
                if (headers) drop(lines_[i + 1].number, std::to_string(headers) + (headers == 1 ? " response header check" : " response header checks"));
                i = end;
                continue;
            }
            if (std::string_view sec = section_name(h); !sec.empty()) {
                std::size_t end = section_end(i + 1);
                std::size_t n = 0;
                std::string names;
                for (std::size_t k = i + 1; k < end; ++k) {
                    std::string_view kv = strip_comment(lines_[k].content);
                    if (kv.empty()) continue;
                    ++n;
                    if (sec == "Captures") {
                        std::string name(trim(kv.substr(0, kv.find(':'))));
                        names += (names.empty() ? "" : ", ") + name;
                    }
                }
                if (sec == "Captures")
                    drop(at, "[Captures] " + names +
                                 "; a later {{name}} needs --var name=VALUE");
                else
                    drop(at, "[" + std::string(sec) + "] (" + lines(n) + "): a .req holds no checks");
                i = end;
                continue;
            }
            // The expected response body.
            std::size_t end = i + 1;
            if (h.front() == '{' || h.front() == '[') {
                std::size_t j = json_end(lines_, i);
                end = j == std::string_view::npos ? lines_.size() : j + 1;
            } else if (h.starts_with("```")) {
                end = i + 1;
                while (end < lines_.size() && !trim(lines_[end].content).starts_with("```")) ++end;
                end = std::min(end + 1, lines_.size());
            } else {
                while (end < lines_.size() && !is_request_line(strip_comment(lines_[end].content)) &&
                       section_name(strip_comment(lines_[end].content)).empty())
                    ++end;
            }
            drop(at, "the expected response body (" + lines(end - i) + "): a .req holds no checks");
            i = end;
        }
        return std::nullopt;
    }

    std::optional<Error> body(std::size_t& i, Entry& e) {
        std::string_view h = trim(lines_[i].content);
        std::size_t at = lines_[i].number;
        e.has_body = true;
        if (h.front() == '{' || h.front() == '[') {
            std::size_t j = json_end(lines_, i);
            if (j == std::string_view::npos) return error(at, "the JSON body's brackets never close");
            for (std::size_t k = i; k <= j; ++k) e.body += std::string(lines_[k].content) + (k < j ? "\n" : "");
            e.implicit_type = "application/json";
            i = j + 1;
            return std::nullopt;
        }
        if (h.starts_with("```")) {
            std::string hint(trim(h.substr(3)));
            if (hint == "graphql") return error(at, "a ```graphql body is wrapped into JSON by Hurl; write the JSON body instead");
            if (hint.ends_with("```") && hint.size() >= 3) {  // ```text``` on one line
                e.body = hint.substr(0, hint.size() - 3);
                ++i;
                return std::nullopt;
            }
            std::size_t k = i + 1;
            while (k < lines_.size() && !trim(lines_[k].content).starts_with("```")) e.body += std::string(lines_[k++].content) + "\n";
            if (k == lines_.size()) return error(at, "the ``` body is never closed");
            if (hint == "json") e.implicit_type = "application/json";
            else if (hint == "xml") e.implicit_type = "application/xml";
            i = k + 1;
            return std::nullopt;
        }
        if (h.front() == '`') {
            if (h.size() < 2 || h.back() != '`') return error(at, "a `...` body ends with ` on its line");
            std::string_view v = h.substr(1, h.size() - 2);
            for (std::size_t k = 0; k < v.size(); ++k) {
                if (v[k] == '\\' && k + 1 < v.size()) {
                    char c = v[++k];
                    e.body += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
                } else {
                    e.body += v[k];
                }
            }
            ++i;
            return std::nullopt;
        }
        if (h.starts_with("base64,") || h.starts_with("hex,") || h.starts_with("file,")) {
            std::size_t semi = h.rfind(';');
            if (semi == std::string_view::npos) return error(at, "a " + std::string(h.substr(0, h.find(',') + 1)) + "...; body ends with ';'");
            std::string_view v = trim(h.substr(h.find(',') + 1, semi - h.find(',') - 1));
            if (h.starts_with("base64,")) {
                auto bytes = base64_decode(v);
                if (!bytes) return error(at, "the base64 body is not base64");
                e.body = hex_expr(*bytes);
                if (bytes->empty()) e.body.clear();
            } else if (h.starts_with("hex,")) {
                std::string digits;
                for (char c : v)
                    if (c != ' ') digits += c;
                if (digits.size() % 2 || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    return error(at, "the hex body needs pairs of hex digits");
                e.body = digits.empty() ? "" : "{{hex:" + digits + "}}";
            } else {
                e.body = "{{file:" + std::string(v) + "}}";
            }
            ++i;
            return std::nullopt;
        }
        // XML or any other text: up to the response or the next request.
        std::size_t k = i;
        std::vector<std::string_view> kept;
        while (k < lines_.size() && !is_status_line(trim(lines_[k].content)) && !is_request_line(trim(lines_[k].content)))
            kept.push_back(lines_[k++].content);
        while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
        for (std::size_t n = 0; n < kept.size(); ++n) e.body += std::string(kept[n]) + (n + 1 < kept.size() ? "\n" : "");
        i = k;
        return std::nullopt;
    }

    // The entry as .req text; `has_body`: it ends with body bytes.
    Result<std::string> write(const Entry& e, std::size_t index, std::size_t count, bool& has_body) const {
        std::string_view url(e.url);
        bool https = url.starts_with("https://"), http = url.starts_with("http://");
        if (!https && !http) return error(e.line, "the URL '" + e.url + "' does not start with http:// or https://");
        std::string_view rest = url.substr(https ? 8 : 7);
        std::size_t slash = rest.find_first_of("/?#");
        std::string authority(rest.substr(0, slash));
        std::string target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
        if (std::size_t hash = target.find('#'); hash != std::string::npos) target.erase(hash);
        if (target.empty() || target.front() == '?') target.insert(0, "/");
        for (std::size_t k = 0; k < e.query.size(); ++k)
            target += std::string(k == 0 && target.find('?') == std::string::npos ? "?" : "&") +
                      url_encode(e.query[k].first) + "=" + url_encode(e.query[k].second);
        std::string out = "# request " + std::to_string(index + 1) + " of " + std::to_string(count) +
                          ", imported from the Hurl file's line " + std::to_string(e.line) + "\n";
        out += std::string("@tls = ") + (https ? "true" : "false") + "\n\n";
        out += e.method + " " + target + " HTTP/1.1\n";
        auto has = [&](std::string_view name) {
            for (const auto& [k, v] : e.headers) {
                if (k.size() != name.size()) continue;
                bool same = true;
                for (std::size_t c = 0; c < k.size(); ++c)
                    same = same && std::tolower(static_cast<unsigned char>(k[c])) == std::tolower(static_cast<unsigned char>(name[c]));
                if (same) return true;
            }
            return false;
        };
        if (!has("Host")) out += "Host: " + authority + "\n";
        for (const auto& [k, v] : e.headers) out += k + ": " + v + "\n";
        if (e.basic_auth && !has("Authorization"))
            out += "Authorization: Basic " + base64_encode(e.basic_auth->first + ":" + e.basic_auth->second) + "\n";
        if (!e.cookies.empty()) {
            std::string c;
            for (const auto& [k, v] : e.cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
            out += "Cookie: " + c + "\n";
        }
        std::string body = e.body;
        std::string type = e.implicit_type;
        if (!e.form.empty()) {
            body.clear();
            for (const auto& [k, v] : e.form) body += (body.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
            type = "application/x-www-form-urlencoded";
        }
        bool with_body = e.has_body || !e.form.empty();
        if (with_body && !type.empty() && !has("Content-Type")) out += "Content-Type: " + type + "\n";
        if (with_body && !has("Content-Length")) out += "Content-Length: {{content_length}}\n";
        out += "\n";
        out += body;
        has_body = !body.empty();
        return out;
    }
};

}  // namespace

Result<HurlImport> import_hurl(std::string_view text) {
    HurlReader reader(text);
    return reader.run();
}

}  // namespace rawhttp
