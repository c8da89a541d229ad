#pragma once
// store::Overview: what supervisors and the metrics endpoint read: every
// agent with the pools they serve, queue depths and heads, the SLA watch
// list, and conversation ids by state. Reads only.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "omniroute/agent_state.hpp"
#include "omniroute/alert.hpp"
#include "omniroute/channel_health.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

struct SlaCount {
  std::string queue;
  long long at_risk = 0, breached = 0;
};

/// A conversation on the SLA watch list: which target, when it is (was) due, and the conversation.
struct SlaItem {
  std::string target;
  std::int64_t due_ms = 0;
  Conversation conversation;
};

struct SlaWatch {
  std::vector<SlaItem> at_risk;   // soonest breach first
  std::vector<SlaItem> breached;  // longest overdue first
};

/// A queue's depth and its oldest waiting conversation's queued_at (0 when empty).
struct QueueHead {
  long long depth = 0;
  std::int64_t oldest_queued_at_ms = 0;
};

class Overview {
 public:
  Overview(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// Every agent (or only `agent`), sorted by id.
  boost::asio::awaitable<StoreResult<std::vector<AgentState>>> agents(const std::string& agent = "");
  boost::asio::awaitable<StoreResult<std::vector<SlaCount>>> sla_counts();
  boost::asio::awaitable<StoreResult<SlaWatch>> sla_watch(int limit);
  boost::asio::awaitable<StoreResult<QueueHead>> queue_head(const std::string& queue);
  boost::asio::awaitable<StoreResult<std::vector<long long>>> queue_depths(const std::vector<std::string>& queues);
  /// How many replies are dead-lettered now.
  boost::asio::awaitable<StoreResult<long long>> dead_letter_count();
  /// The first `limit` conversations waiting in `queue`, most urgent then oldest first.
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> waiting_ids(const std::string& queue, long limit);
  /// Each channel's health (last inbound message and poll, last error, what its replies came to), in order.
  boost::asio::awaitable<StoreResult<std::vector<ChannelHealth>>> channel_states(const std::vector<std::string>& channels);
  /// The newest `limit` fired alerts (or:{ws}:alerts), newest first.
  boost::asio::awaitable<StoreResult<std::vector<Alert>>> recent_alerts(long limit);
  /// The newest `limit` resolved conversations, newest first.
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> resolved_ids(long limit);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
