#include "admin_api/admin_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/log.hpp"
#include "routing/pools.hpp"

namespace omniroute::admin_api {

// Conversation JSON and request helpers are shared with the agent API.
using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

namespace {

/// An agent as the admin API shows it.
json::object agent_json(const AgentState& agent) {
  json::array skills = string_list_json(agent.skills);
  std::set<std::string> queues;
  for (const auto& pool : agent.pools) queues.insert(std::string(routing::queue_of_pool(pool)));
  json::array queue_list;
  for (const auto& q : queues) queue_list.push_back(json::value(q));
  return json::object{
      {"id", agent.id},
      {"name", agent.name},
      {"status", to_string(agent.presence)},
      {"status_since", time_or_null(agent.presence_since)},
      {"skills", std::move(skills)},
      {"queues", std::move(queue_list)},
      {"load", json::object{{"sms", agent.load_of(Medium::sms)},
                            {"chat", agent.load_of(Medium::chat)},
                            {"email", agent.load_of(Medium::email)}}},
      {"capacity", json::object{{"sms", agent.capacity_of(Medium::sms)},
                                {"chat", agent.capacity_of(Medium::chat)},
                                {"email", agent.capacity_of(Medium::email)}}},
      {"source", agent.source}};
}

/// An agent as stored, to change and save again; keeps the token.
routing::AgentSpec stored_spec(const AgentState& agent) {
  json::object current = agent_json(agent);
  routing::AgentSpec spec;
  spec.id = std::string(current["id"].as_string());
  spec.name = std::string(current["name"].as_string());
  for (const auto& s : current["skills"].as_array()) spec.skills.emplace_back(s.as_string());
  const auto& cap = current["capacity"].as_object();
  spec.capacity = {{Medium::sms, static_cast<int>(cap.at("sms").as_int64())},
                   {Medium::chat, static_cast<int>(cap.at("chat").as_int64())},
                   {Medium::email, static_cast<int>(cap.at("email").as_int64())}};
  spec.source = "api";
  return spec;
}

/// Reads the fields of an agent body present in `body` into `spec`; the 400 to answer when one is wrong.
std::optional<Response> read_agent_fields(const json::object& body, routing::AgentSpec& spec, std::string& token) {
  static const std::set<std::string> kKnown{"id", "name", "token", "skills", "capacity"};
  for (const auto& [key, value] : body) {
    if (!kKnown.count(std::string(key))) {
      return json_error(400, "unknown_field", "unknown field '" + std::string(key) +
                                                  "' (known: id, name, token, skills, capacity)");
    }
  }
  if (auto it = body.find("name"); it != body.end()) {
    if (!it->value().is_string() || it->value().get_string().empty() || it->value().get_string().size() > 200) {
      return json_error(400, "invalid_field", "'name' must be a string of 1 to 200 bytes");
    }
    spec.name = std::string(it->value().get_string());
  }
  if (auto it = body.find("token"); it != body.end()) {
    if (!it->value().is_string() || it->value().get_string().size() < 16 || it->value().get_string().size() > 512) {
      return json_error(400, "invalid_field", "'token' must be a string of at least 16 characters");
    }
    token = std::string(it->value().get_string());
  }
  if (auto it = body.find("skills"); it != body.end()) {
    if (!it->value().is_array()) return json_error(400, "invalid_field", "'skills' must be a list of names");
    spec.skills.clear();
    for (const auto& s : it->value().get_array()) {
      if (!s.is_string() || !config::is_identifier(s.get_string())) {
        return json_error(400, "invalid_field", "each skill must be a name of letters, digits, '_' or '-'");
      }
      spec.skills.emplace_back(s.get_string());
    }
  }
  if (auto it = body.find("capacity"); it != body.end()) {
    if (!it->value().is_object()) {
      return json_error(400, "invalid_field", "'capacity' must be an object like {\"sms\": 3, \"chat\": 5, \"email\": 10}");
    }
    for (const auto& [key, value] : it->value().get_object()) {
      Medium medium;
      if (key == "sms") medium = Medium::sms;
      else if (key == "chat") medium = Medium::chat;
      else if (key == "email") medium = Medium::email;
      else return json_error(400, "invalid_field", "capacity media are sms, chat and email, not '" + std::string(key) + "'");
      if (!value.is_int64() || value.get_int64() < 0 || value.get_int64() > 1000) {
        return json_error(400, "invalid_field", "capacity." + std::string(key) + " must be a whole number from 0 to 1000");
      }
      spec.capacity[medium] = static_cast<int>(value.get_int64());
    }
  }
  return std::nullopt;
}

/// The answer for agent_sync.lua's refusals; nullopt for "ok".
std::optional<Response> save_refusal(const store::StoreResult<store::SaveOutcome>& status, const std::string& id) {
  if (!status) return unavailable();
  switch (*status) {
    case store::SaveOutcome::ok: return std::nullopt;
    case store::SaveOutcome::exists: return json_error(409, "agent_exists", "agent '" + id + "' already exists");
    case store::SaveOutcome::not_found: return json_error(404, "not_found", "no agent '" + id + "'");
    case store::SaveOutcome::token_in_use:
      return json_error(409, "token_in_use", "another agent already has this token");
    case store::SaveOutcome::config_managed:
      return json_error(409, "config_managed",
                        "agent '" + id + "' is defined in the configuration file; change it there");
  }
  return unavailable();
}

}  // namespace

AdminRoutes::AdminRoutes(const config::Config& config, const routing::AgentDirectory& directory,
                         store::ConversationStore& store, routing::Assigner& assigner, const ChannelMap& channels,
                         const ChannelRegistry& registry)
    : config_(config),
      directory_(directory),
      store_(store),
      conversations_(store.client(), store.keys(), store.history()),
      overview_(store.client(), store.keys()),
      contacts_(store.client(), store.keys(), store.history()),
      outbox_(store.client(), store.keys()),
      assigner_(assigner),
      channel_map_(channels),
      registry_(registry) {}

AdminRoutes::~AdminRoutes() = default;

void AdminRoutes::add_routes(agent_api::ApiRoutes& table) {
  using http::Role;
  using verb = http::beast_http::verb;
  using agent_api::RouteCall;
  table.add(verb::get, "/v1/queues", Role::admin, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await queues(); });
  table.add(verb::get, "/v1/sla", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await sla(query_of(call.request)); });
  table.add(verb::get, "/v1/alerts", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await alerts(query_of(call.request)); });
  table.add(verb::get, "/v1/reports/response_times", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await response_times(call.request, query_of(call.request));
  });
  table.add(verb::get, "/v1/audit", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await audit(call.request, query_of(call.request));
  });
  table.add(verb::get, "/v1/channels", Role::admin, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await channels(); });
  table.add(verb::get, "/v1/channel_kinds", Role::admin, [this](RouteCall&) -> asio::awaitable<Response> {
    co_return co_await channel_kinds();
  });
  table.add(verb::get, "/v1/channels/{id}", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await channel(call.params["id"]);
  });
  table.add(verb::post, "/v1/channels/{id}", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await put_channel(call.params["id"], call.request, true);
  });
  table.add(verb::put, "/v1/channels/{id}", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await put_channel(call.params["id"], call.request, false);
  });
  table.add(verb::delete_, "/v1/channels/{id}", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await delete_channel(call.params["id"]);
  });
  table.add(verb::post, "/v1/channels/{id}/check", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await check_channel(call.params["id"], false);
  });
  table.add(verb::post, "/v1/channels/{id}/register", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await check_channel(call.params["id"], true);
  });
  table.add(verb::get, "/v1/outbox/dead", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await dead_letters(query_of(call.request));
  });
  table.add(verb::post, "/v1/outbox/dead/{id}/retry", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await retry_dead(call.params["id"]); });
  table.add(verb::get, "/v1/conversations", Role::admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await conversations(query_of(call.request));
  });
  table.add(verb::get, "/v1/agents", Role::admin, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await agents(); });
  table.add(verb::post, "/v1/agents", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await create_agent(call.request); });
  // One agent: an id that is not an identifier names nobody (404), whatever is asked of it.
  auto on_agent = [](auto handler) {
    return agent_api::on_id([](const std::string& id) { return config::is_identifier(id); }, "agent", handler);
  };
  table.add(verb::get, "/v1/agents/{id}", Role::admin,
            on_agent([this](RouteCall&, const std::string& id) { return agent(id); }));
  for (verb method : {verb::put, verb::patch}) {
    table.add(method, "/v1/agents/{id}", Role::admin,
              on_agent([this](RouteCall& call, const std::string& id) { return update_agent(id, call.request); }));
  }
  table.add(verb::delete_, "/v1/agents/{id}", Role::admin,
            on_agent([this](RouteCall&, const std::string& id) { return delete_agent(id); }));
  table.add(verb::post, "/v1/agents/{id}/token", Role::admin,
            on_agent([this](RouteCall&, const std::string& id) { return rotate_token(id); }));
  table.add(verb::get, "/v1/admins", Role::admin, [this](RouteCall&) -> asio::awaitable<Response> { co_return co_await admins(); });
  table.add(verb::post, "/v1/admins", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await create_admin(call.request); });
  table.add(verb::get, "/v1/admins/{id}", Role::admin, on_agent([this](RouteCall&, const std::string& id) { return admin(id); }));
  for (verb method : {verb::put, verb::patch}) {
    table.add(method, "/v1/admins/{id}", Role::admin,
              on_agent([this](RouteCall& call, const std::string& id) { return update_admin(id, call.request); }));
  }
  table.add(verb::delete_, "/v1/admins/{id}", Role::admin,
            on_agent([this](RouteCall&, const std::string& id) { return delete_admin(id); }));
  table.add(verb::post, "/v1/admins/{id}/token", Role::admin,
            on_agent([this](RouteCall&, const std::string& id) { return rotate_admin_token(id); }));
  // One contact: only ids we issue (c<n>).
  auto on_contact = [](auto handler) {
    return agent_api::on_id([](const std::string& id) { return agent_api::is_issued_id(id, 'c'); }, "contact", handler);
  };
  table.add(verb::get, "/v1/contacts", Role::admin,
            [this](RouteCall& call) -> asio::awaitable<Response> { co_return co_await contacts(query_of(call.request)); });
  table.add(verb::get, "/v1/contacts/{id}", Role::admin,
            on_contact([this](RouteCall&, const std::string& id) { return contact(id); }));
  for (verb method : {verb::patch, verb::put}) {
    table.add(method, "/v1/contacts/{id}", Role::admin,
              on_contact([this](RouteCall& call, const std::string& id) { return update_contact(id, call.request); }));
  }
  table.add(verb::delete_, "/v1/contacts/{id}", Role::admin,
            on_contact([this](RouteCall&, const std::string& id) { return erase_contact(id); }));
  table.add(verb::get, "/v1/contacts/{id}/export", Role::admin,
            on_contact([this](RouteCall&, const std::string& id) { return export_contact(id); }));
  table.add(verb::post, "/v1/contacts/{id}/merge", Role::admin,
            on_contact([this](RouteCall& call, const std::string& id) { return merge_contacts(id, call.request); }));
}

asio::awaitable<Response> AdminRoutes::queues() {
  auto all = co_await overview_.agents();
  if (!all) co_return unavailable();
  auto sla = co_await overview_.sla_counts();
  if (!sla) co_return unavailable();
  std::int64_t now = now_ms();
  json::array out;
  for (const auto& q : config_.queues) {
    long long at_risk = 0, breached = 0;
    for (const auto& c : *sla) {
      if (c.queue == q.id) at_risk = c.at_risk, breached = c.breached;
    }
    auto head = co_await overview_.queue_head(q.id);
    if (!head) co_return unavailable();
    // Available agents who serve the queue itself (its own pool, without extra skills).
    int available = 0;
    for (const auto& agent : *all) {
      bool serves = std::find(agent.pools.begin(), agent.pools.end(), q.id) != agent.pools.end();
      if (serves && agent.presence == Presence::available) ++available;
    }
    std::int64_t oldest = head->oldest_queued_at_ms;
    out.push_back(json::object{{"id", q.id},
                               {"depth", head->depth},
                               {"oldest_wait_seconds", oldest ? (now - oldest) / 1000 : 0},
                               {"agents_available", available},
                               {"at_risk", at_risk},
                               {"breached", breached}});
  }
  co_return json_response(200, json::serialize(json::object{{"queues", std::move(out)}}));
}

asio::awaitable<Response> AdminRoutes::agents() {
  auto all = co_await overview_.agents();
  if (!all) co_return unavailable();
  json::array out;
  for (const auto& agent : *all) out.push_back(agent_json(agent));
  co_return json_response(200, json::serialize(json::object{{"agents", std::move(out)}}));
}

asio::awaitable<Response> AdminRoutes::agent(const std::string& id) {
  auto one = co_await overview_.agents(id);
  if (!one) co_return unavailable();
  if (one->empty()) co_return json_error(404, "not_found", "no agent '" + id + "'");
  co_return json_response(200, json::serialize(agent_json(one->front())));
}

asio::awaitable<Response> AdminRoutes::create_agent(const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  routing::AgentSpec spec;
  spec.id = string_field(*body, "id");
  if (!config::is_identifier(spec.id) || spec.id == "me") {
    co_return json_error(400, "invalid_field", "'id' is required: 1 to 64 letters, digits, '_' or '-' (not 'me')");
  }
  if (!body->contains("capacity")) {
    co_return json_error(400, "missing_field",
                         "'capacity' is required, e.g. {\"sms\": 3, \"chat\": 5, \"email\": 10}");
  }
  std::string token;
  if (auto bad = read_agent_fields(*body, spec, token)) co_return std::move(*bad);
  if (spec.name.empty()) spec.name = spec.id;
  const bool generated = token.empty();
  if (generated) token = random_hex(32);
  if (token.empty()) co_return json_error(500, "internal", "no random token could be made");
  spec.token_sha256 = routing::AgentDirectory::digest_hex(token);
  spec.source = "api";
  auto status = co_await assigner_.save_agent(spec, routing::SaveMode::create);
  if (auto refused = save_refusal(status, spec.id)) co_return std::move(*refused);
  log::info("admin: agent " + spec.id + " created");
  auto one = co_await overview_.agents(spec.id);
  if (!one || one->empty()) co_return unavailable();
  json::object out = agent_json(one->front());
  if (generated) out["token"] = token;  // shown once: only its digest is kept
  co_return json_response(201, json::serialize(out));
}

asio::awaitable<Response> AdminRoutes::update_agent(const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  if (body->contains("id") && string_field(*body, "id") != id) {
    co_return json_error(400, "invalid_field", "an agent's id cannot change");
  }
  auto one = co_await overview_.agents(id);
  if (!one) co_return unavailable();
  if (one->empty()) co_return json_error(404, "not_found", "no agent '" + id + "'");
  // Start from what is stored; the body changes the fields it names.
  routing::AgentSpec spec = stored_spec(one->front());
  std::string token;
  if (auto bad = read_agent_fields(*body, spec, token)) co_return std::move(*bad);
  if (!token.empty()) spec.token_sha256 = routing::AgentDirectory::digest_hex(token);
  spec.source = "api";
  auto status = co_await assigner_.save_agent(spec, routing::SaveMode::update);
  if (auto refused = save_refusal(status, id)) co_return std::move(*refused);
  log::info("admin: agent " + id + " changed");
  co_return co_await agent(id);
}

asio::awaitable<Response> AdminRoutes::rotate_token(const std::string& id) {
  auto one = co_await overview_.agents(id);
  if (!one) co_return unavailable();
  if (one->empty()) co_return json_error(404, "not_found", "no agent '" + id + "'");
  routing::AgentSpec spec = stored_spec(one->front());
  std::string token = random_hex(32);
  if (token.empty()) co_return json_error(500, "internal", "no random token could be made");
  spec.token_sha256 = routing::AgentDirectory::digest_hex(token);
  spec.source = "api";
  auto status = co_await assigner_.save_agent(spec, routing::SaveMode::update);
  if (auto refused = save_refusal(status, id)) co_return std::move(*refused);
  log::info("admin: agent " + id + " has a new token");
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"token", token}}));
}

asio::awaitable<Response> AdminRoutes::delete_agent(const std::string& id) {
  auto status = co_await assigner_.delete_agent(id, "api");
  if (!status) co_return unavailable();
  if (*status == store::RemoveOutcome::not_found) co_return json_error(404, "not_found", "no agent '" + id + "'");
  if (*status == store::RemoveOutcome::config_managed) {
    co_return json_error(409, "config_managed", "agent '" + id + "' is defined in the configuration file; remove it there");
  }
  log::info("admin: agent " + id + " removed");
  co_return http::no_content();
}

asio::awaitable<store::StoreResult<std::vector<std::string>>> AdminRoutes::candidate_ids(const std::string& state,
                                                                                        const std::string& queue,
                                                                                        long limit) {
  std::vector<std::string> ids;
  auto add = [&ids](const store::StoreResult<std::vector<std::string>>& some) {
    if (some) ids.insert(ids.end(), some->begin(), some->end());
    return bool(some);
  };
  if (state == "queued") {
    for (const auto& q : config_.queues) {
      if (!queue.empty() && q.id != queue) continue;
      auto some = co_await overview_.waiting_ids(q.id, limit);
      if (!add(some)) co_return unexpected(some.error());
    }
  } else if (state == "assigned") {
    auto agents = co_await overview_.agents();
    if (!agents) co_return unexpected(agents.error());
    for (const auto& a : *agents) {
      auto some = co_await conversations_.assigned_to(a.id);
      if (!add(some)) co_return unexpected(some.error());
    }
  } else {
    // Resolved: newest first; fetch extra when filtering by queue.
    long fetch = queue.empty() ? limit : std::min(limit * 10, 10'000L);
    auto some = co_await overview_.resolved_ids(fetch);
    if (!add(some)) co_return unexpected(some.error());
  }
  co_return ids;
}

asio::awaitable<Response> AdminRoutes::conversations(std::string_view query) {
  std::string state = query_param(query, "state"), queue = query_param(query, "queue");
  std::string label = query_param(query, "label");
  long limit = limit_param(query, 100, 1000);
  if (state.empty()) state = "queued";
  if (state != "queued" && state != "assigned" && state != "resolved") {
    co_return json_error(400, "invalid_field", "state must be queued, assigned or resolved");
  }
  auto ids = co_await candidate_ids(state, queue, limit);
  if (!ids) co_return unavailable();
  json::array out;
  for (const auto& id : *ids) {
    if (static_cast<long>(out.size()) >= limit) break;
    auto found = co_await load_conversation(conversations_, id, false);
    if (!found) co_return unavailable();
    if (!*found) continue;
    json::object* c = &**found;
    if (string_at(*c, {"state"}) != state) continue;
    if (!queue.empty() && string_at(*c, {"queue"}) != queue) continue;
    if (!label.empty() && !has_label(*c, label)) continue;
    out.push_back(std::move(*c));
  }
  co_return json_response(200, json::serialize(json::object{{"conversations", std::move(out)}}));
}

}  // namespace omniroute::admin_api
