#include "web/router.hpp"

#include "omniroute/url_query.hpp"

#include "web/api_docs.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/json.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "omniroute/clock.hpp"
#include "agent_api/request_helpers.hpp"
#include "agent_api/conversation_json.hpp"
#include "web/audit_trail.hpp"
#include "omniroute/log.hpp"

namespace omniroute::web {

using http::inbound_request;
using http::json_error;
using http::json_response;
using http::Request;
using http::Response;
using http::text_response;

namespace asio = boost::asio;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

Router::Router(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
               ingest::IngestService& ingest, metrics::Registry& metrics, admin_api::AdminRoutes& admin_routes,
               agent_api::AgentRoutes& agent_routes,
               routing::Assigner& assigner, const std::atomic<bool>& routing_ready, agent_api::EventHub& events,
               const store::LoopClients& loops, const routing::AgentDirectory& directory,
               agent_api::AuthThrottle& throttle, webchat::ChatLimits& chat_limits, const archive::HistoryStatus& history)
    : config_(config),
      channels_(channels),
      store_(store),
      overview_(store.client(), store.keys()),
      outbox_(store.client(), store.keys()),
      ingest_(ingest),
      metrics_(metrics),
      admin_routes_(admin_routes),
      agent_routes_(agent_routes),
      assigner_(assigner),
      routing_ready_(routing_ready),
      events_(events),
      loops_(loops),
      history_(history),
      callers_(config, directory, store, &throttle),
      sessions_(config, callers_, store),
      audit_(store::AuditLog(store.client(), store.keys())),
      chat_(config, channels, store, ingest, assigner, events, chat_limits, metrics, console_.file("/console/chat/widget.js")) {
  add_routes();
}

asio::awaitable<void> Router::upgrade(Request request, boost::beast::tcp_stream stream) {
  auto refuse = [&](Response res) -> asio::awaitable<void> {
    res.keep_alive(false);
    co_await boost::beast::http::async_write(stream, res, kAwait);
  };
  auto target = parse_target(request.target());
  if (!target) {
    co_await refuse(invalid_target());
    co_return;
  }
  const std::string& path = target->path;
  boost::system::error_code peer_ec;
  const std::string peer = stream.socket().remote_endpoint(peer_ec).address().to_string();
  if (webchat::ChatServer::is_socket(path)) {
    // A web chat visitor: anonymous, admitted by the page's origin (chat_server.cpp).
    co_await chat_.upgrade(std::move(request), std::move(stream), peer);
    co_return;
  }
  if (path != kAgentEvents && path != kAllEvents) {
    co_await refuse(json_error(404, "not_found", "no WebSocket at " + path));
    co_return;
  }
  // Browsers cannot set headers on WebSockets: the console's is authenticated by its session cookie, other
  // clients may give ?token=.
  auto caller = co_await callers_.resolve(request, true, peer);
  if (!caller) {
    co_await refuse(json_error(503, "store_unavailable", "Redis is unavailable; retry later"));
    co_return;
  }
  if (caller->throttled()) {
    co_await refuse(agent_api::too_many_failures(*caller));
    co_return;
  }
  if (caller->by_cookie && !callers_.same_origin(request)) {
    co_await refuse(json_error(403, "cross_origin", "this WebSocket is only for this server's own pages"));
    co_return;
  }
  // The socket's authority is the request's: the same resolution, run again whenever a credential changes.
  agent_api::Authority authority = [this, credentials = credentials_of(request), was = *caller]() -> asio::awaitable<bool> {
    auto now = co_await callers_.resolve(credentials, true, "");  // a re-check, not a guess: never throttled
    co_return now && now->kind == was.kind && now->agent == was.agent;
  };
  if (path == kAllEvents) {
    // The workspace's whole stream, for the supervisor board (a team lead's too).
    if (!caller->is_admin() && !(caller->is_agent() && config_.team_lead(caller->agent))) {
      co_await refuse(json_error(401, "unauthorized", "an admin token is required"));
      co_return;
    }
    co_await events_.serve(std::move(request), std::move(stream), "", std::move(authority));
    co_return;
  }
  if (!caller->is_agent()) {
    co_await refuse(json_error(401, "unauthorized", "a valid agent token is required"));
    co_return;
  }
  co_await events_.serve(std::move(request), std::move(stream), caller->agent, std::move(authority));
}

void Router::add_routes() {
  using http::Role;
  using verb = http::beast_http::verb;
  using agent_api::RouteCall;
  for (verb method : {verb::get, verb::head}) {
    table_.add(method, "/healthz", Role::anyone,
               [](RouteCall&) -> asio::awaitable<Response> { co_return json_response(200, R"({"status":"ok"})"); });
    table_.add(method, "/readyz", Role::anyone, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await readyz(); });
    table_.add(method, "/metrics", Role::anyone, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await metrics(); });
    for (const char* docs : {"/docs", "/docs/openapi.yaml"}) {
      table_.add(method, docs, Role::anyone, [](RouteCall& call) -> asio::awaitable<Response> {
        co_return *serve_api_docs(call.request, parse_target(call.request.target())->path);
      });
    }
  }
  // Providers deliver with POST; Meta's subscription handshake is a GET. The channel decides the rest.
  for (verb method : {verb::get, verb::post}) {
    table_.add(method, "/webhooks/{channel}", Role::anyone, [this](RouteCall& call) -> asio::awaitable<Response> {
      co_return co_await webhook(call.request, call.params["channel"]);
    });
  }
  for (verb method : {verb::get, verb::post, verb::delete_}) {
    table_.add(method, "/v1/session", Role::anyone, [this](RouteCall& call) -> asio::awaitable<Response> {
      co_return co_await sessions_.handle(call.request, call.peer);
    });
  }
  // The events WebSockets (upgrade() serves them); a plain GET is told what to do instead.
  auto upgrade_required = [](RouteCall&) -> asio::awaitable<Response> {
    co_return json_error(426, "upgrade_required", "this is a WebSocket: connect with Upgrade: websocket");
  };
  table_.add(verb::get, kAgentEvents, Role::agent, upgrade_required);
  table_.add(verb::get, kAllEvents, Role::admin, upgrade_required);
  agent_routes_.add_routes(table_);
  admin_routes_.add_routes(table_);
}

bool Router::supervisor_may(http::beast_http::verb method, std::string_view pattern) {
  using verb = http::beast_http::verb;
  // A person's whole data goes with an admin's decision, as its erasure does.
  if (pattern == "/v1/contacts/{id}/export" || pattern == "/v1/audit") return false;
  if (method == verb::get || method == verb::head || method == verb::options) return true;
  return (method == verb::post && (pattern == "/v1/conversations/{id}/transfer" ||
                                   pattern == "/v1/conversations/{id}/notes" ||
                                   pattern == "/v1/outbox/dead/{id}/retry"));
}

http::Response Router::refused_role(http::Role role) {
  if (role == http::Role::admin) return json_error(401, "unauthorized", "an admin token is required");
  if (role == http::Role::agent) return json_error(401, "unauthorized", "a valid agent token is required");
  return json_error(401, "unauthorized", "an agent or admin token is required");
}

bool Router::plays(const agent_api::Caller& caller, http::Role role) {
  switch (role) {
    case http::Role::anyone: return true;
    case http::Role::agent: return caller.is_agent();
    case http::Role::admin: return caller.is_admin();
    case http::Role::agent_or_admin: return caller.is_agent() || caller.is_admin();
  }
  return false;
}

asio::awaitable<Response> Router::handle(Request& request, const std::string& peer) {
  // Every target is read by Boost.URL once: the route table matches its decoded segments, and queries are
  // decoded where they are read (request_helpers' query_param).
  auto target = parse_target(request.target());
  auto segments = http::path_segments(request.target());
  if (!target || !segments) co_return invalid_target();
  const std::string& path = target->path;
  auto match = table_.match(request.method(), *segments);
  if (!match.route && match.allowed.empty()) {
    // Not an API route: the console's pages and files ("/docs/" too, as before the table), else nothing.
    if (auto page = console_.serve(request, path)) co_return std::move(*page);
    if (auto chat = chat_.serve(request, path)) co_return std::move(*chat);
    if (auto docs = serve_api_docs(request, path)) co_return std::move(*docs);
    co_return json_error(404, "not_found", "no route for " + path);
  }
  const http::Role role = match.route ? match.route->role : match.path_role;
  agent_api::Caller caller;
  if (role != http::Role::anyone) {
    auto resolved = co_await callers_.resolve(request, false, peer);
    if (!resolved) co_return agent_api::unavailable();
    if (resolved->throttled()) co_return agent_api::too_many_failures(*resolved);
    caller = *resolved;
    using http::beast_http::verb;
    const verb method = request.method();
    const bool changes = method != verb::get && method != verb::head && method != verb::options;
    if (caller.by_cookie && changes && !callers_.same_origin(request)) {
      // A page of another site could make the browser send the cookie: only this server's pages may change things.
      co_return json_error(403, "cross_origin", "a change made with a session cookie must come from this server's page");
    }
    // A team lead (agents[].supervisor: true) is, on the admin side, a supervisor.
    if (role == http::Role::admin && caller.is_agent() && config_.team_lead(caller.agent)) caller = caller.as_supervisor();
    if (!plays(caller, role)) co_return refused_role(role);
  }
  if (!match.route) {
    co_return json_error(405, "method_not_allowed",
                         "use " + http::allowed_methods_text(match.allowed) + " on " + path);
  }
  if (caller.supervisor && !supervisor_may(request.method(), match.route->pattern.text())) {
    co_return json_error(403, "role_forbidden",
                         "a supervisor reads everything and may reassign, write notes and retry dead letters; "
                         "this needs an admin");
  }
  agent_api::RouteCall call{request, caller, match.params, peer};
  // A change on the admin side is recorded once it succeeded, with the target before and after.
  const auto audited = caller.is_admin() ? audited_change(request.method(), match.route->pattern.text()) : std::nullopt;
  if (!audited) co_return co_await match.route->handler(call);
  co_return co_await audited_call(call, *match.route, *audited);
}

asio::awaitable<Response> Router::audited_call(agent_api::RouteCall& call, const agent_api::ApiRoutes::Route& route,
                                               const AuditedChange& audited) {
  const std::string pattern = route.pattern.text();
  std::string before = "null";
  if (audited.snapshot && !audited.id_param.empty()) before = co_await snapshot(call, pattern, call.params);
  Response res = co_await route.handler(call);
  if (res.result_int() / 100 != 2) co_return res;
  store::AuditEntry entry;
  entry.at_ms = now_ms();
  entry.actor = call.caller.actor.empty() ? "token" : call.caller.actor;
  entry.action = std::string(audited.action);
  entry.target_type = std::string(audited.target_type);
  http::RouteParams params = call.params;
  if (!audited.id_param.empty()) {
    entry.target_id = call.params[audited.id_param];
  } else {
    // A created object: its id is in the answer (agents) or the request (canned responses).
    boost::system::error_code ec;
    json::value answer = json::parse(res.body(), ec);
    if (ec || !answer.is_object()) answer = json::parse(call.request.body(), ec);
    if (!ec && answer.is_object()) entry.target_id = std::string(agent_api::string_at(answer, {"id"}));
    params.add("id", entry.target_id);
  }
  entry.before = before;
  const bool nothing_after = audited.action.ends_with(".removed") || audited.target_type == "contact" ||
                             audited.target_type == "dead_letter";
  if (nothing_after) {
    entry.after = "null";  // gone; a contact's data is never kept here; a retry changes no described object
  } else if (audited.snapshot) {
    // Built before the co_await: GCC 12 mishandles a ?: temporary inside a co_await expression.
    std::string own = pattern;
    if (audited.id_param.empty()) own += "/{id}";
    entry.after = co_await snapshot(call, own, params);
  } else if (audited.action.ends_with(".token_rotated")) {
    entry.after = R"({"token":"set"})";
  } else if (audited.action == "channel.registered") {
    entry.after = secrets_masked(res.body());  // what the provider answered, step by step
  } else {
    entry.after = call.request.body().empty() ? "null" : secrets_masked(call.request.body());
  }
  co_await audit_.record(std::move(entry));
  co_return res;
}

asio::awaitable<std::string> Router::snapshot(agent_api::RouteCall& call, const std::string& pattern,
                                              const http::RouteParams& params) {
  // The target as its own GET answers it (the same route table, the same caller), secrets written "set".
  for (const auto& route : table_.routes()) {
    if (route.method != http::beast_http::verb::get || route.pattern.text() != pattern) continue;
    Request get{http::beast_http::verb::get, call.request.target(), call.request.version()};
    agent_api::RouteCall read{get, call.caller, params, call.peer};
    Response res = co_await route.handler(read);
    if (res.result_int() != 200) co_return std::string("null");
    co_return secrets_masked(res.body());
  }
  co_return std::string("null");
}

Request Router::credentials_of(const Request& request) {
  // Only what names the caller is kept for the socket's life: its Bearer token, cookie and ?token=.
  Request kept;
  kept.target(request.target());
  for (auto field : {http::beast_http::field::authorization, http::beast_http::field::cookie}) {
    for (auto it = request.find(field); it != request.end() && it->name() == field; ++it) kept.insert(field, it->value());
  }
  return kept;
}

Response Router::invalid_target() {
  return json_error(400, "invalid_target",
                    "the request target is not a valid path and query (a bad %-escape, or an encoded '/' or NUL)");
}

asio::awaitable<Response> Router::readyz() {
  auto r = co_await store_.ping();
  if (r) {
    if (!loops_.all_up()) {
      co_return json_error(503, "redis_unavailable", "an event loop is reconnecting to Redis");
    }
    if (!routing_ready_) co_return json_error(503, "starting", "agents and queues are being written to Redis");
    // The history never holds up readiness (webhooks, routing and agents need only Redis): it is said.
    using State = archive::HistoryStatus::State;
    if (history_.state() == State::off) co_return json_response(200, R"({"status":"ready","redis":"up"})");
    json::object body{{"status", "ready"}, {"redis", "up"}, {"history", archive::to_string(history_.state())}};
    if (history_.state() == State::unavailable) body["history_detail"] = history_.why();
    body["archive_lag_seconds"] = history_.lag_ms() / 1000;
    co_return json_response(200, json::serialize(body));
  }
  co_return json_error(503, "redis_unavailable", r.error().message);
}

asio::awaitable<Response> Router::metrics() {
  std::vector<std::string> queues;
  for (const auto& q : config_.queues) queues.push_back(q.id);
  auto depths = co_await overview_.queue_depths(queues);
  std::string extra;
  if (history_.state() != archive::HistoryStatus::State::off) {
    extra += "# HELP omniroute_archive_lag_seconds How far the history (PostgreSQL) is behind the events stream\n"
             "# TYPE omniroute_archive_lag_seconds gauge\n";
    extra += metrics::sample("omniroute_archive_lag_seconds", {}, std::to_string(static_cast<double>(history_.lag_ms()) / 1000.0));
    extra += "# HELP omniroute_history_up Whether the history (PostgreSQL) is reachable and its schema current\n"
             "# TYPE omniroute_history_up gauge\n";
    extra += metrics::sample("omniroute_history_up", {},
                             history_.state() == archive::HistoryStatus::State::up ? "1" : "0");
    if (history_.days_waiting() >= 0) {
      extra += "# HELP omniroute_report_days_waiting Closed days the history has not rolled up for reports yet\n"
               "# TYPE omniroute_report_days_waiting gauge\n";
      extra += metrics::sample("omniroute_report_days_waiting", {}, std::to_string(history_.days_waiting()));
    }
  }
  extra += "# HELP omniroute_queue_depth Conversations waiting in each queue\n# TYPE omniroute_queue_depth gauge\n";
  if (depths) {
    for (size_t i = 0; i < queues.size(); ++i) {
      extra += metrics::sample("omniroute_queue_depth", {{"queue", queues[i]}}, std::to_string((*depths)[i]));
    }
  }
  {
    // How long the oldest conversation of each queue has waited (0 when none waits).
    extra += "# HELP omniroute_queue_oldest_wait_seconds How long the oldest waiting conversation of each queue has waited\n"
             "# TYPE omniroute_queue_oldest_wait_seconds gauge\n";
    const std::int64_t now = now_ms();
    for (const auto& q : queues) {
      auto head = co_await overview_.queue_head(q);
      if (!head) break;
      const std::int64_t oldest = head->oldest_queued_at_ms;
      extra += metrics::sample("omniroute_queue_oldest_wait_seconds", {{"queue", q}},
                               std::to_string(oldest ? std::max<std::int64_t>(0, now - oldest) / 1000 : 0));
    }
  }
  {
    // When each channel last stored a customer message (absent until it has).
    std::vector<std::string> ids;
    for (const auto& c : config_.channels) ids.push_back(c.settings.id);
    if (auto states = co_await overview_.channel_states(ids)) {
      extra += "# HELP omniroute_channel_last_inbound_timestamp_seconds When each channel last stored a customer message\n"
               "# TYPE omniroute_channel_last_inbound_timestamp_seconds gauge\n";
      for (size_t i = 0; i < ids.size() && i < states->size(); ++i) {
        const auto& at = (*states)[i].last_inbound_at;
        if (!at) continue;
        extra += metrics::sample("omniroute_channel_last_inbound_timestamp_seconds", {{"channel", ids[i]}},
                                 std::to_string(at->time_since_epoch().count() / 1000));
      }
    }
    if (auto dead = co_await overview_.dead_letter_count()) {
      extra += "# HELP omniroute_dead_letters Replies dead-lettered and not retried\n# TYPE omniroute_dead_letters gauge\n";
      extra += metrics::sample("omniroute_dead_letters", {}, std::to_string(*dead));
    }
  }
  std::map<std::string, int> presence{{"available", 0}, {"away", 0}, {"offline", 0}};
  {
    // Every agent, from the configuration or the admin API.
    if (auto all = co_await overview_.agents()) {
      for (const AgentState& agent : *all) ++presence[std::string(to_string(agent.presence))];
    }
  }
  extra += "# HELP omniroute_agents Agents by presence\n# TYPE omniroute_agents gauge\n";
  for (const auto& [status, n] : presence) {
    extra += metrics::sample("omniroute_agents", {{"status", status}}, std::to_string(n));
  }
  {
    // Conversations at risk (warned) and breached, per queue; every queue appears, at 0 when none.
    std::map<std::string, std::pair<long long, long long>> sla;
    for (const auto& q : config_.queues) sla[q.id] = {0, 0};
    if (auto counts = co_await overview_.sla_counts()) {
      for (const auto& c : *counts) sla[c.queue] = {c.at_risk, c.breached};
      extra += "# HELP omniroute_sla_at_risk Open conversations whose SLA warning fired and that have not breached yet\n"
               "# TYPE omniroute_sla_at_risk gauge\n";
      for (const auto& [queue, n] : sla) extra += metrics::sample("omniroute_sla_at_risk", {{"queue", queue}}, std::to_string(n.first));
      extra += "# HELP omniroute_sla_breached Open conversations past an SLA target (not yet answered or resolved)\n"
               "# TYPE omniroute_sla_breached gauge\n";
      for (const auto& [queue, n] : sla) extra += metrics::sample("omniroute_sla_breached", {{"queue", queue}}, std::to_string(n.second));
    }
  }
  extra += "# HELP omniroute_redis_up Whether this loop's Redis connection is up\n# TYPE omniroute_redis_up gauge\n";
  extra += metrics::sample("omniroute_redis_up", {}, store_.client().connected() ? "1" : "0");
  co_return text_response(200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render(extra));
}

asio::awaitable<Response> Router::webhook(Request& request, std::string_view channel_id) {
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) {
    co_return json_error(404, "unknown_channel", "no channel '" + std::string(channel_id) + "' is configured");
  }
  const Channel& channel = *it->second;
  InboundRequest inbound = inbound_request(request, config_.server.public_url);

  WebhookResult result = channel.on_webhook(inbound);
  if (!result) {
    co_return rejected(channel, result.error());
  }
  if (result->replay_guard) {
    if (auto refused = co_await refuse_replay(channel, *result)) co_return std::move(*refused);
  }
  // Answer 2xx only once every message is durable: otherwise the provider must retry.
  std::vector<std::string> queues_touched;
  for (Message& m : result->messages) {
    auto stored = co_await ingest_.store(std::move(m));
    if (!stored) {
      log::warn("webhook " + channel.id() + ": not stored, answering 503: " + stored.error().message);
      co_return json_error(503, "store_unavailable", "the message could not be stored; retry later");
    }
    // Routing costs a round trip: only when a new conversation could be taken by someone now.
    if (stored->routable) queues_touched.push_back(stored->queue);
  }
  // Delivery reports on what we sent: recorded before the 2xx too (else the provider retries).
  for (const DeliveryUpdate& u : result->statuses) {
    store::ProviderStatus report{channel.id(), u.provider_id, u.status, u.reason, u.at_ms ? u.at_ms : now_ms()};
    if (!co_await outbox_.apply(report)) {
      co_return json_error(503, "store_unavailable", "the delivery report could not be stored; retry later");
    }
  }
  Response answer = text_response(static_cast<unsigned>(result->status), result->content_type, result->body);
  // Routing after the answer is built: a routing failure must not turn a stored message into an error.
  for (const auto& q : queues_touched) co_await assigner_.route_queue(q);
  co_return answer;
}

Response Router::rejected(const Channel& channel, const WebhookError& e) {
  auto& counter = rejected_[{channel.id(), e.code}];
  if (!counter) {
    counter = &metrics_.counter("omniroute_webhook_rejected_total", {{"channel", channel.id()}, {"reason", e.code}});
  }
  counter->inc();
  log::debug("webhook " + channel.id() + ": " + std::to_string(e.status) + " " + e.code);
  return json_error(static_cast<unsigned>(e.status), e.code, e.message);
}

asio::awaitable<std::optional<Response>> Router::refuse_replay(const Channel& channel, const WebhookAccepted& accepted) {
  // What the delivery carries, by the provider's ids: a retry carries the same whatever its framing.
  std::string carried;
  for (const Message& m : accepted.messages) carried += m.provider_id + "\n";
  for (const DeliveryUpdate& u : accepted.statuses) carried += u.provider_id + " " + u.status + "\n";
  auto r = co_await store_.claim_nonce(channel.id(), accepted.replay_guard->nonce, carried,
                                       accepted.replay_guard->ttl_s);
  if (!r) {
    co_return json_error(503, "store_unavailable", "the delivery could not be checked; retry later");
  }
  if (*r == store::NonceClaim::replayed) {
    log::warn("webhook " + channel.id() + ": a used signature came back with other content; refused as a replay");
    co_return rejected(channel, WebhookError{401, "replayed", "this signature was already used for another delivery"});
  }
  co_return std::nullopt;
}

}  // namespace omniroute::web
