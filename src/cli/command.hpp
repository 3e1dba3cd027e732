// One command of rawhttp's command line (send, serve, ...): a CLI::App whose
// options are added without CLI11 2.1's duplicate-name scan.
//
// CLI11 compares each new option with every earlier one of its command
// (Option::matching_name, copying strings as it goes): for send's fifty
// options that was a third of a small `rawhttp send`'s instructions. Here
// each add sees an empty list, and check_unique_names makes the same check
// once, sorted, when the command is complete (main does, for every command
// it builds, so a clash stops every run and every command-line test).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace rawhttp::cli {

class Command : public CLI::App {
public:
    Command(std::string description, std::string name, CLI::App* parent)
        : CLI::App(std::move(description), std::move(name), parent) {}

    // CLI11's own overloads, each called with the earlier options set aside.
    template <class... Args>
    CLI::Option* add_option(Args&&... args) {
        SetAside aside(*this);
        return CLI::App::add_option(std::forward<Args>(args)...);
    }
    template <class... Args>
    CLI::Option* add_flag(Args&&... args) {
        SetAside aside(*this);
        return CLI::App::add_flag(std::forward<Args>(args)...);
    }

    // Aborts with a message naming a name declared twice (a programming error).
    void check_unique_names() const;

private:
    struct SetAside {
        explicit SetAside(Command& c) : command(c) { earlier.swap(c.options_); }
        ~SetAside() {
            for (auto& o : command.options_) earlier.push_back(std::move(o));
            command.options_.swap(earlier);
        }
        Command& command;
        std::vector<CLI::Option_p> earlier;
    };
};

// Adds the command `name` to `parent`, as CLI::App::add_subcommand does.
Command* add_command(CLI::App& parent, std::string name, std::string description);

}  // namespace rawhttp::cli
