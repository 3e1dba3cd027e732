// How lint findings read, the same in `lint`, send's "why", listen and
// serve's 400 bodies.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lint/lint.hpp"
#include "render/escape.hpp"

namespace rawhttp::render {

// "LOCATION: error [id] message" then indented "RFC ...; a strict server
// answers N" and "fix: ...". LOCATION defaults to "line L, column C" (lint
// passes FILE:LINE:COLUMN). Every line ends with LF and starts with `indent`.
std::string finding_text(const lint::Finding& f, const Style& style, std::string_view location = "",
                         std::string_view indent = "");

// A finding on what a server sent (send's findings section, relay):
// "line L, column C: warning [id] message", then indented the RFC section and
// what breaking the rule risks. No fix: the response is not the user's file.
std::string response_finding_text(const lint::Finding& f, const Style& style, std::string_view indent = "");

// The line of `bytes` holding the finding, escaped, with a caret under the
// byte: two lines, each starting with `indent`.
std::string finding_pointer(std::string_view bytes, const lint::Finding& f, const Style& style,
                            std::string_view indent = "");

// `lint --json`'s entry for a finding: {"id", "severity", "line", "column",
// "message", "rfc", "expect_status"}; `line` is the file's line (the caller
// maps the request's wire line to it), the rest as lint found it.
nlohmann::json lint_finding_json(const lint::Finding& f, std::size_t file_line);

}  // namespace rawhttp::render
