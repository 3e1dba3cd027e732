// libFuzzer target for lint_request. Checks, besides memory safety: findings
// are in byte order, inside the input, with line and column that match their
// offset and every field filled; and lint agrees with the strict request
// parser serve uses: when the parser rejects a head, lint finds something a
// strict server answers 400 to (serve's 400 body is lint's explanation).
#include "fuzz_support.hpp"
#include "http/message.hpp"
#include "lint/lint.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

using namespace rawhttp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::unique_ptr<char[]> copy(new char[size + 1]);
    if (size) std::memcpy(copy.get(), data, size);
    const std::string_view in(copy.get(), size);

    for (bool body : {true, false}) {
        lint::LintOptions opts;
        opts.check_body = body;
        auto found = lint::lint_request(in, opts);
        std::size_t prev = 0;
        for (const auto& f : found) {
            FUZZ_CHECK(f.offset <= in.size());
            FUZZ_CHECK(f.offset >= prev);
            prev = f.offset;
            FUZZ_CHECK(!f.id.empty() && !f.message.empty() && !f.rfc.empty() && !f.fix.empty());
            FUZZ_CHECK(!f.expect_status.empty());
            std::size_t line = 1, start = 0;
            for (std::size_t i = 0; i < f.offset; ++i)
                if (in[i] == '\n') {
                    ++line;
                    start = i + 1;
                }
            FUZZ_CHECK(f.line == line);
            FUZZ_CHECK(f.column == f.offset - start + 1);
        }
        if (body) continue;

        http::RequestHead head;
        http::ParseError err;
        if (http::parse_request_head(in, head, err) != http::ParseStatus::error) continue;
        if (err.message.find("exceeds") != std::string::npos || err.message.find("more than 1000") != std::string::npos)
            continue;  // the parser's own limits, not a rule of the grammar
        bool explained = false;
        for (const auto& f : found)
            if (f.severity == lint::Severity::error || f.expect_status == "400") explained = true;
        if (!explained) __builtin_fprintf(stderr, "parser: %s\n", err.message.c_str());
        FUZZ_CHECK(explained);
    }
    return 0;
}
