// References to an earlier named response in a .http file (VS Code REST
// Client's {{NAME.response.status}}, {{NAME.response.headers.X}},
// {{NAME.response.body.$.a.b[0]}}): their syntax, and how one is filled from a
// response that arrived. Knows nothing of sockets: it is given the response.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace rawhttp {

struct ResponseRef {
    enum class Part { status, header, body };
    std::string name;    // the request's # @name
    Part part = Part::status;
    std::string header;  // Part::header: the field name
    // Part::body: "" or "*" for the whole body, else a JSONPath subset:
    // $ followed by .name, ['name'] or [N] steps.
    std::string path;
    std::string text;    // as written between the braces, for messages
};

// Whether `inner` (the text between {{ and }}) has the shape NAME.response...
// or NAME.request..., the only shapes parse_response_ref is asked about.
bool looks_like_response_ref(std::string_view inner);

// Parses a reference; the error says what is wrong with its syntax.
Result<ResponseRef> parse_response_ref(std::string_view inner);

// What a reference is filled from: the final response of the named exchange.
struct RefResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;          // decoded (de-chunked), as much as was kept
    bool body_complete = true; // false: the body was cut at the keeping limit
};

// The value the reference stands for; the error says why it cannot be filled
// (the header is absent, the body is not JSON, the path names nothing).
Result<std::string> resolve_response_ref(const ResponseRef& ref, const RefResponse& response);

}  // namespace rawhttp
