#pragma once
// The reports' records reach the history. With a history, lib_report.lua names each UTC hour it writes
// records in (responses_archived: hour → the last entry the history holds; responses_waiting: the hours
// with records past it); the housekeeping archiver copies what each waiting hour's stream holds past its mark (idempotent: a record is keyed by its hour and entry
// id), moves the mark on (responses_archived.lua), rolls each closed local day of every reporting zone
// up in PostgreSQL once all its records are there, and lets an hour's stream go from Redis two days after
// the history had all of it (responses_forget.lua).
//
// A report reads, for each hour Redis still names, the records up to its mark from PostgreSQL and those
// after it from Redis (reports/response_report.cpp): exact at every moment, however far the archive lags.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "archive/history_status.hpp"
#include "store/history/archive.hpp"
#include "store/keys.hpp"
#include "store/pg_connection.hpp"
#include "store/redis_client.hpp"
#include "store/reports.hpp"

namespace date {
class time_zone;
}

namespace omniroute::archive {

/// What one pass over the hours archived.
struct ResponsesStep {
  int records = 0;
  int late = 0;             // of them, made more than kSettleMs ago (their days may be closed)
  std::int64_t lag_ms = 0;  // now minus the oldest record left unarchived (0: caught up)
  bool more = false;        // an hour had more than one pass takes
};

class ResponseArchive {
 public:
  static constexpr int kPerHour = 2000;                        // records of one hour a pass copies
  static constexpr std::int64_t kSettleMs = 10LL * 60'000;       // a day is rolled up this long after it ends
  static constexpr std::int64_t kForgetAfterMs = 48LL * 3'600'000;  // an hour's stream stays this long after it

  /// `status` shows how many closed days wait to be rolled up (omniroute_report_days_waiting).
  ResponseArchive(store::RedisClient& redis, const store::Keys& keys, store::PgConnection& history,
                  std::vector<const date::time_zone*> zones, HistoryStatus& status);

  /// Copies what Redis holds past the mark of each hour still waiting.
  boost::asio::awaitable<Expected<ResponsesStep, store::history::ArchiveError>> step(std::int64_t now_ms);
  struct RolledUp {
    int built = 0;    // days rolled up now
    int waiting = 0;  // closed days still not rolled up (records still coming, or more than `max`)
  };
  /// Rolls up at most `max` closed days (newest first) whose records are all in the history, and shows
  /// how many wait.
  boost::asio::awaitable<store::PgResult<RolledUp>> roll_up(std::int64_t now_ms, int max);
  /// Lets go the streams of hours older than two days the history has had whole since the last call.
  boost::asio::awaitable<store::StoreResult<int>> forget(std::int64_t now_ms);
  /// Once per workspace: names the hours recorded before the history was configured, for archiving.
  boost::asio::awaitable<store::StoreResult<int>> adopt(std::int64_t now_ms);
  /// Records older than `cutoff_ms`, and their days, leave the history (400 days: reports' retention).
  boost::asio::awaitable<store::PgResult<long>> expire(std::int64_t cutoff_ms);

 private:
  /// Forgets the rollups of the days (in every zone) holding `late` instants: rolled up again later.
  boost::asio::awaitable<store::PgResult<bool>> reopen_days(const std::vector<std::int64_t>& late);
  boost::asio::awaitable<store::PgResult<bool>> roll_up_day(const date::time_zone* zone, int day);

  store::RedisClient& redis_;
  const store::Keys& keys_;
  store::PgConnection& history_;
  store::Reports reports_;
  std::vector<const date::time_zone*> zones_;
  HistoryStatus& status_;
  std::set<std::string> whole_before_;    // hours the history had whole at the last forget()
};

}  // namespace omniroute::archive
