#include "cli/command.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace rawhttp::cli {

Command* add_command(CLI::App& parent, std::string name, std::string description) {
    auto command = std::make_shared<Command>(std::move(description), std::move(name), &parent);
    Command* raw = command.get();
    parent.add_subcommand(std::move(command));
    return raw;
}

void Command::check_unique_names() const {
    // Short names and long names, one namespace each, as CLI11 matches them
    // ("-o" and "--o" do not clash; positional names are not compared).
    std::vector<std::string> names;
    for (const auto& o : options_) {
        for (const auto& s : o->get_snames()) names.push_back("-" + s);
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    }
    std::sort(names.begin(), names.end());
    if (auto twice = std::adjacent_find(names.begin(), names.end()); twice != names.end()) {
        std::fprintf(stderr, "rawhttp: internal error: '%s' declares %s twice\n", get_name().c_str(),
                     twice->c_str());
        std::abort();
    }
}

}  // namespace rawhttp::cli
