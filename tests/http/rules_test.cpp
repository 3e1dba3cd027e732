// The rule book's table (http/rules.hpp): its invariants, and the verdicts
// the rest of rawhttp decides from.
#include "http/rules.hpp"
#include "http/test_support.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace rawhttp::http;
using http_test::rule_at;

namespace {

bool kebab(std::string_view id) {
    if (id.empty() || id.front() == '-' || id.back() == '-') return false;
    char prev = 0;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || (c == '-' && prev == '-')) return false;
        prev = c;
    }
    return true;
}

Rule rule(std::string_view id) {
    const auto r = find_rule(id);
    REQUIRE_MESSAGE(r.has_value(), "no rule " << std::string(id));
    return *r;
}

}  // namespace

TEST_CASE("rules: one row per Rule, in enum order") {
    const auto rules = all_rules();
    REQUIRE(rules.size() == static_cast<std::size_t>(Rule::count_));
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const std::string id(rules[i].id);
        CAPTURE(id);
        CHECK(static_cast<std::size_t>(rules[i].rule) == i);
        CHECK(&rule_info(rules[i].rule) == &rules[i]);
    }
}

TEST_CASE("rules: ids are unique kebab-case and find_rule round-trips every one") {
    std::set<std::string_view> seen;
    for (const auto& r : all_rules()) {
        const std::string id(r.id);
        CAPTURE(id);
        CHECK(kebab(r.id));
        CHECK(seen.insert(r.id).second);
        const auto found = find_rule(r.id);
        REQUIRE(found.has_value());
        CHECK(*found == r.rule);
    }
    CHECK_FALSE(find_rule(""));
    CHECK_FALSE(find_rule("no-such-rule"));
    CHECK_FALSE(find_rule("Host-Missing"));   // ids are exact
    CHECK_FALSE(find_rule("host_missing"));
    CHECK_FALSE(find_rule("host-missing "));
}

TEST_CASE("rules: every rule has an RFC, a fix and a known status") {
    const std::set<std::string_view> statuses = {"400", "411", "413", "414", "417", "431", "501", "505", "timeout"};
    for (const auto& r : all_rules()) {
        const std::string id(r.id);
        CAPTURE(id);
        CHECK(r.rfc.substr(0, 4) == "RFC ");
        CHECK(r.rfc.size() > 8);
        CHECK_FALSE(r.fix.empty());
        // a rule for responses only predicts no server's status
        if (!r.request) CHECK(r.status.empty());
        else CHECK(statuses.count(r.status) == 1);
        // a status the reader can only predict as a wait is never a warning for requests
        if (r.status == "timeout") CHECK(r.request == Severity::error);
    }
}

TEST_CASE("rules: the rules about the next message are exactly the two body-length ones") {
    std::set<std::string_view> next;
    for (const auto& r : all_rules())
        if (r.next_message) next.insert(r.id);
    CHECK(next == std::set<std::string_view>{"body-extra-bytes", "body-without-framing"});
}

TEST_CASE("rules: severities and statuses of the rules the issue names") {
    using S = Severity;
    struct Row {
        const char* id;
        std::optional<S> request;
        std::optional<S> response;
        const char* status;
    };
    const Row rows[] = {
        {"target-form", S::error, std::nullopt, "400"},
        {"transfer-encoding-not-chunked", S::error, std::nullopt, "400"},
        {"host-invalid", S::error, std::nullopt, "400"},
        {"content-length-repeated", S::error, S::warning, "400"},
        {"bare-lf", S::warning, S::warning, "400"},
        {"request-line-spaces", S::warning, std::nullopt, "400"},
        {"expect-unknown", S::warning, std::nullopt, "417"},
        {"chunk-ext-too-long", S::error, S::error, "400"},
        {"method-not-uppercase", S::error, std::nullopt, "400"},
        {"connect-origin", S::error, std::nullopt, "400"},
        {"version-unsupported", S::error, S::error, "505"},
        {"too-many-fields", S::error, S::error, "431"},
        {"chunk-ext-invalid", S::error, S::warning, "400"},
        {"chunked-size-whitespace", S::error, S::warning, "400"},
        {"chunked-bare-lf", S::error, S::warning, "400"},
        {"obs-fold", S::error, S::warning, "400"},
        {"head-too-large", S::error, S::error, "431"},
        {"head-large", S::warning, std::nullopt, "431"},
        {"head-unterminated", S::error, S::error, "timeout"},
        {"target-too-long", S::error, std::nullopt, "414"},
        {"transfer-encoding-unknown", S::error, std::nullopt, "501"},
        {"body-without-framing", S::warning, std::nullopt, "411"},
        {"method-invalid-char", S::error, std::nullopt, "400"},
        {"too-many-interim", std::nullopt, S::error, ""},
        {"date-missing", std::nullopt, S::warning, ""},
        {"content-length-forbidden", std::nullopt, S::warning, ""},
        {"transfer-encoding-forbidden", std::nullopt, S::warning, ""},
        {"body-close-delimited", std::nullopt, S::warning, ""},
        {"body-not-allowed", std::nullopt, S::warning, ""},
    };
    for (const Row& row : rows) {
        CAPTURE(std::string(row.id));
        const Rule r = rule(row.id);
        CHECK(rule_info(r).id == row.id);
        CHECK(rule_info(r).request == row.request);
        CHECK(rule_info(r).response == row.response);
        CHECK(rule_info(r).status == row.status);
        CHECK(severity_of(r, MessageKind::request) == row.request);
        CHECK(severity_of(r, MessageKind::response) == row.response);
    }
}

TEST_CASE("severity_of: strict makes request warnings errors, except the next-message rules") {
    for (const auto& r : all_rules()) {
        const std::string id(r.id);
        CAPTURE(id);
        CHECK(severity_of(r.rule, MessageKind::request, false) == r.request);
        const std::optional<Severity> strict = !r.request || r.next_message ? r.request : Severity::error;
        CHECK(severity_of(r.rule, MessageKind::request, true) == strict);
        // strict is for requests only
        CHECK(severity_of(r.rule, MessageKind::response, true) == r.response);
        CHECK(severity_of(r.rule, MessageKind::response, false) == r.response);
    }
    CHECK(severity_name(Severity::error) == "error");
    CHECK(severity_name(Severity::warning) == "warning");
}

TEST_CASE("first_error: the smallest offset, then the rule book's order, errors only") {
    const Rule bare_lf = rule("bare-lf");                  // warning
    const Rule host_missing = rule("host-missing");        // error, request only
    const Rule method_invalid = rule("method-invalid-char");
    const Rule target_form = rule("target-form");
    const Rule obs_fold = rule("obs-fold");                // error for requests, warning for responses
    const Rule cl_invalid = rule("content-length-invalid");

    SUBCASE("none") {
        CHECK(first_error({}, MessageKind::request) == nullptr);
        const Violations warn = {{bare_lf, 3, "", ""}};
        CHECK(first_error(warn, MessageKind::request) == nullptr);
        // strict makes the warning the error
        CHECK(rule_at(first_error(warn, MessageKind::request, true)) == "bare-lf@3");
    }
    SUBCASE("smallest offset wins, wherever it is in the list") {
        const Violations v = {{host_missing, 40, "", ""}, {bare_lf, 1, "", ""}, {target_form, 4, "", ""},
                              {method_invalid, 9, "", ""}};
        const Violation* e = first_error(v, MessageKind::request);
        REQUIRE(e != nullptr);
        CHECK(e == &v[2]);  // a pointer into the list
        CHECK(rule_at(e) == "target-form@4");
        CHECK(rule_at(first_error(v, MessageKind::request, true)) == "bare-lf@1");
    }
    SUBCASE("at one offset, the rule book's order, not the list's") {
        const Violations v = {{target_form, 5, "", ""}, {method_invalid, 5, "", ""}};
        CHECK(rule_at(first_error(v, MessageKind::request)) == "method-invalid-char@5");
        const Violations w = {{method_invalid, 5, "", ""}, {target_form, 5, "", ""}};
        CHECK(rule_at(first_error(w, MessageKind::request)) == "method-invalid-char@5");
    }
    SUBCASE("the kind decides: obs-fold is tolerated in responses, request-only rules do not apply") {
        const Violations v = {{obs_fold, 2, "", ""}, {host_missing, 3, "", ""}, {cl_invalid, 7, "", ""}};
        CHECK(rule_at(first_error(v, MessageKind::request)) == "obs-fold@2");
        CHECK(rule_at(first_error(v, MessageKind::response)) == "content-length-invalid@7");
        CHECK(rule_at(first_error(v, MessageKind::response, true)) == "content-length-invalid@7");
    }
}

TEST_CASE("sort_violations: byte order, rule order at one offset, stable otherwise") {
    Violations v = {{rule("target-form"), 5, "a", ""},  {rule("bare-lf"), 9, "b", ""},
                    {rule("method-invalid-char"), 5, "c", ""}, {rule("bare-lf"), 0, "d", ""},
                    {rule("target-form"), 5, "e", ""}};
    sort_violations(v);
    CHECK(http_test::rules_at(v) == "bare-lf@0 method-invalid-char@5 target-form@5 target-form@5 bare-lf@9");
    CHECK(v[2].detail == "a");
    CHECK(v[3].detail == "e");
}

TEST_CASE("response_limits: generous, bounded") {
    const Limits l = response_limits();
    CHECK(l.max_head == 1u << 20);
    CHECK(l.max_fields == 1000);
    CHECK(l.max_request_line == l.max_head);
    CHECK(l.max_field_line == l.max_head);
    CHECK(l.max_chunk_ext == 4096);
    const Limits s = response_limits(100, 7);
    CHECK(s.max_head == 100);
    CHECK(s.max_fields == 7);
    const Limits req;
    CHECK(req.max_head == 32768);
    CHECK(req.max_fields == 100);
    CHECK(req.max_request_line == 8192);
    CHECK(req.max_field_line == 8192);
    CHECK(req.max_chunk_ext == 4096);
    CHECK(req.large_head == 16384);
    CHECK(l.large_head == l.max_head);  // no head-large warning for responses
}

TEST_CASE("rules: what breaking a rule risks") {
    CHECK(rule_info(rule("content-length-with-transfer-encoding")).risk == Risk::smuggling);
    CHECK(rule_info(rule("body-close-delimited")).risk == Risk::truncation);
    CHECK(rule_info(rule("head-unterminated")).risk == Risk::hang);
    CHECK(rule_info(rule("body-not-allowed")).risk == Risk::desync);
    CHECK(rule_info(rule("host-repeated")).risk == Risk::routing);
    CHECK(rule_info(rule("method-unknown")).risk == Risk::none);
    for (const auto& r : all_rules()) {
        const std::string id(r.id);
        CAPTURE(id);
        CHECK(risk_name(r.risk).empty() == (r.risk == Risk::none));
        CHECK(risk_text(r.risk).empty() == (r.risk == Risk::none));
        // every rule about where a message ends says what it risks (limits aside)
        if (r.level != Level::limit && (id.starts_with("content-length") || id.starts_with("transfer-encoding") || id.starts_with("chunk") ||
            id.starts_with("body-")))
            CHECK(r.risk != Risk::none);
    }
}
