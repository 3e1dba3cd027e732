// The timeout options, each declared here once: its name, help text, check
// and default, and how its seconds become a duration or a deadline. A command
// adds the ones it takes; where commands differ (serve's --idle-timeout is 10,
// send's 30; 0 means "no limit" to send and is refused by relay), the
// difference is an argument at the call, in the command's own file.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "net/transport.hpp"

namespace rawhttp::cli {

// A duration in seconds, the one check of every timeout option: a decimal
// number, 0 or more (or, `above_zero`, more than 0), at most 10^7 (115 days).
CLI::Validator seconds_value(bool above_zero = false);

// What 0 seconds means for a timeout: the words the help gives it ("no
// limit"), or `refused` (the option takes only more than 0).
struct ZeroMeans {
    std::string_view words;
    static constexpr std::string_view refused{};
};

// --connect-timeout SECONDS: the time allowed for `each` ("each connection attempt").
CLI::Option* add_connect_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view each,
                                 ZeroMeans zero = {"no limit"});

// --max-time SECONDS: the time allowed for `scope` ("the whole run"); no limit
// by default. `exits_28`: running out ends the command with exit 28.
CLI::Option* add_max_time(Command& cmd, double& seconds, std::string_view scope, bool exits_28 = true);

// --idle-timeout SECONDS: `meaning` says what a silence that long does.
CLI::Option* add_idle_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view meaning,
                              ZeroMeans zero);

// --head-timeout SECONDS: `meaning` says what a head that slow does.
CLI::Option* add_head_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view meaning,
                              ZeroMeans zero);

// Seconds from the command line ("2", "0.5") to milliseconds; -1 when invalid
// (seconds_value keeps every checked option in 0..10^7).
long long seconds_to_ms(double seconds);

// Where --max-time becomes a deadline: `seconds` from now, or never for 0.
net::Deadline max_time_deadline(double seconds);

// The option that sets a limit the library reports as fired ("--max-time"),
// or "" for a limit that is not a timeout.
std::string_view timeout_option(Limit limit);

// " (--max-time)": the option an error's limit names, for the end of its message.
std::string timeout_hint(Limit limit);

}  // namespace rawhttp::cli
