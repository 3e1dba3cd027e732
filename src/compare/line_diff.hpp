// The diff of two lists of lines (a longest common subsequence), and the
// longest increasing run that tells which paired lines kept their order.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "render/comparison.hpp"

namespace rawhttp::compare {

using render::DiffLine;

// Longest common subsequence of two line lists, as ' ', '-' and '+' lines.
// Falls back to common prefix + suffix when the table would be too big.
std::vector<DiffLine> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b);

// Indexes (into `seq`) of a longest strictly increasing subsequence.
std::vector<std::size_t> longest_increasing(const std::vector<std::size_t>& seq);

}  // namespace rawhttp::compare
