// The probe battery against the rule book: every test breaks the rule it
// names (lint finds it), the controls break none, ids are unique.
#include "probe/battery.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "lint/lint.hpp"

using namespace rawhttp;

TEST_CASE("probe battery: at least 100 tests, ids unique, each a rule of the rule book or a control") {
    const auto& all = probe::battery();
    CHECK(all.size() >= 100);
    std::set<std::string> ids;
    for (const auto& t : all) {
        CAPTURE(t.id);
        CHECK(ids.insert(t.id).second);
        CHECK(t.rule.has_value() == (t.category != "control"));
        CHECK_FALSE(t.about.empty());
    }
}

TEST_CASE("probe battery: lint finds in each test the rule it names, and nothing in the controls") {
    for (const auto& t : probe::battery()) {
        const std::string bytes = probe::bytes_for(t, "127.0.0.1:8080");
        const auto found = lint::lint_request(bytes);
        CAPTURE(t.id);
        std::string ids;
        for (const auto& f : found) ids += f.id + " ";
        CAPTURE(ids);
        if (!t.rule) {
            CHECK(found.empty());
            continue;
        }
        bool has = false;
        for (const auto& f : found) has = has || f.rule == *t.rule;
        CHECK(has);
    }
}

TEST_CASE("probe battery: $HOST becomes the target, every time it appears") {
    probe::ProbeTest t;
    t.bytes = "GET / HTTP/1.1\r\nHost: $HOST\r\nX: $HOST$HOST\r\n\r\n";
    CHECK(probe::bytes_for(t, "[::1]:80") == "GET / HTTP/1.1\r\nHost: [::1]:80\r\nX: [::1]:80[::1]:80\r\n\r\n");
}
