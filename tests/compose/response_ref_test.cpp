// Tests of response references (src/compose/response_ref): syntax and the
// JSONPath subset through nlohmann::json.
#include "compose/response_ref.hpp"

#include <doctest/doctest.h>

using namespace rawhttp;

namespace {

std::string fill(const std::string& inner, const RefResponse& r) {
    auto ref = parse_response_ref(inner);
    REQUIRE_MESSAGE(ref, ref.error().message);
    auto v = resolve_response_ref(*ref, r);
    return v ? *v : "error: " + v.error().message;
}

}  // namespace

TEST_CASE("response ref: shapes") {
    CHECK(looks_like_response_ref("login.response.body.$.token"));
    CHECK(looks_like_response_ref("login.request.headers.X"));
    CHECK(!looks_like_response_ref("host"));
    CHECK(!looks_like_response_ref("a.b"));
    CHECK(!looks_like_response_ref("$guid"));
    CHECK(!looks_like_response_ref("login.responses"));
    CHECK(!parse_response_ref("a.response"));
    CHECK(!parse_response_ref("a.response.headers."));
    CHECK(!parse_response_ref("a.response.body.token"));  // a path starts with $
    CHECK(!parse_response_ref("a.response.body.$..x"));
    CHECK(!parse_response_ref("a.response.body.$[1"));
    CHECK(parse_response_ref("a.response.body")->path == "*");
}

TEST_CASE("response ref: status, headers, JSONPath") {
    RefResponse r;
    r.status = 201;
    r.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-9"}};
    r.body = R"({"token":"t1","user":{"id":7,"roles":["a","b"],"weird key":true},"n":null,"f":1.5})";
    CHECK(fill("x.response.status", r) == "201");
    CHECK(fill("x.response.headers.x-request-id", r) == "r-9");
    CHECK(fill("x.response.headers.Nope", r) == "error: the response has no 'Nope' header");
    CHECK(fill("x.response.body.$.token", r) == "t1");
    CHECK(fill("x.response.body.$.user.id", r) == "7");
    CHECK(fill("x.response.body.$.user.roles[1]", r) == "b");
    CHECK(fill("x.response.body.$.user.roles[-1]", r) == "b");
    CHECK(fill("x.response.body.$['user']['weird key']", r) == "true");
    CHECK(fill("x.response.body.$.user.roles", r) == R"(["a","b"])");
    CHECK(fill("x.response.body.$.n", r) == "null");
    CHECK(fill("x.response.body.$.f", r) == "1.5");
    CHECK(fill("x.response.body.*", r) == r.body);
    CHECK(fill("x.response.body.$.user.roles[2]", r) == "error: $.user.roles has 2 elements, no [2]");
    CHECK(fill("x.response.body.$.token.x", r) == "error: $.token has no member 'x'");
    CHECK(fill("x.response.body.$.missing", r) == "error: $ has no member 'missing'");
    r.body = "not json";
    CHECK(fill("x.response.body.$.a", r).starts_with("error: the response body is not JSON"));
}
