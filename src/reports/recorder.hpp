#pragma once
// reports::Recorder: what the reports record about a response or a resolution,
// computed from the conversation as read just before (store::ResponseClock):
// wall and business time (the queue's calendar), the SLA target and whether it
// was met, the UTC day of the raw record and the day and month rollups in each
// reporting time zone. The reply and resolve scripts write it in the same
// atomic step (lib_report.lua) after checking the conversation did not change.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "sla/policy.hpp"
#include "store/conversations.hpp"

namespace date {
class time_zone;
}

namespace omniroute::reports {

/// What is measured: the names records and reports use.
inline constexpr std::string_view kFirstResponse = "first_response";
inline constexpr std::string_view kNextResponse = "next_response";
inline constexpr std::string_view kResolution = "resolution";

/// Records are kept this long after the day they fall on.
inline constexpr int kRetentionDays = 400;

/// Seconds as recorded for a duration of `ms`, rounded up (so a record's seconds exceed its target exactly
/// when it missed it): exact below 10,000 s, four significant figures above (a rollup then holds at most
/// ~9,000 distinct values per decade, however long a month is).
long long recorded_seconds(std::int64_t ms);

/// The UTC hour holding instant `ms`, as raw records are kept by ("2026-12-01T09"), and by day and hour.
std::string hour_of(std::int64_t ms);
std::string hour_name(int utc_day, int hour);
/// When the UTC hour named "2026-12-01T09" begins (ms), or -1 for a name that is not an hour.
std::int64_t hour_start_ms(std::string_view hour);

/// The time zones reports keep rollups in: UTC first, then each business calendar's zone. A report in
/// another zone is exact too, read from the raw records where its days differ.
std::vector<const date::time_zone*> rollup_zones(const config::Config& config);

/// One record as the script takes it (`json`, "" for none), and what it says in short for the metrics.
struct Record {
  std::string json;
  std::string_view kind;  // kFirstResponse, kNextResponse, kResolution
  std::string_view met;   // "met", "missed", "no_target"
  std::string queue;
};

class Recorder {
 public:
  /// With a history (config.history), records are archived to it and rolled up there: none in Redis.
  Recorder(const sla::Policies& policies, const config::Config& config)
      : policies_(policies),
        archived_(config.history.enabled()),
        zones_(archived_ ? std::vector<const date::time_zone*>{} : rollup_zones(config)) {}

  /// The record of a reply sent at `now_ms` (its first response, or the next after the customer wrote
  /// again), or "" when it is neither.
  Record for_reply(const store::ResponseClock& c, std::int64_t now_ms) const;
  /// The record of the conversation's resolution at `now_ms`.
  Record for_resolution(const store::ResponseClock& c, std::int64_t now_ms) const;
  /// The record of a satisfaction score (1–5) given at `now_ms` (kind csat; ingest.lua fills in the
  /// surveyed conversation's queue and priority).
  Record for_survey_answer(int score, std::int64_t now_ms) const;

 private:
  Record record(std::string_view kind, config::SlaTarget target, const std::string& start,
                     const store::ResponseClock& c, std::int64_t now_ms) const;

  const sla::Policies& policies_;
  bool archived_ = false;                     // the history keeps the records (lib_report.lua's `archive`)
  std::vector<const date::time_zone*> zones_;  // the rollups kept in Redis (none with a history)
};

}  // namespace omniroute::reports
