#include <doctest/doctest.h>

#include "render/json_stream.hpp"

using namespace rawhttp;
using render::json;

namespace {

client::ExchangeResult answered(std::size_t index, std::string reason) {
    client::ExchangeResult ex;
    ex.index = index;
    client::Response r;
    r.version = "HTTP/1.1";
    r.status = 200;
    r.reason = std::move(reason);
    r.headers = {{"Content-Length", "2"}, {"X-Odd", "caf\xc3\xa9 \x7f"}};
    r.raw_head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    r.head_complete = r.complete = true;
    r.body_bytes = 2;
    ex.response = r;
    ex.timing.total_ms = 0.032568;
    ex.timing.first_byte_ms = 12.5;
    return ex;
}

client::ExchangeResult failed(std::size_t index) {
    client::ExchangeResult ex;
    ex.index = index;
    ex.error = make_error(ErrorKind::timeout, "line one\nline two");
    ex.notes = {"a note"};
    return ex;
}

// What the writer streams must be what dump() gives for the whole document.
std::string streamed(const std::vector<client::ExchangeResult>& exchanges, const json& notes, bool terminal,
                     const render::ExchangeWording& wording = {}) {
    std::string out;
    render::ExchangesDocWriter w([&](std::string_view s) { out.append(s); }, terminal);
    for (const auto& e : exchanges) w.add(e, "ok", false, wording);
    w.finish(notes.get<std::vector<std::string>>());
    return out;
}

std::string whole(const std::vector<client::ExchangeResult>& exchanges, const json& notes, bool terminal) {
    json doc;
    doc["exchanges"] = json::array();
    for (const auto& e : exchanges) doc["exchanges"].push_back(render::exchange_json(e, "ok", false));
    doc["notes"] = notes;
    return render::dump(doc, terminal) + "\n";
}

}  // namespace

TEST_CASE("the streamed send document is byte for byte dump() of the whole") {
    const auto a = answered(0, "OK");
    const auto b = failed(1);
    const auto c = answered(2, "\xff not UTF-8");
    json notes = json::array({"request 1: a note", "request 2: \xe2\x80\xae reversed"});
    for (bool terminal : {false, true}) {
        CAPTURE(terminal);
        CHECK(streamed({}, json::array(), terminal) == whole({}, json::array(), terminal));
        CHECK(streamed({a}, json::array(), terminal) == whole({a}, json::array(), terminal));
        CHECK(streamed({a, b, c}, notes, terminal) == whole({a, b, c}, notes, terminal));
        CHECK(streamed({}, notes, terminal) == whole({}, notes, terminal));
    }
}

TEST_CASE("the command line's wording of an exchange replaces its error message and adds notes") {
    const auto doc = json::parse(streamed({failed(0)}, json::array(), false, {"as on the terminal", {"hint: x"}}));
    const auto& ex = doc["exchanges"][0];
    CHECK(ex["error"]["message"] == "as on the terminal");
    CHECK(ex["error"]["kind"] == "timeout");
    CHECK(ex["notes"] == json::array({"a note", "hint: x"}));
}

TEST_CASE("finish writes the document once") {
    std::string out;
    render::ExchangesDocWriter w([&](std::string_view s) { out.append(s); }, false);
    w.finish({});
    const std::string once = out;
    w.finish({"late"});
    CHECK(out == once);
    CHECK(w.finished());
}
