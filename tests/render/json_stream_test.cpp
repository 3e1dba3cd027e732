#include <doctest/doctest.h>

#include "render/json_stream.hpp"

using namespace rawhttp;
using render::json;

namespace {

// What the writer streams must be what dump() gives for the whole document.
std::string streamed(const std::vector<json>& exchanges, const json& notes, bool terminal) {
    std::string out;
    render::ExchangesDocWriter w([&](std::string_view s) { out.append(s); }, terminal);
    for (const auto& e : exchanges) w.add(e);
    w.finish(notes);
    return out;
}

std::string whole(const std::vector<json>& exchanges, const json& notes, bool terminal) {
    json doc;
    doc["exchanges"] = json::array();
    for (const auto& e : exchanges) doc["exchanges"].push_back(e);
    doc["notes"] = notes;
    return render::dump(doc, terminal) + "\n";
}

}  // namespace

TEST_CASE("the streamed send document is byte for byte dump() of the whole") {
    json a = {{"index", 0}, {"response", {{"status", 200}, {"headers", json::array({json::array({"A", "b"})})}}},
              {"notes", json::array()}, {"empty", json::object()}};
    json b = {{"index", 1}, {"error", {{"kind", "timeout"}, {"message", "line one\nline two \x7f caf\xc3\xa9"}}}};
    json notes = json::array({"request 1: a note", "request 2: \xe2\x80\xae reversed"});
    for (bool terminal : {false, true}) {
        CAPTURE(terminal);
        CHECK(streamed({}, json::array(), terminal) == whole({}, json::array(), terminal));
        CHECK(streamed({a}, json::array(), terminal) == whole({a}, json::array(), terminal));
        CHECK(streamed({a, b}, notes, terminal) == whole({a, b}, notes, terminal));
        CHECK(streamed({}, notes, terminal) == whole({}, notes, terminal));
    }
}

TEST_CASE("finish writes the document once") {
    std::string out;
    render::ExchangesDocWriter w([&](std::string_view s) { out.append(s); }, false);
    w.finish(json::array());
    const std::string once = out;
    w.finish(json::array({"late"}));
    CHECK(out == once);
    CHECK(w.finished());
}
