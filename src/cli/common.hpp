// What the commands share: reading a .req (path, "-", or a gallery name),
// turning --var/--eol into ComposeOptions, and printing messages.
#pragma once

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "client/session.hpp"
#include "compare/curl_command.hpp"
#include "compose/compose.hpp"
#include "compose/http_file.hpp"

#include "cli/options_timeouts.hpp"
#include "core/error.hpp"
#include "lint/lint.hpp"

namespace rawhttp::cli {

// Refuses an empty value ("--to ''"), which would otherwise pass as "not given".
inline CLI::Validator non_empty() {
    return CLI::Validator(
        [](std::string& s) { return s.empty() ? std::string("the value is empty") : std::string(); }, "");
}

// A count or a size: digits only ("-1" would wrap around to a huge unsigned value).
inline CLI::Validator whole_number() {
    return CLI::Validator(
        [](std::string& s) {
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
                return "'" + s + "' is not a whole number of 0 or more";
            return std::string();
        },
        "");
}

struct LoadedReq {
    std::string text;
    std::string display_name;  // for FILE:LINE:COLUMN
    std::string base_dir;      // for {{file:...}}
};

// Options every command that reads a .req takes: FILE (or a URL with curl's
// common flags, composed by intake/curl_args into .req text), --var, --eol,
// and --json (alone: JSON output; with a value and a URL: curl's --json body).
struct ReqInputOptions {
    std::string file;
    std::vector<std::string> vars;  // name=value
    std::string eol;                // crlf|lf|keep, empty: the file's @eol or crlf
    // With a URL: curl's flags, as values (intake::CurlArgs).
    std::string method;
    std::vector<std::string> headers, data, data_binary, data_raw, json_values;
    std::string user_agent, referer, user, cookie, save_req;
    bool keep_curl_headers = false;  // --curl-headers (the command declares it)
    // Declared in options_input.cpp; `json_document` says what --json prints.
    void add_to(Command& cmd, const std::string& json_document);
    // After parsing: sorts --json's values into JSON output and body pieces,
    // takes a URL or FILE --json swallowed. False: the error was printed.
    bool resolve(bool& json_output);
    bool is_url() const;

    CLI::App* cmd_ = nullptr;                // for the order of the data options
    std::vector<std::string> json_bodies_;   // per --json occurrence: its body, or "" (output / FILE)
};

// The request of a URL and curl's flags (as .req text, shown in a note and
// written to --save-req), or FILE read as load_req does. Errors: usage, file.
Result<LoadedReq> load_input(const ReqInputOptions& in);

// Where-to-connect options (send, compare).
struct TargetOptions {
    std::string to;
    std::vector<std::string> fan_out;  // with add_to(cmd, true): every --to given, in order
    std::string unix_socket;
    bool tls = false;
    bool no_tls = false;
    // `many`: --to may be repeated (send's fan-out); the first fills `to`.
    void add_to(Command& cmd, bool many = false);
    client::DestinationOverrides overrides() const;
    // Where each request goes. Errors: usage (exit 2), naming the bad value.
    Result<std::vector<client::Destination>> destinations(const std::vector<ComposedRequest>& requests) const;
};


// The folders searched for gallery names, in order.
std::vector<std::string> gallery_dirs();

// Reads FILE (a path, "-" for stdin, or a name in the gallery): a regular file
// or standard input, of at most kMaxReqFileBytes. Errors: file (exit 2).
Result<LoadedReq> load_req(const std::string& file);

// Composes the file with the command-line options. Errors: usage/template (exit 2).
Result<std::vector<ComposedRequest>> compose_file(const ReqInputOptions& in);

// Composes an already loaded file (so "-" is read once). Errors: usage/template (exit 2).
Result<std::vector<ComposedRequest>> compose_loaded(const LoadedReq& loaded, const ReqInputOptions& in);

// The ComposeOptions of --var, --eol and the file's name and folder. Errors: usage (exit 2).
Result<ComposeOptions> compose_options(const LoadedReq& loaded, const ReqInputOptions& in);

// A .http or .rest file (or one with '@format = http'): composed through the
// .http front end, with `http`'s references filled. Errors: usage/template (exit 2).
Result<HttpFileOutput> compose_http_loaded(const LoadedReq& loaded, const ReqInputOptions& in,
                                           const HttpFileOptions& http);

// --proxy HOST:PORT (send, compose): the port is required. nullopt: the
// error was printed, naming `command`.
std::optional<net::HostPort> parse_proxy(const std::string& text, const std::string& command);

// Where a curl command's body goes when it is not inline: next to the .req
// ("x.req" -> "x-curl-body.bin", "-2" before ".bin" for the second request of
// several), in the current folder for a URL, standard input or a gallery name.
std::string curl_body_file(const std::string& file, std::size_t index, std::size_t count);

// Writes the body files the commands name. False: the error was printed.
bool write_curl_body_files(const std::vector<compare::CurlCommand>& commands);

// "rawhttp: message" on stderr.
void print_error(const std::string& message);
// "note: message" on stderr (dim on a terminal).
void print_note(const std::string& message);

// Writes all bytes to a file descriptor (stdout), retrying short writes.
bool write_all_fd(int fd, std::string_view bytes);

// lint of a composed request's wire bytes, a body file too large to hold
// read through from disk (the findings point into the held bytes). A file
// that cannot be read is an Error of kind send, with its message.
Result<std::vector<lint::Finding>> lint_composed(const ComposedRequest& req, const lint::LintOptions& options);

// --port-file for the servers: the port written whole, then renamed, so a
// reader never sees half a number. On failure prints "COMMAND: cannot write
// --port-file ..." and returns false.
bool write_port_file(const std::string& path, int port, std::string_view command);

// errno of the first write to standard output that failed (a full disk, say), or 0.
int stdout_write_error();
// From now on, output to pipes and terminals gives up at this time (--max-time
// bounds the time spent waiting on a slow reader too).
void set_output_deadline(std::chrono::steady_clock::time_point when);

// The commands: each adds its subcommand; when it runs, it stores its exit code.
void add_send_command(CLI::App& app, int& exit_code);
void add_compose_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_gallery_command(CLI::App& app, int& exit_code);
void add_listen_command(CLI::App& app, int& exit_code);
void add_chat_command(CLI::App& app, int& exit_code);
void add_relay_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);
void add_lint_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_import_command(CLI::App& app, int& exit_code);
// rawhttp import FILE.hurl [-o FILE.req] (import_hurl.cpp): returns the exit code.
int import_hurl_file(const LoadedReq& loaded, const std::string& output);
// Made from the whole command tree: register them last.
void add_completion_command(CLI::App& app, int& exit_code);
void add_man_command(CLI::App& app, int& exit_code);

}  // namespace rawhttp::cli
