#include <doctest/doctest.h>

#include <algorithm>

#include "compare/response_comparison.hpp"
#include "compare/side_fixture.hpp"

using namespace rawhttp;
using namespace rawhttp::compare;
using compare_test::side;

TEST_CASE("responses: volatile headers are set apart unless --strict") {
    auto a = side("x", 200, {{"Date", "Mon, 01 Jan 2024 00:00:00 GMT"}, {"Content-Length", "5"}}, 5);
    auto b = side("x", 200, {{"Date", "Mon, 01 Jan 2024 00:00:01 GMT"}, {"Content-Length", "5"}}, 5);
    auto loose = compare_responses(a, b, false);
    CHECK(loose.differences.empty());
    CHECK(loose.volatile_differences.size() == 1);
    CHECK(loose.match());
    auto strict = compare_responses(a, b, true);
    CHECK_FALSE(strict.match());
    CHECK(is_volatile_header("set-cookie"));
    CHECK_FALSE(is_volatile_header("ETag"));
}

TEST_CASE("responses: status, headers, order and body are compared") {
    auto a = side("x", 200, {{"A", "1"}, {"B", "2"}}, 5, "aaa");
    auto b = side("x", 404, {{"B", "2"}, {"A", "1"}, {"C", "3"}}, 6, "bbb");
    auto c = compare_responses(a, b, false);
    auto has = [&](std::string_view what) {
        return std::any_of(c.differences.begin(), c.differences.end(),
                           [&](const ResponseDifference& d) { return d.what == what; });
    };
    CHECK(has("status"));
    CHECK(has("header"));        // C only in curl's
    CHECK(has("header-order"));  // A and B swapped
    CHECK(has("body"));
    CHECK_FALSE(c.match());
}

TEST_CASE("both sides failing alike is no difference; one side failing is") {
    SideSummary a, b;
    a.error = make_error(ErrorKind::connect, "refused");
    b.error = make_error(ErrorKind::connect, "libcurl: refused");
    CHECK(compare_responses(a, b, false).match());
    SideSummary ok = side("x", 200, {}, 0);
    CHECK_FALSE(compare_responses(a, ok, false).match());
}
