#include "cli/app_tree.hpp"

#include <algorithm>
#include <filesystem>

#include "cli/common.hpp"

namespace fs = std::filesystem;

namespace rawhttp::cli {

bool CommandDoc::takes_file() const {
    for (const auto& o : options)
        if (o.positional && !o.names.empty() && o.names.front() == "FILE") return true;
    return false;
}

namespace {

OptionDoc describe_option(const CLI::Option& opt) {
    OptionDoc d;
    d.positional = opt.get_positional() && !opt.nonpositional();
    if (d.positional) d.names.push_back(opt.get_name(true, false));
    for (const auto& s : opt.get_snames()) d.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames()) d.names.push_back("--" + l);
    d.takes_value = opt.get_expected_max() != 0;  // a flag expects no value
    d.help = opt.get_description();
    // CLI11 writes an IsMember's values into the type name: "TEXT:{crlf,lf,keep}".
    std::string type = opt.get_type_name();
    std::size_t brace = type.find('{');
    if (brace != std::string::npos && type.back() == '}') {
        std::string list = type.substr(brace + 1, type.size() - brace - 2);
        std::size_t pos = 0;
        while (pos <= list.size()) {
            std::size_t comma = list.find(',', pos);
            if (comma == std::string::npos) comma = list.size();
            if (comma > pos) d.choices.push_back(list.substr(pos, comma - pos));
            pos = comma + 1;
        }
        type = type.substr(0, brace);
        while (!type.empty() && (type.back() == ':' || type.back() == ' ')) type.pop_back();
    }
    d.value_name = type.empty() ? "VALUE" : type;
    return d;
}

}  // namespace

std::vector<CommandDoc> describe_commands(const CLI::App& app) {
    std::vector<CommandDoc> out;
    for (const CLI::App* sub : app.get_subcommands({})) {
        CommandDoc c;
        c.name = sub->get_name();
        c.description = sub->get_description();
        c.footer = sub->get_footer();
        for (const CLI::Option* opt : sub->get_options()) {
            if (opt->get_group().empty()) continue;  // hidden
            if (opt->get_lnames() == std::vector<std::string>{"help"}) continue;
            c.options.push_back(describe_option(*opt));
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<std::string> gallery_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& dir : gallery_dirs()) {
        if (!fs::is_directory(dir, ec)) continue;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_regular_file() && e.path().extension() == ".req") names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace rawhttp::cli
