#include <doctest/doctest.h>

#include "compare/response_comparison.hpp"
#include "compare/side_fixture.hpp"
#include "render/comparison_json.hpp"
#include "render/comparison_text.hpp"
#include "render/json_output.hpp"

using namespace rawhttp;
using namespace rawhttp::compare;
using compare_test::side;

TEST_CASE("a report matches only when every exchange does") {
    ComparisonReport r;
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    r.exchanges.push_back(compare_exchange(side(req, 200, {}, 0), side(req, 200, {}, 0), false));
    CHECK(r.match());
    auto j = render::comparison_json(r);
    CHECK(j["match"] == true);
    CHECK(j["exchanges"][0]["requests"]["identical"] == true);
    r.exchanges.push_back(compare_exchange(side(req, 200, {}, 0), side(req + "x", 200, {}, 0), false));
    CHECK_FALSE(r.match());
    CHECK(render::comparison_json(r)["differences"] == 1);
    CHECK(render::comparison_text(r, {}).find("differ: 1 difference") != std::string::npos);
}

TEST_CASE("compare --json keeps bytes that are not UTF-8 in base64; the text view escapes them") {
    ComparisonReport r;
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    SideSummary a = side(req, 200, {{"X", "a\xff"}}, 0);
    SideSummary b = side(req, 200, {{"X", "b\xe2\x80\xae"}}, 0);
    a.response->reason = "O\x9b";
    r.exchanges.push_back(compare_exchange(a, b, false));
    auto j = render::comparison_json(r);
    const auto& rs = j["exchanges"][0]["responses"];
    CHECK(rs["rawhttp"]["reason_base64"] == "T5s=");
    CHECK(rs["rawhttp"]["headers"][0][2]["value_base64"] == "Yf8=");
    CHECK(rs["curl"]["headers"][0].size() == 2);  // valid UTF-8: two elements
    bool found = false;
    for (const auto& d : rs["differences"])
        if (d.contains("rawhttp_base64")) found = d["rawhttp_base64"] == render::base64_encode("X: a\xff");
    CHECK(found);
    std::string text = render::comparison_text(r, {});
    CHECK(text.find("\xe2\x80\xae") == std::string::npos);
    CHECK(text.find('\xff') == std::string::npos);
    CHECK(text.find('\x9b') == std::string::npos);
}
