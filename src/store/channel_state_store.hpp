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

  void get(const std::string& field, std::function<void(bool, std::optional<std::string>)> done) override;
  void set(const std::string& field, const std::string& value, std::function<void(bool)> done) override;

 private:
  RedisClient& client_;
  std::string key_;
};

}  // namespace omniroute::store
