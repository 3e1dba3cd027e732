// libFuzzer target: the Hurl importer (src/compose/hurl_import) on arbitrary
// text. It must never crash; an error names a line of the input, and a .req it
// writes composes (or fails with a message, never a crash).
#include <cstdint>
#include <string>
#include <string_view>

#include "compose/compose.hpp"
#include "compose/hurl_import.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rawhttp;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)looks_like_hurl("fuzz.txt", input);
    auto got = import_hurl(input);
    if (!got) {
        FUZZ_CHECK(got.error().message.starts_with("line "));
        return 0;
    }
    FUZZ_CHECK(got->requests >= 1);
    ComposeOptions options;
    options.file_name = "fuzz.req";
    options.read_file = [](const std::string&, std::size_t) -> FileRead { return {ReadFailure::missing, {}, "does not exist"}; };
    options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    ComposeOutput out = compose_requests(got->req, options);
    if (!out.error) FUZZ_CHECK(!out.requests.empty());
    return 0;
}
