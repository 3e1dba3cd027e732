#include <doctest/doctest.h>

#include "render/json_output.hpp"

using namespace rawhttp;
using namespace rawhttp::render;

namespace {

client::ExchangeResult response_exchange(std::string reason, client::Fields headers) {
    client::ExchangeResult ex;
    client::Response r;
    r.version = "HTTP/1.1";
    r.status = 200;
    r.reason = std::move(reason);
    r.headers = std::move(headers);
    r.head_complete = true;
    r.complete = true;
    ex.response = r;
    return ex;
}

}  // namespace

TEST_CASE("a reason that is not valid UTF-8 keeps reason and gains reason_base64") {
    auto ex = response_exchange("Caf\xe9", {});
    json j = exchange_json(ex, "", false);
    CHECK(j["response"]["reason"] == "Caf\xef\xbf\xbd");
    CHECK(j["response"]["reason_base64"] == "Q2Fm6Q==");

    auto ok = exchange_json(response_exchange("OK", {}), "", false);
    CHECK(ok["response"]["reason"] == "OK");
    CHECK_FALSE(ok["response"].contains("reason_base64"));
}

TEST_CASE("a header whose bytes are not valid UTF-8 gains a third element") {
    auto ex = response_exchange("OK", {{"X-Ok", "fine"}, {"X-Bad", "a\xff"}, {"X-\x80", "v"}});
    json h = exchange_json(ex, "", false)["response"]["headers"];
    REQUIRE(h.size() == 3);
    CHECK(h[0] == json::array({"X-Ok", "fine"}));
    REQUIRE(h[1].size() == 3);
    CHECK(h[1][0] == "X-Bad");
    CHECK(h[1][1] == "a\xef\xbf\xbd");
    CHECK(h[1][2]["name_base64"] == base64_encode("X-Bad"));
    CHECK(h[1][2]["value_base64"] == "Yf8=");
    REQUIRE(h[2].size() == 3);
    CHECK(h[2][2]["name_base64"] == "WC2A");
    CHECK(h[2][2]["value_base64"] == "dg==");
}

TEST_CASE("interim responses and trailers follow the same rules") {
    auto ex = response_exchange("OK", {});
    client::InterimResponse i;
    i.status = 103;
    i.reason = "Early\x80";
    i.headers = {{"Link", "</\xfe>"}};
    i.raw_head = "HTTP/1.1 103 Early\x80\r\nLink: </\xfe>\r\n\r\n";
    ex.response->interim.push_back(i);
    ex.response->trailers = {{"X-Sum", "\xc0"}};
    json r = exchange_json(ex, "", false)["response"];
    CHECK(r["interim"][0]["reason"] == "Early\xef\xbf\xbd");
    CHECK(r["interim"][0]["reason_base64"] == base64_encode("Early\x80"));
    CHECK(r["interim"][0]["headers"][0][2]["value_base64"] == base64_encode("</\xfe>"));
    CHECK(r["interim"][0].contains("raw_head_base64"));
    CHECK(r["trailers"][0][2]["value_base64"] == "wA==");
}

TEST_CASE("the base64 fields give back the exact bytes") {
    // Decoding base64 by hand would duplicate the encoder; round-trip through
    // a known vector instead: every byte value 0x80-0xff in a header value.
    std::string value;
    for (int c = 0x80; c <= 0xff; ++c) value += static_cast<char>(c);
    auto ex = response_exchange("OK", {{"X", value}});
    json h = exchange_json(ex, "", false)["response"]["headers"][0];
    CHECK(h[2]["value_base64"] == base64_encode(value));
    CHECK(h[1].get<std::string>().find("\xef\xbf\xbd") != std::string::npos);
}

TEST_CASE("dump to a terminal escapes C1, DEL and format characters as \\u, and means the same") {
    json doc = {{"v", "a\xe2\x80\xae" "b\xc2\x9b" "c\x7f" "d\xf3\xa0\x80\x81" "e\xc3\xa9\x1b"}};
    std::string piped = dump(doc, false);
    std::string shown = dump(doc, true);
    CHECK(piped.find("\xe2\x80\xae") != std::string::npos);  // exact in a pipe
    CHECK(shown.find("\xe2\x80\xae") == std::string::npos);
    CHECK(shown.find("\\u202e") != std::string::npos);
    CHECK(shown.find("\\u009b") != std::string::npos);
    CHECK(shown.find("\\u007f") != std::string::npos);
    CHECK(shown.find("\\udb40\\udc01") != std::string::npos);  // U+E0001 as a surrogate pair
    CHECK(shown.find("\\u001b") != std::string::npos);
    CHECK(shown.find("\xc3\xa9") != std::string::npos);  // visible text stays
    CHECK(json::parse(shown) == doc);
    CHECK(json::parse(piped) == doc);
}

TEST_CASE("dump never alters valid bytes and never throws on invalid ones") {
    json doc = {{"m", "bad \xff"}};
    CHECK_NOTHROW(dump(doc, false));
    CHECK(dump(doc, true).find('\xff') == std::string::npos);
}
