#include "http/message.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace rawhttp::http;

namespace {

std::vector<int> registered_codes() {
    std::vector<int> codes;
    for (int c = 100; c <= 103; ++c) codes.push_back(c);
    for (int c = 200; c <= 208; ++c) codes.push_back(c);
    codes.push_back(226);
    for (int c = 300; c <= 308; ++c) codes.push_back(c);
    for (int c = 400; c <= 418; ++c) codes.push_back(c);
    for (int c = 421; c <= 426; ++c) codes.push_back(c);
    for (int c : {428, 429, 431, 451}) codes.push_back(c);
    for (int c = 500; c <= 508; ++c) codes.push_back(c);
    codes.push_back(510);
    codes.push_back(511);
    return codes;
}

}  // namespace

TEST_CASE("status: every registered code has a reason and a meaning that starts with it") {
    for (int code : registered_codes()) {
        CAPTURE(code);
        const std::string_view reason = status_reason(code);
        const std::string_view meaning = status_meaning(code);
        CHECK_FALSE(reason.empty());
        CHECK(meaning.substr(0, reason.size()) == reason);
        CHECK(meaning.size() > reason.size() + 2);
        CHECK(meaning.substr(reason.size(), 2) == ": ");
    }
}

TEST_CASE("status: well-known reasons and meanings") {
    CHECK(status_reason(200) == "OK");
    CHECK(status_reason(404) == "Not Found");
    CHECK(status_reason(413) == "Content Too Large");
    CHECK(status_reason(422) == "Unprocessable Content");
    CHECK(status_reason(505) == "HTTP Version Not Supported");
    CHECK(status_reason(103) == "Early Hints");
    CHECK(status_reason(308) == "Permanent Redirect");
    CHECK(status_meaning(400) ==
          "Bad Request: the server could not parse the request (malformed syntax, framing or headers)");
    CHECK(status_meaning(404) == "Not Found: nothing at this target");
    CHECK(status_meaning(408) == "Request Timeout: the server gave up waiting for the rest of the request");
    CHECK(status_meaning(411).find("Content-Length") != std::string_view::npos);
    CHECK(status_meaning(431).find("too big") != std::string_view::npos);
}

TEST_CASE("status: unregistered codes get their class; others are not valid") {
    CHECK(status_reason(299) == "");
    CHECK(status_reason(419) == "");
    CHECK(status_reason(509) == "");
    CHECK(status_meaning(150).find("1xx Informational (unregistered code)") == 0);
    CHECK(status_meaning(299) == "2xx Success (unregistered code)");
    CHECK(status_meaning(399) == "3xx Redirection (unregistered code)");
    CHECK(status_meaning(419) == "4xx Client Error (unregistered code)");
    CHECK(status_meaning(427) == "4xx Client Error (unregistered code)");
    CHECK(status_meaning(509) == "5xx Server Error (unregistered code)");
    CHECK(status_meaning(599) == "5xx Server Error (unregistered code)");
    for (int code : {-1, 0, 1, 42, 99, 600, 999, 1000, -150}) {
        CAPTURE(code);
        CHECK(status_meaning(code) == "not a valid status code");
        CHECK(status_reason(code) == "");
    }
}
