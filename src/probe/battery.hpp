// The probe battery: requests that each break one rule of the rule book (or,
// for the controls, none), sent to a server to see how strict it is. The
// tests are data; which rule each breaks is checked against lint in the unit
// tests, so the battery and the rule book cannot drift apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/rules.hpp"

namespace rawhttp::probe {

// The control a test's answer is compared with: a server that answers a
// broken request as it answers the valid one has accepted it.
enum class Baseline { get, post };

struct ProbeTest {
    std::string id;                 // "bare-lf", "content-length-invalid-plus"
    std::optional<http::Rule> rule; // nullopt for the controls
    std::string category;           // "control", "line", "fields", "host", "framing", "chunked", "limits", "end"
    Baseline baseline = Baseline::get;
    std::string bytes;              // the request, with $HOST where the target's host:port goes
    std::string about;              // one line: what the bytes do
    bool exact = false;             // the bytes are sent as they are ($HOST not replaced): a user's request
};

// Every test, controls first, in a stable order.
const std::vector<ProbeTest>& battery();

// The test's bytes with $HOST replaced by `host` ("127.0.0.1:8080").
std::string bytes_for(const ProbeTest& t, std::string_view host);

}  // namespace rawhttp::probe
