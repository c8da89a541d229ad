#pragma once
// Wall-clock time behind an interface, so tests can fix it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omniroute {

/// Milliseconds since the Unix epoch, now.
inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// A provider's Unix time in seconds ("1795000000") in milliseconds; 0 (unknown) for anything that is
/// not digits or lies beyond the year 5000, so an untrusted value can never overflow.
std::int64_t epoch_seconds_to_ms(std::string_view seconds);
/// The same for a time already in milliseconds.
std::int64_t epoch_ms(std::string_view ms);

/// RFC 3339 UTC with milliseconds ("2026-11-23T07:55:41.123Z").
std::string format_rfc3339_ms(std::int64_t epoch_ms);
/// An RFC 3339 date-time ("2026-11-30T18:30:00Z", "2026-12-01T00:00:00.5+05:30") in milliseconds since
/// the epoch; nullopt for anything else.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace omniroute
