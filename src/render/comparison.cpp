#include "render/comparison.hpp"

#include "core/wording.hpp"
#include "http/message.hpp"

namespace rawhttp::render {

std::string_view change_kind_name(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::request_line: return "request-line";
        case ChangeKind::added: return "added";
        case ChangeKind::removed: return "removed";
        case ChangeKind::changed: return "changed";
        case ChangeKind::moved: return "moved";
        case ChangeKind::head: return "head";
        case ChangeKind::body: return "body";
    }
    return "";
}

std::string interim_words(const client::Response& r) {
    std::string out;
    for (const auto& i : r.interim) out += (out.empty() ? "" : ", ") + std::to_string(i.status);
    return out.empty() ? "none" : out;
}

std::string framing_words(const client::Response& r) {
    return r.framing ? std::string(http::framing_name(*r.framing)) : "undetermined";
}

std::string body_words(const client::Response& r, const std::string& sha) {
    return plural(r.body_bytes, "byte") + (sha.empty() ? "" : ", sha256 " + sha.substr(0, 16));
}

std::size_t ExchangeComparison::difference_count() const {
    std::size_t n = request.changes.size() + response.differences.size();
    if (response.strict) n += response.volatile_differences.size();
    return n;
}

bool Comparison::match() const {
    for (const auto& e : exchanges)
        if (!e.match()) return false;
    return true;
}

}  // namespace rawhttp::render
