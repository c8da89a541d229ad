#include "reports/recorder.hpp"

#include <date/tz.h>

#include <boost/json.hpp>
#include <set>

#include "calendar/local_days.hpp"
#include "reports/csat.hpp"

namespace omniroute::reports {

namespace json = boost::json;

namespace {
constexpr std::int64_t kDaySeconds = 86400;

/// When keys holding days up to `last_day` (exclusive of the day after) expire: 400 days after it.
std::int64_t expiry_after(int day_after_last) {
  return (static_cast<std::int64_t>(day_after_last) + kRetentionDays) * kDaySeconds;
}

// Numbers go to the script as strings: they become Redis arguments and field names verbatim.
std::string text(long long n) { return std::to_string(n); }

/// The rollups a record made at `now_ms` goes into, each with when it expires: its local day and month in
/// every rollup zone.
json::array rollups_at(const std::vector<const date::time_zone*>& zones, std::int64_t now_ms) {
  json::array rollups;
  for (const date::time_zone* zone : zones) {
    const int day = sla::local_day(zone, now_ms);
    const std::string name(zone->name());
    rollups.push_back(json::array{"d:" + name + ":" + sla::day_name(day), text(expiry_after(day + 1))});
    rollups.push_back(
        json::array{"m:" + name + ":" + sla::month_name(day), text(expiry_after(sla::next_month_first_day(day)))});
  }
  return rollups;
}
}  // namespace

std::string hour_name(int utc_day, int hour) {
  std::string out = sla::day_name(utc_day) + "T";
  if (hour < 10) out += '0';
  return out + std::to_string(hour);
}

std::int64_t hour_start_ms(std::string_view hour) {
  int day = 0;
  if (hour.size() != 13 || hour[10] != 'T' || !sla::parse_day(hour.substr(0, 10), day)) return -1;
  if (hour[11] < '0' || hour[11] > '2' || hour[12] < '0' || hour[12] > '9') return -1;
  const int h = (hour[11] - '0') * 10 + (hour[12] - '0');
  if (h > 23) return -1;
  return (static_cast<std::int64_t>(day) * 86400 + static_cast<std::int64_t>(h) * 3600) * 1000;
}

std::string hour_of(std::int64_t ms) {
  return hour_name(static_cast<int>(ms / 1000 / kDaySeconds), static_cast<int>(ms / 1000 % kDaySeconds / 3600));
}

long long recorded_seconds(std::int64_t ms) {
  long long s = (std::max<std::int64_t>(ms, 0) + 999) / 1000;
  long long step = 1;
  for (long long limit = 10000; s >= limit; limit *= 10) step *= 10;
  return (s + step - 1) / step * step;
}

std::vector<const date::time_zone*> rollup_zones(const config::Config& config) {
  std::vector<const date::time_zone*> out{sla::find_zone("UTC")};
  std::set<std::string> seen{"UTC"};
  for (const auto& c : config.calendars) {
    const date::time_zone* zone = sla::find_zone(c.timezone);
    if (zone && seen.insert(std::string(zone->name())).second) out.push_back(zone);
  }
  return out;
}

Record Recorder::for_reply(const store::ResponseClock& c, std::int64_t now_ms) const {
  if (c.first_response_at.empty()) return record(kFirstResponse, config::SlaTarget::first_response, c.created_at, c, now_ms);
  if (!c.awaiting_since.empty()) return record(kNextResponse, config::SlaTarget::next_response, c.awaiting_since, c, now_ms);
  return {};
}

Record Recorder::for_resolution(const store::ResponseClock& c, std::int64_t now_ms) const {
  return record(kResolution, config::SlaTarget::resolution, c.created_at, c, now_ms);
}

Record Recorder::for_survey_answer(int score, std::int64_t now_ms) const {
  json::array rollups = rollups_at(zones_, now_ms);
  const int utc_day = static_cast<int>(now_ms / 1000 / kDaySeconds);
  std::string body = json::serialize(json::object{
      {"kind", kCsat}, {"start", ""}, {"queue", ""}, {"priority", ""}, {"wall_ms", "0"}, {"business_ms", "0"},
      {"target_ms", "0"}, {"seconds", text(score)}, {"met", "n"}, {"hour", hour_of(now_ms)},
      {"rollups", std::move(rollups)}, {"expire_at", text(expiry_after(utc_day + 1))},
      {"archive", archived_ ? "1" : ""}});
  return Record{std::move(body), kCsat, "no_target", ""};
}

Record Recorder::record(std::string_view kind, config::SlaTarget target, const std::string& start,
                             const store::ResponseClock& c, std::int64_t now_ms) const {
  const std::int64_t start_ms = std::atoll(start.c_str());
  const std::int64_t wall_ms = std::max<std::int64_t>(0, now_ms - start_ms);
  // In business time where the queue has a calendar (elapsed_ms is wall time without one).
  const std::int64_t business_ms = policies_.elapsed_ms(c.queue, start_ms, now_ms);
  const std::int64_t target_ms = policies_.target(c.queue, sla::priority_named(c.priority), target).count() * 1000;
  const char* met = target_ms == 0 ? "n" : business_ms <= target_ms ? "y" : "x";

  json::array rollups = rollups_at(zones_, now_ms);
  const int utc_day = static_cast<int>(now_ms / 1000 / kDaySeconds);
  const int utc_hour = static_cast<int>(now_ms / 1000 % kDaySeconds / 3600);
  std::string body = json::serialize(json::object{
      {"kind", kind},
      {"start", start},
      {"queue", c.queue},
      {"priority", c.priority},
      {"wall_ms", text(wall_ms)},
      {"business_ms", text(business_ms)},
      {"target_ms", text(target_ms)},
      {"seconds", text(recorded_seconds(business_ms))},
      {"wall_seconds", text(recorded_seconds(wall_ms))},
      {"met", met},
      {"hour", hour_name(utc_day, utc_hour)},
      {"rollups", std::move(rollups)},
      {"expire_at", text(expiry_after(utc_day + 1))},
      {"archive", archived_ ? "1" : ""},
  });
  return Record{std::move(body), kind, target_ms == 0 ? "no_target" : business_ms <= target_ms ? "met" : "missed",
                c.queue};
}

}  // namespace omniroute::reports
