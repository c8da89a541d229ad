#pragma once
// ChannelState in Redis: one hash per channel, or:{ws}:channel:<id>.

#include "omniroute/channel.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

class RedisChannelState final : public ChannelState {
 public:
  RedisChannelState(RedisClient& client, const Keys& keys, const std::string& channel_id)
      : client_(client), key_(keys.channel_state(channel_id)) {}

  boost::asio::awaitable<std::optional<std::optional<std::string>>> get(const std::string& field) override;
  boost::asio::awaitable<bool> set(const std::string& field, const std::string& value) override;

 private:
  RedisClient& client_;
  std::string key_;
};

}  // namespace omniroute::store
