// rawhttp completion bash|zsh|fish: a completion script for the shell, made
// from the command tree at run time (app_tree.hpp), so it knows every command
// and option --help knows; FILE completes paths and the gallery's names.
#include <memory>

#include "cli/app_tree.hpp"
#include "cli/common.hpp"

namespace rawhttp::cli {

namespace {

// A description cut to its first line and at most 100 bytes.
std::string short_help(const std::string& help) {
    std::string s = help.substr(0, help.find('\n'));
    if (s.size() > 100) s = s.substr(0, 97) + "...";
    return s;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

std::vector<std::string> option_names(const CommandDoc& c) {
    std::vector<std::string> names;
    for (const auto& o : c.options)
        if (!o.positional) names.insert(names.end(), o.names.begin(), o.names.end());
    names.push_back("--help");
    return names;
}

// The fixed values of a command's positional argument (completion's SHELL), if any.
std::vector<std::string> positional_choices(const CommandDoc& c) {
    for (const auto& o : c.options)
        if (o.positional && !o.choices.empty()) return o.choices;
    return {};
}

std::vector<std::string> command_names(const std::vector<CommandDoc>& cmds) {
    std::vector<std::string> names;
    for (const auto& c : cmds) names.push_back(c.name);
    return names;
}

std::string bash_script(const std::vector<CommandDoc>& cmds) {
    std::string s =
        "# bash completion for rawhttp, made by `rawhttp completion bash` from its own help text.\n"
        "# Enable: source <(rawhttp completion bash), or install it as\n"
        "# /usr/share/bash-completion/completions/rawhttp (cmake --install does).\n"
        "_rawhttp() {\n"
        "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        "    local commands=\"" + join(command_names(cmds), " ") + "\"\n"
        "    COMPREPLY=()\n"
        "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
        "        COMPREPLY=($(compgen -W \"$commands help --help --version\" -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    case \"${COMP_WORDS[1]}\" in\n"
        "    help)\n"
        "        [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
        "        ;;\n";
    for (const auto& c : cmds) {
        s += "    " + c.name + ")\n        case \"$prev\" in\n";
        std::vector<std::string> plain_values;
        for (const auto& o : c.options) {
            if (o.positional || !o.takes_value) continue;
            if (!o.choices.empty())
                s += "        " + join(o.names, "|") + ") COMPREPLY=($(compgen -W \"" + join(o.choices, " ") +
                     "\" -- \"$cur\")); return ;;\n";
            else
                plain_values.insert(plain_values.end(), o.names.begin(), o.names.end());
        }
        if (!plain_values.empty())
            s += "        " + join(plain_values, "|") + ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
        s += "        esac\n"
             "        if [[ \"$cur\" == -* ]]; then\n"
             "            COMPREPLY=($(compgen -W \"" + join(option_names(c), " ") + "\" -- \"$cur\"))\n";
        if (c.takes_file())
            s += "        else\n"
                 "            COMPREPLY=($(compgen -f -- \"$cur\") $(compgen -W \"$(\"${COMP_WORDS[0]}\" completion "
                 "--gallery-names 2>/dev/null)\" -- \"$cur\"))\n";
        else if (auto choices = positional_choices(c); !choices.empty())
            s += "        else\n"
                 "            COMPREPLY=($(compgen -W \"" + join(choices, " ") + "\" -- \"$cur\"))\n";
        s += "        fi\n        ;;\n";
    }
    s += "    esac\n"
         "}\n"
         "complete -o filenames -F _rawhttp rawhttp\n";
    return s;
}

// zsh: inside '...' a quote is written '\''; in _arguments' [help], brackets
// and colons are escaped.
std::string zsh_quote(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '\'') out += "'\\''";
        else if (ch == '[' || ch == ']' || ch == ':' || ch == '\\') (out += '\\') += ch;
        else out += ch;
    }
    return out;
}

std::string zsh_script(const std::vector<CommandDoc>& cmds) {
    std::string s =
        "#compdef rawhttp\n"
        "# zsh completion for rawhttp, made by `rawhttp completion zsh` from its own help text.\n"
        "# Enable: put it in a folder of $fpath as _rawhttp (cmake --install writes\n"
        "# PREFIX/share/zsh/site-functions/_rawhttp), then run compinit.\n"
        "_rawhttp_file() {\n"
        "    _files\n"
        "    local -a gallery\n"
        "    gallery=(${(f)\"$(rawhttp completion --gallery-names 2>/dev/null)\"})\n"
        "    (( ${#gallery} )) && compadd -a gallery\n"
        "}\n"
        "_rawhttp() {\n"
        "    local -a commands\n"
        "    commands=(\n";
    for (const auto& c : cmds) s += "        '" + zsh_quote(c.name) + ":" + zsh_quote(short_help(c.description)) + "'\n";
    s += "        'help:show the help of a command'\n"
         "    )\n"
         "    if (( CURRENT == 2 )); then\n"
         "        _describe 'command' commands\n"
         "        return\n"
         "    fi\n"
         "    local cmd=$words[2]\n"
         "    (( CURRENT-- ))\n"
         "    shift words\n"
         "    case $cmd in\n"
         "    help) _describe 'command' commands ;;\n";
    for (const auto& c : cmds) {
        s += "    " + c.name + ")\n        _arguments -s \\\n";
        for (const auto& o : c.options) {
            std::string help = zsh_quote(short_help(o.help));
            if (o.positional) {
                std::string action = o.names.front() == "FILE" ? "_rawhttp_file"
                                     : o.choices.empty()         ? ""
                                                                 : "(" + join(o.choices, " ") + ")";
                s += "            '*:" + zsh_quote(o.names.front()) + ":" + action + "' \\\n";
                continue;
            }
            std::string action;
            if (o.takes_value)
                action = ":" + zsh_quote(o.value_name) + ":" + (o.choices.empty() ? "_files" : "(" + join(o.choices, " ") + ")");
            for (const auto& n : o.names) s += "            '" + n + "[" + help + "]" + action + "' \\\n";
        }
        s += "            '--help[show this command'\\''s help]'\n        ;;\n";
    }
    s += "    esac\n"
         "}\n"
         "_rawhttp \"$@\"\n";
    return s;
}

std::string fish_quote(const std::string& text) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "'";
}

std::string fish_script(const std::vector<CommandDoc>& cmds) {
    std::string s =
        "# fish completion for rawhttp, made by `rawhttp completion fish` from its own help text.\n"
        "# Enable: rawhttp completion fish > ~/.config/fish/completions/rawhttp.fish (cmake --install\n"
        "# writes PREFIX/share/fish/vendor_completions.d/rawhttp.fish).\n"
        "complete -c rawhttp -f\n"
        "complete -c rawhttp -n __fish_use_subcommand -a help -d 'show the help of a command'\n"
        "complete -c rawhttp -n '__fish_seen_subcommand_from help' -a " +
        fish_quote(join(command_names(cmds), " ")) + "\n";
    for (const auto& c : cmds) {
        s += "complete -c rawhttp -n __fish_use_subcommand -a " + c.name + " -d " + fish_quote(short_help(c.description)) + "\n";
        const std::string when = "-n '__fish_seen_subcommand_from " + c.name + "'";
        for (const auto& o : c.options) {
            if (o.positional) continue;
            std::string line = "complete -c rawhttp " + when;
            for (const auto& n : o.names) line += n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1);
            if (o.takes_value) line += o.choices.empty() ? " -r -F" : " -x -a " + fish_quote(join(o.choices, " "));
            s += line + " -d " + fish_quote(short_help(o.help)) + "\n";
        }
        if (c.takes_file())
            s += "complete -c rawhttp " + when + " -F -a '(rawhttp completion --gallery-names 2>/dev/null)'\n";
        else if (auto choices = positional_choices(c); !choices.empty())
            s += "complete -c rawhttp " + when + " -a " + fish_quote(join(choices, " ")) + "\n";
    }
    return s;
}

struct CompletionCmd {
    std::string shell;
    bool gallery = false;
    const CLI::App* app = nullptr;

    int run() const {
        if (gallery) {
            std::string out;
            for (const auto& n : gallery_names()) out += n + "\n";
            write_all_fd(1, out);
            return 0;
        }
        if (shell.empty()) {
            print_error("completion: name the shell: rawhttp completion bash|zsh|fish");
            return 2;
        }
        auto cmds = describe_commands(*app);
        write_all_fd(1, shell == "bash" ? bash_script(cmds) : shell == "zsh" ? zsh_script(cmds) : fish_script(cmds));
        return 0;
    }
};

}  // namespace

void add_completion_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<CompletionCmd>();
    cmd->app = &app;
    Command* sub = add_command(app, "completion", "print a shell completion script: bash, zsh or fish");
    sub->footer(
        "Print a completion script for the shell, made from rawhttp's own help text:\n"
        "commands, options (with their values where they have a fixed set) and, for\n"
        "FILE, paths and the gallery's names.\n\n"
        "Examples:\n"
        "  source <(rawhttp completion bash)                           # this bash session\n"
        "  rawhttp completion bash > ~/.local/share/bash-completion/completions/rawhttp\n"
        "  rawhttp completion zsh > ~/.zfunc/_rawhttp                  # with fpath+=(~/.zfunc)\n"
        "  rawhttp completion fish > ~/.config/fish/completions/rawhttp.fish");
    sub->add_option("SHELL", cmd->shell, "bash, zsh or fish")->check(CLI::IsMember({"bash", "zsh", "fish"}));
    // What the scripts call to complete FILE with gallery names.
    sub->add_flag("--gallery-names", cmd->gallery, "print the gallery's file names, one a line")->group("");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
