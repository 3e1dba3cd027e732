// A folder of its own for one test, removed afterwards.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace test_support {

struct TempDir {
    explicit TempDir(const std::string& tag)
        : path(std::filesystem::temp_directory_path() / ("rawhttp-" + tag + "-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& bytes) const {
        std::ofstream out(path / name, std::ios::binary);
        out << bytes;
        return (path / name).string();
    }
    std::filesystem::path path;
};

}  // namespace test_support
