// rawhttp man: the man page rawhttp(1) in roff, made from the command tree at
// run time (app_tree.hpp): each command's summary, its --help text and
// examples, and every option with its help, as --help has them.
#include <memory>

#include "cli/app_tree.hpp"
#include "cli/common.hpp"

namespace rawhttp::cli {

namespace {

// Text safe in roff: backslashes and hyphens escaped, no line starting with a
// control character ('.' or '\'').
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char ch : text) {
        if (line_start && (ch == '.' || ch == '\'')) out += "\\&";
        if (ch == '\\') out += "\\e";
        else if (ch == '-') out += "\\-";
        else out += ch;
        line_start = ch == '\n';
    }
    return out;
}

std::string option_label(const OptionDoc& o) {
    std::string s;
    for (const auto& n : o.names) s += (s.empty() ? "" : ", ") + std::string("\\fB") + roff(n) + "\\fR";
    if (o.takes_value)
        s += " \\fI" + roff(o.choices.empty() ? o.value_name : [&] {
            std::string c;
            for (const auto& x : o.choices) c += (c.empty() ? "" : "|") + x;
            return c;
        }()) + "\\fR";
    return s;
}

std::string man_page(const CLI::App& app) {
    auto cmds = describe_commands(app);
    std::string s = ".\\\" rawhttp(1), made by `rawhttp man` from rawhttp's own help text.\n";
    s += ".TH RAWHTTP 1 \"\" \"rawhttp " + roff(RAWHTTP_VERSION) + "\" \"User Commands\"\n";
    s += ".SH NAME\nrawhttp \\- a workbench for HTTP/1.1 as it travels on the wire\n";
    s += ".SH SYNOPSIS\n.B rawhttp\n.I COMMAND\n.RI [ OPTIONS ]\n.RI [ ARGUMENTS ]\n.br\n.B rawhttp help\n.I COMMAND\n";
    s += ".SH DESCRIPTION\n.nf\n" + roff(app.get_description()) + "\n.fi\n";
    s += ".SH COMMANDS\n";
    for (const auto& c : cmds) {
        std::string synopsis = "rawhttp " + c.name;
        for (const auto& o : c.options)
            if (o.positional) synopsis += " " + o.names.front();
        s += ".SS \"" + roff(synopsis) + "\"\n" + roff(c.description) + ".\n";
        if (!c.footer.empty()) s += ".PP\n.nf\n" + roff(c.footer) + "\n.fi\n";
        for (const auto& o : c.options) {
            s += ".TP\n" + (o.positional ? "\\fI" + roff(o.names.front()) + "\\fR" : option_label(o)) + "\n";
            s += roff(o.help) + "\n";
        }
    }
    s += ".SH FILES\n"
         ".TP\n.I PREFIX/share/rawhttp/requests\n"
         "The gallery: bundled .req files, found by name (RAWHTTP_GALLERY names another folder).\n"
         ".SH ENVIRONMENT\n"
         ".TP\n.B RAWHTTP_GALLERY\nA folder searched first for gallery names.\n"
         ".TP\n.B NO_COLOR\nNo colour in the views.\n"
         ".SH EXIT STATUS\n"
         "0 success; 2 a usage, file or template error (nothing was sent); 1 lint found an error; "
         "curl's codes for network failures (6 resolve, 7 connect, 8 malformed response, 18 partial, 22 --fail, "
         "28 timeout, 35 TLS handshake, 52 empty reply, 55 send, 56 receive, 60 certificate); 130 Ctrl-C.\n"
         ".SH SEE ALSO\n"
         ".BR curl (1),\n.BR nc (1)\n";
    return s;
}

}  // namespace

void add_man_command(CLI::App& app, int& exit_code) {
    const CLI::App* root = &app;
    Command* sub = add_command(app, "man", "print the man page rawhttp(1), made from this help text");
    sub->footer(
        "Print the man page rawhttp(1) in roff, made from the same help text as --help.\n"
        "cmake --install puts it in PREFIX/share/man/man1.\n\n"
        "Example:\n"
        "  rawhttp man | man -l -");
    sub->callback([root, &exit_code] {
        exit_code = write_all_fd(1, man_page(*root)) ? 0 : 23;
    });
}

}  // namespace rawhttp::cli
