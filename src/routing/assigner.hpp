#pragma once
// Routing: hands waiting conversations to agents. Runs the route script for
// a queue on every trigger (a new conversation, an agent becoming available,
// capacity freed, a transfer) and sweeps every queue once a second, which
// also picks up triggers that happened on other daemon instances. All
// decisions are made inside the atomic script, so any number of instances
// may route the same queue at once.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"
#include "routing/pools.hpp"
#include "store/agents.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::routing {

/// An agent as routing stores it (from the configuration or the admin API).
struct AgentSpec {
  std::string id;
  std::string name;
  std::vector<std::string> skills;
  std::map<Medium, int> capacity;
  std::string token_sha256;  // hex digest of the token; "" keeps the stored one
  std::string source;        // "config" or "api"
};

using store::SaveMode;

class Assigner {
 public:
  Assigner(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics, TaskGroup& tasks);

  /// Writes the configured agents and queue strategies to Redis (start-up, once per daemon);
  /// agents an earlier configuration listed and this one does not are removed.
  boost::asio::awaitable<bool> sync_configuration();
  /// Creates or changes an agent; routes what they may now take.
  boost::asio::awaitable<store::StoreResult<store::SaveOutcome>> save_agent(const AgentSpec& agent, SaveMode mode);
  /// Removes an agent, requeueing their conversations (and routing their queues).
  boost::asio::awaitable<store::StoreResult<store::RemoveOutcome>> delete_agent(const std::string& id,
                                                                                const std::string& source);
  const Pools& pools() const { return pools_; }
  /// Counts an offer's end in omniroute_offers_total{queue,outcome} (accepted, declined, expired).
  void count_offer(const std::string& queue, const std::string& outcome);
  /// Records how long a conversation waited before an agent took it.
  void observe_wait(const std::string& queue, double seconds);
  /// Assigns what can be assigned in `queue` now: conversations of its channels' media, or with
  /// `every_medium` of any medium (a transfer can bring an e-mail into a chat queue).
  boost::asio::awaitable<void> route_queue(std::string queue, bool every_medium = false);
  /// Routes every queue `agent` serves, and those overflowing into them (after their presence or load changed).
  boost::asio::awaitable<void> route_for_agent(std::string agent);
  /// Starts the once-a-second sweep over every queue.
  void start_sweep();
  void stop();

 private:
  boost::asio::awaitable<void> sweep();
  /// One run of route.lua: the waiting conversations of `pool` (a pool of `queue`) to the agents of
  /// pool `agents_of` (with `cutoff_ms` for overflow).
  boost::asio::awaitable<void> route_pass(const std::string& queue, const std::string& pool,
                                          const std::string& agents_of, const std::string& medium,
                                          std::optional<std::int64_t> cutoff_ms);
  /// Agents whose event socket stayed away past the grace period go offline; their conversations requeue.
  boost::asio::awaitable<void> sweep_presence();
  /// Offers not accepted in time go on to the next agent (offers_expire.lua).
  boost::asio::awaitable<void> sweep_offers();

  const config::Config& config_;
  store::ConversationStore& store_;
  store::Agents agents_;
  TaskGroup& tasks_;
  std::map<std::string, metrics::Histogram*> queue_wait_;
  std::map<std::string, std::vector<std::string>> media_of_queue_;   // queue → media of its channels
  Pools pools_;
  metrics::Registry& metrics_;
  std::map<std::string, const config::QueueConfig*> queue_config_;
  boost::asio::steady_timer sweep_timer_;
  bool stopped_ = false;
};

}  // namespace omniroute::routing
