#pragma once
// Outbound rate limits: a token bucket per key (a channel, or a channel and
// one chat), kept as a theoretical arrival time (GCRA): `reserve` says how
// long to wait before the next send so that no more than `rate` per second
// go out, with bursts of up to `burst` at once. Pure arithmetic on the times
// it is given, so it is tested without sleeping.

#include <chrono>
#include <map>
#include <string>

namespace omniroute::outbound {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `rate` sends per second (0: unlimited), up to `burst` back to back (at least 1).
  RateLimiter(double rate, int burst);
  /// Takes a slot for `key` at `now`; returns how long to wait before using it.
  Clock::duration reserve(const std::string& key, Clock::time_point now);
  /// Takes a slot for `key` only when one is free at `now` (a refused request costs nothing): true when taken.
  bool try_take(const std::string& key, Clock::time_point now);
  bool unlimited() const { return interval_.count() == 0; }

 private:
  Clock::duration interval_;
  int burst_;
  std::map<std::string, Clock::time_point> tat_;  // per key: when the bucket is next empty
};

}  // namespace omniroute::outbound
