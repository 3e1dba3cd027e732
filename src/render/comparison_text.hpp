// `rawhttp compare`'s terminal output: per exchange the requests as a diff of
// lines with every difference named, the responses side by side with their
// differences (volatile headers set apart), the timing of both; then a verdict.
#pragma once

#include <string>

#include "render/comparison.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

struct ComparisonTextOptions {
    Style style;
    bool hex = false;  // also show both requests as hexdumps
};

std::string comparison_text(const Comparison& comparison, const ComparisonTextOptions& options);

}  // namespace rawhttp::render
