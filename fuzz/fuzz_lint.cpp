// libFuzzer target for lint_request. Checks, besides memory safety: findings
// are in byte order, inside the input, with line and column that match their
// offset, every field filled from the rule book (the id is the rule's), and
// --strict only turns warnings into errors. Agreement with serve is
// fuzz_rulebook's job.
#include "fuzz_support.hpp"
#include "lint/lint.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

using namespace rawhttp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::unique_ptr<char[]> copy(new char[size + 1]);
    if (size) std::memcpy(copy.get(), data, size);
    const std::string_view in(copy.get(), size);

    lint::LintOptions strict;
    strict.strict = true;
    const auto found = lint::lint_request(in);
    const auto found_strict = lint::lint_request(in, strict);
    FUZZ_CHECK(found.size() == found_strict.size());
    std::size_t prev = 0;
    for (std::size_t k = 0; k < found.size(); ++k) {
        const auto& f = found[k];
        FUZZ_CHECK(f.offset <= in.size());
        FUZZ_CHECK(f.offset >= prev);
        prev = f.offset;
        FUZZ_CHECK(!f.id.empty() && !f.message.empty() && !f.rfc.empty() && !f.fix.empty());
        FUZZ_CHECK(f.id == http::rule_info(f.rule).id);
        FUZZ_CHECK(f.expect_status == http::rule_info(f.rule).status);
        std::size_t line = 1, start = 0;
        for (std::size_t i = 0; i < f.offset; ++i)
            if (in[i] == '\n') {
                ++line;
                start = i + 1;
            }
        FUZZ_CHECK(f.line == line);
        FUZZ_CHECK(f.column == f.offset - start + 1);
        FUZZ_CHECK(found_strict[k].rule == f.rule && found_strict[k].offset == f.offset);
        if (f.severity == lint::Severity::error) FUZZ_CHECK(found_strict[k].severity == lint::Severity::error);
    }
    return 0;
}
