#include "compare/line_diff.hpp"

#include <algorithm>
#include <cstdint>

namespace rawhttp::compare {

// Longest common subsequence of two line lists; returns the diff. Falls back
// to common prefix + suffix when the table would be too big.
std::vector<DiffLine> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    std::vector<DiffLine> out;
    std::size_t n = a.size(), m = b.size();
    if (n * m > 4'000'000) {
        std::size_t p = 0;
        while (p < n && p < m && a[p] == b[p]) ++p;
        std::size_t s = 0;
        while (s < n - p && s < m - p && a[n - 1 - s] == b[m - 1 - s]) ++s;
        for (std::size_t i = 0; i < p; ++i) out.push_back({' ', std::string(a[i])});
        for (std::size_t i = p; i < n - s; ++i) out.push_back({'-', std::string(a[i])});
        for (std::size_t i = p; i < m - s; ++i) out.push_back({'+', std::string(b[i])});
        for (std::size_t i = n - s; i < n; ++i) out.push_back({' ', std::string(a[i])});
        return out;
    }
    std::vector<std::uint32_t> t((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return t[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            out.push_back({' ', std::string(a[i])});
            ++i, ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            out.push_back({'-', std::string(a[i++])});
        } else {
            out.push_back({'+', std::string(b[j++])});
        }
    }
    while (i < n) out.push_back({'-', std::string(a[i++])});
    while (j < m) out.push_back({'+', std::string(b[j++])});
    return out;
}

// Indexes (into `seq`) of a longest strictly increasing subsequence.
std::vector<std::size_t> longest_increasing(const std::vector<std::size_t>& seq) {
    std::vector<std::size_t> tails, prev(seq.size(), SIZE_MAX);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        auto it = std::lower_bound(tails.begin(), tails.end(), seq[i],
                                   [&](std::size_t idx, std::size_t v) { return seq[idx] < v; });
        if (it != tails.begin()) prev[i] = *(it - 1);
        if (it == tails.end()) tails.push_back(i);
        else *it = i;
    }
    std::vector<std::size_t> out;
    for (std::size_t k = tails.empty() ? SIZE_MAX : tails.back(); k != SIZE_MAX; k = prev[k]) out.push_back(k);
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace rawhttp::compare
