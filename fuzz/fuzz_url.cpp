// libFuzzer target for the URL reader (intake/url) behind `send URL`.
// Checks, for arbitrary text: a URL that is read has a host, a port of
// 1-65535 and a target that starts with '/' and holds no space, control byte
// or '#'; reading "scheme://authority" + its target again gives the same
// target (dot segments are removed once and for all); and what curl_args
// composes for it is a .req that composes back to the same bytes.
#include "compose/compose.hpp"
#include "fuzz_support.hpp"
#include "intake/curl_args.hpp"
#include "intake/url.hpp"

#include <cstdint>
#include <string>

using namespace rawhttp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 2048) return 0;
    std::string in(reinterpret_cast<const char*>(data), size);
    for (bool as_is : {false, true}) {
        auto u = intake::parse_url(in, as_is);
        if (!u) {
            FUZZ_CHECK(u.error().kind == ErrorKind::usage && !u.error().message.empty());
            continue;
        }
        FUZZ_CHECK(intake::looks_like_url(in));
        FUZZ_CHECK(!u->host.empty());
        FUZZ_CHECK(u->port >= 1 && u->port <= 65535);
        FUZZ_CHECK(!u->target.empty() && u->target.front() == '/');
        for (char c : u->target) {
            auto b = static_cast<unsigned char>(c);
            FUZZ_CHECK(b > 0x20 && b != 0x7f && c != '#');
        }
        std::string again_text = std::string(u->tls ? "https://" : "http://") + u->authority() + u->target;
        auto again = intake::parse_url(again_text, as_is);
        FUZZ_CHECK(again);
        FUZZ_CHECK(again->target == u->target);
        FUZZ_CHECK(again->authority() == u->authority());
        std::string path = u->target.substr(0, u->target.find('?'));
        if (!as_is) FUZZ_CHECK(intake::remove_dot_segments(path) == path);

        intake::CurlArgs a;
        a.url = in;
        a.path_as_is = as_is;
        auto made = intake::curl_request(a);
        FUZZ_CHECK(made);
        ComposeOptions o;
        o.getenv = [](const std::string&) { return std::optional<std::string>(); };
        o.read_file = [](const std::string&, std::size_t) { return FileRead{ReadFailure::missing, {}, "not read", 0}; };
        auto composed = compose_requests(made->req_text, o);
        FUZZ_CHECK(!composed.error && composed.requests.size() == 1 && composed.requests[0].bytes == made->bytes);
    }
    return 0;
}
