#include "store/agents.hpp"

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using detail::run;
using detail::strings_of;
using detail::unexpected_reply;

namespace {

std::string comma_joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

}  // namespace

asio::awaitable<StoreResult<Done>> Agents::set_queue_strategy(const std::string& queue, const std::string& strategy) {
  std::vector<std::string> hset{"HSET", keys_.queues(), queue, strategy};
  auto r = co_await detail::command(client_, std::move(hset));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<SaveOutcome>> Agents::save(const AgentRecord& a, SaveMode mode, std::int64_t now_ms) {
  AgentSyncCall call;
  call.agent_hash = keys_.agent(a.id);
  call.prefix = keys_.prefix();
  call.agent = a.id;
  call.name = a.name;
  call.skills = comma_joined(a.skills);
  call.cap_sms = std::to_string(a.capacity_sms);
  call.cap_chat = std::to_string(a.capacity_chat);
  call.cap_email = std::to_string(a.capacity_email);
  call.pools = comma_joined(a.pools);
  call.now = std::to_string(now_ms);
  call.token_sha256 = a.token_sha256;
  call.source = a.source;
  call.mode = mode == SaveMode::create ? "create" : mode == SaveMode::update ? "update" : "upsert";
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<AgentSyncResult>(client_, agent_sync_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = AgentSyncResult::Status;
  switch (r->status) {
    case R::ok: co_return SaveOutcome::ok;
    case R::exists: co_return SaveOutcome::exists;
    case R::not_found: co_return SaveOutcome::not_found;
    case R::config_managed: co_return SaveOutcome::config_managed;
    case R::token_in_use: co_return SaveOutcome::token_in_use;
  }
  co_return unexpected(StoreError{RedisFailure::closed, "agent_sync: unknown status"});
}

asio::awaitable<StoreResult<RemoveOutcome>> Agents::remove(const std::string& id, const std::string& source,
                                                           std::int64_t now_ms) {
  AgentDeleteCall call;
  call.agent_hash = keys_.agent(id);
  call.prefix = keys_.prefix();
  call.agent = id;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.source = source;
  auto r = co_await detail::run_declared<AgentDeleteResult>(client_, agent_delete_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = AgentDeleteResult::Status;
  switch (r->status) {
    case R::deleted: co_return RemoveOutcome::removed;
    case R::not_found: co_return RemoveOutcome::not_found;
    case R::config_managed: co_return RemoveOutcome::config_managed;
  }
  co_return unexpected(StoreError{RedisFailure::closed, "agent_delete: unknown status"});
}

asio::awaitable<StoreResult<std::vector<std::string>>> Agents::ids() {
  std::vector<std::string> members{"SMEMBERS", keys_.agents()};
  auto r = co_await detail::command(client_, std::move(members));
  if (!r) co_return unexpected(r.error());
  co_return strings_of(*r);
}

asio::awaitable<StoreResult<std::optional<std::string>>> Agents::agent_for_token(const std::string& token_sha256) {
  std::vector<std::string> hget{"HGET", keys_.agent_tokens(), token_sha256};
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return unexpected(r.error());
  if (r->type != Reply::Type::string || r->str.empty()) co_return std::optional<std::string>();
  co_return std::optional<std::string>(r->str);
}

asio::awaitable<StoreResult<std::string>> Agents::source_of(const std::string& id) {
  std::vector<std::string> hget{"HGET", keys_.agent(id), "source"};
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return unexpected(r.error());
  co_return r->str;
}

asio::awaitable<StoreResult<std::optional<std::string>>> Agents::stored_admin_digest() {
  std::vector<std::string> get{"GET", keys_.admin_token()};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  if (r->type != Reply::Type::string) co_return std::optional<std::string>();
  co_return std::optional<std::string>(r->str);
}

asio::awaitable<StoreResult<bool>> Agents::keep_admin_digest(const std::string& token_sha256) {
  std::vector<std::string> set{"SET", keys_.admin_token(), token_sha256, "NX"};
  auto r = co_await detail::command(client_, std::move(set));
  if (!r) co_return unexpected(r.error());
  co_return r->type != Reply::Type::nil;
}

asio::awaitable<StoreResult<Agents::Profile>> Agents::profile(const std::string& id) {
  std::vector<std::string> hmget{"HMGET", keys_.agent(id), "name", "status"};
  auto r = co_await detail::command(client_, std::move(hmget));
  if (!r) co_return unexpected(r.error());
  // HMGET: a missing field is nil, read as "".
  auto fields = reply_as<std::tuple<std::optional<std::string>, std::optional<std::string>>>(*r);
  if (!fields) co_return unexpected(unexpected_reply(*r, "HMGET"));
  auto& [name, status] = *fields;
  co_return Profile{name.value_or(""), status.value_or("")};
}

asio::awaitable<StoreResult<std::vector<std::string>>> Agents::pools_of(const std::string& id) {
  std::vector<std::string> members{"SMEMBERS", keys_.agent_pools(id)};
  auto r = co_await detail::command(client_, std::move(members));
  if (!r) co_return unexpected(r.error());
  co_return strings_of(*r);
}

asio::awaitable<StoreResult<std::vector<Assignment>>> Agents::route(const RoutePass& pass) {
  RouteCall call;
  call.waiting = keys_.waiting(pass.pool, pass.medium);
  call.avail = keys_.available(pass.agents_of, pass.medium);
  call.prefix = keys_.prefix();
  call.queue = pass.queue;
  call.medium = pass.medium;
  call.now = std::to_string(pass.now_ms);
  call.max_assignments = std::to_string(pass.max_assignments);
  call.events_max = std::to_string(kEventsMaxLength);
  call.sticky_window = std::to_string(pass.sticky_window_ms);
  call.cutoff = pass.cutoff_ms ? std::to_string(*pass.cutoff_ms) : std::string();
  call.offer_timeout = std::to_string(pass.offer_timeout_ms);
  auto r = co_await run(client_, route_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<Assignment> out;
  for (auto& a : RouteItem::all(*r)) {
    out.push_back({std::move(a.conversation), std::move(a.agent), a.queued_at, a.mode == "offered"});
  }
  co_return out;
}

asio::awaitable<StoreResult<std::vector<ExpiredOffer>>> Agents::expire_offers(std::int64_t now_ms, int limit) {
  OffersExpireCall call;
  call.prefix = keys_.prefix();
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.limit = std::to_string(limit);
  auto r = co_await run(client_, offers_expire_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<ExpiredOffer> out;
  for (auto& o : OffersExpireItem::all(*r)) out.push_back({std::move(o.conversation), std::move(o.agent), std::move(o.queue)});
  co_return out;
}

asio::awaitable<StoreResult<std::vector<std::string>>> Agents::sweep_presence(std::int64_t now_ms,
                                                                              std::int64_t grace_ms) {
  PresenceSweepCall call;
  call.prefix = keys_.prefix();
  call.now = std::to_string(now_ms);
  call.grace = std::to_string(grace_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<PresenceSweepResult>(client_, presence_sweep_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return std::move(r->agents);
}

}  // namespace omniroute::store
