// StreamView: a byte stream shown as it arrives (chat, listen --chat).
#include <doctest/doctest.h>

#include <string>

#include "render/stream_view.hpp"

using namespace rawhttp;

TEST_CASE("StreamView: escapes as bytes arrive, keeps a UTF-8 character split between reads whole") {
    render::StreamView v({}, "< ");
    std::string out = v.feed("caf\xc3");
    out += v.feed("\xa9\r\nnext\x1b[2J");
    out += v.finish();
    CHECK(out == "< caf\xc3\xa9\\r\\n\n< next\\e[2J\n");
    render::StreamView hex({}, "", true);
    std::string h = hex.feed(std::string(16, 'a'));
    h += hex.feed("b");
    CHECK(h.find("00000010  62 ") != std::string::npos);  // offsets run on from read to read
}
