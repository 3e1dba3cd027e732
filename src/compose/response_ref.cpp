#include "compose/response_ref.hpp"
#include "compose/text.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace rawhttp {

namespace {

using namespace compose_text;

struct Step {
    bool is_index = false;
    std::string key;
    long long index = 0;
};

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// The steps of a JSONPath of the subset; the error names the offending byte.
Result<std::vector<Step>> parse_path(std::string_view path) {
    std::vector<Step> steps;
    if (path.empty() || path.front() != '$')
        return make_error(ErrorKind::template_, "a body path starts with '$' (as in $.token or $.items[0].id), or is '*'");
    std::size_t i = 1;
    auto bad = [&](std::string what) {
        return make_error(ErrorKind::template_, "bad JSONPath '" + std::string(path) + "' at byte " +
                                                    std::to_string(i + 1) + ": " + what +
                                                    " (rawhttp reads $, .name, ['name'] and [N])");
    };
    while (i < path.size()) {
        if (path[i] == '.') {
            std::size_t b = ++i;
            while (i < path.size() && name_char(path[i])) ++i;
            if (i == b) return bad("a name must follow '.'");
            steps.push_back(Step{false, std::string(path.substr(b, i - b)), 0});
        } else if (path[i] == '[') {
            ++i;
            if (i < path.size() && (path[i] == '\'' || path[i] == '"')) {
                char q = path[i++];
                std::size_t close = path.find(q, i);
                if (close == std::string_view::npos) return bad("the quoted name is not closed");
                std::string key(path.substr(i, close - i));
                i = close + 1;
                if (i >= path.size() || path[i] != ']') return bad("expected ']' after the quoted name");
                ++i;
                steps.push_back(Step{false, std::move(key), 0});
            } else {
                std::size_t b = i;
                if (i < path.size() && path[i] == '-') ++i;
                while (i < path.size() && path[i] >= '0' && path[i] <= '9') ++i;
                if (i == b || (i == b + 1 && path[b] == '-')) return bad("expected an index or a quoted name after '['");
                if (i - b > 12) return bad("the index is too large");
                long long n = std::strtoll(std::string(path.substr(b, i - b)).c_str(), nullptr, 10);
                if (i >= path.size() || path[i] != ']') return bad("expected ']' after the index");
                ++i;
                steps.push_back(Step{true, {}, n});
            }
        } else {
            return bad("expected '.' or '['");
        }
    }
    return steps;
}

}  // namespace

bool looks_like_response_ref(std::string_view inner) {
    std::size_t dot = inner.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    for (char c : inner.substr(0, dot))
        if (!name_char(c)) return false;
    std::string_view rest = inner.substr(dot + 1);
    auto word = [&](std::string_view w) { return rest.substr(0, w.size()) == w && (rest.size() == w.size() || rest[w.size()] == '.'); };
    return word("response") || word("request");
}

Result<ResponseRef> parse_response_ref(std::string_view inner) {
    ResponseRef ref;
    ref.text = std::string(inner);
    std::size_t dot = inner.find('.');
    ref.name = std::string(inner.substr(0, dot));
    std::string_view rest = inner.substr(dot + 1);
    if (rest.starts_with("request"))
        return make_error(ErrorKind::template_,
                          "'{{" + ref.text + "}}': rawhttp fills references to a response only "
                          "(NAME.response.status, NAME.response.headers.NAME, NAME.response.body.$.PATH)");
    rest.remove_prefix(std::string_view("response").size());
    auto usage = [&](std::string what) {
        return make_error(ErrorKind::template_, "'{{" + ref.text + "}}': " + what +
                                                    "; write NAME.response.status, NAME.response.headers.NAME or "
                                                    "NAME.response.body.$.PATH (or .body.* for the whole body)");
    };
    if (rest.empty()) return usage("say which part of the response");
    rest.remove_prefix(1);  // the '.'
    if (rest == "status") {
        ref.part = ResponseRef::Part::status;
        return ref;
    }
    if (rest.starts_with("headers.")) {
        ref.part = ResponseRef::Part::header;
        ref.header = std::string(rest.substr(8));
        if (ref.header.empty()) return usage("name the header");
        for (char c : ref.header)
            if (c <= ' ' || c == ':' || c == 0x7f) return usage("'" + ref.header + "' is not a header name");
        return ref;
    }
    if (rest == "body" || rest.starts_with("body.")) {
        ref.part = ResponseRef::Part::body;
        ref.path = rest.size() > 5 ? std::string(rest.substr(5)) : std::string("*");
        if (ref.path != "*") {
            auto steps = parse_path(ref.path);
            if (!steps) return usage(steps.error().message);
        }
        return ref;
    }
    if (rest == "headers") return usage("name the header");
    return usage("'" + std::string(rest) + "' is not a part of a response");
}

Result<std::string> resolve_response_ref(const ResponseRef& ref, const RefResponse& response) {
    switch (ref.part) {
        case ResponseRef::Part::status: return std::to_string(response.status);
        case ResponseRef::Part::header:
            for (const auto& [name, value] : response.headers)
                if (iequals(name, ref.header)) return value;
            return make_error(ErrorKind::template_, "the response has no '" + ref.header + "' header");
        case ResponseRef::Part::body: break;
    }
    if (!response.body_complete)
        return make_error(ErrorKind::template_, "the response body was larger than rawhttp keeps for a reference");
    if (ref.path == "*") return response.body;
    auto steps = parse_path(ref.path);
    if (!steps) return steps.error();
    auto doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded()) return make_error(ErrorKind::template_, "the response body is not JSON, so " + ref.path + " names nothing in it");
    const nlohmann::json* at = &doc;
    std::string walked = "$";
    for (const auto& s : *steps) {
        if (s.is_index) {
            if (!at->is_array())
                return make_error(ErrorKind::template_, walked + " is not an array, so [" + std::to_string(s.index) + "] names nothing");
            long long n = static_cast<long long>(at->size());
            long long k = s.index < 0 ? n + s.index : s.index;
            if (k < 0 || k >= n)
                return make_error(ErrorKind::template_, walked + " has " + std::to_string(n) + " elements, no [" +
                                                            std::to_string(s.index) + "]");
            at = &(*at)[static_cast<std::size_t>(k)];
            walked += "[" + std::to_string(s.index) + "]";
        } else {
            if (!at->is_object() || !at->contains(s.key))
                return make_error(ErrorKind::template_, walked + " has no member '" + s.key + "'");
            at = &(*at)[s.key];
            walked += "." + s.key;
        }
    }
    if (at->is_string()) return at->get<std::string>();
    return at->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rawhttp
