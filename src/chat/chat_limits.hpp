#pragma once
// Web chat's flood limits, one set per process (every loop's visitors draw
// on the same buckets): messages per visitor and per address, and new
// conversations per address. Rates are the channel's keys `visitor_rate`,
// `ip_rate` and `ip_conversation_rate`.

#include <map>
#include <mutex>
#include <string>

#include "omniroute/channel.hpp"
#include "outbound/rate_limiter.hpp"

namespace omniroute::webchat {

class ChatLimits {
 public:
  enum class What { visitor_message, address_message, address_conversation };

  /// Whether `key` (a visitor's handle, or an address) may do `what` on `channel` now; a refusal costs nothing.
  bool allow(const ChannelSettings& channel, What what, const std::string& key);

 private:
  struct Buckets {
    outbound::RateLimiter visitor, address, conversations;
  };
  std::mutex mutex_;
  std::map<std::string, Buckets, std::less<>> channels_;
};

}  // namespace omniroute::webchat
