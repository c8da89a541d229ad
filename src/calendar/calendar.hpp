#pragma once
// Business-hours calendars: SLA clocks that run only while the support team
// works. Weekly opening hours in a time zone (Howard Hinnant's date/tz, so
// daylight-saving changes are honoured), minus holidays.

#include <array>
#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace date {
class time_zone;
}

namespace omniroute::sla {

using Millis = std::chrono::milliseconds;
using Instant = std::chrono::sys_time<Millis>;

/// Local opening intervals of one weekday, as minutes after midnight: [open, close).
using DayHours = std::vector<std::pair<int, int>>;

class BusinessCalendar {
 public:
  /// `week[0]` is Sunday … `week[6]` Saturday; `holidays` are local dates ("2026-12-25") days since the epoch.
  BusinessCalendar(const date::time_zone* zone, std::array<DayHours, 7> week, std::set<int> holidays);

  /// The instant at which `business` of working time has passed since `start`.
  Instant add(Instant start, Millis business) const;
  /// Working time between `from` and `to` (0 if `to` is not after `from`).
  Millis elapsed(Instant from, Instant to) const;
  /// True when `at` falls in working hours.
  bool open_at(Instant at) const;
  /// The time zone its hours are in.
  const date::time_zone* zone() const { return zone_; }

 private:
  /// The working intervals (real time) of the local day containing, or following, `day` (days since epoch).
  std::vector<std::pair<Instant, Instant>> intervals_of(int local_day) const;
  int local_day_of(Instant at) const;

  const date::time_zone* zone_;
  std::array<DayHours, 7> week_;
  std::set<int> holidays_;
};

/// Parses "09:00-17:30" or "09:00-13:00, 14:00-18:00" (or "closed"); false on a bad spec.
bool parse_day_hours(const std::string& spec, DayHours& out);

/// The time zone called `name` ("Asia/Kolkata"), or nullptr when unknown.
const date::time_zone* find_zone(const std::string& name);

}  // namespace omniroute::sla
