#include "agent_api/agent_routes.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "agent_api/conversation_json.hpp"
#include "config/sections.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/text.hpp"
#include "store/scripts.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {

Response unavailable() { return json_error(503, "store_unavailable", "Redis is unavailable; retry later"); }

/// The JSON object body of `request`, or the 400 to answer.
Expected<json::object, Response> json_body(const http::Request& request) {
  if (!is_valid_utf8(request.body())) return unexpected(json_error(400, "invalid_utf8", "the body is not valid UTF-8"));
  boost::system::error_code ec;
  json::value v = json::parse(request.body(), ec);
  if (ec || !v.is_object()) return unexpected(json_error(400, "invalid_json", "the body must be a JSON object"));
  return v.get_object();
}

/// The error for a script's refusal ("not_found", "forbidden", "resolved"), or nullopt for anything else.
std::optional<Response> refusal(const std::string& status, const std::string& id) {
  if (status == "not_found") return json_error(404, "not_found", "no conversation '" + id + "'");
  if (status == "forbidden") return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
  if (status == "resolved") return json_error(409, "conversation_resolved", "conversation '" + id + "' is resolved");
  return std::nullopt;
}

/// Conversation ids are issued as "v<n>": anything else names no conversation (and must never
/// reach a Redis key name, where "v1:msgs" would address v1's transcript).
bool is_conversation_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 20 || id[0] != 'v') return false;
  return std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string string_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos) return std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

}  // namespace

AgentRoutes::AgentRoutes(const config::Config& config, const routing::AgentDirectory& directory,
                         store::ConversationStore& store, routing::Assigner& assigner, metrics::Registry& metrics)
    : config_(config), directory_(directory), store_(store), assigner_(assigner), metrics_(metrics) {}

asio::awaitable<std::optional<Response>> AgentRoutes::handle(http::Request& request, std::string_view path) {
  using http::beast_http::verb;
  std::string_view token = routing::bearer_token(request[http::beast_http::field::authorization]);
  std::string_view target = request.target();
  std::string_view query = target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  const verb method = request.method();

  if (path == "/v1/queues" || path == "/v1/agents" || path == "/v1/conversations") {
    if (!directory_.is_admin(token)) co_return json_error(401, "unauthorized", "an admin token is required");
    if (method != verb::get) co_return json_error(405, "method_not_allowed", "use GET");
    if (path == "/v1/queues") co_return co_await admin_queues();
    if (path == "/v1/agents") co_return co_await admin_agents();
    co_return co_await admin_conversations(query);
  }

  const bool agent_route = path.starts_with("/v1/agents/me/") || path.starts_with("/v1/conversations/");
  if (!agent_route) co_return std::nullopt;
  auto agent = directory_.authenticate(token);
  if (!agent) co_return json_error(401, "unauthorized", "a valid agent token is required");

  if (path == "/v1/agents/me/status") {
    if (method != verb::put) co_return json_error(405, "method_not_allowed", "use PUT");
    co_return co_await set_status(*agent, request);
  }
  if (path == "/v1/agents/me/conversations") {
    if (method != verb::get) co_return json_error(405, "method_not_allowed", "use GET");
    co_return co_await my_conversations(*agent);
  }
  if (path.starts_with("/v1/conversations/")) {
    std::string_view rest = path.substr(18);
    std::string id(rest.substr(0, rest.find('/')));
    std::string_view action = rest.find('/') == std::string_view::npos ? "" : rest.substr(rest.find('/') + 1);
    if (!is_conversation_id(id)) co_return json_error(404, "not_found", "no conversation '" + id + "'");
    if (action.empty() && method == verb::get) co_return co_await get_conversation(*agent, id);
    if (action == "messages" && method == verb::post) co_return co_await reply(*agent, id, request);
    if (action == "resolve" && method == verb::post) co_return co_await resolve(*agent, id);
    if (action == "transfer" && method == verb::post) co_return co_await transfer(*agent, id, request);
    if (action.empty() || action == "messages" || action == "resolve" || action == "transfer") {
      co_return json_error(405, "method_not_allowed", "wrong method for " + std::string(path));
    }
  }
  co_return json_error(404, "not_found", "no route for " + std::string(path));
}

asio::awaitable<Response> AgentRoutes::set_status(const std::string& agent, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string status = string_field(*body, "status");
  if (status != "available" && status != "away" && status != "offline") {
    co_return json_error(400, "invalid_field", "status must be available, away or offline");
  }
  const auto& keys = store_.keys();
  auto set = [&]() -> asio::awaitable<store::RedisResult> {
    std::vector<std::string> k{keys.agent(agent)};
    std::vector<std::string> args{keys.prefix(), agent, status, std::to_string(now_ms()),
                                  std::to_string(store::kEventsMaxLength)};
    auto [r] = co_await store::async_eval(store_.client(), store::presence_script(), std::move(k), std::move(args), kAwait);
    co_return r;
  };
  auto r = co_await set();
  if (r && r->str == "not_found") {
    // A configured agent not yet in Redis (the daemon is starting, or Redis was emptied): write them, retry.
    if (co_await assigner_.sync_configuration()) r = co_await set();
  }
  if (!r || r->is_error()) co_return unavailable();
  if (r->str == "not_found") co_return json_error(404, "unknown_agent", "agent '" + agent + "' is not known to Redis");
  if (status == "available") co_await assigner_.route_for_agent(agent);
  co_return json_response(200, json::serialize(json::object{{"agent", agent}, {"status", status}}));
}

asio::awaitable<std::optional<store::Reply>> AgentRoutes::view(const std::string& id, bool with_messages) {
  std::vector<std::string> k{store_.keys().conversation(id)};
  std::vector<std::string> args{store_.keys().prefix(), with_messages ? "1" : "0"};
  auto [r] = co_await store::async_eval(store_.client(), store::conversation_view_script(), std::move(k), std::move(args),
                                        kAwait);
  if (!r || r->is_error()) co_return std::nullopt;
  co_return *r;
}

asio::awaitable<Response> AgentRoutes::my_conversations(const std::string& agent) {
  std::vector<std::string> cmd{"SMEMBERS", store_.keys().agent_conversations(agent)};
  auto [ids] = co_await store_.client().async_command(std::move(cmd), kAwait);
  if (!ids || ids->is_error()) co_return unavailable();
  json::array out;
  for (const auto& id : ids->elements) {
    auto v = co_await view(id.str, false);
    if (!v) co_return unavailable();
    if (auto c = conversation_json(*v); c && (*c)["state"] == "assigned") out.push_back(std::move(*c));
  }
  std::sort(out.begin(), out.end(), [](const json::value& a, const json::value& b) {
    return a.at("created_at").as_string() < b.at("created_at").as_string();
  });
  co_return json_response(200, json::serialize(json::object{{"conversations", std::move(out)}}));
}

asio::awaitable<Response> AgentRoutes::get_conversation(const std::string& agent, const std::string& id) {
  auto v = co_await view(id, true);
  if (!v) co_return unavailable();
  auto c = conversation_json(*v);
  if (!c) co_return json_error(404, "not_found", "no conversation '" + id + "'");
  if (!(*c)["agent"].is_string() || (*c)["agent"].as_string() != agent) {
    co_return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
  }
  if (!c->contains("messages")) (*c)["messages"] = json::array{};
  co_return json_response(200, json::serialize(*c));
}

asio::awaitable<Response> AgentRoutes::reply(const std::string& agent, const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  auto text = to_nfc(string_field(*body, "text"));
  if (!text || text->empty()) co_return json_error(400, "missing_field", "'text' is required");
  const auto& k = store_.keys();
  std::int64_t now = now_ms();
  std::vector<std::string> keys{k.conversation(id), k.seq(), k.outbox(), k.sla(), k.events()};
  std::vector<std::string> args{k.prefix(), agent, *text, std::to_string(now), std::to_string(store::kEventsMaxLength)};
  auto [r] = co_await store::async_eval(store_.client(), store::reply_script(), std::move(keys), std::move(args), kAwait);
  if (!r || r->is_error() || r->elements.empty()) co_return unavailable();
  if (auto refused = refusal(r->elements[0].str, id)) co_return std::move(*refused);
  if (r->elements.size() >= 6 && r->elements[2].integer == 1) {
    // The first agent message of the conversation: its first response.
    const std::string &channel = r->elements[4].str, &queue = r->elements[5].str;
    auto& h = first_response_[{channel, queue}];
    if (!h) {
      h = &metrics_.histogram("omniroute_first_response_seconds", {{"channel", channel}, {"queue", queue}},
                              metrics::wait_buckets());
    }
    h->observe(std::max(0.0, static_cast<double>(now - std::atoll(r->elements[3].str.c_str())) / 1000.0));
  }
  json::object message{{"id", r->elements[1].str}, {"direction", "out"}, {"text", *text},
                       {"at", format_rfc3339_ms(now)},  {"author", agent},
                       {"delivery", json::object{{"status", "queued"}, {"attempts", 0}}}};
  co_return json_response(202, json::serialize(json::object{{"conversation_id", id}, {"message", message}}));
}

asio::awaitable<Response> AgentRoutes::resolve(const std::string& agent, const std::string& id) {
  auto [r] = co_await asio::async_initiate<decltype(kAwait), void(Expected<store::ResolveOutcome, store::RedisError>)>(
      [this, &agent, &id](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        store_.resolve(id, agent, [h](auto out) { std::move(*h)(std::move(out)); });
      },
      kAwait);
  if (!r) co_return unavailable();
  switch (*r) {
    case store::ResolveOutcome::not_found: co_return json_error(404, "not_found", "no conversation '" + id + "'");
    case store::ResolveOutcome::forbidden: co_return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
    case store::ResolveOutcome::already_resolved: co_return json_error(409, "conversation_resolved", "conversation '" + id + "' is already resolved");
    case store::ResolveOutcome::resolved: break;
  }
  co_await assigner_.route_for_agent(agent);  // capacity was freed
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"state", "resolved"}}));
}

asio::awaitable<Response> AgentRoutes::transfer(const std::string& agent, const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string queue = string_field(*body, "queue"), to_agent = string_field(*body, "agent");
  if (queue.empty() == to_agent.empty()) co_return json_error(400, "invalid_field", "give exactly one of 'queue' or 'agent'");
  if (!config::is_identifier(queue.empty() ? to_agent : queue)) {
    co_return json_error(404, "unknown_target", "no such " + std::string(queue.empty() ? "agent" : "queue"));
  }
  const auto& k = store_.keys();
  auto v = co_await view(id, false);
  if (!v) co_return unavailable();
  auto c = conversation_json(*v);
  if (!c) co_return json_error(404, "not_found", "no conversation '" + id + "'");
  auto fields = fields_of(v->elements[0]);
  auto priority = fields["priority"] == "urgent" ? config::Priority::urgent
                  : fields["priority"] == "high" ? config::Priority::high
                  : fields["priority"] == "low"  ? config::Priority::low
                                                 : config::Priority::normal;
  std::string score = store::queue_score(priority, std::atoll(fields["queued_at"].c_str()));
  std::vector<std::string> keys{k.conversation(id)};
  std::vector<std::string> args{k.prefix(), agent, queue.empty() ? "agent" : "queue", queue.empty() ? to_agent : queue,
                                std::to_string(now_ms()), std::to_string(store::kEventsMaxLength), score};
  auto [r] = co_await store::async_eval(store_.client(), store::transfer_script(), std::move(keys), std::move(args), kAwait);
  if (!r || r->is_error() || r->elements.empty()) co_return unavailable();
  const std::string& status = r->elements[0].str;
  if (auto refused = refusal(status, id)) co_return std::move(*refused);
  if (status == "no_target") co_return json_error(404, "unknown_target", "no such " + std::string(queue.empty() ? "agent" : "queue"));
  if (status == "no_room") co_return json_error(409, "agent_unavailable", "agent '" + to_agent + "' is not available or has no room");
  if (!queue.empty()) co_await assigner_.route_queue(queue);
  co_await assigner_.route_for_agent(agent);
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"transferred_to", queue.empty() ? to_agent : queue}}));
}

asio::awaitable<Response> AgentRoutes::admin_queues() {
  const auto& k = store_.keys();
  std::int64_t now = now_ms();
  json::array out;
  for (const auto& q : config_.queues) {
    std::vector<std::string> card{"ZCARD", k.queue(q.id)};
    auto [depth] = co_await store_.client().async_command(std::move(card), kAwait);
    if (!depth || depth->is_error()) co_return unavailable();
    // Oldest across priority bands: the head of each band carries its queued_at in the score.
    std::int64_t oldest = 0;
    for (int band = 0; band < 4; ++band) {
      constexpr std::int64_t kBand = 10'000'000'000'000;
      std::vector<std::string> cmd{"ZRANGEBYSCORE", k.queue(q.id), std::to_string(band * kBand),
                                   "(" + std::to_string((band + 1) * kBand), "WITHSCORES", "LIMIT", "0", "1"};
      auto [head] = co_await store_.client().async_command(std::move(cmd), kAwait);
      if (!head || head->elements.size() < 2) continue;
      std::int64_t queued_at = std::atoll(head->elements[1].str.c_str()) - band * kBand;
      if (oldest == 0 || queued_at < oldest) oldest = queued_at;
    }
    int available = 0;
    for (const auto& a : config_.agents) {
      std::vector<std::string> cmd{"HGET", k.agent(a.id), "status"};
      auto [st] = co_await store_.client().async_command(std::move(cmd), kAwait);
      bool serves = std::all_of(q.skills.begin(), q.skills.end(), [&](const std::string& s) {
        return std::find(a.skills.begin(), a.skills.end(), s) != a.skills.end();
      });
      if (serves && st && st->str == "available") ++available;
    }
    out.push_back(json::object{{"id", q.id},
                               {"depth", depth->integer},
                               {"oldest_wait_seconds", oldest ? (now - oldest) / 1000 : 0},
                               {"agents_available", available}});
  }
  co_return json_response(200, json::serialize(json::object{{"queues", std::move(out)}}));
}

asio::awaitable<Response> AgentRoutes::admin_agents() {
  json::array out;
  for (const auto& a : config_.agents) {
    std::vector<std::string> cmd{"HGETALL", store_.keys().agent(a.id)};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) co_return unavailable();
    auto f = fields_of(*r);
    auto num = [&](const std::string& key) { return std::atoll(f[key].c_str()); };
    out.push_back(json::object{
        {"id", a.id},
        {"name", a.name},
        {"status", f["status"].empty() ? "offline" : f["status"]},
        {"load", json::object{{"sms", num("load:sms")}, {"chat", num("load:chat")}, {"email", num("load:email")}}},
        {"capacity", json::object{{"sms", num("cap:sms")}, {"chat", num("cap:chat")}, {"email", num("cap:email")}}}});
  }
  co_return json_response(200, json::serialize(json::object{{"agents", std::move(out)}}));
}

asio::awaitable<Response> AgentRoutes::admin_conversations(std::string_view query) {
  std::string state = query_param(query, "state"), queue = query_param(query, "queue");
  long limit = std::clamp(std::atol(query_param(query, "limit").c_str()), 0L, 1000L);
  if (limit == 0) limit = 100;
  if (state.empty()) state = "queued";
  std::vector<std::string> ids;
  const auto& k = store_.keys();
  if (state == "queued") {
    for (const auto& q : config_.queues) {
      if (!queue.empty() && q.id != queue) continue;
      std::vector<std::string> cmd{"ZRANGE", k.queue(q.id), "0", std::to_string(limit - 1)};
      auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
      if (!r || r->is_error()) co_return unavailable();
      for (const auto& e : r->elements) ids.push_back(e.str);
    }
  } else if (state == "assigned") {
    for (const auto& a : config_.agents) {
      std::vector<std::string> cmd{"SMEMBERS", k.agent_conversations(a.id)};
      auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
      if (!r || r->is_error()) co_return unavailable();
      for (const auto& e : r->elements) ids.push_back(e.str);
    }
  } else if (state == "resolved") {
    // Newest first; fetch extra when filtering by queue.
    long fetch = queue.empty() ? limit : std::min(limit * 10, 10'000L);
    std::vector<std::string> cmd{"ZREVRANGE", k.resolved(), "0", std::to_string(fetch - 1)};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) co_return unavailable();
    for (const auto& e : r->elements) ids.push_back(e.str);
  } else {
    co_return json_error(400, "invalid_field", "state must be queued, assigned or resolved");
  }
  json::array out;
  for (const auto& id : ids) {
    if (static_cast<long>(out.size()) >= limit) break;
    auto v = co_await view(id, false);
    if (!v) co_return unavailable();
    auto c = conversation_json(*v);
    if (!c || (*c)["state"].as_string() != state) continue;
    if (!queue.empty() && (*c)["queue"].as_string() != queue) continue;
    out.push_back(std::move(*c));
  }
  co_return json_response(200, json::serialize(json::object{{"conversations", std::move(out)}}));
}

}  // namespace omniroute::agent_api
