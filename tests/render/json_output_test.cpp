#include <doctest/doctest.h>

#include "render/json_output.hpp"
#include "render/exchange_fixture.hpp"

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

// Whole outputs, for exchanges read by the real response reader from raw bytes.
TEST_CASE("exchange_json: a chunked 200, whole") {
    render_test::Exchange e("GET /c HTTP/1.1\r\nHost: a\r\n\r\n",
               "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nTransfer-Encoding: chunked\r\n\r\n"
               "2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n",
               false);
    auto j = render::exchange_json(e.ex, "hi", false);
    CHECK(j.dump() ==
          "{\"connection\":{\"local\":\"127.0.0.1:50000\",\"number\":1,\"remote\":\"127.0.0.1:8080\",\"resolved"
          "\":[\"127.0.0.1:8080\"],\"reused\":false,\"tls\":null,\"via\":\"rawhttp\"},\"error\":null,\"request\""
          ":{\"body_withheld\":false,\"bytes\":28,\"bytes_sent\":28,\"text\":\"GET /c HTTP/1.1\\r\\nHost: a\\r\\n"
          "\\r\\n\"},\"response\":{\"body\":\"hi\",\"body_bytes\":2,\"complete\":true,\"findings\":[],\"framing"
          "\":\"chunked\",\"headers\":[[\"Date\",\"Mon, 01 Jan 2024 00:00:00 GMT\"],[\"Transfer-Encoding\",\"ch"
          "unked\"]],\"interim\":[],\"raw_head\":\"HTTP/1.1 200 OK\\r\\nDate: Mon, 01 Jan 2024 00:00:00 GMT\\r\\n"
          "Transfer-Encoding: chunked\\r\\n\\r\\n\",\"reason\":\"OK\",\"status\":200,\"trailers\":[[\"X-T\",\"1"
          "\"]],\"version\":\"HTTP/1.1\"},\"timing\":{\"connect_ms\":0.2,\"dns_ms\":0.1,\"first_byte_ms\":1.5,\""
          "tls_ms\":null,\"total_ms\":2.0,\"written_ms\":0.3}}");
}

TEST_CASE("exchange_json: a server that closed inside the body, whole") {
    render_test::Exchange e("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
               "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 10\r\n\r\nshort",
               true);
    auto j = render::exchange_json(e.ex, "short", false);
    CHECK(j.dump() ==
          "{\"connection\":{\"local\":\"127.0.0.1:50000\",\"number\":1,\"remote\":\"127.0.0.1:8080\",\"resolved"
          "\":[\"127.0.0.1:8080\"],\"reused\":false,\"tls\":null,\"via\":\"rawhttp\"},\"error\":{\"kind\":\"par"
          "tial\",\"message\":\"the server closed the connection after 5 of 10 body bytes (Content-Length)\"},\""
          "request\":{\"body_withheld\":false,\"bytes\":27,\"bytes_sent\":27,\"text\":\"GET / HTTP/1.1\\r\\nHos"
          "t: a\\r\\n\\r\\n\"},\"response\":{\"body\":\"short\",\"body_bytes\":5,\"complete\":false,\"findings\""
          ":[{\"id\":\"content-length-exceeds-body\",\"message\":\"Content-Length announces 10 bytes but the bo"
          "dy has 5: the connection ended first, so the body is cut short\",\"offset\":81,\"rfc\":\"RFC 9112 §6"
          ".2\",\"risk\":\"truncation\",\"severity\":\"error\"}],\"framing\":\"content-length\",\"headers\":[[\""
          "Date\",\"Mon, 01 Jan 2024 00:00:00 GMT\"],[\"Content-Length\",\"10\"]],\"interim\":[],\"raw_head\":\""
          "HTTP/1.1 200 OK\\r\\nDate: Mon, 01 Jan 2024 00:00:00 GMT\\r\\nContent-Length: 10\\r\\n\\r\\n\",\"rea"
          "son\":\"OK\",\"status\":200,\"version\":\"HTTP/1.1\"},\"timing\":{\"connect_ms\":0.2,\"dns_ms\":0.1,"
          "\"first_byte_ms\":1.5,\"tls_ms\":null,\"total_ms\":2.0,\"written_ms\":0.3}}");
}
