#include "omniroute/clock.hpp"

#include <cstdio>
#include <ctime>
#include <optional>

namespace omniroute {

namespace {
constexpr std::int64_t kLatestSeconds = 95'617'584'000;  // 5000-01-01: no provider clock says later

/// Digits only, at most 18 of them; nullopt otherwise.
std::optional<std::int64_t> small_number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}
}  // namespace

std::int64_t epoch_seconds_to_ms(std::string_view seconds) {
  auto n = small_number(seconds);
  return n && *n <= kLatestSeconds ? *n * 1000 : 0;
}

std::int64_t epoch_ms(std::string_view ms) {
  auto n = small_number(ms);
  return n && *n <= kLatestSeconds * 1000 ? *n : 0;
}

std::string format_rfc3339_ms(std::int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  int ms = static_cast<int>(epoch_ms % 1000);
  if (ms < 0) ms += 1000, --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace omniroute
