#pragma once
// store::ApiChannels: channels added through the admin API (POST/PUT/DELETE /v1/channels/<id>), kept in one
// hash (or:{ws}:api_channels, id → JSON document with sealed secrets) beside a version every daemon polls
// (or:{ws}:api_channels_version): a change is one script, so a daemon that sees the new version reads it.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

enum class ChannelChange { done, exists, not_found };

/// The version and documents of the channels kept through the API.
struct KeptChannels {
  std::string version;
  std::map<std::string, std::string> documents;
};

/// Reads them once, before the daemon starts serving, on a loop of its own; nullopt when Redis does not answer
/// within `max` (the running daemon's watcher reads them once it does).
std::optional<KeptChannels> kept_channels_at_start(const config::RedisConfig& config, std::chrono::milliseconds max);

class ApiChannels {
 public:
  ApiChannels(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// The version (an integer as text; "0" when nothing was ever kept).
  boost::asio::awaitable<StoreResult<std::string>> version();
  /// Every channel kept: id → document.
  boost::asio::awaitable<StoreResult<std::map<std::string, std::string>>> all();
  /// The document of channel `id`, "" when none is kept.
  boost::asio::awaitable<StoreResult<std::string>> get(const std::string& id);
  /// op: "create", "replace" or "remove" (document ignored).
  boost::asio::awaitable<StoreResult<ChannelChange>> change(const std::string& op, const std::string& id,
                                                            const std::string& document);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
