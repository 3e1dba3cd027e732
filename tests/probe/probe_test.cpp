// probe's verdicts (src/probe/probe.cpp judge): pure, from a test, its answer
// and the control's answer.
#include "probe/probe.hpp"

#include <doctest/doctest.h>

using namespace rawhttp;
using probe::Answer;
using probe::AnswerKind;
using probe::Verdict;

namespace {

const probe::ProbeTest& test(std::string_view id) {
    for (const auto& t : probe::battery())
        if (t.id == id) return t;
    FAIL("no test " << id);
    return probe::battery().front();
}

Answer status(int s) {
    Answer a;
    a.kind = AnswerKind::status;
    a.status = s;
    return a;
}

Answer kind(AnswerKind k) {
    Answer a;
    a.kind = k;
    return a;
}

Verdict judge(std::string_view id, const Answer& a, const Answer& base = status(200)) {
    std::string why;
    const Verdict v = probe::judge(test(id), a, base, why);
    CHECK_FALSE(why.empty());
    return v;
}

}  // namespace

TEST_CASE("probe judge: a MUST rule refused passes, accepted fails") {
    CHECK(judge("content-length-with-transfer-encoding", status(400)) == Verdict::pass);
    CHECK(judge("content-length-with-transfer-encoding", status(501)) == Verdict::pass);
    CHECK(judge("content-length-with-transfer-encoding", kind(AnswerKind::closed)) == Verdict::pass);
    CHECK(judge("content-length-with-transfer-encoding", kind(AnswerKind::reset)) == Verdict::pass);
    CHECK(judge("content-length-with-transfer-encoding", status(200)) == Verdict::fail);
    CHECK(judge("content-length-with-transfer-encoding", kind(AnswerKind::timeout)) == Verdict::warn);
}

TEST_CASE("probe judge: the control's own status counts as accepted (405 to every POST is no strictness)") {
    CHECK(judge("content-length-with-transfer-encoding", status(405), status(405)) == Verdict::fail);
    CHECK(judge("content-length-with-transfer-encoding", status(400), status(405)) == Verdict::pass);
}

TEST_CASE("probe judge: leniencies the RFC allows are warnings") {
    CHECK(judge("bare-lf", status(200)) == Verdict::warn);          // a warning rule (MAY)
    CHECK(judge("bare-lf", status(400)) == Verdict::pass);
    CHECK(judge("too-many-fields", status(200)) == Verdict::warn);  // a limit
    CHECK(judge("transfer-encoding-unknown", status(200)) == Verdict::warn);  // SHOULD
}

TEST_CASE("probe judge: an unfinished message should be waited for") {
    CHECK(judge("head-unterminated", kind(AnswerKind::timeout)) == Verdict::pass);
    CHECK(judge("content-length-exceeds-body", kind(AnswerKind::timeout)) == Verdict::pass);
    CHECK(judge("content-length-exceeds-body", status(408)) == Verdict::pass);
    CHECK(judge("content-length-exceeds-body", status(200)) == Verdict::warn);  // answered before the body
}

TEST_CASE("probe judge: answered, then closed instead of taking the next request, is a refusal") {
    Answer a = status(200);
    a.next = AnswerKind::closed;
    CHECK(judge("chunked-bare-lf", a) == Verdict::pass);
    CHECK(probe::answer_text(a) == "200,close");
    a.next = AnswerKind::status;
    a.next_status = 200;
    CHECK(judge("chunked-bare-lf", a) == Verdict::fail);
    CHECK(probe::answer_text(a) == "200,200");
}

TEST_CASE("probe judge: a close after answering is no refusal when the valid control was closed alike") {
    Answer a = status(200);
    a.next = AnswerKind::closed;
    Answer base = status(200);
    base.next = AnswerKind::closed;  // this server closes every connection after answering
    CHECK(judge("chunked-bare-lf", a, base) == Verdict::fail);
    CHECK(judge("chunked-bare-lf", status(400), base) == Verdict::pass);
}

TEST_CASE("probe judge: controls pass when accepted; no connection fails everything") {
    CHECK(judge("control-chunked", status(200)) == Verdict::pass);
    CHECK(judge("control-chunked", status(400)) == Verdict::warn);
    CHECK(judge("control-chunked", kind(AnswerKind::closed)) == Verdict::fail);
    CHECK(judge("bare-lf", kind(AnswerKind::connect_failed)) == Verdict::fail);
}

TEST_CASE("probe select: globs on ids and rule ids, categories; nothing selected is a usage error") {
    probe::ProbeOptions o;
    o.only = {"content-length-invalid-*"};
    auto got = probe::select_tests(o);
    REQUIRE(got.ok());
    CHECK(got->size() == 8);
    o.only = {"bare-lf"};  // the rule id selects its variants too
    got = probe::select_tests(o);
    REQUIRE(got.ok());
    CHECK(got->size() == 3);
    o.only.clear();
    o.categories = {"limits"};
    got = probe::select_tests(o);
    REQUIRE(got.ok());
    for (const auto* t : *got) CHECK(t->category == "limits");
    o.only = {"zzz"};
    got = probe::select_tests(o);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().kind == ErrorKind::usage);
    // No flag names: the command line words them (probe_cmd.cpp).
    CHECK(got.error().message == "no probe test matches the patterns zzz and the categories limits");
}
