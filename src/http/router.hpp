#pragma once
// The daemon's routes: health, readiness, metrics, provider webhooks, and the
// agent and admin APIs under /v1/ (agent_api/).
// One Router per event loop; it only touches that loop's Redis client.

#include <atomic>
#include <map>
#include <string>

#include "agent_api/agent_routes.hpp"
#include "agent_api/event_hub.hpp"
#include "config/config.hpp"
#include "http/server.hpp"
#include "ingest/ingest_service.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/channel.hpp"
#include "routing/assigner.hpp"
#include "store/conversation_store.hpp"
#include "store/outbox.hpp"
#include "store/overview.hpp"

namespace omniroute::http {

/// The configured channels by id; built once, shared read-only by every loop.
using ChannelMap = std::map<std::string, std::unique_ptr<Channel>, std::less<>>;

/// Every event loop's Redis connection of one generation: /readyz is ready only when each loop can
/// write (a load balancer must not send a webhook to a loop still reconnecting). Filled while the
/// loops are built, read-only after.
struct LoopClients {
  std::vector<const store::RedisClient*> clients;
  bool all_up() const {
    for (const auto* c : clients) {
      if (!c->up()) return false;
    }
    return true;
  }
};

class Router final : public Handler {
 public:
  Router(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
         ingest::IngestService& ingest, metrics::Registry& metrics, agent_api::AgentRoutes& agent_routes,
         routing::Assigner& assigner, const std::atomic<bool>& routing_ready, agent_api::EventHub& events,
         const LoopClients& loops);

  boost::asio::awaitable<Response> handle(Request& request) override;
  boost::asio::awaitable<void> upgrade(Request request, boost::beast::tcp_stream stream) override;

 private:
  boost::asio::awaitable<Response> readyz();
  boost::asio::awaitable<Response> metrics();
  boost::asio::awaitable<Response> webhook(Request& request, std::string_view channel_id);
  /// The answer to a refused delivery (JSON error), counted by channel and reason.
  Response rejected(const Channel& channel, const WebhookError& error);
  /// 401 `replayed` (or 503) when the delivery reuses a signature for other content, else nullopt.
  boost::asio::awaitable<std::optional<Response>> refuse_replay(const Channel& channel, const WebhookAccepted& accepted);

  const config::Config& config_;
  const ChannelMap& channels_;
  store::ConversationStore& store_;
  store::Overview overview_;
  store::Outbox outbox_;
  ingest::IngestService& ingest_;
  metrics::Registry& metrics_;
  agent_api::AgentRoutes& agent_routes_;
  routing::Assigner& assigner_;
  const std::atomic<bool>& routing_ready_;  // agents and queues written to Redis
  agent_api::EventHub& events_;
  const LoopClients& loops_;
  std::map<std::pair<std::string, std::string>, metrics::Counter*> rejected_;
};

}  // namespace omniroute::http
