#pragma once
// The daemon's routes: health, readiness, metrics, provider webhooks, and the
// agent and admin APIs under /v1/ (agent_api/, admin_api/): the top of the
// web layer, the one place that knows every route.
// One Router per event loop; it only touches that loop's Redis client.

#include <atomic>
#include <map>
#include <string>

#include "admin_api/admin_routes.hpp"
#include "agent_api/agent_routes.hpp"
#include "agent_api/caller.hpp"
#include "agent_api/event_hub.hpp"
#include "agent_api/session_routes.hpp"
#include "config/config.hpp"
#include "http/server.hpp"
#include "ingest/ingest_service.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/channel.hpp"
#include "routing/assigner.hpp"
#include "store/conversation_store.hpp"
#include "store/outbox.hpp"
#include "store/overview.hpp"
#include "archive/history_status.hpp"
#include "web/audit_trail.hpp"
#include "web/console.hpp"
#include "chat/chat_server.hpp"

namespace omniroute::web {

class Router final : public http::Handler {
 public:
  /// The routes, for the reference check against docs/openapi.yaml (tests).
  const agent_api::ApiRoutes& routes() const { return table_; }

  Router(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
         ingest::IngestService& ingest, metrics::Registry& metrics, admin_api::AdminRoutes& admin_routes, agent_api::AgentRoutes& agent_routes,
         routing::Assigner& assigner, const std::atomic<bool>& routing_ready, agent_api::EventHub& events,
         const store::LoopClients& loops, const routing::AgentDirectory& directory,
         agent_api::AuthThrottle& throttle, webchat::ChatLimits& chat_limits, const archive::HistoryStatus& history);

  boost::asio::awaitable<http::Response> handle(http::Request& request, const std::string& peer) override;
  boost::asio::awaitable<void> upgrade(http::Request request, boost::beast::tcp_stream stream) override;

 private:
  static constexpr const char* kAgentEvents = "/v1/agents/me/events";
  static constexpr const char* kAllEvents = "/v1/events";
  /// The one route table: health, docs, webhooks, session, the events sockets, then the agent and admin
  /// APIs' routes. A route's caller is resolved once (Bearer or session cookie) unless anyone may call it;
  /// cookie-authenticated changes are refused unless they come from this server's own page.
  void add_routes();
  static bool plays(const agent_api::Caller& caller, http::Role role);
  /// What a supervisor may do on a route (by its pattern): every read but a contact's export and the audit log, and of the
  /// changes only reassigning, notes and retrying dead letters.
  static bool supervisor_may(http::beast_http::verb method, std::string_view pattern);
  static http::Response refused_role(http::Role role);
  /// 400 for a target Boost.URL cannot read as a path and query.
  static http::Response invalid_target();
  /// A request holding only what names its caller (target, Authorization, Cookie), kept to re-check it.
  static http::Request credentials_of(const http::Request& request);
  /// Runs an audited change and records it once it succeeded (web/audit_trail.hpp).
  boost::asio::awaitable<http::Response> audited_call(agent_api::RouteCall& call, const agent_api::ApiRoutes::Route& route,
                                                      const AuditedChange& audited);
  /// The target of an audited change as its own GET route answers it ("null" when it has none or is gone).
  boost::asio::awaitable<std::string> snapshot(agent_api::RouteCall& call, const std::string& pattern,
                                               const http::RouteParams& params);
  boost::asio::awaitable<http::Response> readyz();
  boost::asio::awaitable<http::Response> metrics();
  boost::asio::awaitable<http::Response> webhook(http::Request& request, std::string_view channel_id);
  /// The answer to a refused delivery (JSON error), counted by channel and reason.
  http::Response rejected(const Channel& channel, const WebhookError& error);
  /// 401 `replayed` (or 503) when the delivery reuses a signature for other content, else nullopt.
  boost::asio::awaitable<std::optional<http::Response>> refuse_replay(const Channel& channel, const WebhookAccepted& accepted);

  const config::Config& config_;
  const ChannelMap& channels_;
  store::ConversationStore& store_;
  store::Overview overview_;
  store::Outbox outbox_;
  ingest::IngestService& ingest_;
  metrics::Registry& metrics_;
  admin_api::AdminRoutes& admin_routes_;
  agent_api::AgentRoutes& agent_routes_;
  routing::Assigner& assigner_;
  const std::atomic<bool>& routing_ready_;  // agents and queues written to Redis
  agent_api::EventHub& events_;
  const store::LoopClients& loops_;
  const archive::HistoryStatus& history_;
  agent_api::CallerResolver callers_;
  agent_api::SessionRoutes sessions_;
  AuditTrail audit_;
  Console console_;
  webchat::ChatServer chat_;
  agent_api::ApiRoutes table_;
  std::map<std::pair<std::string, std::string>, metrics::Counter*> rejected_;
};

}  // namespace omniroute::web
