#include "chat/chat_limits.hpp"

#include <cstdlib>

namespace omniroute::webchat {

bool ChatLimits::allow(const ChannelSettings& channel, What what, const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel.id);
  if (it == channels_.end()) {
    // Bursts: a visitor may send 10 messages at once (pasting lines), an address (an office behind one NAT)
    // 5 seconds' worth, and open 20 conversations before the steady rate applies.
    const double visitor = channel.get<Rate>("visitor_rate").per_second;
    const double address = channel.get<Rate>("ip_rate").per_second;
    const double opened = channel.get<Rate>("ip_conversation_rate").per_second;
    it = channels_.emplace(channel.id, Buckets{outbound::RateLimiter(visitor, 10),
                                               outbound::RateLimiter(address, std::max(10, static_cast<int>(address * 5))),
                                               outbound::RateLimiter(opened, 20)}).first;
  }
  const auto now = outbound::RateLimiter::Clock::now();
  switch (what) {
    case What::visitor_message: return it->second.visitor.try_take(key, now);
    case What::address_message: return it->second.address.try_take(key, now);
    case What::address_conversation: return it->second.conversations.try_take(key, now);
  }
  return false;
}

bool ChatLimits::open_socket(const ChannelSettings& channel, const std::string& address) {
  const long most = std::strtol(channel.get("ip_sockets").c_str(), nullptr, 10);
  std::lock_guard lock(mutex_);
  int& open = sockets_[address];
  if (most > 0 && open >= most) {
    if (open == 0) sockets_.erase(address);
    return false;
  }
  ++open;
  return true;
}

void ChatLimits::release_socket(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = sockets_.find(address);
  if (it != sockets_.end() && --it->second <= 0) sockets_.erase(it);
}

}  // namespace omniroute::webchat
