// libFuzzer target for ChunkedDecoder. Beyond memory safety: every step makes
// progress, data views lie inside the bytes fed, and any split of the input
// (every single split point, byte by byte, and pseudo-random pieces) decodes
// to exactly what one feed of the whole input gives: same body, same
// done/error outcome, the same rules broken at the same offsets, same bytes
// consumed, same trailers; for requests and responses (their severities differ).
#include "fuzz_support.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace rawhttp::http;

namespace {

struct Decoded {
    std::string body;
    bool done = false;
    bool error = false;
    std::vector<std::pair<int, std::size_t>> rules;  // rule ids and offsets, not message text
    std::size_t consumed = 0;
    std::vector<std::pair<std::string, std::string>> trailers;

    bool operator==(const Decoded&) const = default;
};

Decoded decode(std::string_view input, const std::vector<std::size_t>& cuts, MessageKind kind) {
    ChunkedDecoder dec(kind, kind == MessageKind::request ? Limits{} : response_limits());
    Decoded out;
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(input.size());
    for (std::size_t bound : bounds) {
        if (bound < start || bound > input.size()) continue;
        const std::string_view piece = input.substr(start, bound - start);
        std::unique_ptr<char[]> copy(new char[piece.size() + 1]);
        std::memcpy(copy.get(), piece.data(), piece.size());
        std::string_view rest(copy.get(), piece.size());
        while (!rest.empty() && !out.done && !out.error) {
            const ChunkedDecoder::Step st = dec.feed(rest);
            FUZZ_CHECK(st.consumed <= rest.size());
            FUZZ_CHECK(!(st.done && st.error));
            if (!st.data.empty()) {
                FUZZ_CHECK(st.data.data() >= rest.data());
                FUZZ_CHECK(st.data.data() + st.data.size() <= rest.data() + st.consumed);
            }
            if (!st.done && !st.error) FUZZ_CHECK(st.consumed > 0);
            out.body.append(st.data);
            out.consumed += st.consumed;
            rest.remove_prefix(st.consumed);
            out.done = st.done;
            out.error = st.error;
        }
        start = bound;
        if (out.done || out.error) break;
    }
    FUZZ_CHECK(dec.done() == out.done);
    for (const auto& v : dec.violations()) {
        FUZZ_CHECK(v.offset <= out.consumed);
        out.rules.emplace_back(static_cast<int>(v.rule), v.offset);
    }
    if (out.error) FUZZ_CHECK(!dec.violations().empty() && !dec.error_message().empty());
    // Once finished, feeding more changes nothing.
    const ChunkedDecoder::Step after = dec.feed("0\r\n\r\n");
    if (out.done) FUZZ_CHECK(after.done && after.consumed == 0 && after.data.empty());
    if (out.error) FUZZ_CHECK(after.error && after.consumed == 0 && after.data.empty());
    out.trailers = dec.trailers();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    for (MessageKind kind : {MessageKind::response, MessageKind::request}) {
    auto decode = [kind](std::string_view i, const std::vector<std::size_t>& c) { return ::decode(i, c, kind); };
    const Decoded ref = decode(in, {});
    FUZZ_CHECK(ref.consumed <= in.size());
    if (!ref.done && !ref.error) FUZZ_CHECK(ref.consumed == in.size());
    FUZZ_CHECK(ref.body.size() <= in.size());

    // Every single split point (sampled for long inputs).
    const std::size_t step = size <= 512 ? 1 : size / 256;
    for (std::size_t k = 0; k <= size; k += step) FUZZ_CHECK(decode(in, {k}) == ref);

    // Byte by byte.
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < size; ++i) cuts.push_back(i);
    FUZZ_CHECK(decode(in, cuts) == ref);

    // Pseudo-random piece sizes, seeded from the input.
    std::uint64_t seed = 1469598103934665603ull;
    for (std::uint8_t b : in) seed = (seed ^ b) * 1099511628211ull;
    for (int round = 0; round < 4; ++round) {
        cuts.clear();
        std::size_t pos = 0;
        for (;;) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            pos += 1 + (seed >> 33) % (round == 0 ? 3 : round == 1 ? 17 : 300);
            if (pos >= size) break;
            cuts.push_back(pos);
        }
        FUZZ_CHECK(decode(in, cuts) == ref);
    }
    }
    return 0;
}
