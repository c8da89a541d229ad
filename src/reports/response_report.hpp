#pragma once
// reports::ResponseReport: response times and SLA compliance over a period,
// grouped by queue, channel, agent, label or (local) day — from the day and
// month rollups for whole days of a rollup zone and from the raw records for
// the partial days at either end. A month mostly inside the period is read as
// the month less its days outside (distributions subtract exactly), so a
// 90-day report reads about four months, a few days and two partial days of
// records, never months of records.
//
// With a history, PostgreSQL holds the records and each closed day rolled up per zone (by day only: a
// day's distribution is one row), and Redis only the records it has not handed over yet; a report reads
// both, split at each hour's mark, so it is exact however far the archive lags.
//
// Percentiles are nearest-rank over the recorded seconds (exact below
// 10,000 s: recorder.hpp): p50 is the smallest value at least half of the
// responses took no longer than.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/reports.hpp"

namespace date {
class time_zone;
}
namespace omniroute::store::history {
class HistoryReader;
}

namespace omniroute::reports {

/// Percentiles of one distribution of seconds (meaningless when its count is 0).
struct Percentiles {
  long long count = 0;
  long long p50 = 0, p90 = 0, p95 = 0, max = 0;
};

/// The figures of one measure (first response, next response, resolution) in one group, on both clocks:
/// `wall` as the customer waited, `business` on each response's own SLA clock (business hours where its queue
/// has a calendar, else wall time). Compliance is always against the target's own clock.
struct Figures {
  long long count = 0;
  Percentiles wall, business;  // satisfaction: `business` holds the scores' percentiles
  long long with_target = 0, met = 0;           // compliance = met / with_target
  long long sum = 0;                            // of every value (satisfaction: the average's numerator)
  std::vector<std::pair<long long, long long>> distribution;  // value → how many, ascending
};

struct Row {
  std::string group;                        // the queue, channel, agent, label ("" none) or day ("2026-12-01")
  std::map<std::string, Figures> measures;  // by kFirstResponse, kNextResponse, kResolution, kCsat
};

struct Query {
  std::int64_t from_ms = 0, to_ms = 0;  // [from, to)
  std::string group_by = "queue";       // queue | channel | agent | label | day
  const date::time_zone* zone = nullptr;
};

/// The dimensions a report groups by.
bool valid_group_by(const std::string& g);

/// Why a report has no rows: Redis or the history could not be read.
struct ReportError {
  bool history = false;
  std::string message;
};

class ResponseReport {
 public:
  /// With `history`, the records and day roll-ups are PostgreSQL's (src/archive/response_archive.hpp)
  /// but for those Redis has not handed over yet; without, Redis's.
  ResponseReport(store::Reports& store, std::vector<const date::time_zone*> rollup_zones,
                 store::history::HistoryReader* history = nullptr)
      : store_(store), rollup_zones_(std::move(rollup_zones)), history_(history) {}

  /// The rows of `q`, ordered by group.
  boost::asio::awaitable<Expected<std::vector<Row>, ReportError>> run(const Query& q);

 private:
  struct Tally;
  /// The zone whose whole days a report of `q` reads rolled up (nullptr: none, records only).
  const date::time_zone* plan_for(const Query& q) const;
  boost::asio::awaitable<Expected<bool, ReportError>> tally_redis(const Query& q, Tally& tally);
  boost::asio::awaitable<Expected<bool, ReportError>> tally_history(const Query& q, Tally& tally);
  static void add_record(const Query& q, const store::ResponseRecord& r, Tally& tally);
  /// The whole local days [first, end) of `plan` from its rollups.
  boost::asio::awaitable<store::StoreResult<bool>> add_days(const Query& q, const date::time_zone* plan, int first,
                                                            int end, Tally& tally);
  boost::asio::awaitable<store::StoreResult<bool>> add_records(const Query& q, std::int64_t from_ms,
                                                               std::int64_t to_ms, Tally& tally);
  /// Adds (sign 1) or takes away (sign -1: a day outside the period, from its month) one rollup.
  boost::asio::awaitable<store::StoreResult<bool>> add_rollup(const std::string& name, const std::string& dimension,
                                                              const std::optional<std::string>& group, int sign,
                                                              Tally& tally);

  store::Reports& store_;
  std::vector<const date::time_zone*> rollup_zones_;
  store::history::HistoryReader* history_ = nullptr;
};

/// The whole local days [first, end) of a report that its zone's rollups can answer, given the zone has been
/// rolled up since `since_ms`: the days from the first one starting at or after it (the rest read records).
int first_rolled_up_day(const date::time_zone* zone, int first, std::int64_t since_ms);

}  // namespace omniroute::reports
