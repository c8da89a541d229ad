#pragma once
// store::Reports: reading what lib_report.lua recorded — a rollup hash, or the
// raw records of one UTC day within a time window. Writing happens inside the
// reply and resolve scripts (one atomic step with the response itself).
// Records are kept by the UTC hour they were made in (lib_report.lua).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

/// One field of a rollup hash: "<measure>|<value>|<seconds, t or m>" and its count.
struct RollupCount {
  std::string field;
  long long count = 0;
};

/// One raw record, as much of it as a report reads.
struct ResponseRecord {
  std::string kind, queue, channel, agent, priority, labels, met;
  std::int64_t at = 0;
  long long seconds = 0;       // on the target's clock (business time where the queue has a calendar)
  std::int64_t wall_ms = -1;   // as the customer waited (-1: not recorded, a satisfaction score)
};

class Reports {
 public:
  Reports(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// The rollup `name` ("d:<zone>:<day>", "m:<zone>:<month>") by `dimension` (empty when none).
  boost::asio::awaitable<StoreResult<std::vector<RollupCount>>> rollup(const std::string& name,
                                                                       const std::string& dimension);
  /// When each rollup zone started being rolled up here (ms), by zone name: a day of a zone before it has no
  /// (or partial) rollups and is read from the records.
  boost::asio::awaitable<StoreResult<std::int64_t>> zone_since(const std::string& zone);
  /// Marks `zones` as rolled up from `now_ms` on (those already marked keep their time) and forgets zones no
  /// longer rolled up (added again later, they start afresh): the daemon calls it at start.
  boost::asio::awaitable<StoreResult<Done>> note_zones(const std::vector<std::string>& zones, std::int64_t now_ms);
  /// The raw records of UTC hour `hour` ("2026-12-01T09") made in [from_ms, to_ms), of those after
  /// stream entry `after` ("-": all).
  boost::asio::awaitable<StoreResult<std::vector<ResponseRecord>>> records(const std::string& hour, std::int64_t from_ms,
                                                                           std::int64_t to_ms,
                                                                           const std::string& after = "-");
  /// At most `count` records of hour `hour` after stream entry `after` ("0-0": from the first), each with
  /// its entry id, oldest first.
  boost::asio::awaitable<StoreResult<std::vector<std::pair<std::string, ResponseRecord>>>> entries(
      const std::string& hour, const std::string& after, int count);
  /// With a history: each hour whose records Redis still holds → the last entry id the history has
  /// ("0-0": none yet). Records after it are read from Redis, the rest from the history.
  boost::asio::awaitable<StoreResult<std::map<std::string, std::string>>> archived_marks();
  /// The hours holding records the history has not got yet.
  boost::asio::awaitable<StoreResult<std::set<std::string>>> waiting_hours();
  /// Each hour still waiting → its mark ("0-0" when none), read in that order (the set, then the marks):
  /// every record of an hour not in it was in the history when the set was read.
  boost::asio::awaitable<StoreResult<std::map<std::string, std::string>>> waiting_marks();
  /// The history now holds hour `hour`'s records up to entry `id` (its mark moves on, never back); true
  /// when that is all of them (the hour no longer waits).
  boost::asio::awaitable<StoreResult<bool>> mark_archived(const std::string& hour, const std::string& id);
  /// Lets hour `hour`'s stream and mark go if the history holds every record of it; true when it went.
  boost::asio::awaitable<StoreResult<bool>> forget_hour(const std::string& hour);
  /// Once per workspace (false when done before): names each of `hours` that has records for archiving.
  boost::asio::awaitable<StoreResult<int>> adopt_hours(const std::vector<std::string>& hours, std::int64_t now_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
