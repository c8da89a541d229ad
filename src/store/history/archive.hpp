#pragma once
// The archive: what the working set (Redis) stored reaches the history (PostgreSQL). It follows the
// events stream with the consumer group "archive" — every daemon may take part, an entry a crashed
// consumer held is reclaimed — reads the records the events name in one script (archive_read.lua),
// writes them in one statement of idempotent upserts keyed on ids, and only then acknowledges the
// events: a crash anywhere replays without doubling anything.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <set>
#include <string>

#include "store/keys.hpp"
#include "store/pg_connection.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {
struct ArchiveReadResult;  // store/script_table.hpp (generated)
}

namespace omniroute::store::history {

/// What one step archived.
struct ArchiveStep {
  int events = 0;         // events read (and acknowledged)
  int conversations = 0;  // conversations written
  int messages = 0;       // transcript entries written
  int contacts = 0;
  /// How far behind the stream the archive is: now minus the time of the oldest event this step left
  /// unarchived (0 when it caught up).
  std::int64_t lag_ms = 0;
  bool more = false;  // the step took a full batch: more is waiting
};

/// Why a step archived nothing: Redis or PostgreSQL (the events stay pending and are read again).
struct ArchiveError {
  enum class Side { redis, history } side = Side::redis;
  std::string message;
  std::int64_t lag_ms = 0;  // the oldest event still waiting
};

class Archive {
 public:
  static constexpr const char* kGroup = "archive";
  /// An entry another consumer took and held this long is taken over (writes are idempotent, so a
  /// slow consumer's work done twice costs time, never data).
  static constexpr std::int64_t kReclaimIdleMs = 5'000;

  Archive(RedisClient& redis, const Keys& keys, PgConnection& history, std::string consumer);

  /// Creates the group (from the stream's start: what is already there is archived too).
  boost::asio::awaitable<StoreResult<Done>> ensure_group();
  /// Archives at most `count` events' records.
  boost::asio::awaitable<Expected<ArchiveStep, ArchiveError>> step(int count, std::int64_t now_ms);
  /// Lets at most `max` conversations resolved before `resolved_before_ms` go from Redis: each archived
  /// whole again and confirmed by PostgreSQL first (evict.lua keeps any that changed meanwhile).
  /// Answers how many went.
  boost::asio::awaitable<Expected<int, ArchiveError>> evict(std::int64_t resolved_before_ms, int max);

  struct Columns;

 private:
  boost::asio::awaitable<PgResult<bool>> write(const Columns& columns);
  /// Writes the kept attachments `blobs` (archive_read.lua's) to the history, then lets their content go
  /// from Redis (blob_archived.lua).
  boost::asio::awaitable<PgResult<bool>> keep_blobs(const Reply& blobs);
  /// The batch's columns, built on the archive's own thread (the search forms' transliteration costs
  /// ~15 µs a text, ~15 ms a batch): the event loop keeps serving requests meanwhile.
  boost::asio::awaitable<Columns> columns_off_loop(const ArchiveReadResult& read);

  RedisClient& redis_;
  const Keys& keys_;
  PgConnection& history_;
  std::string consumer_;
  std::set<std::string> months_;  // months whose message partition is known to exist ("2026-12")
  std::int64_t next_reclaim_ms_ = 0;
  boost::asio::thread_pool forms_{1};
};

}  // namespace omniroute::store::history
