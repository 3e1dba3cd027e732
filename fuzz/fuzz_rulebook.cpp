// The differential target of the rule book: the same bytes to lint and to
// serve's decision. lint (the reader with every leniency on, given the whole
// file) predicts accept, the first error's status, or a timeout; serve (the
// reader as the server runs it, fed in arbitrary pieces, then silence)
// answers. They must agree, default and --strict, for every input and split.
#include "fuzz_support.hpp"
#include "lint/lint.hpp"
#include "server/practice_server.hpp"

#include <cstdint>
#include <string>

using namespace rawhttp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    for (bool strict : {false, true}) {
        lint::LintOptions lo;
        lo.strict = strict;
        std::string predicted = "accept";
        for (const auto& f : lint::lint_request(in, lo))
            if (f.severity == lint::Severity::error) {
                predicted = f.expect_status;
                break;  // findings are in byte order: the first error decides
            }
        server::ServeOptions so;
        so.strict = strict;
        for (int round = -1; round < 4; ++round) {
            const std::string got = server::first_request_verdict(
                in, so, round < 0 ? std::vector<std::size_t>{} : fuzz_support::cuts_for(in, round));
            if (got != predicted) {
                __builtin_fprintf(stderr, "strict=%d round=%d: lint predicts %s, serve answers %s\n", strict, round,
                                  predicted.c_str(), got.c_str());
            }
            FUZZ_CHECK(got == predicted);
        }
    }
    return 0;
}
