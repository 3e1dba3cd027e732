// The .req composer: turns the text of a .req file into the exact bytes of
// each request. Knows nothing of sockets; reads only the files a {{file:...}}
// names and the environment variables an {{env:...}} names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/limits.hpp"
#include "core/error.hpp"
#include "core/file_read.hpp"

namespace rawhttp {

enum class Eol { crlf, lf, keep };

std::optional<Eol> parse_eol(std::string_view name);  // "crlf" | "lf" | "keep"
std::string_view eol_name(Eol eol);

struct ComposeOptions {
    // --var name=value: wins over @name in the file.
    std::map<std::string, std::string, std::less<>> vars;
    // How the caller names its way of giving a variable, for the messages
    // that say how to define one (the command line: its option, "--var");
    // empty: only @name = value is suggested.
    std::string var_origin;
    // The caller's line endings: win over @eol in the file. Default crlf.
    std::optional<Eol> eol;
    // How the caller names where `eol` came from, in the note that says it
    // won over the file's @eol (the command line: its option's name).
    std::string eol_origin = "the line endings asked for:";
    // Shown in error messages as FILE:LINE:COLUMN ("-" for stdin shows "<stdin>").
    std::string file_name;
    // Folder that {{file:PATH}} is relative to (the .req file's folder).
    std::string base_dir = ".";
    // Reads an environment variable; defaults to ::getenv. Replaceable in tests.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    // Reads a whole file of at most max_bytes; defaults to read_regular_file
    // (regular files only, never blocking). Replaceable in tests.
    std::function<FileRead(const std::string& path, std::size_t max_bytes)> read_file;
    // Sizes and depths past which composing stops with an error (limits.hpp).
    ComposeLimits limits;
};

// The note for the default mode's routine LF -> CRLF conversion starts with
// this; send shows it only with -v (compose and --json always show it).
inline constexpr std::string_view kRoutineCrlfNote = "LF line breaks sent as CRLF";

// A {{file:PATH}} in a body too large to hold (past ComposeLimits::
// included_file_bytes): not read when composing; its bytes go on the wire at
// `at` of ComposedRequest::bytes, read from disk as they are sent
// (compose/wire_bytes.hpp), so a body of any size is sent in bounded memory.
struct StreamedFile {
    std::size_t at = 0;       // where in `bytes` the file's bytes go
    std::string path;         // as opened (relative paths joined to the .req's folder)
    std::uint64_t size = 0;   // measured when composed; a file that changes since is an error
};

// Where in the file a line of the composed bytes was written, as Hurl's
// SourceInfo: so lint and send name the file's line for a finding on the
// wire, even when an escape ({{LF}}), a variable or a {{file:}} brought the
// line break.
struct SourcePos {
    std::size_t line = 0;    // 1-based line of the file
    std::size_t column = 0;  // 1-based byte column: 1, or the expression that brought the line break
};

struct ComposedRequest {
    // Exactly what goes on the wire, apart from the files in `streamed`,
    // whose bytes go in between (none for almost every request).
    std::string bytes;
    std::vector<StreamedFile> streamed;
    std::vector<std::string> notes;  // every change from the file's literal text
    std::size_t line = 0;            // 1-based line of the request line in the file
    std::string method;              // first token of the request line ("HEAD" matters to framing)
    std::optional<std::string> host_header;  // value of the first Host field, if any
    std::optional<std::string> target;       // @target in effect for this request
    std::optional<bool> tls;                 // @tls in effect for this request
    Eol eol = Eol::crlf;                     // line-ending mode used
    std::size_t head_bytes = 0;              // bytes of the head, including its empty line if any
    // Where each line of `bytes` (lines end at LF; [0] is the request line)
    // was written. A streamed file's line breaks are not counted, and at
    // most 65536 lines of the head and 65536 of the body are recorded
    // (source_line counts on past them).
    std::vector<SourcePos> wire_lines;

    // The file's line that the composed bytes' 1-based `wire_line` was
    // written on; past the recorded lines, counted on from the last.
    std::size_t source_line(std::size_t wire_line) const;
};

// A template error: FILE:LINE:COLUMN, columns count bytes from 1.
struct ComposeError {
    std::string file;
    std::size_t line = 0;
    std::size_t column = 0;
    std::string message;
    std::string to_string() const;  // "FILE:LINE:COLUMN: message"
};

struct ComposeOutput {
    std::vector<ComposedRequest> requests;
    std::optional<ComposeError> error;  // set => requests is empty: nothing may be sent
};

// Composes every request of the file (split on ### lines). Any error anywhere
// stops everything: the result then holds the error and no request.
ComposeOutput compose_requests(std::string_view text, const ComposeOptions& options);

}  // namespace rawhttp
