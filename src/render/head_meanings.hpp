// What each line of a response head means, for learners: the status line,
// the fields a learner needs explained, and how the body is framed. The
// terminal's wide parsed view and the report page both word them so.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/session.hpp"

namespace rawhttp::render {

// How the body is framed, as the head decides it (before any body byte).
std::string framing_at_head(const client::Response& r, std::string_view method);

// What a header field does; empty when it is not one a learner needs explained.
std::string field_meaning(std::string_view name, std::string_view value, const client::Response& r);

// What each line of the final head means (the status line, each field, the
// empty line), as the wide parsed view words it, plain text; empty when the
// lines do not match the parsed fields one to one (obs-fold, bare CRs).
std::vector<std::string> response_head_meanings(const client::Response& r, std::string_view method);

}  // namespace rawhttp::render
