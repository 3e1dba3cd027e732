// The .req writer. It mirrors the composer's reading of a file (see
// compose.cpp): lines end at LF, a CR right before the LF belongs to the line
// break; the preamble swallows blank, '#', '//' and '@' lines before the
// request line; the head ends at the first empty line; a "###" line starts
// another request; in keep mode each head line break is sent as written; the
// body is its lines with their breaks, minus the last line's break.
#include "compose/req_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

#include "core/utf8.hpp"

namespace rawhttp {

namespace {

constexpr char kHex[] = "0123456789abcdef";


// One line of the captured bytes: its content and its break.
struct DataLine {
    std::string_view content;  // without the break (and without a CR right before the LF)
    std::string_view term;     // "\r\n", "\n", or "" for a last line without LF
};

std::vector<DataLine> split(std::string_view data) {
    std::vector<DataLine> lines;
    std::size_t pos = 0;
    while (pos < data.size()) {
        std::size_t nl = data.find('\n', pos);
        if (nl == std::string_view::npos) {
            lines.push_back({data.substr(pos), {}});
            break;
        }
        if (nl > pos && data[nl - 1] == '\r')
            lines.push_back({data.substr(pos, nl - 1 - pos), data.substr(nl - 1, 2)});
        else
            lines.push_back({data.substr(pos, nl - pos), data.substr(nl, 1)});
        pos = nl + 1;
    }
    return lines;
}

std::string break_expr(std::string_view term) { return term == "\r\n" ? "{{CRLF}}" : "{{LF}}"; }

enum class Part { request_line, head, body };

// Writes a line's content so that the composer reads back exactly `c`.
std::string escape_content(std::string_view c, Part part) {
    std::string out;
    out.reserve(c.size() + 16);
    // Bytes collected for one {{...}} run.
    std::string run;
    bool run_all_named = true;
    auto flush = [&] {
        if (run.empty()) return;
        if (run_all_named) {
            for (char ch : run) {
                if (ch == '\r') out += "{{CR}}";
                else if (ch == '\t') out += "{{TAB}}";
                else if (ch == ' ') out += "{{SP}}";
                else out += "{{NUL}}";
            }
        } else {
            out += "{{hex:";
            for (char ch : run) {
                auto u = static_cast<unsigned char>(ch);
                out += kHex[u >> 4];
                out += kHex[u & 15];
            }
            out += "}}";
        }
        run.clear();
        run_all_named = true;
    };
    auto special = [&](char ch) {
        run += ch;
        if (ch != '\r' && ch != '\t' && ch != ' ' && ch != '\0') run_all_named = false;
    };

    for (std::size_t i = 0; i < c.size();) {
        auto u = static_cast<unsigned char>(c[i]);
        // A line start the composer would read differently.
        if (i == 0) {
            bool escape_first = false;
            if (part == Part::request_line) {
                // The preamble swallows blank lines, comments and definitions
                // (after leading whitespace): make the first byte an expression.
                escape_first = u == ' ' || u == '\t' || u == '\r' || u == '\f' || u == '\v' || u == '#' ||
                               u == '@' || c.substr(0, 2) == "//";
            } else {
                escape_first = c.substr(0, 3) == "###";  // would start the next request
            }
            if (escape_first) {
                special(c[0]);
                if (u == '#' || u == '@' || u == '/') run_all_named = false;
                ++i;
                continue;
            }
        }
        // Trailing whitespace: an editor may strip it.
        if (i + 1 == c.size() && (u == ' ' || u == '\t')) {
            special(c[i]);
            ++i;
            continue;
        }
        if (u == '{') {
            flush();
            if (i + 1 < c.size() && c[i + 1] == '{') {
                out += "{{\"{{\"}}";
                i += 2;
            } else {
                // A lone '{' stays: before an expression it reads as "{" + the
                // expression ("{{{CR}}" is "{" then CR), which the composer does.
                out += '{';
                ++i;
            }
            continue;
        }
        if (u == '\t' && part == Part::body) {
            flush();
            out += '\t';
            ++i;
            continue;
        }
        if (u < 0x20 || u == 0x7f) {
            special(c[i]);
            ++i;
            continue;
        }
        if (u >= 0x80) {
            if (std::size_t n = utf8::sequence_length(c, i, /*allow_c1=*/false)) {
                flush();
                out.append(c.substr(i, n));
                i += n;
            } else {
                special(c[i]);
                ++i;
            }
            continue;
        }
        flush();
        out += c[i];
        ++i;
    }
    flush();
    return out;
}

// Text for a comment or a definition: one line, no control bytes, no "{{".
std::string clean(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (u < 0x20 || u == 0x7f) out += '?';
        else if (u == '{' && i + 1 < s.size() && s[i + 1] == '{') out += "{ ";
        else out += s[i];
    }
    return out;
}

}  // namespace

std::string write_req(std::string_view data, const ReqWriterOptions& options) {
    std::vector<DataLine> lines = split(data);
    // The file's own line breaks follow the request's first one, so that a
    // CRLF request gives a file with CRLF throughout (an editor sees one style).
    std::string nl = "\n";
    if (std::size_t first_lf = data.find('\n'); first_lf != std::string_view::npos && first_lf > 0 &&
                                                 data[first_lf - 1] == '\r')
        nl = "\r\n";

    // The head: the request line and the lines up to the first empty one.
    std::size_t i = 0;
    std::string lead;  // empty lines before the request line, written as expressions
    while (i < lines.size() && lines[i].content.empty() && !lines[i].term.empty()) lead += break_expr(lines[i++].term);
    std::string body_text;
    std::string head_text;
    bool head_terminated = false;
    bool ends_without_break = false;
    if (i == lines.size()) {
        head_text = lead;  // only line breaks: one line of expressions, no break after it
        ends_without_break = !lead.empty();
    } else {
        head_text = lead + escape_content(lines[i].content, lead.empty() ? Part::request_line : Part::head);
        head_text += lines[i].term;
        ends_without_break = lines[i].term.empty();
        ++i;
        for (; i < lines.size(); ++i) {
            const DataLine& ln = lines[i];
            if (ln.content.empty() && !ln.term.empty()) {
                head_text += ln.term;  // the empty line that ends the head
                head_terminated = true;
                ++i;
                break;
            }
            head_text += escape_content(ln.content, Part::head);
            head_text += ln.term;
            ends_without_break = ln.term.empty();
        }
        // The body: its lines with their breaks; the last line's break as an
        // expression, since the composer takes the file's final break as the editor's.
        for (; i < lines.size(); ++i) {
            const DataLine& ln = lines[i];
            body_text += escape_content(ln.content, Part::body);
            if (i + 1 < lines.size()) body_text += ln.term;
            else if (!ln.term.empty()) body_text += break_expr(ln.term);
        }
        if (head_terminated && !options.body_file.empty()) body_text += "{{file:" + options.body_file + "}}";
        if (!body_text.empty()) body_text += nl;  // the editor's final newline, not sent
    }
    if (!head_terminated && !options.body_file.empty()) {
        // The rest of an unended head: one more head line, and no newline
        // after it (the composer sends a head line's break as written).
        head_text += "{{file:" + options.body_file + "}}";
        ends_without_break = true;
    }

    std::string out;
    out += "# captured by " + clean(options.source);
    if (!options.peer.empty()) out += " from " + clean(options.peer);
    if (!options.time.empty()) out += " at " + clean(options.time);
    out += nl;
    if (data.empty() && options.body_file.empty()) {
        out += "# nothing was received: there is no request to replay" + nl;
        return out;
    }
    out += "# the bytes are exact: @eol = keep sends each line break as written (" +
           std::string(nl == "\r\n" ? "CRLF here" : "LF here") + "), and {{...}} writes the bytes" + nl;
    out += "# the file cannot hold plainly (control bytes, invalid UTF-8, \"{{\", the body's final line break)" + nl;
    if (!options.body_file.empty())
        out += "# the " + std::to_string(options.body_file_bytes) + " bytes after the " +
               (head_terminated ? "head" : "first " + std::to_string(data.size()) + " bytes") + " are in " +
               clean(options.body_file) + " (next to this file), sent as they are" + nl;
    if (!head_terminated && ends_without_break)
        out += "# the head has no terminating empty line and the file ends without a newline: keep it so" + nl;
    else if (!head_terminated)
        out += "# the head has no terminating empty line: a server would wait for one" + nl;
    if (!options.target.empty()) out += "@target = " + clean(options.target) + nl;
    out += "@eol = keep" + nl;
    out += nl;
    out += head_text;
    out += body_text;
    return out;
}

std::string side_file_path(const std::string& req_path) {
    std::size_t slash = req_path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : req_path.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? req_path : req_path.substr(slash + 1);
    if (name.size() > 4 && name.ends_with(".req")) name.resize(name.size() - 4);
    name += ".body";
    // The name is written inside {{file:...}} and in a comment line.
    for (char& c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '{' || c == '}') c = '_';
    }
    return dir + name;
}

std::size_t req_head_end(std::string_view data) {
    // The same reading as split() and write_req(): lines end at LF; empty
    // lines before the request line are skipped; the head ends after the
    // first empty line after it.
    std::size_t pos = 0;
    bool request_line_seen = false;
    while (pos < data.size()) {
        std::size_t nl = data.find('\n', pos);
        if (nl == std::string_view::npos) return std::string_view::npos;
        bool empty = nl == pos || (nl == pos + 1 && data[pos] == '\r');
        pos = nl + 1;
        if (!empty) request_line_seen = true;
        else if (request_line_seen) return pos;
    }
    return std::string_view::npos;
}

ReqFileWriter::ReqFileWriter(std::string req_path, ReqWriterOptions options, std::size_t inline_max)
    : req_path_(std::move(req_path)),
      side_path_(side_file_path(req_path_)),
      options_(std::move(options)),
      inline_max_(inline_max) {}

ReqFileWriter::~ReqFileWriter() {
    if (fd_ >= 0) ::close(fd_);
}

bool ReqFileWriter::write_side(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error_ = "cannot write '" + side_path_ + "': " + std::strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
        side_bytes_ += static_cast<std::uint64_t>(n);
    }
    return true;
}

bool ReqFileWriter::spill() {
    fd_ = ::open(side_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        error_ = "cannot write '" + side_path_ + "': " + std::strerror(errno);
        return false;
    }
    spilled_ = true;
    // The head stays in the .req, readable; a head that never ended is not
    // a head worth reading, so then everything goes to the side file.
    std::size_t cut = req_head_end(inline_);
    if (cut == std::string_view::npos) cut = 0;
    bool ok = write_side(std::string_view(inline_).substr(cut));
    inline_.resize(cut);
    inline_.shrink_to_fit();
    return ok;
}

bool ReqFileWriter::append(std::string_view bytes) {
    if (!error_.empty()) return false;
    total_ += bytes.size();
    if (spilled_) return write_side(bytes);
    inline_.append(bytes);
    if (inline_.size() > inline_max_) return spill();
    return true;
}

bool ReqFileWriter::finish() {
    if (fd_ >= 0) {
        if (::close(fd_) != 0 && error_.empty()) error_ = "cannot write '" + side_path_ + "': " + std::strerror(errno);
        fd_ = -1;
    }
    if (!error_.empty()) return false;
    ReqWriterOptions o = options_;
    if (spilled_) {
        std::size_t slash = side_path_.rfind('/');
        o.body_file = slash == std::string::npos ? side_path_ : side_path_.substr(slash + 1);
        o.body_file_bytes = side_bytes_;
    }
    std::string text = write_req(inline_, o);
    int fd = ::open(req_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_ = "cannot write '" + req_path_ + "': " + std::strerror(errno);
        return false;
    }
    std::string_view rest(text);
    while (!rest.empty()) {
        ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error_ = "cannot write '" + req_path_ + "': " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::close(fd) != 0) {
        error_ = "cannot write '" + req_path_ + "': " + std::strerror(errno);
        return false;
    }
    return true;
}

}  // namespace rawhttp
