// libFuzzer target for `import curl`: the shell-word splitter
// (intake/shell_words), the curl command-line reader, curl's composition
// (intake/curl_args) and the printed curl command (compare/curl_command).
// Checks, for an arbitrary command string: every word quoted by shell_word
// splits back to itself; a request that is made has a .req text composing to
// exactly its bytes; and where a curl command is printed for those bytes,
// importing that command gives the same bytes again. No file is read: "@file"
// data is the file's name backwards.
#include "compare/curl_command.hpp"
#include "compose/compose.hpp"
#include "fuzz_support.hpp"
#include "intake/curl_args.hpp"
#include "intake/curl_command_line.hpp"
#include "intake/shell_words.hpp"

#include <cstdint>
#include <string>

using namespace rawhttp;

namespace {

FileRead fake_file(const std::string& path, std::size_t) {
    return FileRead{ReadFailure::none, std::string(path.rbegin(), path.rend()), {}, 0};
}

ComposeOptions offline() {
    ComposeOptions o;
    o.getenv = [](const std::string&) { return std::optional<std::string>(); };
    o.read_file = [](const std::string&, std::size_t) { return FileRead{ReadFailure::missing, {}, "not read", 0}; };
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto words = intake::split_shell_words(in);
    if (!words) return 0;
    std::string joined;
    for (const auto& w : *words) {
        if (w.find('\0') != std::string::npos) continue;  // no shell word carries a NUL
        auto back = intake::split_shell_words(compare::shell_word(w));
        FUZZ_CHECK(back && back->size() == 1 && (*back)[0] == w);
    }
    auto parsed = intake::parse_curl_command_line(*words);
    if (!parsed) return 0;
    auto made = intake::curl_request(parsed->args, fake_file);
    if (!made) return 0;
    auto composed = compose_requests(made->req_text, offline());
    FUZZ_CHECK(!composed.error && composed.requests.size() == 1);
    FUZZ_CHECK(composed.requests[0].bytes == made->bytes);

    ComposedRequest r;
    r.bytes = made->bytes;
    auto cmd = compare::curl_command_for(r, {"127.0.0.1", 8080, false, std::nullopt}, "body.bin");
    if (cmd.command.empty()) return 0;
    auto again_words = intake::split_shell_words(cmd.command);
    FUZZ_CHECK(again_words);
    auto again = intake::parse_curl_command_line(*again_words);
    FUZZ_CHECK(again);
    auto remade = intake::curl_request(again->args, [&](const std::string& path, std::size_t) {
        FUZZ_CHECK(path == "body.bin" && cmd.body_in_file);
        return FileRead{ReadFailure::none, cmd.body, {}, 0};
    });
    FUZZ_CHECK(remade);
    FUZZ_CHECK(remade->bytes == made->bytes);
    return 0;
}
