// Tests of the wire walk over held bytes and streamed files (src/compose/wire_bytes).
#include "compose/wire_bytes.hpp"

#include <doctest/doctest.h>

#include <string>

#include "../temp_dir.hpp"

using rawhttp::ComposedRequest;
using rawhttp::StreamedFile;

namespace {

std::string collect(const ComposedRequest& r, std::uint64_t begin, std::uint64_t end,
                    std::optional<rawhttp::Error>* err = nullptr) {
    std::string out;
    auto e = rawhttp::for_each_wire_piece(r, begin, end, [&](std::string_view p) {
        out.append(p);
        return true;
    });
    if (err) *err = e;
    else CHECK_FALSE(e.has_value());
    return out;
}

}  // namespace

TEST_CASE("wire bytes: held bytes and files in order, and every sub-range") {
    test_support::TempDir dir("wire");
    // 200 KiB: more than one 64 KiB read.
    std::string big;
    for (int i = 0; big.size() < 200 * 1024; ++i) big += std::to_string(i) + ",";
    ComposedRequest r;
    r.bytes = "HEAD\r\n\r\n<|>";
    r.streamed.push_back(StreamedFile{9, dir.write("a", big), big.size()});
    r.streamed.push_back(StreamedFile{10, dir.write("b", "xyz"), 3});
    const std::string whole = "HEAD\r\n\r\n<" + big + "|xyz>";
    CHECK(rawhttp::wire_size(r) == whole.size());
    CHECK(collect(r, 0, whole.size()) == whole);
    const std::uint64_t n = whole.size();
    for (std::uint64_t b : {std::uint64_t{0}, std::uint64_t{3}, std::uint64_t{9}, std::uint64_t{70000}, n - 4, n})
        for (std::uint64_t e : {b, b + 1, std::uint64_t{9} + big.size(), n - 1, n})
            if (e >= b && e <= n) CHECK(collect(r, b, e) == whole.substr(b, e - b));
}

TEST_CASE("wire bytes: the sink can stop the walk") {
    test_support::TempDir dir("wire-stop");
    ComposedRequest r;
    r.bytes = "ab";
    r.streamed.push_back(StreamedFile{1, dir.write("f", std::string(100000, 'f')), 100000});
    std::size_t calls = 0;
    auto e = rawhttp::for_each_wire_piece(r, [&](std::string_view) { return ++calls < 2; });
    CHECK_FALSE(e.has_value());
    CHECK(calls == 2);
}

TEST_CASE("wire bytes: a file that changed or is gone is a send error naming it") {
    test_support::TempDir dir("wire-changed");
    ComposedRequest r;
    r.bytes = "ab";
    r.streamed.push_back(StreamedFile{1, dir.write("f", "12345"), 6});
    std::optional<rawhttp::Error> err;
    CHECK(collect(r, 0, 8, &err) == "a");
    REQUIRE(err.has_value());
    CHECK(err->kind == rawhttp::ErrorKind::send);
    CHECK(err->message.find("changed since the request was composed: it was 6 bytes, now 5") != std::string::npos);
    r.streamed[0].path = (dir.path / "missing").string();
    collect(r, 0, 8, &err);
    REQUIRE(err.has_value());
    CHECK(err->message.find("no longer exists") != std::string::npos);
}

TEST_CASE("wire bytes: views walk held spans and files by name") {
    ComposedRequest r;
    r.bytes = "ab";
    r.streamed.push_back(StreamedFile{1, "/x", 5});
    std::string seen;
    rawhttp::walk_held_and_streamed(r, [&](std::string_view b) { seen += "[" + std::string(b) + "]"; },
                                    [&](const StreamedFile& f) { seen += "<" + f.path + ">"; });
    CHECK(seen == "[a]</x>[b]");
    CHECK(rawhttp::streamed_placeholder(r.streamed[0]) == "[5 bytes of '/x', read from disk as they are sent]");
}
