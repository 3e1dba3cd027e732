// rawhttp lint FILE.req: what a strict server would reject, rule by rule, and
// with which status; nothing goes on the network.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "cli/options_curl.hpp"
#include "cli/options_output.hpp"
#include "lint/lint.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"
#include "render/lint_report.hpp"

namespace fs = std::filesystem;

namespace rawhttp::cli {

namespace {

// What real servers answered this gallery file, from verdicts.json next to the
// gallery (recorded by tests/integration/test_lint.py). Empty when the file is
// not a gallery file or nothing was recorded.
std::string observed_verdicts(const std::string& path) {
    std::error_code ec;
    fs::path file(path);
    for (const auto& dir : gallery_dirs()) {
        fs::path verdicts = fs::path(dir) / "verdicts.json";
        if (!fs::is_regular_file(verdicts, ec)) continue;
        fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
        if (!fs::equivalent(parent, dir, ec)) continue;
        std::ifstream in(verdicts);
        std::stringstream ss;
        ss << in.rdbuf();
        auto doc = render::json::parse(ss.str(), nullptr, false);
        if (doc.is_discarded() || !doc.contains("verdicts")) return "";
        auto it = doc["verdicts"].find(file.filename().string());
        if (it == doc["verdicts"].end() || !it->is_object()) return "";
        std::string out;
        for (const auto& [server, status] : it->items()) {
            if (!status.is_string()) continue;
            if (!out.empty()) out += ", ";
            out += (server == "node" ? std::string("Node") : server) + " " + status.get<std::string>();
        }
        return out;
    }
    return "";
}

struct LintCmd {
    ReqInputOptions in;
    bool json = false;
    bool quiet = false;
    bool strict = false;

    int run() {
        if (!in.resolve(json)) return 2;
        auto loaded = load_input(in);
        if (!loaded) {
            print_error(loaded.error().message);
            return exit_code(loaded.error().kind);
        }
        auto reqs = compose_loaded(*loaded, in);
        if (!reqs) {
            print_error(reqs.error().message);
            return exit_code(reqs.error().kind);
        }
        bool any_error = false;
        render::Style s{render::want_color(1)};
        render::json findings = render::json::array();
        std::string out;
        std::size_t errors = 0, warnings = 0;
        const std::string& name = loaded->display_name;
        const bool http_file = detect_dialect(loaded->display_name, loaded->text) == Dialect::http;
        for (std::size_t i = 0; i < reqs->size(); ++i) {
            const auto& r = (*reqs)[i];
            lint::LintOptions lo;
            lo.strict = strict;
            auto linted = lint_composed(r, lo);
            if (!linted) {
                print_error(linted.error().message);
                return 2;
            }
            const std::vector<lint::Finding>& found = *linted;
            any_error = any_error || lint::has_error(found);
            if (reqs->size() > 1 && !json && !quiet)
                out += render::bold("request " + std::to_string(i + 1) + " (line " + std::to_string(r.line) + ")", s) +
                       "\n";
            // A .http file's notes say what its editors' conventions changed and
            // which response each unfilled reference waits for.
            if (http_file && !json && !quiet)
                for (const auto& n : r.notes) out += render::dim("note: " + render::escape_inline(n, s), s) + "\n";
            for (const auto& f : found) {
                // The composer recorded which line of the file each wire line was written on.
                std::size_t file_line = r.source_line(f.line);
                (f.severity == lint::Severity::error ? errors : warnings)++;
                if (json) {
                    findings.push_back(render::lint_finding_json(f, file_line));
                    continue;
                }
                if (quiet) continue;
                out += render::finding_text(f, s, render::escape_inline(name, s) + ":" + std::to_string(file_line) +
                                                      ":" + std::to_string(f.column));
                out += render::finding_pointer(r.bytes, f, s, "    | ");
            }
        }
        if (json) {
            render::json doc;
            doc["findings"] = findings;
            write_all_fd(1, render::dump(doc, ::isatty(1) == 1) + "\n");
            return any_error ? 1 : 0;
        }
        std::string seen = observed_verdicts(loaded->display_name);
        if (!seen.empty() && !quiet) out += render::dim("observed on real servers (verdicts.json): " + seen, s) + "\n";
        if (errors + warnings == 0)
            out += render::green("no findings", s) + ": a strict HTTP/1.1 server accepts this request\n";
        else
            out += std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") + std::to_string(warnings) +
                   (warnings == 1 ? " warning" : " warnings") + "\n";
        write_all_fd(1, out);
        return any_error ? 1 : 0;
    }
};

}  // namespace

void add_lint_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<LintCmd>();
    Command* sub = add_command(app, "lint", "explain what a strict server would reject, and with which status");
    sub->footer(
        "Compose FILE.req exactly as 'send' would, and check the bytes against RFC 9110/9112:\n"
        "each finding gives FILE:LINE:COLUMN, error or warning, a rule id, the RFC section,\n"
        "what a strict server answers (400, 411, 414, 431, 501, 505 or a timeout) and a fix.\n"
        "Errors are what a conforming server must reject (or nginx and Node both reject);\n"
        "warnings are what some real servers reject. Nothing goes on the network.\n"
        "'rawhttp serve' judges by the same rule book: it answers the first error's status\n"
        "(the one at the smallest byte offset) and accepts warnings; --strict predicts\n"
        "'serve --strict', which rejects warnings too.\n\n"
        "LINE is the line of FILE the byte was written on (a {{LF}} or {{CRLF}} escape\n"
        "stays on its line; a variable or {{file:...}} holding line breaks shifts what\n"
        "follows). COLUMN counts bytes from 1 in the line as sent on the wire.\n"
        "For gallery files, the statuses nginx and Node answered are shown too.\n\n"
        "Exit status: 0 no error (warnings allowed), 1 an error, 2 a file or template error.\n\n"
        "Example:\n"
        "  rawhttp lint broken-bare-lf.req\n"
        "  rawhttp lint my.req --json | jq '.findings[].id'\n"
        "  rawhttp lint http://127.0.0.1:8080/ -H 'X-Bad : 1'         # a URL and curl's flags\n"
        "  printf 'GET / HTTP/1.1\\n\\n' | rawhttp lint - --eol keep");
    cmd->in.add_to(*sub, "{\"findings\": [...]}");
    add_curl_headers(*sub, cmd->in.keep_curl_headers);
    add_quiet(*sub, cmd->quiet, "print only the summary line (the exit status tells)");
    sub->add_flag("--strict", cmd->strict, "count warnings as errors: what 'serve --strict' rejects");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
