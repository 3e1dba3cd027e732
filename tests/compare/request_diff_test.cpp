#include <doctest/doctest.h>

#include <algorithm>

#include "compare/request_diff.hpp"

using namespace rawhttp;
using namespace rawhttp::compare;

namespace {

bool has_change(const RequestDiff& d, ChangeKind kind, std::string_view name) {
    return std::any_of(d.changes.begin(), d.changes.end(),
                       [&](const RequestChange& c) { return c.kind == kind && c.name == name; });
}

std::string all_messages(const RequestDiff& d) {
    std::string out;
    for (const auto& c : d.changes) out += c.message + "\n";
    return out;
}

}  // namespace

TEST_CASE("identical requests: no changes, every line common") {
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    auto d = diff_requests(req, req);
    CHECK(d.identical);
    CHECK(d.changes.empty());
    REQUIRE(d.lines.size() == 3);
    for (const auto& l : d.lines) CHECK(l.op == ' ');
    CHECK(d.lines[0].text == "GET / HTTP/1.1\r\n");
}

TEST_CASE("curl's own headers are named as added, one by one") {
    auto d = diff_requests("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                           "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
    CHECK_FALSE(d.identical);
    CHECK(has_change(d, ChangeKind::added, "User-Agent"));
    CHECK(has_change(d, ChangeKind::added, "Accept"));
    CHECK(d.changes.size() == 2);
    CHECK(all_messages(d).find("curl added User-Agent: curl/7.88.1") != std::string::npos);
    // The line diff: two '+' lines, the rest common.
    CHECK(std::count_if(d.lines.begin(), d.lines.end(), [](const DiffLine& l) { return l.op == '+'; }) == 2);
    CHECK(std::count_if(d.lines.begin(), d.lines.end(), [](const DiffLine& l) { return l.op == '-'; }) == 0);
}

TEST_CASE("removed, changed and moved headers, and a rewritten request line") {
    auto d = diff_requests("GET /a HTTP/1.1\r\nX-Gone: 1\r\nAccept: text/html\r\nHost: h\r\n\r\n",
                           "GET /b HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n");
    CHECK(has_change(d, ChangeKind::request_line, ""));
    CHECK(has_change(d, ChangeKind::removed, "X-Gone"));
    CHECK(has_change(d, ChangeKind::changed, "Accept"));
    // Host and Accept swapped places: one of them is named as moved.
    CHECK((has_change(d, ChangeKind::moved, "Host") || has_change(d, ChangeKind::moved, "Accept")));
    CHECK(all_messages(d).find("text/html -> */*") != std::string::npos);
}

TEST_CASE("line endings: bare LF against CR LF is a change with CR/LF named") {
    auto d = diff_requests("GET / HTTP/1.1\nHost: a\n\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_FALSE(d.identical);
    CHECK(has_change(d, ChangeKind::request_line, ""));
    CHECK(has_change(d, ChangeKind::changed, "Host"));
    CHECK(has_change(d, ChangeKind::head, ""));
    CHECK(all_messages(d).find("CR LF") != std::string::npos);
    CHECK(all_messages(d).find("bare LF") != std::string::npos);
}

TEST_CASE("the header's name case is a change of its own") {
    auto d = diff_requests("GET / HTTP/1.1\r\nhost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].kind == ChangeKind::changed);
    CHECK(d.changes[0].message.find("'host' as 'Host'") != std::string::npos);
}

TEST_CASE("bodies: equal, different length, same length") {
    auto same = diff_requests("POST / HTTP/1.1\r\nHost: a\r\n\r\nabc", "POST / HTTP/1.1\r\nHost: a\r\n\r\nabc");
    CHECK(same.identical);
    CHECK(same.body_equal);
    auto longer = diff_requests("POST / HTTP/1.1\r\nHost: a\r\n\r\nabc", "POST / HTTP/1.1\r\nHost: a\r\n\r\nabcd");
    CHECK_FALSE(longer.body_equal);
    CHECK(has_change(longer, ChangeKind::body, ""));
    CHECK(all_messages(longer).find("3 bytes -> 4 bytes") != std::string::npos);
    auto other = diff_requests("POST / HTTP/1.1\r\nHost: a\r\n\r\nabc", "POST / HTTP/1.1\r\nHost: a\r\n\r\nxyz");
    CHECK(all_messages(other).find("the same length") != std::string::npos);
}

TEST_CASE("repeated headers pair by occurrence") {
    auto d = diff_requests("GET / HTTP/1.1\r\nX: 1\r\nX: 2\r\n\r\n", "GET / HTTP/1.1\r\nX: 1\r\n\r\n");
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].kind == ChangeKind::removed);
    CHECK(d.changes[0].rawhttp == std::optional<std::string>("X: 2"));
}

TEST_CASE("network bytes in messages are escaped") {
    auto d = diff_requests("GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nX-Evil: \x1b[2J\r\n\r\n");
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].message.find('\x1b') == std::string::npos);
    CHECK(d.changes[0].message.find("\\e[2J") != std::string::npos);
}

TEST_CASE("nothing sent by curl: every rawhttp line is removed") {
    auto d = diff_requests("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "");
    CHECK_FALSE(d.identical);
    CHECK(std::all_of(d.lines.begin(), d.lines.end(), [](const DiffLine& l) { return l.op == '-'; }));
}
