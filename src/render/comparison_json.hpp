// `rawhttp compare --json`: the comparison as one document; bytes that are not
// UTF-8 go as base64 beside their text (json_output.hpp), so nothing is altered.
#pragma once

#include <nlohmann/json.hpp>

#include "render/comparison.hpp"

namespace rawhttp::render {

// {"match", "mode", "strict", "curl_version", "volatile_headers", "differences",
//  "exchanges": [{"requests", "responses", "timing", ...}], "notes"}
nlohmann::json comparison_json(const Comparison& comparison);

}  // namespace rawhttp::render
