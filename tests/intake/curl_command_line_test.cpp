// Tests of reading a curl command line into CurlArgs (src/intake/curl_command_line).
#include "intake/curl_command_line.hpp"

#include <doctest/doctest.h>

using namespace rawhttp::intake;
using Words = std::vector<std::string>;

TEST_CASE("curl command line: the options that shape the request") {
    auto c = parse_curl_command_line(Words{"curl", "-sSL", "-XPOST", "-H", "X: 1", "--header", "Y: 2", "-d", "a=1",
                                           "--data-binary", "@f", "--data-raw", "@r", "--json", "{}", "-A", "ua",
                                           "-e", "http://r/", "-u", "u:p", "-b", "k=v", "-0", "--path-as-is",
                                           "--request-target", "*", "--compressed", "http://h/"});
    REQUIRE(c);
    const auto& a = c->args;
    CHECK(a.url == "http://h/");
    CHECK(*a.method == "POST");
    CHECK(a.headers == Words{"X: 1", "Y: 2"});
    REQUIRE(a.data.size() == 4);
    CHECK((a.data[0].kind == DataKind::form && a.data[0].value == "a=1"));
    CHECK((a.data[1].kind == DataKind::binary && a.data[1].value == "@f"));
    CHECK((a.data[2].kind == DataKind::raw && a.data[2].value == "@r"));
    CHECK((a.data[3].kind == DataKind::json && a.data[3].value == "{}"));
    CHECK(*a.user_agent == "ua");
    CHECK(*a.referer == "http://r/");
    CHECK(*a.user == "u:p");
    CHECK(*a.cookie == "k=v");
    CHECK(a.http10);
    CHECK(a.path_as_is);
    CHECK(*a.request_target == "*");
    CHECK(*a.accept_encoding == "deflate, gzip, br, zstd");
    REQUIRE(c->notes.size() == 1);
    CHECK(c->notes[0].find("dropped -s -S -L") != std::string::npos);
}

TEST_CASE("curl command line: -G moves the data into the query; --data-urlencode encodes") {
    auto c = parse_curl_command_line(Words{"curl", "-G", "-d", "a=1", "--data-urlencode", "q=a b&c", "--data-urlencode",
                                           "=\xc3\xa9", "http://h/s?x#f"});
    REQUIRE(c);
    CHECK(c->args.url == "http://h/s?x&a=1&q=a+b%26c&%C3%A9#f");
    CHECK(c->args.data.empty());
    CHECK(form_urlencode("a-b_c.d~e f/") == "a-b_c.d~e+f%2F");
}

TEST_CASE("curl command line: what it cannot import is an error naming it") {
    auto err = [](Words w) {
        auto c = parse_curl_command_line(w);
        REQUIRE_FALSE(c);
        return c.error().message;
    };
    CHECK(err({"curl", "-F", "a=b", "http://h/"}).find("'-F'") != std::string::npos);
    CHECK(err({"curl", "--proxy", "p:1", "http://h/"}).find("'--proxy'") != std::string::npos);
    CHECK(err({"curl", "-sF", "a=b", "http://h/"}).find("'-F'") != std::string::npos);
    CHECK(err({"curl", "-H"}).find("needs a value") != std::string::npos);
    CHECK(err({"curl", "-s"}).find("no URL") != std::string::npos);
    CHECK(err({"curl", "http://a/", "http://b/"}).find("two URLs") != std::string::npos);
    CHECK(err({"curl", "--data-urlencode", "n@file", "http://h/"}).find("not supported") != std::string::npos);
}
