#include "outbound/rate_limiter.hpp"

#include <algorithm>

namespace omniroute::outbound {

RateLimiter::RateLimiter(double rate, int burst)
    : interval_(rate > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))
                         : Clock::duration::zero()),
      burst_(std::max(1, burst)) {}

RateLimiter::Clock::duration RateLimiter::reserve(const std::string& key, Clock::time_point now) {
  if (unlimited()) return Clock::duration::zero();
  auto& tat = tat_[key];
  Clock::time_point start = std::max(tat, now);
  // Up to `burst` may go at once: the slot opens `burst - 1` intervals before the bucket is empty.
  Clock::time_point allowed = start - interval_ * (burst_ - 1);
  tat = start + interval_;
  if (tat_.size() > 10'000) {  // keys of chats long quiet: forget them
    for (auto it = tat_.begin(); it != tat_.end();) it = it->second < now ? tat_.erase(it) : std::next(it);
  }
  return allowed > now ? allowed - now : Clock::duration::zero();
}

bool RateLimiter::try_take(const std::string& key, Clock::time_point now) {
  if (unlimited()) return true;
  auto it = tat_.find(key);
  if (it != tat_.end() && std::max(it->second, now) - interval_ * (burst_ - 1) > now) return false;
  return reserve(key, now) == Clock::duration::zero();
}

}  // namespace omniroute::outbound
