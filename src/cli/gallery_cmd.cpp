// rawhttp gallery: the bundled .req files and the lesson each teaches.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "cli/common.hpp"
#include "cli/options_output.hpp"
#include "render/escape.hpp"
#include "render/json_output.hpp"

namespace fs = std::filesystem;

namespace rawhttp::cli {

namespace {

// The lesson: the first comment line, without its marker and the file's own name.
std::string lesson_of(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string_view v = line;
        if (v.starts_with("#") && !v.starts_with("###")) v.remove_prefix(1);
        else if (v.starts_with("//")) v.remove_prefix(2);
        else if (v.empty()) continue;
        else break;
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        std::string name = p.filename().string();
        if (v.starts_with(name)) {
            v.remove_prefix(name.size());
            while (!v.empty() && (v.front() == ':' || v.front() == ' ')) v.remove_prefix(1);
        }
        return std::string(v);
    }
    return "";
}

struct GalleryCmd {
    bool json = false;
    bool paths = false;

    int run() {
        fs::path dir;
        std::error_code ec;
        for (const auto& d : gallery_dirs())
            if (fs::is_directory(d, ec)) {
                dir = d;
                break;
            }
        if (dir.empty()) {
            print_error("no gallery found (looked in: RAWHTTP_GALLERY, PREFIX/share/rawhttp/requests)");
            return 2;
        }
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_regular_file() && e.path().extension() == ".req") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (json) {
            render::json doc;
            doc["dir"] = dir.string();
            doc["requests"] = render::json::array();
            for (const auto& f : files)
                doc["requests"].push_back({{"name", f.filename().string()}, {"lesson", lesson_of(f)}});
            write_all_fd(1, render::dump(doc, ::isatty(1) == 1) + "\n");
            return 0;
        }
        render::Style s{render::want_color(1)};
        std::size_t width = 0;
        for (const auto& f : files) width = std::max(width, f.filename().string().size());
        std::string out = render::dim("# " + dir.string() + "  (send one with: rawhttp send NAME)", s) + "\n";
        for (const auto& f : files) {
            std::string name = paths ? f.string() : f.filename().string();
            out += render::cyan(name, s) + std::string(width + 2 > name.size() ? width + 2 - name.size() : 2, ' ') +
                   lesson_of(f) + "\n";
        }
        write_all_fd(1, out);
        return 0;
    }
};

}  // namespace

void add_gallery_command(CLI::App& app, int& exit_code) {
    auto cmd = std::make_shared<GalleryCmd>();
    Command* sub = add_command(app, "gallery", "list the bundled .req files and the lesson each teaches");
    sub->footer(
        "List the bundled .req files with the lesson each teaches.\n"
        "Any command that takes FILE.req also accepts a gallery name.\n\n"
        "Example:\n"
        "  rawhttp gallery\n"
        "  rawhttp compose get-google.req");
    add_json(*sub, cmd->json, "the list");
    sub->add_flag("--paths", cmd->paths, "show full paths");
    sub->callback([cmd, &exit_code] { exit_code = cmd->run(); });
}

}  // namespace rawhttp::cli
