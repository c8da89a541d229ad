#include "calendar/local_days.hpp"

#include <date/tz.h>

#include <charconv>
#include <cstdio>

namespace omniroute::sla {

namespace {
using Millis = std::chrono::milliseconds;

date::year_month_day ymd_of(int day) { return date::year_month_day{date::sys_days{date::days{day}}}; }
}  // namespace

int local_day(const date::time_zone* zone, std::int64_t ms) {
  auto local = zone->to_local(date::sys_time<Millis>{Millis{ms}});
  return static_cast<int>(date::floor<date::days>(local).time_since_epoch().count());
}

std::int64_t day_start_ms(const date::time_zone* zone, int day) {
  date::local_days local{date::days{day}};
  auto at = zone->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<Millis>(at.time_since_epoch()).count();
}

std::string day_name(int day) {
  auto ymd = ymd_of(day);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

std::string month_name(int day) { return day_name(day).substr(0, 7); }

int month_first_day(int day) {
  auto ymd = ymd_of(day);
  return static_cast<int>(date::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count());
}

int next_month_first_day(int day) {
  auto ymd = ymd_of(day);
  auto next = ymd.year() / ymd.month() / 1 + date::months{1};
  return static_cast<int>(date::sys_days{next}.time_since_epoch().count());
}

bool parse_day(std::string_view text, int& day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](size_t at, size_t len, auto& out) {
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + len, out);
    return ec == std::errc{} && p == text.data() + at + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return false;
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return false;
  day = static_cast<int>(date::sys_days{ymd}.time_since_epoch().count());
  return true;
}

}  // namespace omniroute::sla
