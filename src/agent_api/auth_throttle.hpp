#pragma once
// AuthThrottle: slows token guessing. Failed authentications (a Bearer token,
// ?token= or a sign-in naming no one) are counted per client address and per
// token prefix, as a generic cell rate (GCRA: a burst, then one attempt per
// interval). An address over its budget is answered 429 with Retry-After
// before its token is even looked up; a prefix over its budget turns a wrong
// token's 401 into 429 — checked only after the lookup, so the right token is
// never slowed by other people's mistakes. Successful authentications cost
// nothing. One per process, shared by every event loop (a mutex: it is
// touched once per token-authenticated request).

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "metrics/metrics.hpp"

namespace omniroute::agent_api {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Budget {
    int burst;                           // failures allowed at once
    std::chrono::milliseconds interval;  // then one more per interval
  };
  static constexpr Budget kPerAddress{20, std::chrono::seconds(1)};
  static constexpr Budget kPerPrefix{60, std::chrono::milliseconds(500)};
  /// The bytes of a token that name its prefix (tokens are 16+ characters).
  static constexpr std::size_t kPrefixBytes = 6;

  explicit AuthThrottle(metrics::Registry& metrics, Budget per_address = kPerAddress, Budget per_prefix = kPerPrefix);

  /// How long `address` must wait before a token from it is looked up (0: go ahead).
  std::chrono::seconds address_wait(const std::string& address, Clock::time_point now = Clock::now());
  /// Records that `token` from `address` named no one; returns how long a wrong token of its prefix (or from
  /// that address) must now wait (0: answer 401 as usual, else 429 with this Retry-After).
  std::chrono::seconds failed(const std::string& address, std::string_view token, Clock::time_point now = Clock::now());

 private:
  /// Adds one failure to `key`'s cell under `budget`; the wait it now owes (0 while within the budget).
  std::chrono::seconds charge(std::unordered_map<std::string, Clock::time_point>& cells, const std::string& key,
                              const Budget& budget, Clock::time_point now);
  void forget_idle(Clock::time_point now);

  Budget per_address_, per_prefix_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> addresses_;  // theoretical arrival time of the next failure
  std::unordered_map<std::string, Clock::time_point> prefixes_;
  metrics::Counter* failures_;
  metrics::Counter* refused_address_;
  metrics::Counter* refused_prefix_;
  std::unordered_map<std::string, Clock::time_point> logged_;  // address → when its refusal was last logged
};

}  // namespace omniroute::agent_api
