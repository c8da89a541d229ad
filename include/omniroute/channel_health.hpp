#pragma once
// What a channel has been doing: the last message it brought in, its last
// error with the provider's words, and what its replies came to.

#include <map>
#include <optional>
#include <string>

#include "omniroute/conversation.hpp"

namespace omniroute {

struct ChannelHealth {
  std::optional<Time> last_inbound_at, last_poll_at, last_error_at;
  std::optional<std::int64_t> last_lag_ms;  // from the provider's timestamp to stored, for the last message
  std::string last_error;
  /// Replies by result (sent, retrying, failed, dead).
  std::map<std::string, long long> outbound;

  long long outbound_count(const std::string& result) const {
    return outbound.count(result) ? outbound.at(result) : 0;
  }
};

}  // namespace omniroute
