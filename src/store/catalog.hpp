#pragma once
// store::Catalog: a workspace's list of named things an admin manages, kept as
// one hash (id → JSON): canned responses (or:{ws}:canned: {"id","shortcut",
// "variants":{lang: text}}) and labels (or:{ws}:label_catalog: {"name",
// "description","color"}).

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

class Catalog {
 public:
  /// The catalog kept in the hash `key` (Keys::canned_responses(), Keys::label_catalog()).
  Catalog(RedisClient& client, std::string key) : client_(client), key_(std::move(key)) {}

  /// Every entry, by id, as stored (JSON).
  boost::asio::awaitable<StoreResult<std::map<std::string, std::string>>> all();
  boost::asio::awaitable<StoreResult<std::optional<std::string>>> get(const std::string& id);
  /// Stores `json` under `id`; with `only_new`, only when there is none yet (false: it exists).
  boost::asio::awaitable<StoreResult<bool>> put(const std::string& id, const std::string& json, bool only_new);
  /// False when there was none.
  boost::asio::awaitable<StoreResult<bool>> remove(const std::string& id);

 private:
  RedisClient& client_;
  std::string key_;
};

}  // namespace omniroute::store
