#pragma once
// The archiver: one per daemon, on one loop. It connects to the history (waiting, never failing, while
// PostgreSQL is away), brings the schema up to date when history.migrate is auto, and then archives the
// events stream's records batch after batch (store/history/archive.hpp). A PostgreSQL outage never
// touches ingest or routing: the archive lags (omniroute_archive_lag_seconds) and catches up.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "archive/history_status.hpp"
#include "archive/response_archive.hpp"
#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"
#include "store/history/archive.hpp"
#include "store/pg_connection.hpp"
#include "store/redis_client.hpp"

namespace omniroute::archive {

class Archiver {
 public:
  static constexpr int kBatch = 1024;
  static constexpr int kEvictBatch = 100;               // conversations let go per round
  static constexpr std::int64_t kEvictEveryMs = 5'000;  // how often resolved conversations are looked at
  static constexpr std::int64_t kRetentionEveryMs = 3'600'000;  // how often history.retention is applied

  /// Every event loop runs one (each a consumer of the group, with its own connection: PostgreSQL writes
  /// batches on as many cores); only the `housekeeping` one also lets archived conversations go and
  /// applies retention.
  Archiver(const config::HistoryConfig& config, store::RedisClient& redis, const store::Keys& keys,
           metrics::Registry& metrics, HistoryStatus& status, std::string consumer, TaskGroup& tasks,
           bool housekeeping, std::vector<const date::time_zone*> report_zones,
           const std::vector<std::string>& channels);
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> run();
  /// The reports' records (response_archive.hpp): copied every second (every hour's every 30 s), days
  /// rolled up every minute, hours let go from Redis every 10 minutes.
  boost::asio::awaitable<void> archive_responses();
  /// Retention (hourly) and letting archived conversations go (every 5 s), when they are due.
  boost::asio::awaitable<void> housekeep();
  /// Connects and migrates; false (status and log said why) when the history is not usable yet.
  boost::asio::awaitable<bool> open();
  boost::asio::awaitable<void> pause(std::chrono::milliseconds d);
  /// Whether this daemon stored messages since the last time it was asked (its channels' counters).
  bool ingesting();

  const config::HistoryConfig& config_;
  store::RedisClient& redis_;
  HistoryStatus& status_;
  TaskGroup& tasks_;
  store::PgConnection db_;
  store::history::Archive archive_;
  ResponseArchive responses_;
  metrics::Counter& archived_messages_;
  metrics::Counter& archived_conversations_;
  metrics::Counter& evicted_;
  metrics::Counter& archived_responses_;
  std::vector<const metrics::Counter*> received_;  // omniroute_messages_received_total of each channel
  std::uint64_t received_seen_ = 0;
  std::int64_t responses_lag_ms_ = 0;
  std::int64_t next_responses_ms_ = 0, next_roll_up_ms_ = 0, next_forget_ms_ = 0;
  bool adopted_ = false;
  std::int64_t next_eviction_ms_ = 0;
  std::int64_t next_retention_ms_ = 0;
  bool stopped_ = false;
  bool migrated_ = false;
  bool housekeeping_ = false;
  std::string last_problem_;  // logged once until it changes
  std::string last_records_problem_;  // the same, for the report records
};

}  // namespace omniroute::archive
