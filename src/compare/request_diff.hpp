// The diff of two exact requests (rawhttp's and libcurl's): the heads line by
// line, then every difference named plainly. Knows nothing of sockets.
#pragma once

#include <string_view>

#include "render/comparison.hpp"

namespace rawhttp::compare {

using render::ChangeKind;
using render::DiffLine;
using render::change_kind_name;
using render::RequestChange;
using render::RequestDiff;

// Diffs two exact requests: lines of the heads (LCS), then each header paired
// by name and occurrence (the 2nd Accept with the 2nd Accept): added, removed,
// changed, moved; the request line; the body.
RequestDiff diff_requests(std::string_view rawhttp, std::string_view curl);

}  // namespace rawhttp::compare
