// libFuzzer target for the one message reader (http/message_reader.hpp), for
// requests and responses, strict or not. Beyond memory safety: any split of
// the input (byte by byte, and pseudo-random pieces) gives exactly what one
// put of the whole input gives: the same state, the same rules broken at the
// same offsets (rule ids, never message text), the same decoded body, the
// same bytes consumed (unless it failed); offsets lie inside what was consumed.
#include "fuzz_support.hpp"
#include "http/message_reader.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace rawhttp::http;

namespace {

struct Outcome {
    int state = 0;
    std::vector<std::pair<int, std::size_t>> rules;
    std::string body;
    std::uint64_t consumed = 0;
    std::size_t interim = 0;
    bool operator==(const Outcome&) const = default;
};

struct Body : MessageHandler {
    std::string* out;
    void on_body(std::string_view d) override { out->append(d); }
};

Outcome read(std::string_view in, const std::vector<std::size_t>& cuts, const ReaderOptions& o, bool eof) {
    Outcome out;
    Body h;
    h.out = &out.body;
    MessageReader r(o, &h);
    r.set_request_method("GET");
    std::size_t start = 0;
    std::vector<std::size_t> bounds = cuts;
    bounds.push_back(in.size());
    for (std::size_t b : bounds) {
        // A heap copy of exactly the piece: ASan sees any read past it.
        std::unique_ptr<char[]> copy(new char[b - start + 1]);
        std::memcpy(copy.get(), in.data() + start, b - start);
        std::string_view piece(copy.get(), b - start);
        start = b;
        while (!piece.empty() && (r.state() == MessageReader::State::head || r.state() == MessageReader::State::body)) {
            const std::size_t n = r.put(piece);
            FUZZ_CHECK(n <= piece.size());
            if (n == 0) break;
            piece.remove_prefix(n);
        }
    }
    if (eof) r.put_eof();
    out.state = static_cast<int>(r.state());
    // How many bytes a failed reader took depends on where the pieces ended.
    out.consumed = r.failed() ? 0 : r.consumed();
    out.interim = r.interim_count();
    FUZZ_CHECK(r.consumed() <= in.size());
    std::size_t prev = 0;
    for (const auto& v : r.violations()) {
        FUZZ_CHECK(v.offset >= prev);
        FUZZ_CHECK(v.offset <= r.consumed());
        FUZZ_CHECK(!v.detail.empty());
        prev = v.offset;
        out.rules.emplace_back(static_cast<int>(v.rule), v.offset);
    }
    if (r.failed() && r.error()) FUZZ_CHECK(severity_of(r.error()->rule, o.kind, o.strict).has_value());
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned sel = data[0];
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    ReaderOptions o;
    o.kind = (sel & 1) ? MessageKind::response : MessageKind::request;
    o.limits = o.kind == MessageKind::request ? Limits{} : response_limits(4096, 50);
    o.strict = sel & 2;
    o.collect_all = sel & 4;
    o.max_interim = 5;
    const bool eof = sel & 8;
    const Outcome ref = read(in, {}, o, eof);
    for (int round = 0; round < 4; ++round) FUZZ_CHECK(read(in, fuzz_support::cuts_for(in, round), o, eof) == ref);
    return 0;
}
