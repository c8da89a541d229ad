#pragma once
// store::CannedResponses: the workspace's prepared answers (or:{ws}:canned, a
// hash: id → the response as JSON {"id","shortcut","variants":{lang: text}}).

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

class CannedResponses {
 public:
  CannedResponses(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// Every response, by id, as stored (JSON).
  boost::asio::awaitable<StoreResult<std::map<std::string, std::string>>> all();
  boost::asio::awaitable<StoreResult<std::optional<std::string>>> get(const std::string& id);
  /// Stores `json` under `id`; with `only_new`, only when there is none yet (false: it exists).
  boost::asio::awaitable<StoreResult<bool>> put(const std::string& id, const std::string& json, bool only_new);
  /// False when there was none.
  boost::asio::awaitable<StoreResult<bool>> remove(const std::string& id);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
