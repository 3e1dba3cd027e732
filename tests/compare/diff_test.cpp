#include <doctest/doctest.h>

#include <algorithm>

#include "compare/diff.hpp"
#include "render/json_output.hpp"

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

SideSummary side(std::string request, int status, client::Fields headers, std::uint64_t body_bytes,
                 std::string sha = "abc") {
    SideSummary s;
    s.request = std::move(request);
    client::Response r;
    r.version = "HTTP/1.1";
    r.status = status;
    r.reason = "OK";
    r.headers = std::move(headers);
    r.head_complete = true;
    r.complete = true;
    r.framing = http::Framing::content_length;
    r.body_bytes = body_bytes;
    s.response = r;
    s.body_sha256 = std::move(sha);
    return s;
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

TEST_CASE("SHA-256 of known inputs") {
    CHECK(Sha256::of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 h;
    h.update("ab");
    h.update("c");
    CHECK(h.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("responses: volatile headers are set apart unless --strict") {
    auto a = side("x", 200, {{"Date", "Mon, 01 Jan 2024 00:00:00 GMT"}, {"Content-Length", "5"}}, 5);
    auto b = side("x", 200, {{"Date", "Mon, 01 Jan 2024 00:00:01 GMT"}, {"Content-Length", "5"}}, 5);
    auto loose = compare_responses(a, b, false);
    CHECK(loose.differences.empty());
    CHECK(loose.volatile_differences.size() == 1);
    CHECK(loose.match());
    auto strict = compare_responses(a, b, true);
    CHECK_FALSE(strict.match());
    CHECK(is_volatile_header("set-cookie"));
    CHECK_FALSE(is_volatile_header("ETag"));
}

TEST_CASE("responses: status, headers, order and body are compared") {
    auto a = side("x", 200, {{"A", "1"}, {"B", "2"}}, 5, "aaa");
    auto b = side("x", 404, {{"B", "2"}, {"A", "1"}, {"C", "3"}}, 6, "bbb");
    auto c = compare_responses(a, b, false);
    auto has = [&](std::string_view what) {
        return std::any_of(c.differences.begin(), c.differences.end(),
                           [&](const ResponseDifference& d) { return d.what == what; });
    };
    CHECK(has("status"));
    CHECK(has("header"));        // C only in curl's
    CHECK(has("header-order"));  // A and B swapped
    CHECK(has("body"));
    CHECK_FALSE(c.match());
}

TEST_CASE("both sides failing alike is no difference; one side failing is") {
    SideSummary a, b;
    a.error = make_error(ErrorKind::connect, "refused");
    b.error = make_error(ErrorKind::connect, "libcurl: refused");
    CHECK(compare_responses(a, b, false).match());
    SideSummary ok = side("x", 200, {}, 0);
    CHECK_FALSE(compare_responses(a, ok, false).match());
}

TEST_CASE("a report matches only when every exchange does") {
    ComparisonReport r;
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    r.exchanges.push_back(compare_exchange(side(req, 200, {}, 0), side(req, 200, {}, 0), false));
    CHECK(r.match());
    auto j = render_json(r);
    CHECK(j["match"] == true);
    CHECK(j["exchanges"][0]["requests"]["identical"] == true);
    r.exchanges.push_back(compare_exchange(side(req, 200, {}, 0), side(req + "x", 200, {}, 0), false));
    CHECK_FALSE(r.match());
    CHECK(render_json(r)["differences"] == 1);
    CHECK(render_text(r, {}).find("differ: 1 difference") != std::string::npos);
}

TEST_CASE("compare --json keeps bytes that are not UTF-8 in base64; the text view escapes them") {
    ComparisonReport r;
    std::string req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    SideSummary a = side(req, 200, {{"X", "a\xff"}}, 0);
    SideSummary b = side(req, 200, {{"X", "b\xe2\x80\xae"}}, 0);
    a.response->reason = "O\x9b";
    r.exchanges.push_back(compare_exchange(a, b, false));
    auto j = render_json(r);
    const auto& rs = j["exchanges"][0]["responses"];
    CHECK(rs["rawhttp"]["reason_base64"] == "T5s=");
    CHECK(rs["rawhttp"]["headers"][0][2]["value_base64"] == "Yf8=");
    CHECK(rs["curl"]["headers"][0].size() == 2);  // valid UTF-8: two elements
    bool found = false;
    for (const auto& d : rs["differences"])
        if (d.contains("rawhttp_base64")) found = d["rawhttp_base64"] == render::base64_encode("X: a\xff");
    CHECK(found);
    std::string text = render_text(r, {});
    CHECK(text.find("\xe2\x80\xae") == std::string::npos);
    CHECK(text.find('\xff') == std::string::npos);
    CHECK(text.find('\x9b') == std::string::npos);
}
