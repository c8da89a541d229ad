#pragma once
// SLA policies looked up by queue and priority: when each target of a
// conversation falls due (in working time when its queue has a calendar),
// and how much of that clock has run between two instants.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "calendar/calendar.hpp"

namespace omniroute::sla {

/// When a target falls due, and when to warn before it.
struct Deadline {
  std::int64_t due_ms = 0;
  std::int64_t warn_ms = 0;
};

class Policies {
 public:
  explicit Policies(const config::Config& config);

  /// The target `t` for a conversation of `queue` at `priority`; 0 when none is promised.
  std::chrono::seconds target(std::string_view queue, config::Priority priority, config::SlaTarget t) const;
  /// When target `t` falls due for a clock started at `start_ms`; none without a target (or
  /// with a calendar that never opens).
  std::optional<Deadline> deadline(std::string_view queue, config::Priority priority, config::SlaTarget t,
                                   std::int64_t start_ms) const;
  /// How much of `queue`'s SLA clock ran from `from_ms` to `to_ms`: working time with a
  /// calendar, else wall time.
  std::int64_t elapsed_ms(std::string_view queue, std::int64_t from_ms, std::int64_t to_ms) const;
  /// The instant `work` of `queue`'s working time after `start_ms` (wall time without a calendar).
  std::optional<std::int64_t> after(std::string_view queue, std::int64_t start_ms, std::int64_t work_ms) const;
  /// The business calendar of `queue`, or nullptr when its clock always runs.
  const BusinessCalendar* calendar_of(std::string_view queue) const;
  /// True when some queue promises a next response (ingest then starts that clock).
  bool any_next_response() const { return any_next_response_; }

 private:
  const config::SlaPolicy* policy_of(std::string_view queue) const;

  std::map<std::string, const config::QueueConfig*, std::less<>> queues_;
  std::map<std::string, BusinessCalendar, std::less<>> calendars_;
  bool any_next_response_ = false;
};

/// Parses a stored priority name; `normal` for anything else.
config::Priority priority_named(std::string_view name);

}  // namespace omniroute::sla
