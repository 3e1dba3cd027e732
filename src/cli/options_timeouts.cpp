#include "cli/options_timeouts.hpp"

#include <cstdio>
#include <cstdlib>

namespace rawhttp::cli {

CLI::Validator seconds_value(bool above_zero) {
    return CLI::Validator(
        [above_zero](std::string& s) {
            char* end = nullptr;
            const double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
            const bool number = !s.empty() && end && *end == '\0' && v == v;  // v == v: not NaN
            if (!number || v < 0 || v > 1e7 || (above_zero && v == 0))
                return "'" + s + "' is not a number of seconds " + (above_zero ? "above 0" : "of 0 or more") +
                       " (such as 2 or 0.5)";
            return std::string();
        },
        "SECONDS");
}

namespace {

std::string seconds_words(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", s);
    return b;
}

// "(default 30; 0: no limit)": the help's tail, from the default the command passed.
std::string default_tail(double default_seconds, ZeroMeans zero) {
    std::string t = " (default " + seconds_words(default_seconds);
    if (!zero.words.empty()) t += "; 0: " + std::string(zero.words);
    return t + ")";
}

CLI::Option* add_seconds(Command& cmd, const std::string& name, double& seconds, double default_seconds,
                         const std::string& help, ZeroMeans zero) {
    seconds = default_seconds;
    return cmd.add_option(name, seconds, help + default_tail(default_seconds, zero))
        ->check(seconds_value(zero.words.empty()));
}

}  // namespace

CLI::Option* add_connect_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view each,
                                 ZeroMeans zero) {
    return add_seconds(cmd, "--connect-timeout", seconds, default_seconds,
                       "seconds allowed for " + std::string(each), zero);
}

CLI::Option* add_max_time(Command& cmd, double& seconds, std::string_view scope, bool exits_28) {
    seconds = 0;
    return cmd
        .add_option("--max-time", seconds,
                    "seconds allowed for " + std::string(scope) + (exits_28 ? ", then exit 28" : "") +
                        " (default: no limit)")
        ->check(seconds_value());
}

CLI::Option* add_idle_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view meaning,
                              ZeroMeans zero) {
    return add_seconds(cmd, "--idle-timeout", seconds, default_seconds, std::string(meaning), zero);
}

CLI::Option* add_head_timeout(Command& cmd, double& seconds, double default_seconds, std::string_view meaning,
                              ZeroMeans zero) {
    return add_seconds(cmd, "--head-timeout", seconds, default_seconds, std::string(meaning), zero);
}

long long seconds_to_ms(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7) return -1;
    return static_cast<long long>(seconds * 1000.0 + 0.5);
}

net::Deadline max_time_deadline(double seconds) {
    const long long ms = seconds_to_ms(seconds);
    return ms > 0 ? net::Deadline::after(std::chrono::milliseconds(ms)) : net::Deadline::never();
}

std::string_view timeout_option(Limit limit) {
    switch (limit) {
        case Limit::max_time: return "--max-time";
        case Limit::head_timeout: return "--head-timeout";
        case Limit::idle_timeout: return "--idle-timeout";
        case Limit::head_size:
        case Limit::header_count:
        case Limit::interim_count:
        case Limit::none: break;
    }
    return {};
}

std::string timeout_hint(Limit limit) {
    const std::string_view name = timeout_option(limit);
    return name.empty() ? std::string() : " (" + std::string(name) + ")";
}

}  // namespace rawhttp::cli
