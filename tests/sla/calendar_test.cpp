// Business-hours clocks across a weekend, a holiday and a daylight-saving
// change, on fixed instants (no sleeping, no wall clock).

#include <gtest/gtest.h>

#include <date/date.h>
#include <date/tz.h>

#include "calendar/calendar.hpp"

namespace omniroute::sla {
namespace {

using namespace std::chrono_literals;

Instant utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return Instant(std::chrono::duration_cast<Millis>(
      date::sys_days(date::year(y) / m / d).time_since_epoch() + std::chrono::hours(hh) + std::chrono::minutes(mm)));
}

int day(int y, unsigned m, unsigned d) {
  return static_cast<int>(date::sys_days(date::year(y) / m / d).time_since_epoch().count());
}

std::array<DayHours, 7> weekdays(const std::string& hours) {
  std::array<DayHours, 7> week;
  for (int d = 1; d <= 5; ++d) EXPECT_TRUE(parse_day_hours(hours, week[d]));
  return week;
}

TEST(BusinessCalendar, AFridayEveningMessageIsDueOnMondayMorning) {
  // Kolkata, 09:00-18:00 IST (03:30-12:30 UTC), Monday to Friday.
  BusinessCalendar cal(find_zone("Asia/Kolkata"), weekdays("09:00-18:00"), {});
  // Friday 2026-11-20 17:30 IST = 12:00 UTC; 1 h of business time: 30 min on Friday, 30 min on Monday.
  EXPECT_EQ(cal.add(utc(2026, 11, 20, 12, 0), 1h), utc(2026, 11, 23, 4, 0));  // Monday 09:30 IST
  EXPECT_EQ(cal.elapsed(utc(2026, 11, 20, 12, 0), utc(2026, 11, 23, 4, 0)), Millis(1h));
  EXPECT_FALSE(cal.open_at(utc(2026, 11, 21, 6, 0)));  // Saturday
  EXPECT_TRUE(cal.open_at(utc(2026, 11, 23, 4, 0)));
}

TEST(BusinessCalendar, AHolidayIsSkipped) {
  // 2026-01-26 (Republic Day) is a Monday.
  BusinessCalendar cal(find_zone("Asia/Kolkata"), weekdays("09:00-18:00"), {day(2026, 1, 26)});
  // Friday 23 Jan 18:00 IST (closed) + 2 h → Tuesday 27 Jan 11:00 IST = 05:30 UTC.
  EXPECT_EQ(cal.add(utc(2026, 1, 23, 12, 30), 2h), utc(2026, 1, 27, 5, 30));
}

TEST(BusinessCalendar, AMessageDuringHoursCountsFromReceipt) {
  BusinessCalendar cal(find_zone("Asia/Kolkata"), weekdays("09:00-13:00, 14:00-18:00"), {});
  // Monday 12:30 IST (07:00 UTC) + 1 h: 30 min before lunch, 30 min after → 14:30 IST = 09:00 UTC.
  EXPECT_EQ(cal.add(utc(2026, 11, 23, 7, 0), 1h), utc(2026, 11, 23, 9, 0));
}

TEST(BusinessCalendar, DaylightSavingChangesAreRealTime) {
  // London springs forward on Sunday 2026-03-29 at 01:00 GMT → 02:00 BST. Open every day 00:00-04:00 local.
  std::array<DayHours, 7> week;
  for (auto& d : week) ASSERT_TRUE(parse_day_hours("00:00-04:00", d));
  BusinessCalendar cal(find_zone("Europe/London"), week, {});
  // That Sunday's 00:00-04:00 local is only 3 real hours (00:00-03:00 UTC).
  EXPECT_EQ(cal.elapsed(utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 12, 0)), Millis(3h));
  // Saturday 03:00 GMT + 2 h: 1 h on Saturday, then Sunday from 00:00 UTC → 01:00 UTC (02:00 BST).
  EXPECT_EQ(cal.add(utc(2026, 3, 28, 3, 0), 2h), utc(2026, 3, 29, 1, 0));
  // The next day opens at 00:00 BST = 23:00 UTC the day before.
  EXPECT_EQ(cal.add(utc(2026, 3, 29, 3, 0), 30min), utc(2026, 3, 29, 23, 30));
}

TEST(BusinessCalendar, ACalendarThatNeverOpensNeverReachesItsTarget) {
  BusinessCalendar cal(find_zone("UTC"), {}, {});
  EXPECT_EQ(cal.add(utc(2026, 1, 1, 0, 0), 1min), Instant::max());
}

TEST(BusinessCalendar, HoursSpecs) {
  DayHours h;
  EXPECT_TRUE(parse_day_hours("09:00-17:30", h));
  EXPECT_EQ(h, (DayHours{{540, 1050}}));
  EXPECT_TRUE(parse_day_hours("closed", h));
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(parse_day_hours("00:00-24:00", h));
  EXPECT_FALSE(parse_day_hours("17:00-09:00", h));
  EXPECT_FALSE(parse_day_hours("9-5", h));
  EXPECT_FALSE(parse_day_hours("09:00-13:00, 12:00-18:00", h));
  EXPECT_EQ(find_zone("Mars/Olympus_Mons"), nullptr);
}

}  // namespace
}  // namespace omniroute::sla
