// The command-line tree as CLI11 holds it (commands, options, help texts),
// read at run time, so that the shell completions and the man page are made
// from the same help text as --help and always list every option.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace rawhttp::cli {

struct OptionDoc {
    std::vector<std::string> names;    // "-v", "--verbose"; a positional's own name ("FILE")
    bool positional = false;
    bool takes_value = false;
    std::string value_name;            // "TEXT", "FLOAT"... as CLI11 prints it, without its choices
    std::vector<std::string> choices;  // IsMember's values ("crlf", "lf", "keep")
    std::string help;
};

struct CommandDoc {
    std::string name;
    std::string description;  // the one line of `rawhttp --help`
    std::string footer;       // the longer text and examples of `rawhttp NAME --help`
    std::vector<OptionDoc> options;
    // A positional named FILE takes a .req path or a gallery name.
    bool takes_file() const;
};

// Every subcommand of `app`, in the order `rawhttp --help` lists them.
std::vector<CommandDoc> describe_commands(const CLI::App& app);

// The bundled gallery's file names (for completing FILE), sorted.
std::vector<std::string> gallery_names();

}  // namespace rawhttp::cli
