#include "agent_api/auth_throttle.hpp"

#include <algorithm>

#include "omniroute/log.hpp"

namespace omniroute::agent_api {

namespace {
/// Entries kept at most per map: past it, those whose budget is whole again are forgotten.
constexpr std::size_t kMaxCells = 100'000;

std::chrono::seconds whole_seconds_up(AuthThrottle::Clock::duration d) {
  auto s = std::chrono::ceil<std::chrono::seconds>(d);
  return std::max(s, std::chrono::seconds(1));
}
}  // namespace

AuthThrottle::AuthThrottle(metrics::Registry& metrics, Budget per_address, Budget per_prefix)
    : per_address_(per_address),
      per_prefix_(per_prefix),
      failures_(&metrics.counter("omniroute_auth_failures_total", {})),
      refused_address_(&metrics.counter("omniroute_auth_throttled_total", {{"by", "address"}})),
      refused_prefix_(&metrics.counter("omniroute_auth_throttled_total", {{"by", "token_prefix"}})) {}

std::chrono::seconds AuthThrottle::charge(std::unordered_map<std::string, Clock::time_point>& cells,
                                          const std::string& key, const Budget& budget, Clock::time_point now) {
  // GCRA: `tat` is when the cell would be empty again; more than burst × interval ahead is over budget.
  const auto allowance = budget.interval * budget.burst;
  auto [it, fresh] = cells.try_emplace(key, now);
  Clock::time_point tat = std::max(it->second, now) + budget.interval;
  it->second = tat;
  if (tat - now <= allowance) return std::chrono::seconds(0);
  return whole_seconds_up(tat - now - allowance);
}

void AuthThrottle::forget_idle(Clock::time_point now) {
  for (auto* cells : {&addresses_, &prefixes_, &logged_}) {
    if (cells->size() < kMaxCells) continue;
    std::erase_if(*cells, [now](const auto& cell) { return cell.second <= now; });
  }
}

std::chrono::seconds AuthThrottle::address_wait(const std::string& address, Clock::time_point now) {
  if (address.empty()) return std::chrono::seconds(0);
  std::lock_guard lock(mutex_);
  // Only addresses that failed have a cell: a client whose tokens work never adds one.
  auto cell = addresses_.find(address);
  if (cell == addresses_.end() || cell->second <= now + per_address_.interval * per_address_.burst) {
    return std::chrono::seconds(0);
  }
  const auto wait = whole_seconds_up(cell->second - now - per_address_.interval * per_address_.burst);
  if (wait.count() > 0) {
    refused_address_->inc();
    // Said once a minute per address, never with the token.
    auto& last = logged_[address];
    if (last + std::chrono::minutes(1) <= now || last == Clock::time_point{}) {
      last = now;
      log::warn("auth: too many failed tokens from " + address + "; refusing its tokens for " +
                std::to_string(wait.count()) + " s (429)");
    }
  }
  return wait;
}

std::chrono::seconds AuthThrottle::failed(const std::string& address, std::string_view token, Clock::time_point now) {
  failures_->inc();
  std::lock_guard lock(mutex_);
  forget_idle(now);
  std::chrono::seconds wait(0);
  if (!address.empty()) wait = charge(addresses_, address, per_address_, now);
  if (!token.empty()) {
    // The prefix is kept as its bytes' hex, so no part of a token is ever printed or logged as text.
    static constexpr char kHex[] = "0123456789abcdef";
    std::string prefix;
    for (unsigned char c : token.substr(0, kPrefixBytes)) prefix += {kHex[c >> 4], kHex[c & 15]};
    auto by_prefix = charge(prefixes_, prefix, per_prefix_, now);
    if (by_prefix.count() > 0) refused_prefix_->inc();
    wait = std::max(wait, by_prefix);
  }
  return wait;
}

}  // namespace omniroute::agent_api
