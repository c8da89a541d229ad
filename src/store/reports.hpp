#pragma once
// store::Reports: reading what lib_report.lua recorded — a rollup hash, or the
// raw records of one UTC day. Writing happens inside the reply and resolve
// scripts (one atomic step with the response itself).

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

class Reports {
 public:
  Reports(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// The rollup `name` ("d:<zone>:<day>", "m:<zone>:<month>") by `dimension`: field → count (empty when none).
  boost::asio::awaitable<StoreResult<Fields>> rollup(const std::string& name, const std::string& dimension);
  /// Every raw record of UTC day `day` ("2026-12-01"), oldest first.
  boost::asio::awaitable<StoreResult<std::vector<StreamEntry>>> records(const std::string& day);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
