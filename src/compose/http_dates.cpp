#include "compose/http_dates.hpp"

#include <algorithm>
#include <utility>

namespace rawhttp::http_dates {

namespace {

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm), so that
// no time zone of the machine enters a UTC date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month, day, hour, minute, second, ms, weekday;
};

Civil civil_from_ms(std::int64_t ms) {
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    Civil c{};
    c.ms = static_cast<unsigned>(ms - secs * 1000);
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    std::int64_t rem = secs - days * 86400;
    c.hour = static_cast<unsigned>(rem / 3600);
    c.minute = static_cast<unsigned>(rem % 3600 / 60);
    c.second = static_cast<unsigned>(rem % 60);
    c.weekday = static_cast<unsigned>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday (4)
    std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2);
    return c;
}

std::string two(unsigned v) { return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10); }

}  // namespace

std::string rfc1123(std::int64_t ms) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Civil c = civil_from_ms(ms);
    return std::string(days[c.weekday]) + ", " + two(c.day) + " " + months[c.month - 1] + " " + std::to_string(c.year) +
           " " + two(c.hour) + ":" + two(c.minute) + ":" + two(c.second) + " GMT";
}

std::string iso8601(std::int64_t ms) {
    Civil c = civil_from_ms(ms);
    std::string msd = std::to_string(c.ms);
    while (msd.size() < 3) msd.insert(0, "0");
    return std::to_string(c.year) + "-" + two(c.month) + "-" + two(c.day) + "T" + two(c.hour) + ":" + two(c.minute) +
           ":" + two(c.second) + "." + msd + "Z";
}

std::string iso8601_at_offset(std::int64_t ms, long offset_seconds) {
    std::string local = iso8601(ms + offset_seconds * 1000);
    local.pop_back();  // the Z
    long a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    return local + (offset_seconds < 0 ? "-" : "+") + two(static_cast<unsigned>(a / 3600)) + ":" +
           two(static_cast<unsigned>(a % 3600 / 60));
}

// Adds "N unit" (REST Client's offsets: y M w d h m s ms) to a time.
std::optional<std::int64_t> add_offset(std::int64_t ms, std::string_view amount, std::string_view unit) {
    if (amount.empty() || amount.size() > 9) return std::nullopt;
    std::size_t i = amount[0] == '-' || amount[0] == '+' ? 1 : 0;
    if (i == amount.size()) return std::nullopt;
    std::int64_t n = 0;
    for (; i < amount.size(); ++i) {
        if (amount[i] < '0' || amount[i] > '9') return std::nullopt;
        n = n * 10 + (amount[i] - '0');
    }
    if (amount[0] == '-') n = -n;
    if (unit == "y" || unit == "M") {
        Civil c = civil_from_ms(ms);
        std::int64_t months = c.year * 12 + (c.month - 1) + (unit == "y" ? n * 12 : n);
        std::int64_t y = months >= 0 ? months / 12 : (months - 11) / 12;
        unsigned m = static_cast<unsigned>(months - y * 12) + 1;
        std::int64_t day_ms = ms - days_from_civil(c.year, c.month, c.day) * 86400000;
        return days_from_civil(y, m, std::min(c.day, 28u)) * 86400000 + day_ms;
    }
    static const std::pair<std::string_view, std::int64_t> units[] = {
        {"w", 604800000}, {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    for (const auto& [u, f] : units)
        if (unit == u) return ms + n * f;
    return std::nullopt;
}


}  // namespace rawhttp::http_dates
