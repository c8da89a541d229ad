#pragma once
// Days as a time zone sees them: which local day an instant falls on, when a
// local day begins, and the names reports use for days and months.

#include <cstdint>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace omniroute::sla {

/// The local day (days since 1970-01-01 in `zone`) of the instant `ms` (milliseconds since the epoch).
int local_day(const date::time_zone* zone, std::int64_t ms);
/// The instant (ms) local day `day` begins in `zone` (its earliest instant when midnight is skipped).
std::int64_t day_start_ms(const date::time_zone* zone, int day);
/// "2026-12-01" for a day number.
std::string day_name(int day);
/// "2026-12" for the month holding `day`.
std::string month_name(int day);
/// The first day of the month holding `day`, and the first day of the month after it.
int month_first_day(int day);
int next_month_first_day(int day);
/// The day named "2026-12-01", or false when `text` is not such a date.
bool parse_day(std::string_view text, int& day);

}  // namespace omniroute::sla
