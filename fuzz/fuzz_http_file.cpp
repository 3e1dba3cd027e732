// libFuzzer target: the .http front end (src/compose/http_file) on arbitrary
// text, with a fake file system and environment, and a fake earlier response
// for its references (src/compose/response_ref, the JSONPath subset). It must
// never crash; errors and request lines must point into the input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compose/http_file.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace rawhttp;
    std::string_view input(reinterpret_cast<const char*>(data), size);

    // The first byte picks the options; the rest is the file.
    ComposeOptions options;
    options.file_name = "fuzz.http";
    options.base_dir = "/fuzz";
    HttpFileOptions http;
    http.now_ms = [] { return std::int64_t{1795370400123}; };
    std::uint64_t seed = 42;
    http.random = [&seed] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    std::string response_body = R"({"token":"t","items":[{"id":1},{"id":2}],"s":"{{x}}\r\n"})";
    if (!input.empty()) {
        auto sel = static_cast<unsigned char>(input.front());
        input.remove_prefix(1);
        if (sel & 1) http.fill_request = sel >> 4;
        if (sel & 2) options.vars["base"] = "https://cli.test";
        if (sel & 4) options.eol = Eol::lf;
        if (sel & 8) response_body = std::string(input.substr(0, input.size() / 4));  // the body is fuzzed too
    }
    http.lookup = [&](const ResponseRef& ref, std::size_t) -> Result<std::string> {
        RefResponse r;
        r.status = 200;
        r.headers = {{"X-Token", "h"}};
        r.body = response_body;
        return resolve_response_ref(ref, r);
    };
    options.read_file = [](const std::string& path, std::size_t) -> FileRead {
        if (path.find("missing") != std::string::npos) return {ReadFailure::missing, {}, "does not exist"};
        if (path.ends_with(".env")) return {ReadFailure::none, "A=1\nexport B=\"two\"\n", {}};
        return {ReadFailure::none, path + "\n{{A}}", {}};
    };
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (!name.empty() && name[0] == 'A') return "env-" + name;
        return std::nullopt;
    };
    options.limits.variable_bytes = 4096;
    options.limits.composed_bytes = 1 << 20;

    HttpFileOutput out = compose_http_file(input, options, http);

    std::size_t lines = 0;
    for (char c : input)
        if (c == '\n') ++lines;
    if (input.empty() || input.back() != '\n') ++lines;
    if (lines == 0) lines = 1;
    if (out.composed.error) {
        FUZZ_CHECK(out.composed.requests.empty());
        FUZZ_CHECK(out.composed.error->line >= 1 && out.composed.error->line <= lines);
        FUZZ_CHECK(!out.composed.error->message.empty());
    } else {
        FUZZ_CHECK(out.composed.requests.size() == out.requests.size());
        std::size_t prev = 0;
        for (std::size_t i = 0; i < out.requests.size(); ++i) {
            const auto& r = out.composed.requests[i];
            FUZZ_CHECK(r.line >= 1 && r.line <= lines && r.line > prev);
            FUZZ_CHECK(r.line == out.requests[i].line);
            prev = r.line;
            for (const auto& w : out.requests[i].waits) FUZZ_CHECK(w.request < i);
        }
    }
    return 0;
}
