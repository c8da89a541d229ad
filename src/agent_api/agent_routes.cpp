#include "agent_api/agent_routes.hpp"

#include <algorithm>
#include <set>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "agent_api/conversation_access.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/reply_parts.hpp"
#include "omniroute/text.hpp"
#include "routing/pools.hpp"
#include "store/agents.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

namespace {

/// The error for a script's refusal ("not_found", "forbidden", "resolved"), or nullopt for anything else.
std::optional<Response> refusal(const std::string& status, const std::string& id) {
  if (status == "not_found") return json_error(404, "not_found", "no conversation '" + id + "'");
  if (status == "forbidden") return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
  if (status == "resolved") return json_error(409, "conversation_resolved", "conversation '" + id + "' is resolved");
  return std::nullopt;
}

/// How often a reply or resolve is tried when the conversation changes between reading it for the reports'
/// record and the change itself (each try is one script; a changed conversation makes no change).
constexpr int kRecordAttempts = 5;

/// The conversation kept changing under the request: nothing was done.
Response busy() {
  return json_error(409, "conversation_changed", "the conversation changed while this was done; nothing was done, try again");
}

}  // namespace

AgentRoutes::AgentRoutes(const config::Config& config, const routing::AgentDirectory& directory,
                         store::ConversationStore& store, routing::Assigner& assigner, metrics::Registry& metrics,
                         ReplyLimits reply_limits)
    : config_(config), directory_(directory), store_(store), conversations_(store.client(), store.keys(), store.history()),
      canned_(store.client(), store.keys().canned_responses()), labels_(store.client(), store.keys().label_catalog()), overview_(store.client(), store.keys()),
      assigner_(assigner), metrics_(metrics),
      policies_(config), recorder_(policies_, config), reply_limits_(std::move(reply_limits)) {
  json::object windows;  // channels whose provider takes free-form replies only for a while
  for (const auto& [id, rules] : reply_limits_) {
    if (rules.window.span_ms > 0) {
      windows[id] = json::object{{"span", rules.window.span_ms}, {"template", rules.window.fallback_template}};
    }
  }
  windows_ = json::serialize(windows);
}

namespace {

/// A route on one conversation: an id that is not one we issue is 404 before anything is read.
template <typename Handler>
ApiHandler on_conversation(Handler handler) {
  return on_id([](const std::string& id) { return is_issued_id(id, 'v'); }, "conversation", handler);
}

}  // namespace

void AgentRoutes::add_routes(ApiRoutes& table) {
  using http::Role;
  using verb = http::beast_http::verb;
  // Every handler is a coroutine itself (co_return co_await): what it passes by reference lives until the
  // route's answer is written.
  table.add(verb::put, "/v1/agents/me/status", Role::agent, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await set_status(call.caller.agent, call.request);
  });
  table.add(verb::get, "/v1/agents/me/conversations", Role::agent, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await my_conversations(call.caller.agent, query_param(call.request.target(), "label"));
  });
  table.add(verb::get, "/v1/agents/me/waiting", Role::agent, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await my_waiting(call.caller.agent);
  });
  table.add(verb::get, "/v1/agents/me/transfer_targets", Role::agent, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await transfer_targets(call.caller.agent, query_param(call.request.target(), "medium"));
  });
  table.add(verb::get, "/v1/agents/me/offers", Role::agent, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await my_offers(call.caller.agent);
  });
  // Supervisors read every conversation (and so every attachment), and write notes and labels on any.
  table.add(verb::get, "/v1/attachments/{sha256}", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    std::string reader = call.caller.is_admin() ? std::string() : call.caller.agent;
    co_return co_await attachment(reader, call.params["sha256"]);
  });
  table.add(verb::get, "/v1/search", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await search(call.caller, call.request);
  });
  table.add(verb::get, "/v1/conversations/{id}", Role::agent_or_admin,
            on_conversation([this](RouteCall& call, const std::string& id) { return get_conversation(call.caller, id); }));
  table.add(verb::post, "/v1/conversations/{id}/notes", Role::agent_or_admin,
            on_conversation([this](RouteCall& call, const std::string& id) { return note(call.caller, id, call.request); }));
  table.add(verb::post, "/v1/conversations/{id}/transfer", Role::agent_or_admin,
            on_conversation([this](RouteCall& call, const std::string& id) -> asio::awaitable<Response> {
              // A supervisor's transfer is a reassignment, from whoever holds it.
              std::string from = call.caller.is_admin() ? std::string("*") : call.caller.agent;
              co_return co_await transfer(from, id, call.request);
            }));
  for (verb method : {verb::put, verb::delete_}) {
    table.add(method, "/v1/conversations/{id}/labels/{label}", Role::agent_or_admin,
              on_conversation([this, method](RouteCall& call, const std::string& id) {
                return label(call.caller, id, call.params["label"], method == verb::put);
              }));
  }
  table.add(verb::post, "/v1/conversations/{id}/messages", Role::agent,
            on_conversation([this](RouteCall& call, const std::string& id) { return reply(call.caller.agent, id, call.request); }));
  table.add(verb::post, "/v1/conversations/{id}/resolve", Role::agent,
            on_conversation([this](RouteCall& call, const std::string& id) { return resolve(call.caller.agent, id); }));
  table.add(verb::post, "/v1/conversations/{id}/accept", Role::agent,
            on_conversation([this](RouteCall& call, const std::string& id) { return answer_offer(call.caller.agent, id, true); }));
  table.add(verb::post, "/v1/conversations/{id}/reject", Role::agent,
            on_conversation([this](RouteCall& call, const std::string& id) { return answer_offer(call.caller.agent, id, false); }));
  // The catalogues: everyone reads, the admin changes (canned_routes.cpp, label_routes.cpp say 403 to others).
  for (verb method : {verb::get, verb::post}) {
    table.add(method, "/v1/canned_responses", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
      co_return co_await canned(call.caller, call.request, "");
    });
  }
  for (verb method : {verb::get, verb::post, verb::put, verb::delete_}) {
    table.add(method, "/v1/canned_responses/{id}", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
      co_return co_await canned(call.caller, call.request, call.params["id"]);
    });
  }
  table.add(verb::get, "/v1/labels", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
    co_return co_await label_catalog(call.caller, call.request, "");
  });
  for (verb method : {verb::put, verb::delete_}) {
    table.add(method, "/v1/labels/{name}", Role::agent_or_admin, [this](RouteCall& call) -> asio::awaitable<Response> {
      co_return co_await label_catalog(call.caller, call.request, call.params["name"]);
    });
  }
}

asio::awaitable<Response> AgentRoutes::set_status(const std::string& agent, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string status = string_field(*body, "status");
  if (status != "available" && status != "away" && status != "offline") {
    co_return json_error(400, "invalid_field", "status must be available, away or offline");
  }
  auto r = co_await conversations_.set_presence(agent, status, now_ms());
  if (r && *r == store::PresenceOutcome::unknown_agent) {
    // A configured agent not yet in Redis (the daemon is starting, or Redis was emptied): write them, retry.
    if (co_await assigner_.sync_configuration()) r = co_await conversations_.set_presence(agent, status, now_ms());
  }
  if (!r) co_return unavailable();
  if (*r == store::PresenceOutcome::unknown_agent) {
    co_return json_error(404, "unknown_agent", "agent '" + agent + "' is not known to Redis");
  }
  // Available: they may take what waits. Away or offline: offers they held went back to wait.
  co_await assigner_.route_for_agent(agent);
  co_return json_response(200, json::serialize(json::object{{"agent", agent}, {"status", status}}));
}

asio::awaitable<Response> AgentRoutes::attachment(const std::string& agent, const std::string& digest) {
  bool hex = digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex) co_return json_error(404, "not_found", "no attachment '" + digest + "'");
  // Only to whoever can see a conversation holding it; to anyone else it does not exist.
  auto r = co_await conversations_.attachment(digest, agent);
  if (!r) co_return unavailable();
  if (!*r) {
    co_return json_error(404, "not_found", "no attachment '" + digest + "' (too large to keep, expired, or not in a "
                                           "conversation you can see)");
  }
  // Always a download, never rendered in the agent's page: an HTML attachment must not run as ours.
  store::Blob& blob = **r;
  Response out = http::text_response(200, blob.content_type.empty() ? "application/octet-stream" : blob.content_type,
                                     std::move(blob.content));
  out.set(http::beast_http::field::content_disposition, "attachment");
  out.set("X-Content-Type-Options", "nosniff");
  out.set(http::beast_http::field::cache_control, "private, max-age=86400, immutable");
  co_return out;
}

asio::awaitable<Response> AgentRoutes::my_conversations(const std::string& agent, const std::string& label) {
  auto ids = co_await conversations_.assigned_to(agent);
  if (!ids) co_return unavailable();
  auto out = co_await load_conversations(conversations_, *ids, [&](const json::object& c) {
    return string_at(c, {"state"}) == "assigned" && (label.empty() || has_label(c, label));
  });
  if (!out) co_return unavailable();
  std::sort(out->begin(), out->end(), [](const json::value& a, const json::value& b) {
    // Oldest first; opened in the same millisecond, the one opened first (ids count up: v9 < v10).
    auto created_a = string_at(a, {"created_at"}), created_b = string_at(b, {"created_at"});
    if (created_a != created_b) return created_a < created_b;
    auto id_a = string_at(a, {"id"}), id_b = string_at(b, {"id"});
    return id_a.size() != id_b.size() ? id_a.size() < id_b.size() : id_a < id_b;
  });
  co_return json_response(200, json::serialize(json::object{{"conversations", std::move(*out)}}));
}

asio::awaitable<Response> AgentRoutes::my_waiting(const std::string& agent) {
  store::Agents agents(store_.client(), store_.keys());
  auto pools = co_await agents.pools_of(agent);
  if (!pools) co_return unavailable();
  std::set<std::string> queues;
  for (const auto& pool : *pools) queues.insert(std::string(routing::queue_of_pool(pool)));
  std::vector<std::string> ids;
  for (const auto& q : queues) {
    auto some = co_await overview_.waiting_ids(q, 200);
    if (!some) co_return unavailable();
    ids.insert(ids.end(), some->begin(), some->end());
  }
  auto out = co_await load_conversations(conversations_, ids,
                                         [](const json::object& c) { return string_at(c, {"state"}) == "queued"; });
  if (!out) co_return unavailable();
  std::sort(out->begin(), out->end(), [](const json::value& a, const json::value& b) {
    return string_at(a, {"created_at"}) < string_at(b, {"created_at"});
  });
  co_return json_response(200, json::serialize(json::object{{"conversations", std::move(*out)}}));
}

asio::awaitable<Response> AgentRoutes::transfer_targets(const std::string& agent, const std::string& medium) {
  if (!medium.empty() && medium != "chat" && medium != "sms" && medium != "email") {
    co_return json_error(400, "invalid_field", "medium is chat, sms or email");
  }
  json::array queues, agents;
  for (const auto& q : config_.queues) queues.push_back(json::object{{"id", q.id}});
  auto all = co_await overview_.agents();
  if (!all) co_return unavailable();
  const Medium m = medium == "sms" ? Medium::sms : medium == "email" ? Medium::email : Medium::chat;
  for (const AgentState& a : *all) {
    if (a.id == agent || a.presence != Presence::available) continue;
    long long load = a.load_of(m), cap = a.capacity_of(m);
    if (load >= cap) continue;  // only those with room for one more of this medium
    agents.push_back(json::object{{"id", a.id}, {"name", a.name.empty() ? a.id : a.name}, {"room", cap - load}});
  }
  co_return json_response(200, json::serialize(json::object{{"queues", std::move(queues)}, {"agents", std::move(agents)}}));
}

asio::awaitable<Response> AgentRoutes::my_offers(const std::string& agent) {
  auto ids = co_await conversations_.offered_to(agent);
  if (!ids) co_return unavailable();
  auto out = co_await load_conversations(conversations_, *ids, [&](const json::object& c) {
    return string_at(c, {"offer", "agent"}) == agent;
  });
  if (!out) co_return unavailable();
  std::sort(out->begin(), out->end(), [](const json::value& a, const json::value& b) {
    return string_at(a, {"offer", "expires_at"}) < string_at(b, {"offer", "expires_at"});
  });
  co_return json_response(200, json::serialize(json::object{{"offers", std::move(*out)}}));
}

asio::awaitable<Response> AgentRoutes::answer_offer(const std::string& agent, const std::string& id, bool accept) {
  std::int64_t now = now_ms();
  auto r = co_await conversations_.answer_offer(id, agent, accept, now);
  if (!r) co_return unavailable();
  using Answer = store::OfferAnswer::Status;
  switch (r->status) {
    case Answer::not_found: co_return json_error(404, "not_found", "no conversation '" + id + "'");
    case Answer::resolved: co_return json_error(409, "conversation_resolved", "conversation '" + id + "' is resolved");
    case Answer::not_offered:
      co_return json_error(409, "not_offered", "conversation '" + id + "' is not offered to you (or no longer)");
    case Answer::expired:
      co_return json_error(409, "offer_expired", "the offer of conversation '" + id + "' expired; it goes to the next agent");
    case Answer::accepted:
    case Answer::declined: break;
  }
  const std::string& queue = r->queue;
  if (r->status == Answer::declined) {
    assigner_.count_offer(queue, "declined");
    co_await assigner_.route_queue(queue, true);  // on to the next agent
    co_return json_response(200, json::serialize(json::object{{"id", id}, {"state", "queued"}}));
  }
  assigner_.count_offer(queue, "accepted");
  assigner_.observe_wait(queue, static_cast<double>(now - r->queued_at_ms) / 1000.0);
  auto c = co_await load_conversation(conversations_, id, false);
  if (!c) co_return unavailable();
  if (!*c) co_return json_error(404, "not_found", "no conversation '" + id + "'");
  co_return json_response(200, json::serialize(**c));
}

asio::awaitable<Response> AgentRoutes::get_conversation(const Caller& caller, const std::string& id) {
  auto found = co_await load_conversation(conversations_, id, true);
  if (!found) co_return unavailable();
  if (!*found) co_return json_error(404, "not_found", "no conversation '" + id + "'");
  json::object* c = &**found;
  if (!caller.is_admin()) {
    auto may = co_await agent_may_read(store_, conversations_, caller.agent, *c);
    if (!may) co_return unavailable();
    if (!*may) co_return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
  }
  if (!c->contains("messages")) (*c)["messages"] = json::array{};
  co_return json_response(200, json::serialize(*c));
}

asio::awaitable<Response> AgentRoutes::reply(const std::string& agent, const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  auto text = to_nfc(string_field(*body, "text"));
  if (!text || text->empty()) co_return json_error(400, "missing_field", "'text' is required");
  // The channel's limit on one message, before anything is queued: longer goes as parts or is refused.
  auto channel = co_await conversations_.channel_of(id);
  if (!channel) co_return unavailable();
  auto rules_it = reply_limits_.find(channel->value_or(""));
  const ReplyRules rules = rules_it == reply_limits_.end() ? ReplyRules{} : rules_it->second;
  const ReplyLimit& limit = rules.limit;
  std::vector<std::string> parts = split_reply(*text, limit.split ? limit.max_units : 0);
  if (limit.max_units > 0 && (parts.empty() || (!limit.split && utf16_units(*text) > limit.max_units))) {
    const std::string max = std::to_string(limit.max_units);
    co_return json_error(400, "reply_too_long",
                         limit.split ? "the reply is longer than " + std::to_string(ReplyLimit::kMaxParts) + " messages of " +
                                           max + " characters, the most this channel takes; shorten it"
                                     : "this channel takes at most " + max + " characters in a reply; shorten it");
  }
  std::int64_t now = now_ms();
  store::ReplyRequest request_to_store{id, agent, parts, now, windows_, ""};
  // The reports record the response this is, from the conversation as read here; should it change before
  // the reply lands (the customer wrote meanwhile), the script says so and the record is made again.
  store::StoreResult<store::ReplyOutcome> r = unexpected(store::StoreError{});
  reports::Record record;
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    auto clock = co_await conversations_.response_clock(id);
    if (!clock) co_return unavailable();
    record = *clock ? recorder_.for_reply(**clock, now) : reports::Record{};
    request_to_store.report_json = record.json;
    r = co_await conversations_.reply(request_to_store);
    if (!r || r->status != store::ReplyOutcome::Status::stale) break;
  }
  if (!r) co_return unavailable();
  using Sent = store::ReplyOutcome::Status;
  switch (r->status) {
    case Sent::not_found: co_return refusal("not_found", id).value();
    case Sent::forbidden: co_return refusal("forbidden", id).value();
    case Sent::resolved: co_return refusal("resolved", id).value();
    case Sent::window_closed: co_return json_error(409, rules.window.refusal_code, rules.window.refusal_message);
    case Sent::stale: co_return busy();
    case Sent::sent: break;
  }
  count_response(record);
  if (r->first_response) {
    // The first agent message of the conversation: its first response.
    const std::string &channel = r->channel, &queue = r->queue;
    auto& h = first_response_[{channel, queue}];
    if (!h.wall) {
      const metrics::Labels labels{{"channel", channel}, {"queue", queue}};
      const std::vector<double> buckets = first_response_buckets(queue);
      h.wall = &metrics_.histogram("omniroute_first_response_seconds", labels, buckets);
      h.business = &metrics_.histogram("omniroute_first_response_business_seconds", labels, buckets);
    }
    std::int64_t created = r->created_at_ms;
    h.wall->observe(std::max(0.0, static_cast<double>(now - created) / 1000.0));
    h.business->observe(static_cast<double>(policies_.elapsed_ms(queue, created, now)) / 1000.0);
  }
  // One message per part (usually one): each is delivered, and shown, on its own.
  json::array messages;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string message_id = i < r->message_ids.size() ? r->message_ids[i] : r->message_ids.front();
    messages.push_back(json::object{{"id", message_id},       {"direction", "out"}, {"text", parts[i]},
                                    {"at", format_rfc3339_ms(now)}, {"author", agent},
                                    {"delivery", json::object{{"status", "queued"}, {"attempts", 0}}}});
  }
  json::value first = messages.front();
  co_return json_response(202, json::serialize(json::object{{"conversation_id", id}, {"message", std::move(first)},
                                                            {"messages", std::move(messages)}}));
}

std::string AgentRoutes::survey_for(const store::ResponseClock& c) const {
  for (const auto& channel : config_.channels) {
    if (channel.settings.id != c.channel || !channel.csat) continue;
    // In the conversation's language, else English, else the first the channel has.
    const auto& templates = channel.csat->templates;
    // No templates: the customer rates in the channel's own panel (web chat); nothing is sent, the answer is awaited.
    if (templates.empty()) return json::serialize(json::object{{"text", ""}, {"window_ms", channel.csat->window.count()}});
    auto it = templates.find(c.language);
    if (it == templates.end()) it = templates.find("en");
    if (it == templates.end()) it = templates.begin();
    return json::serialize(json::object{{"text", it->second}, {"window_ms", channel.csat->window.count()}});
  }
  return "";
}

void AgentRoutes::count_response(const reports::Record& record) {
  if (record.json.empty()) return;
  metrics_.counter("omniroute_responses_total", {{"queue", record.queue},
                                                 {"measure", std::string(record.kind)},
                                                 {"result", std::string(record.met)}}).inc();
}

std::vector<double> AgentRoutes::first_response_buckets(const std::string& queue) const {
  // A bucket edge at each first-response target of the queue (every priority's): the share answered in time
  // then reads exactly from Prometheus (bucket{le=target} / count), not interpolated between edges.
  std::vector<double> edges = metrics::wait_buckets();
  for (const auto& q : config_.queues) {
    if (q.id != queue || !q.sla) continue;
    auto add = [&edges](const config::SlaTargets& t) {
      if (t.first_response.count() > 0) edges.push_back(static_cast<double>(t.first_response.count()));
    };
    add(q.sla->targets);
    for (const auto& [priority, targets] : q.sla->priorities) add(targets);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

asio::awaitable<Response> AgentRoutes::resolve(const std::string& agent, const std::string& id) {
  const std::int64_t now = now_ms();
  store::StoreResult<store::ResolveOutcome> r = unexpected(store::StoreError{});
  reports::Record record;
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {  // as in reply(): the record matches the resolve
    auto clock = co_await conversations_.response_clock(id);
    if (!clock) co_return unavailable();
    record = *clock ? recorder_.for_resolution(**clock, now) : reports::Record{};
    const std::string survey = *clock ? survey_for(**clock) : "";
    r = co_await conversations_.resolve(id, agent, now, record.json, survey);
    if (!r || *r != store::ResolveOutcome::stale) break;
  }
  if (!r) co_return unavailable();
  switch (*r) {
    case store::ResolveOutcome::not_found: co_return json_error(404, "not_found", "no conversation '" + id + "'");
    case store::ResolveOutcome::forbidden: co_return json_error(403, "forbidden", "conversation '" + id + "' is not assigned to you");
    case store::ResolveOutcome::already_resolved: co_return json_error(409, "conversation_resolved", "conversation '" + id + "' is already resolved");
    case store::ResolveOutcome::stale: co_return busy();
    case store::ResolveOutcome::resolved: break;
  }
  count_response(record);
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
  using Target = store::TransferTarget;
  Target target = queue.empty() ? Target{Target::Kind::agent, to_agent} : Target{Target::Kind::queue, queue};
  auto r = co_await conversations_.transfer(id, agent, target, now_ms());
  if (!r) co_return unavailable();
  using Moved = store::TransferOutcome;
  switch (*r) {
    case Moved::not_found: co_return refusal("not_found", id).value();
    case Moved::forbidden: co_return refusal("forbidden", id).value();
    case Moved::resolved: co_return refusal("resolved", id).value();
    case Moved::no_target:
      co_return json_error(404, "unknown_target", "no such " + std::string(queue.empty() ? "agent" : "queue"));
    case Moved::no_room:
      co_return json_error(409, "agent_unavailable", "agent '" + to_agent + "' is not available or has no room");
    case Moved::not_assigned:
      co_return json_error(409, "not_assigned", "conversation '" + id + "' is not assigned to anyone");
    case Moved::transferred: break;
  }
  if (!queue.empty()) co_await assigner_.route_queue(queue, true);
  if (agent != "*") co_await assigner_.route_for_agent(agent);  // capacity was freed
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"transferred_to", queue.empty() ? to_agent : queue}}));
}

asio::awaitable<Response> AgentRoutes::note(const Caller& caller, const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  const std::string given = string_field(*body, "text");
  if (given.empty()) co_return json_error(400, "missing_field", "'text' is required");
  auto text = to_nfc(given);
  if (!text) co_return json_error(400, "invalid_utf8", "'text' is not valid UTF-8");
  if (text->size() > 65536) co_return json_error(400, "note_too_long", "a note is at most 65,536 bytes");
  // A named admin or supervisor signs their notes; the shared admin token writes as "supervisor".
  const std::string author = !caller.is_admin() ? caller.agent
                             : caller.actor.empty() || caller.actor == "token" ? std::string("supervisor") : caller.actor;
  std::int64_t now = now_ms();
  auto r = co_await conversations_.note(id, author, *text, caller.is_admin(), now);
  if (!r) co_return unavailable();
  using S = store::AnnotateOutcome::Status;
  if (r->status == S::not_found) co_return refusal("not_found", id).value();
  if (r->status != S::done) co_return refusal("forbidden", id).value();
  co_return json_response(201, json::serialize(json::object{
                                   {"conversation_id", id},
                                   {"message", json::object{{"id", r->value}, {"direction", "out"}, {"kind", "note"},
                                                            {"text", *text}, {"at", format_rfc3339_ms(now)},
                                                            {"author", author}, {"attachments", json::array{}}}}}));
}

asio::awaitable<Response> AgentRoutes::label(const Caller& caller, const std::string& id, const std::string& label,
                                             bool add) {
  if (label.empty() || label.size() > 40 || !config::is_identifier(label)) {
    co_return json_error(400, "invalid_label", "a label is 1 to 40 letters, digits, '_' or '-'");
  }
  const std::string who = caller.is_admin() ? "supervisor" : caller.agent;
  auto r = co_await conversations_.label(id, who, label, add, caller.is_admin(), now_ms());
  if (!r) co_return unavailable();
  using S = store::AnnotateOutcome::Status;
  if (r->status == S::not_found) co_return refusal("not_found", id).value();
  if (r->status == S::forbidden) co_return refusal("forbidden", id).value();
  if (r->status == S::too_many) co_return json_error(409, "too_many_labels", "a conversation has at most 20 labels");
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"labels", comma_list_json(r->value)}}));
}

}  // namespace omniroute::agent_api
