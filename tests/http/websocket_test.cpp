// WebSocket after a 101: the accept check and the frame decoder.
#include <doctest/doctest.h>

#include <string>

#include "http/websocket.hpp"

using namespace rawhttp::http;

TEST_CASE("accept_for: RFC 6455's own example") {
    CHECK(websocket::accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("check_handshake: the key sent, the accept received, what it should be") {
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    auto ok = websocket::check_handshake(req, {{"Upgrade", "WebSocket"}, {"Sec-WebSocket-Accept", " s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}});
    CHECK(ok.websocket);
    CHECK(ok.ok());
    auto wrong = websocket::check_handshake(req, {{"Upgrade", "websocket"}, {"Sec-WebSocket-Accept", "nope"}});
    CHECK(!wrong.ok());
    CHECK(wrong.expected == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    auto none = websocket::check_handshake("GET / HTTP/1.1\r\nHost: x\r\n\r\n", {{"Upgrade", "h2c"}});
    CHECK(!none.websocket);
    CHECK(!none.key);
}

TEST_CASE("decode_frames: FIN, opcode, mask, lengths of every size, an incomplete last frame") {
    // RFC 6455 §5.7's examples: unmasked "Hello", masked "Hello", a fragment, a 256-byte binary.
    std::string b = std::string("\x81\x05Hello", 7) + std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11) +
                    std::string("\x01\x03Hel", 5) + std::string("\x82\x7e\x01\x00", 4) + std::string(256, 'z') +
                    std::string("\x88\x7f\x00\x00\x00\x00\x00\x01\x00\x00" "ab", 12);
    auto f = websocket::decode_frames(b);
    REQUIRE(f.size() == 5);
    CHECK((f[0].fin && f[0].opcode == 1 && !f[0].masked && f[0].length == 5 && f[0].payload == "Hello" && f[0].complete));
    CHECK((f[1].masked && f[1].payload == "Hello"));
    CHECK((!f[2].fin && f[2].opcode == 1 && f[2].payload == "Hel"));
    CHECK((f[3].opcode == 2 && f[3].length == 256 && f[3].payload == std::string(256, 'z')));
    CHECK((f[4].opcode == 8 && f[4].length == 65536 && !f[4].complete && f[4].payload == "ab"));
    CHECK(websocket::opcode_name(9) == "ping");
    CHECK(websocket::decode_frames("\x81").empty());  // not even a header yet
}
