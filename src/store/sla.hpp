#pragma once
// store::Sla: response-time deadlines and the alerts they fire. Firing is
// one script per batch (each deadline exactly once across daemons); alerts
// go to or:{ws}:alerts, read by one consumer group per alert sink.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/alert.hpp"
#include "store/agents.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

/// A deadline that fired: a warning or a breach, of a conversation of `queue`.
struct FiredDeadline {
  std::string kind;  // "warning" or "breached"
  std::string queue;
};

/// A next-response clock that started (a customer wrote after an agent's reply), without its deadline yet.
struct ClockStart {
  std::string conversation;
  std::string since;  // ms, as stored (sla_schedule.lua compares it to tell a restarted clock)
  std::string queue, priority;
};

struct ClockDeadline {
  std::string conversation, since;
  std::optional<std::int64_t> due_ms, warn_ms;
};

/// A queue-level alert rule: raise when oldest wait or depth passes its threshold, clear at `clear_at` of it.
struct QueueAlertRule {
  std::string queue;
  std::int64_t oldest_wait_ms = 0;  // 0: not watched
  long depth = 0;                   // 0: not watched
  double clear_at = 0.8;
};

struct QueueAlert {
  std::string type;  // queue.oldest_wait, queue.depth, queue.recovered
  std::string queue;
};

class Sla {
 public:
  Sla(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  boost::asio::awaitable<StoreResult<std::vector<FiredDeadline>>> fire_due(std::int64_t now_ms, int limit,
                                                                           std::int64_t late_after_ms,
                                                                           long alerts_max);
  boost::asio::awaitable<StoreResult<std::vector<ClockStart>>> clock_starts(int limit);
  boost::asio::awaitable<StoreResult<Done>> schedule(const std::vector<ClockDeadline>& deadlines);
  boost::asio::awaitable<StoreResult<std::vector<QueueAlert>>> check_queues(std::int64_t now_ms, long alerts_max,
                                                                            const std::vector<QueueAlertRule>& rules);

  /// Makes the alert sink's consumer group (at the stream's end) unless it exists.
  boost::asio::awaitable<StoreResult<Done>> ensure_alert_group(const std::string& group);
  /// Alerts not yet delivered to `group`: new ones, or with `reclaim_idle_ms` those another consumer
  /// took and left idle that long (a daemon that stopped mid-delivery).
  boost::asio::awaitable<StoreResult<std::vector<Alert>>> read_alerts(const std::string& group,
                                                                      const std::string& consumer, int count,
                                                                      std::optional<std::int64_t> reclaim_idle_ms);
  /// Keeps an alert being retried ours (resets its idle time).
  boost::asio::awaitable<StoreResult<Done>> keep_alert(const std::string& group, const std::string& consumer,
                                                       const std::string& id);
  boost::asio::awaitable<StoreResult<Done>> ack_alert(const std::string& group, const std::string& id);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
