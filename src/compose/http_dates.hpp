// The dates a .http file's dynamic variables write ({{$datetime rfc1123}},
// {{$datetime iso8601 1 d}}): UTC from milliseconds since 1970, computed
// without the machine's time zone, and REST Client's offsets. Internal to
// src/compose (http_file.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rawhttp::http_dates {

std::string rfc1123(std::int64_t ms);  // "Mon, 01 Jan 2024 00:00:00 GMT"
std::string iso8601(std::int64_t ms);  // "2024-01-01T00:00:00.000Z"
// The time at `offset_seconds` from UTC, with the offset: "2024-01-01T02:00:00.000+02:00".
std::string iso8601_at_offset(std::int64_t ms, long offset_seconds);

// Adds "N unit" (REST Client's offsets: y M w d h m s ms) to a time; nullopt
// for an amount or unit it does not know.
std::optional<std::int64_t> add_offset(std::int64_t ms, std::string_view amount, std::string_view unit);

}  // namespace rawhttp::http_dates
