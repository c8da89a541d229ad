#pragma once
// Web chat's flood limits, one set per process (every loop's visitors draw
// on the same buckets): messages per visitor and per address, and new
// conversations per address, and open sockets per address. Rates are the
// channel's keys `visitor_rate`, `ip_rate`, `ip_conversation_rate` and
// `ip_sockets`. The address is the TCP peer: behind a reverse proxy, the
// proxy's, so a site behind one raises the per-address limits (or sets 0).

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
  /// Takes one of `address`'s visitor sockets on this process (the channel's `ip_sockets`, 0: no limit); false
  /// when it holds that many already. Every true is matched by one release().
  bool open_socket(const ChannelSettings& channel, const std::string& address);
  void release_socket(const std::string& address);

 private:
  struct Buckets {
    outbound::RateLimiter visitor, address, conversations;
  };
  std::mutex mutex_;
  std::map<std::string, Buckets, std::less<>> channels_;
  std::map<std::string, int, std::less<>> sockets_;  // open visitor sockets by address
};

}  // namespace omniroute::webchat
