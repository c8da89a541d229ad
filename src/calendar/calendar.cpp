#include "calendar/calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <regex>

namespace omniroute::sla {

namespace {
constexpr int kSearchDays = 3 * 366;  // a calendar with hours opens within three years, or never
}

BusinessCalendar::BusinessCalendar(const date::time_zone* zone, std::array<DayHours, 7> week, std::set<int> holidays)
    : zone_(zone), week_(std::move(week)), holidays_(std::move(holidays)) {}

int BusinessCalendar::local_day_of(Instant at) const {
  auto local = zone_->to_local(at);
  return static_cast<int>(date::floor<date::days>(local).time_since_epoch().count());
}

std::vector<std::pair<Instant, Instant>> BusinessCalendar::intervals_of(int local_day) const {
  std::vector<std::pair<Instant, Instant>> out;
  if (holidays_.count(local_day)) return out;
  date::local_days day{date::days(local_day)};
  unsigned weekday = date::weekday(day).c_encoding();  // 0 = Sunday
  for (auto [open, close] : week_[weekday]) {
    // A local time skipped or repeated by a daylight-saving change maps to its earliest instant.
    auto from = zone_->to_sys(day + std::chrono::minutes(open), date::choose::earliest);
    auto to = zone_->to_sys(day + std::chrono::minutes(close), date::choose::earliest);
    if (to > from) out.emplace_back(std::chrono::time_point_cast<Millis>(from), std::chrono::time_point_cast<Millis>(to));
  }
  return out;
}

Instant BusinessCalendar::add(Instant start, Millis business) const {
  Instant cursor = start;
  int day = local_day_of(start) - 1;  // the day before: a local day's hours may begin before UTC midnight
  for (int i = 0; i < kSearchDays; ++i, ++day) {
    for (auto [from, to] : intervals_of(day)) {
      if (to <= cursor) continue;
      Instant begin = std::max(from, cursor);
      if (to - begin >= business) return begin + business;
      business -= to - begin;
      cursor = to;
    }
  }
  return Instant::max();  // never opens: the target is never reached
}

Millis BusinessCalendar::elapsed(Instant from, Instant to) const {
  if (to <= from) return Millis(0);
  Millis total(0);
  int last = local_day_of(to) + 1;
  for (int day = local_day_of(from) - 1; day <= last; ++day) {
    for (auto [open, close] : intervals_of(day)) {
      Instant a = std::max(open, from), b = std::min(close, to);
      if (b > a) total += b - a;
    }
  }
  return total;
}

bool BusinessCalendar::open_at(Instant at) const {
  for (int day = local_day_of(at) - 1; day <= local_day_of(at); ++day) {
    for (auto [open, close] : intervals_of(day)) {
      if (at >= open && at < close) return true;
    }
  }
  return false;
}

bool parse_day_hours(const std::string& spec, DayHours& out) {
  out.clear();
  if (spec == "closed" || spec.empty()) return true;
  static const std::regex kInterval(R"(\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)\s*)");
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = std::min(spec.find(',', start), spec.size());
    std::smatch m;
    std::string part = spec.substr(start, comma - start);
    if (!std::regex_match(part, m, kInterval)) return false;
    int open = std::stoi(m[1]) * 60 + std::stoi(m[2]);
    int close = std::stoi(m[3]) * 60 + std::stoi(m[4]);
    if (close > 24 * 60 || close <= open) return false;
    out.emplace_back(open, close);
    start = comma + 1;
    if (comma == spec.size()) break;
  }
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].first < out[i - 1].second) return false;  // overlapping
  }
  return true;
}

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace omniroute::sla
