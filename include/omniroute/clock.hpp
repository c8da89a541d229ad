#pragma once
// Wall-clock time behind an interface, so tests can fix it.

#include <chrono>
#include <cstdint>
#include <string>

namespace omniroute {

/// Milliseconds since the Unix epoch, now.
inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// RFC 3339 UTC with milliseconds ("2026-11-23T07:55:41.123Z").
std::string format_rfc3339_ms(std::int64_t epoch_ms);

}  // namespace omniroute
