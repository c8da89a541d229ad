#pragma once
// How the history (PostgreSQL) stands, for /readyz and /metrics on any loop: written by the archiver on
// its loop, read anywhere.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace omniroute::archive {

class HistoryStatus {
 public:
  enum class State { off, connecting, up, unavailable };

  void set(State s, std::string why = "") {
    std::lock_guard lock(mutex_);
    state_ = s;
    why_ = std::move(why);
  }
  State state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  /// Why it is unavailable (libpq's or the server's words, never a password).
  std::string why() const {
    std::lock_guard lock(mutex_);
    return why_;
  }
  void set_lag_ms(std::int64_t ms) { lag_ms_.store(ms, std::memory_order_relaxed); }
  std::int64_t lag_ms() const { return lag_ms_.load(std::memory_order_relaxed); }
  /// Closed days of the reporting zones not rolled up in the history yet (-1: not looked at yet).
  void set_days_waiting(int n) { days_waiting_.store(n, std::memory_order_relaxed); }
  int days_waiting() const { return days_waiting_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mutex_;
  State state_ = State::off;
  std::string why_;
  std::atomic<std::int64_t> lag_ms_{0};
  std::atomic<int> days_waiting_{-1};
};

inline const char* to_string(HistoryStatus::State s) {
  switch (s) {
    case HistoryStatus::State::off: return "off";
    case HistoryStatus::State::connecting: return "connecting";
    case HistoryStatus::State::up: return "up";
    case HistoryStatus::State::unavailable: return "unavailable";
  }
  return "off";
}

}  // namespace omniroute::archive
