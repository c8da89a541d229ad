#include "routing/assigner.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "routing/agent_directory.hpp"
#include "store/scripts.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::routing {

namespace asio = boost::asio;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxAssignmentsPerCall = 100;

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

}  // namespace

Assigner::Assigner(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics)
    : config_(config), store_(store), pools_(config), metrics_(metrics), sweep_timer_(store.client().executor()) {
  std::map<std::string, Medium> medium_of_channel;
  for (const auto& c : config.channels) medium_of_channel[c.settings.id] = c.medium;
  for (const auto& q : config.queues) {
    queue_wait_[q.id] = &metrics.histogram("omniroute_queue_wait_seconds", {{"queue", q.id}}, metrics::wait_buckets());
    std::set<std::string> media;
    for (const auto& ch : q.channels) media.insert(std::string(to_string(medium_of_channel[ch])));
    if (media.empty()) media = {"sms", "chat", "email"};  // a queue only transfers reach
    media_of_queue_[q.id] = {media.begin(), media.end()};
  }
  for (const auto& q : config.queues) queue_config_[q.id] = &q;
}

asio::awaitable<bool> Assigner::sync_configuration() {
  const auto& keys = store_.keys();
  for (const auto& q : config_.queues) {
    std::vector<std::string> cmd{"HSET", keys.queues(), q.id, std::string(config::to_string(q.strategy))};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) co_return false;
  }
  std::set<std::string> configured;
  for (const auto& a : config_.agents) {
    configured.insert(a.id);
    AgentSpec spec{a.id, a.name, a.skills, a.capacity, AgentDirectory::digest_hex(a.token), "config"};
    if (auto r = co_await save_agent(spec, SaveMode::upsert); !r || *r != "ok") {
      log::warn("routing: cannot sync agent " + a.id + ": " + (r ? *r : "Redis unavailable"));
      co_return false;
    }
  }
  // Agents an earlier configuration listed and this one does not: removed (their conversations requeue).
  std::vector<std::string> members{"SMEMBERS", keys.agents()};
  auto [ids] = co_await store_.client().async_command(std::move(members), kAwait);
  if (!ids || ids->is_error()) co_return false;
  for (const auto& id : ids->elements) {
    if (configured.count(id.str)) continue;
    std::vector<std::string> cmd{"HGET", keys.agent(id.str), "source"};
    auto [source] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (!source || source->str != "config") continue;
    if (co_await delete_agent(id.str, "config") == "deleted") {
      log::info("routing: agent " + id.str + " is no longer in the configuration; removed");
    }
  }
  co_return true;
}

asio::awaitable<std::optional<std::string>> Assigner::save_agent(const AgentSpec& a, SaveMode mode) {
  const auto& keys = store_.keys();
  auto cap = [&](Medium m) {
    auto it = a.capacity.find(m);
    return std::to_string(it == a.capacity.end() ? 0 : it->second);
  };
  std::string skills;
  for (const auto& s : a.skills) skills += (skills.empty() ? "" : ",") + s;
  const char* mode_name = mode == SaveMode::create ? "create" : mode == SaveMode::update ? "update" : "upsert";
  // Vectors built before the co_await: GCC 12 cannot keep initializer lists alive across one.
  std::vector<std::string> k{keys.agent(a.id)};
  std::vector<std::string> args{keys.prefix(), a.id, a.name, skills, cap(Medium::sms), cap(Medium::chat),
                                cap(Medium::email), join(pools_.for_agent(a.skills)), std::to_string(now_ms()),
                                a.token_sha256, a.source, mode_name};
  auto [r] = co_await store::async_eval(store_.client(), store::agent_sync_script(), std::move(k), std::move(args),
                                        kAwait);
  if (!r || r->is_error()) co_return std::nullopt;
  if (r->str == "ok") co_await route_for_agent(a.id);  // new skills or room may match someone waiting
  co_return r->str;
}

asio::awaitable<std::optional<std::string>> Assigner::delete_agent(const std::string& id, const std::string& source) {
  const auto& keys = store_.keys();
  std::vector<std::string> queues{"SMEMBERS", keys.agent_pools(id)};
  auto [served] = co_await store_.client().async_command(std::move(queues), kAwait);
  std::vector<std::string> k{keys.agent(id)};
  std::vector<std::string> args{keys.prefix(), id, std::to_string(now_ms()), std::to_string(store::kEventsMaxLength),
                                source};
  auto [r] = co_await store::async_eval(store_.client(), store::agent_delete_script(), std::move(k), std::move(args),
                                        kAwait);
  if (!r || r->is_error()) co_return std::nullopt;
  if (r->str == "deleted" && served && !served->is_error()) {
    // Their conversations are waiting again: route the queues they served.
    std::set<std::string> routed;
    for (const auto& pool : served->elements) {
      std::string queue(queue_of_pool(pool.str));
      if (routed.insert(queue).second) co_await route_queue(queue, true);
    }
  }
  co_return r->str;
}

asio::awaitable<void> Assigner::route_queue(std::string queue, bool every_medium) {
  static const std::vector<std::string> kEveryMedium{"sms", "chat", "email"};
  auto it = media_of_queue_.find(queue);
  if (it == media_of_queue_.end()) co_return;
  const std::vector<std::string>* media = every_medium ? &kEveryMedium : &it->second;
  const config::QueueConfig* q = queue_config_[queue];
  for (const auto& skills : pools_.skill_keys()) {
    std::string pool = pool_name(queue, skills);
    for (const auto& medium : *media) {
      co_await route_pass(queue, pool, pool, medium, "");
      if (q && !q->overflow_queue.empty()) {
        // Waited long enough: the overflow queue's agents (with the same skills) may take it too.
        auto cutoff = now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(q->overflow_after).count();
        co_await route_pass(queue, pool, pool_name(q->overflow_queue, skills), medium, std::to_string(cutoff));
      }
    }
  }
}

asio::awaitable<void> Assigner::route_pass(const std::string& queue, const std::string& pool,
                                           const std::string& agents_of, const std::string& medium,
                                           const std::string& cutoff_ms) {
  const auto& keys = store_.keys();
  {
    std::int64_t now = now_ms();
    std::vector<std::string> k{keys.waiting(pool, medium), keys.available(agents_of, medium)};
    const config::QueueConfig* q = queue_config_[queue];
    std::vector<std::string> args{keys.prefix(), queue, medium, std::to_string(now),
                                  std::to_string(kMaxAssignmentsPerCall), std::to_string(store::kEventsMaxLength),
                                  std::to_string(config_.sticky_window.count()), cutoff_ms,
                                  std::to_string(q ? q->offer_timeout.count() : 0)};
    auto [r] = co_await store::async_eval(store_.client(), store::route_script(), std::move(k), std::move(args), kAwait);
    if (!r || r->is_error()) {
      log::debug("routing: " + pool + "/" + medium + ": " + (r ? r->str : r.error().message));
      co_return;
    }
    for (size_t i = 0; i + 3 < r->elements.size(); i += 4) {
      const std::string &conv = r->elements[i].str, &agent = r->elements[i + 1].str, &kind = r->elements[i + 3].str;
      if (kind == "assigned") {
        observe_wait(queue, static_cast<double>(now - std::atoll(r->elements[i + 2].str.c_str())) / 1000.0);
      }
      log::debug("routing: " + conv + " " + kind + " → " + agent);
    }
  }
}

void Assigner::observe_wait(const std::string& queue, double seconds) {
  auto it = queue_wait_.find(queue);
  if (it != queue_wait_.end()) it->second->observe(std::max(0.0, seconds));
}

void Assigner::count_offer(const std::string& queue, const std::string& outcome) {
  metrics_.counter("omniroute_offers_total", {{"queue", queue}, {"outcome", outcome}}).inc();
}

asio::awaitable<void> Assigner::sweep_offers() {
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()), std::to_string(store::kEventsMaxLength),
                                "1000"};
  auto [r] = co_await store::async_eval(store_.client(), store::offers_expire_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (!r || r->type != store::Reply::Type::array) co_return;
  for (size_t i = 0; i + 2 < r->elements.size(); i += 3) {
    count_offer(r->elements[i + 2].str, "expired");
    log::info("routing: offer of " + r->elements[i].str + " to " + r->elements[i + 1].str +
              " expired; offered to the next agent, and " + r->elements[i + 1].str + " set away");
  }
}

asio::awaitable<void> Assigner::route_for_agent(std::string agent) {
  std::vector<std::string> cmd{"SMEMBERS", store_.keys().agent_pools(agent)};
  auto [pools] = co_await store_.client().async_command(std::move(cmd), kAwait);
  if (!pools || pools->is_error()) co_return;
  std::set<std::string> queues;
  for (const auto& p : pools->elements) queues.insert(std::string(queue_of_pool(p.str)));
  std::vector<std::string> order(queues.begin(), queues.end());
  // Queues that overflow into one this agent serves may now reach them too.
  for (const auto& q : config_.queues) {
    if (!q.overflow_queue.empty() && queues.count(q.overflow_queue) && !queues.count(q.id)) order.push_back(q.id);
  }
  for (const auto& q : order) co_await route_queue(q, true);
}

void Assigner::start_sweep() {
  asio::co_spawn(sweep_timer_.get_executor(), sweep(), logged("routing: sweep"));
}

void Assigner::stop() {
  stopped_ = true;
  sweep_timer_.cancel();
}

asio::awaitable<void> Assigner::sweep_presence() {
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()),
                                std::to_string(config_.offline_grace.count()), std::to_string(store::kEventsMaxLength)};
  auto [r] = co_await store::async_eval(store_.client(), store::presence_sweep_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (r && r->type == store::Reply::Type::array) {
    for (const auto& agent : r->elements) {
      log::info("routing: agent " + agent.str + " went offline (event socket lost); their conversations were requeued");
    }
  }
}

asio::awaitable<void> Assigner::sweep() {
  while (!stopped_) {
    sweep_timer_.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await sweep_timer_.async_wait(kAwait);
    if (ec || stopped_) break;
    if (!store_.client().connected()) continue;
    co_await sweep_presence();
    co_await sweep_offers();
    for (const auto& q : config_.queues) co_await route_queue(q.id, true);
  }
}

}  // namespace omniroute::routing
