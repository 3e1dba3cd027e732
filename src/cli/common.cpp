#include <poll.h>
#include <sys/stat.h>
#include <climits>
#include <chrono>
#include <optional>
#include "cli/common.hpp"
#include "cli/options_tls.hpp"
#include "compose/wire_bytes.hpp"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "compose/hurl_import.hpp"
#include "core/file_read.hpp"
#include "intake/curl_args.hpp"
#include "intake/url.hpp"
#include "render/escape.hpp"

namespace fs = std::filesystem;

namespace rawhttp::cli {

bool ReqInputOptions::is_url() const { return intake::looks_like_url(file); }

bool ReqInputOptions::resolve(bool& json_output) {
    json_output = false;
    std::vector<bool> body(json_values.size());
    std::size_t bodies = 0;
    for (std::size_t k = 0; k < json_values.size(); ++k) {
        if (json_values[k].empty()) json_output = true;
        else body[k] = true, ++bodies;
    }
    if (file.empty() && bodies > 0) {
        // `--json FILE` or `--json DATA URL`: the last value is the FILE or URL.
        std::size_t k = json_values.size();
        while (!body[--k]) {}
        file = json_values[k];
        body[k] = false;
        if (bodies-- == 1) json_output = true;
    }
    if (file.empty()) {
        print_error("FILE is required: a .req file, - for standard input, a gallery name, or a URL");
        return false;
    }
    json_bodies_.clear();
    for (std::size_t k = 0; k < json_values.size(); ++k) json_bodies_.push_back(body[k] ? json_values[k] : "");
    if (bodies > 0 && !is_url()) {
        print_error("--json '" + json_bodies_.back() + "': a JSON body goes with a URL (as curl --json); '" + file +
                    "' is a file. For JSON output write --json alone");
        return false;
    }
    return true;
}

Result<LoadedReq> load_input(const ReqInputOptions& in) {
    const bool flags = !in.method.empty() || !in.headers.empty() || !in.data.empty() || !in.data_binary.empty() ||
                       !in.data_raw.empty() || !in.user.empty() || !in.cookie.empty() || !in.referer.empty() ||
                       !in.save_req.empty() || (in.cmd_ && in.cmd_->count("-A") > 0);
    if (!in.is_url()) {
        if (flags)
            return make_error(ErrorKind::usage, "-X, -H, -d, --data-binary, --data-raw, -A, -e, -u, -b and --save-req go "
                                                "with a URL (http://... or https://...); '" + in.file +
                                                "' is not one (a .req file says its method and headers itself)");
        return load_req(in.file);
    }
    intake::CurlArgs a;
    a.url = in.file;
    if (!in.method.empty()) a.method = in.method;
    a.headers = in.headers;
    // The data pieces in command-line order: -d a --json b differs from --json b -d a.
    if (in.cmd_) {
        std::map<std::string, std::size_t> next;
        for (const CLI::Option* opt : in.cmd_->parse_order()) {
            const std::string name = opt->get_name();
            std::size_t k = next[name]++;
            if (name == "--data" && k < in.data.size()) a.data.push_back({intake::DataKind::form, in.data[k]});
            else if (name == "--data-binary" && k < in.data_binary.size())
                a.data.push_back({intake::DataKind::binary, in.data_binary[k]});
            else if (name == "--data-raw" && k < in.data_raw.size())
                a.data.push_back({intake::DataKind::raw, in.data_raw[k]});
            else if (name == "--json" && k < in.json_bodies_.size() && !in.json_bodies_[k].empty())
                a.data.push_back({intake::DataKind::json, in.json_bodies_[k]});
        }
    }
    if (in.cmd_ && in.cmd_->count("-A") > 0) a.user_agent = in.user_agent;
    if (!in.referer.empty()) a.referer = in.referer;
    if (!in.user.empty()) a.user = in.user;
    if (!in.cookie.empty()) a.cookie = in.cookie;
    a.keep_curl_headers = in.keep_curl_headers;
    auto made = intake::curl_request(a);
    if (!made) return made.error();
    for (const auto& n : made->notes) print_note(n);
    if (!in.save_req.empty()) {
        FILE* f = std::fopen(in.save_req.c_str(), "wb");
        if (!f || std::fwrite(made->req_text.data(), 1, made->req_text.size(), f) != made->req_text.size() ||
            std::fclose(f) != 0)
            return make_error(ErrorKind::file, "cannot write --save-req '" + in.save_req + "': " + std::strerror(errno));
    }
    print_note("the request, as a .req" +
               (in.save_req.empty() ? std::string(" (--save-req FILE writes it)") : " (written to " + in.save_req + ")") + ":");
    std::string_view text = made->req_text;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        print_note("  " + std::string(text.substr(0, nl)));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    LoadedReq r;
    r.text = std::move(made->req_text);
    r.display_name = in.file;
    r.base_dir = ".";
    return r;
}

void TargetOptions::add_to(Command& cmd, bool many) {
    if (many)
        cmd.add_option("--to", fan_out,
                       "connect to HOST[:PORT] (else @target, else the Host header; port 80); given twice or more, "
                       "the same bytes go to each and a grid compares their answers")
            ->check(non_empty())
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
            ->each([this](const std::string& v) {
                if (to.empty()) to = v;
            });
    else
        cmd.add_option("--to", to, "connect to HOST[:PORT] (else @target, else the Host header; port 80)")
            ->check(non_empty());
    cmd.add_option("--unix-socket", unix_socket, "connect to this Unix socket instead of TCP")->check(non_empty());
    add_no_tls(cmd, no_tls, add_tls(cmd, tls, "use TLS (default when the port is 443)"));
}

client::DestinationOverrides TargetOptions::overrides() const {
    client::DestinationOverrides o;
    if (!to.empty()) o.to = to;
    if (!unix_socket.empty()) o.unix_socket = unix_socket;
    if (tls) o.tls = true;
    if (no_tls) o.tls = false;
    return o;
}

Result<std::vector<client::Destination>> TargetOptions::destinations(
    const std::vector<ComposedRequest>& requests) const {
    std::vector<client::Destination> out;
    for (const auto& r : requests) {
        auto d = client::resolve_destination(r, overrides());
        if (!d) return make_error(ErrorKind::usage, d.error().message);
        out.push_back(*d);
    }
    return out;
}

std::vector<std::string> gallery_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("RAWHTTP_GALLERY"); env && *env) dirs.emplace_back(env);
    // Next to the installed binary: PREFIX/bin/rawhttp -> PREFIX/share/rawhttp/requests.
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back((exe.parent_path().parent_path() / "share/rawhttp/requests").string());
    dirs.emplace_back(RAWHTTP_INSTALLED_GALLERY);
    dirs.emplace_back(RAWHTTP_SOURCE_GALLERY);  // running from a build tree
    return dirs;
}

namespace {

// The error for a .req path that read_regular_file refused.
Error req_read_error(const std::string& path, const FileRead& got) {
    const std::string quoted = "'" + path + "'";
    switch (got.failure) {
        case ReadFailure::not_regular:
            if (got.why.starts_with("is a folder")) return make_error(ErrorKind::file, quoted + " is a folder, not a .req file");
            return make_error(ErrorKind::file, "cannot read " + quoted + ": it " + got.why +
                                                   "; a .req is read from a regular file or from - (standard input)");
        case ReadFailure::too_large:
            return make_error(ErrorKind::file, quoted + " " + got.why + ", the most rawhttp reads as a .req file");
        case ReadFailure::missing: return make_error(ErrorKind::file, "cannot read " + quoted + ": No such file or directory");
        case ReadFailure::unreadable:
        case ReadFailure::none: break;
    }
    return make_error(ErrorKind::file, "cannot read " + quoted + ": " + got.why);
}

}  // namespace

Result<LoadedReq> load_req(const std::string& file) {
    LoadedReq r;
    if (file == "-") {
        // On a terminal, say what is awaited, rather than seem to hang.
        if (::isatty(0) == 1) print_note("reading the request from standard input: type it, then Ctrl-D on an empty line");
        FileRead got = read_fd_bounded(0, kMaxReqFileBytes);
        if (got.failure == ReadFailure::too_large)
            return make_error(ErrorKind::file, "standard input " + got.why + ", the most rawhttp reads as a .req");
        if (got.failure != ReadFailure::none)
            return make_error(ErrorKind::file, "cannot read standard input: " + got.why);
        r.text = std::move(got.bytes);
        if (r.text.empty())
            return make_error(ErrorKind::file,
                              "standard input is empty: pipe a request in, as in "
                              "printf 'GET / HTTP/1.1\\nHost: x\\n\\n' | rawhttp compose -");
        r.display_name = "<stdin>";
        r.base_dir = ".";
        return r;
    }
    std::error_code ec;
    if (fs::exists(file, ec)) {
        FileRead got = read_regular_file(file, kMaxReqFileBytes);
        if (got.failure != ReadFailure::none) return req_read_error(file, got);
        r.text = std::move(got.bytes);
        r.display_name = file;
        fs::path parent = fs::path(file).parent_path();
        r.base_dir = parent.empty() ? "." : parent.string();
        return r;
    }
    // Not a path: look it up in the gallery (with or without ".req").
    if (file.find('/') == std::string::npos) {
        for (const auto& dir : gallery_dirs()) {
            for (const std::string& name : {file, file + ".req"}) {
                fs::path p = fs::path(dir) / name;
                if (fs::is_regular_file(p, ec)) {
                    FileRead got = read_regular_file(p.string(), kMaxReqFileBytes);
                    if (got.failure != ReadFailure::none) return req_read_error(p.string(), got);
                    r.text = std::move(got.bytes);
                    r.display_name = p.string();
                    r.base_dir = dir;
                    return r;
                }
            }
        }
        return make_error(ErrorKind::file, "cannot read '" + file +
                                               "': no such file, and no such name in the gallery ('rawhttp gallery' lists it)");
    }
    return make_error(ErrorKind::file, "cannot read '" + file + "': No such file or directory");
}

Result<std::vector<ComposedRequest>> compose_file(const ReqInputOptions& in) {
    auto loaded = load_input(in);
    if (!loaded) return loaded.error();
    return compose_loaded(*loaded, in);
}

Result<ComposeOptions> compose_options(const LoadedReq& loaded, const ReqInputOptions& in) {
    ComposeOptions opts;
    for (const auto& v : in.vars) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
            return make_error(ErrorKind::usage, "--var '" + v + "': expected name=value");
        // The names {{name}} can refer to: a name with other bytes could never be used.
        for (char c : v.substr(0, eq))
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
                return make_error(ErrorKind::usage, "--var '" + v +
                                                        "': a variable name uses letters, digits, '_', '-' and '.'");
        opts.vars[v.substr(0, eq)] = v.substr(eq + 1);
    }
    if (!in.eol.empty()) opts.eol = parse_eol(in.eol);
    // The options' names, for the composer's notes and messages.
    opts.eol_origin = "--eol";
    opts.var_origin = "--var";
    opts.file_name = loaded.display_name;
    opts.base_dir = loaded.base_dir;
    return opts;
}

Result<HttpFileOutput> compose_http_loaded(const LoadedReq& loaded, const ReqInputOptions& in,
                                           const HttpFileOptions& http) {
    auto opts = compose_options(loaded, in);
    if (!opts) return opts.error();
    auto out = compose_http_file(loaded.text, *opts, http);
    if (out.composed.error) return make_error(ErrorKind::template_, out.composed.error->to_string());
    return out;
}

Result<std::vector<ComposedRequest>> compose_loaded(const LoadedReq& loaded, const ReqInputOptions& in) {
    if (auto hurl = hurl_send_error(loaded.display_name, loaded.text)) return make_error(ErrorKind::file, *hurl);
    if (detect_dialect(loaded.display_name, loaded.text) == Dialect::http) {
        auto out = compose_http_loaded(loaded, in, {});
        if (!out) return out.error();
        return std::move(out->composed.requests);
    }
    auto opts = compose_options(loaded, in);
    if (!opts) return opts.error();
    auto out = compose_requests(loaded.text, *opts);
    if (out.error) return make_error(ErrorKind::template_, out.error->to_string());
    return std::move(out.requests);
}

std::string curl_body_file(const std::string& file, std::size_t index, std::size_t count) {
    std::string base;
    std::error_code ec;
    if (intake::looks_like_url(file) || file == "-") base = "curl-body";
    else if (fs::is_regular_file(file, ec)) base = file;
    else base = fs::path(file).filename().string();  // a gallery name: not next to the installed file
    if (base.size() > 4 && base.ends_with(".req")) base.resize(base.size() - 4);
    base += "-curl-body";
    if (count > 1) base += "-" + std::to_string(index + 1);
    return base + ".bin";
}

bool write_curl_body_files(const std::vector<compare::CurlCommand>& commands) {
    for (std::size_t i = 0; i < commands.size(); ++i) {
        const auto& c = commands[i];
        if (!c.body_in_file || c.command.empty()) continue;
        FILE* f = std::fopen(c.body_file.c_str(), "wb");
        if (!f || std::fwrite(c.body.data(), 1, c.body.size(), f) != c.body.size() || std::fclose(f) != 0) {
            print_error("cannot write the curl command's body file '" + c.body_file + "': " + std::strerror(errno));
            return false;
        }
        print_note((commands.size() > 1 ? "request " + std::to_string(i + 1) + ": " : std::string()) +
                   "the body (" + size_name(c.body.size()) + ") is in " + c.body_file +
                   ", which the curl command reads (--data-binary @" + c.body_file + ")");
    }
    return true;
}

void print_error(const std::string& message) {
    render::Style s{render::want_color(2)};
    // A message may quote network bytes (an error naming a header value).
    std::string line = render::red("rawhttp:", s) + " " + render::escape_message(message, s) + "\n";
    write_all_fd(2, line);
}

void print_note(const std::string& message) {
    render::Style s{render::want_color(2)};
    write_all_fd(2, render::dim("note: " + render::escape_message(message), s) + "\n");
}

namespace {
int g_stdout_errno = 0;  // the first failed write to standard output
std::optional<std::chrono::steady_clock::time_point> g_output_deadline;

// With a deadline, a write to a pipe or terminal must not block past it: wait
// for room with poll, then write at most what a pipe takes without blocking.
// Regular files never block for long and are written whole.
bool wait_writable(int fd, std::size_t& most) {
    if (!g_output_deadline || fd == 2) return true;
    if (fd == 1 && g_stdout_errno == ETIMEDOUT) return false;  // it already gave up once
    struct stat st{};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*g_output_deadline -
                                                                              std::chrono::steady_clock::now());
    // Past the deadline a reader that reads still gets the rest (the report of a
    // run that ran out of time); one that has not read for half a second does not.
    pollfd p{fd, POLLOUT, 0};
    int r;
    do {
        r = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count()) + 500));
    } while (r < 0 && errno == EINTR);
    if (r == 0) return false;
    most = std::min<std::size_t>(most, PIPE_BUF);
    return true;
}
}  // namespace

int stdout_write_error() { return g_stdout_errno; }

void set_output_deadline(std::chrono::steady_clock::time_point when) { g_output_deadline = when; }

bool write_all_fd(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        std::size_t most = bytes.size();
        if (!wait_writable(fd, most)) {
            if (fd == 1 && g_stdout_errno == 0) g_stdout_errno = ETIMEDOUT;
            return false;
        }
        ssize_t n = ::write(fd, bytes.data(), most);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (fd == 1 && g_stdout_errno == 0) g_stdout_errno = errno;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::optional<net::HostPort> parse_proxy(const std::string& text, const std::string& command) {
    auto hp = net::parse_host_port(text);
    if (!hp || !hp->port || *hp->port == 0) {
        print_error(command + ": --proxy '" + text + "' is not HOST:PORT (for example 127.0.0.1:3128)");
        return std::nullopt;
    }
    return hp;
}

bool write_port_file(const std::string& path, int port, std::string_view command) {
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f || std::fprintf(f, "%d\n", port) < 0 || std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        print_error(std::string(command) + ": cannot write --port-file '" + path + "': " + std::strerror(errno));
        return false;
    }
    return true;
}

Result<std::vector<lint::Finding>> lint_composed(const ComposedRequest& req, const lint::LintOptions& options) {
    if (req.streamed.empty()) return lint::lint_request(req.bytes, options);
    lint::RequestLint streaming(options);
    if (auto err = for_each_wire_piece(req, [&](std::string_view piece) {
            streaming.put(piece);
            return true;
        }))
        return *err;
    return streaming.finish(req.bytes);
}

}  // namespace rawhttp::cli
