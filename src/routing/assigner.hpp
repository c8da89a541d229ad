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
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::routing {

class Assigner {
 public:
  Assigner(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics);

  /// Writes the configured agents and queue strategies to Redis (start-up, once per daemon).
  boost::asio::awaitable<bool> sync_configuration();
  /// Assigns what can be assigned in `queue` now.
  boost::asio::awaitable<void> route_queue(const std::string& queue);
  /// Routes every queue `agent` serves (after their presence or load changed).
  boost::asio::awaitable<void> route_for_agent(const std::string& agent);
  /// Starts the once-a-second sweep over every queue.
  void start_sweep();
  void stop();

 private:
  boost::asio::awaitable<void> sweep();
  /// One run of route.lua: `queue`'s waiting conversations to the agents of `agents_of` (with `cutoff_ms` for overflow).
  boost::asio::awaitable<void> route_pass(const std::string& queue, const std::string& agents_of,
                                          const std::string& medium, const std::string& cutoff_ms);
  /// Agents whose event socket stayed away past the grace period go offline; their conversations requeue.
  boost::asio::awaitable<void> sweep_presence();

  const config::Config& config_;
  store::ConversationStore& store_;
  std::map<std::string, metrics::Histogram*> queue_wait_;
  std::map<std::string, std::vector<std::string>> media_of_queue_;   // queue → media of its channels
  std::map<std::string, std::vector<std::string>> queues_of_agent_;  // agent → queues they serve (skills match)
  std::map<std::string, std::vector<std::string>> routes_of_agent_;  // agent → queues to route when they free up
  std::map<std::string, const config::QueueConfig*> queue_config_;
  boost::asio::steady_timer sweep_timer_;
  bool stopped_ = false;
};

}  // namespace omniroute::routing
