// libFuzzer target: composes arbitrary .req text with a fake file system and
// environment. It must never crash, and the output must keep its invariants.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "compose/compose.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rawhttp;
    std::string_view input(reinterpret_cast<const char*>(data), size);

    // The first byte picks the options; the rest is the file.
    ComposeOptions options;
    options.file_name = "fuzz.req";
    options.base_dir = "/fuzz";
    if (!input.empty()) {
        auto sel = static_cast<unsigned char>(input.front());
        input.remove_prefix(1);
        switch (sel & 3) {
            case 1: options.eol = Eol::crlf; break;
            case 2: options.eol = Eol::lf; break;
            case 3: options.eol = Eol::keep; break;
            default: break;
        }
        if (sel & 4) options.vars["host"] = "cli.test";
        if (sel & 8) options.vars["x"] = "{{x}}\r\n";
        if (sel & 16) options.base_dir = "";
    }
    // Files: "missing..." do not exist; others hold their own path twice.
    options.read_file = [](const std::string& path, std::size_t) -> rawhttp::FileRead {
        if (path.find("missing") != std::string::npos) return {rawhttp::ReadFailure::missing, {}, "does not exist"};
        return {rawhttp::ReadFailure::none, path + "\n" + path, {}};
    };
    // Small limits, so that the fuzzer reaches them.
    options.limits.variable_bytes = 4096;
    options.limits.composed_bytes = 1 << 20;
    // A file longer than this (a path of 12 bytes or more) is held in no head or
    // definition, and streamed when in a body.
    options.limits.included_file_bytes = 24;
    // Environment: names starting with 'A' are set.
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (!name.empty() && name[0] == 'A') return "env-" + name;
        return std::nullopt;
    };

    ComposeOutput out = compose_requests(input, options);

    std::size_t lines = 0;
    for (char c : input)
        if (c == '\n') ++lines;
    if (input.empty() || input.back() != '\n') ++lines;
    if (lines == 0) lines = 1;

    if (out.error) {
        if (!out.requests.empty()) std::abort();
        if (out.error->line < 1 || out.error->line > lines) std::abort();
        if (out.error->column < 1) std::abort();
        if (out.error->message.empty()) std::abort();
        if (out.error->to_string().rfind("fuzz.req:", 0) != 0) std::abort();
    } else {
        if (out.requests.empty()) std::abort();
        std::size_t prev = 0;
        for (const auto& r : out.requests) {
            if (r.head_bytes > r.bytes.size()) std::abort();
            // Streamed files sit in the body, in order, within the held bytes.
            std::size_t at = r.head_bytes;
            for (const auto& f : r.streamed) {
                if (f.at < at || f.at > r.bytes.size() || f.size <= options.limits.included_file_bytes) std::abort();
                at = f.at;
            }
            if (r.line < 1 || r.line > lines || r.line <= prev) std::abort();
            prev = r.line;
            if (options.eol && r.eol != *options.eol) std::abort();
            // crlf/lf modes always end the head with an empty line.
            if (r.eol != Eol::keep) {
                std::string_view head(r.bytes.data(), r.head_bytes);
                if (head.size() < 2 || head.substr(head.size() - 1) != "\n") std::abort();
            }
        }
    }
    return 0;
}
