#include "routing/assigner.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "routing/agent_directory.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::routing {

namespace asio = boost::asio;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxAssignmentsPerCall = 100;
constexpr int kMaxOffersExpiredPerSweep = 1000;

Assigner::Assigner(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics,
                   TaskGroup& tasks)
    : config_(config), store_(store), agents_(store.client(), store.keys()), tasks_(tasks), pools_(config),
      metrics_(metrics),
      sweep_timer_(store.client().executor()) {
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
  for (const auto& q : config_.queues) {
    if (!co_await agents_.set_queue_strategy(q.id, std::string(config::to_string(q.strategy)))) co_return false;
  }
  std::set<std::string> configured;
  for (const auto& a : config_.agents) {
    configured.insert(a.id);
    AgentSpec spec{a.id, a.name, a.skills, a.capacity, AgentDirectory::digest_hex(a.token), "config"};
    auto r = co_await save_agent(spec, SaveMode::upsert);
    if (!r || *r != store::SaveOutcome::ok) {
      log::warn("routing: cannot sync agent " + a.id + (r ? " (refused)" : ": " + r.error().message));
      co_return false;
    }
  }
  // Agents an earlier configuration listed and this one does not: removed (their conversations requeue).
  auto ids = co_await agents_.ids();
  if (!ids) co_return false;
  for (const auto& id : *ids) {
    if (configured.count(id)) continue;
    auto source = co_await agents_.source_of(id);
    if (!source || *source != "config") continue;
    auto removed = co_await delete_agent(id, "config");
    if (removed && *removed == store::RemoveOutcome::removed) {
      log::info("routing: agent " + id + " is no longer in the configuration; removed");
    }
  }
  co_return true;
}

asio::awaitable<store::StoreResult<store::SaveOutcome>> Assigner::save_agent(const AgentSpec& a, SaveMode mode) {
  auto cap = [&](Medium m) {
    auto it = a.capacity.find(m);
    return it == a.capacity.end() ? 0 : it->second;
  };
  store::AgentRecord record{a.id,           a.name,           a.skills, cap(Medium::sms), cap(Medium::chat),
                            cap(Medium::email), pools_.for_agent(a.skills), a.token_sha256, a.source};
  auto r = co_await agents_.save(record, mode, now_ms());
  if (r && *r == store::SaveOutcome::ok) co_await route_for_agent(a.id);  // new skills or room may match someone waiting
  co_return r;
}

asio::awaitable<store::StoreResult<store::RemoveOutcome>> Assigner::delete_agent(const std::string& id,
                                                                                 const std::string& source) {
  auto served = co_await agents_.pools_of(id);
  auto r = co_await agents_.remove(id, source, now_ms());
  if (r && *r == store::RemoveOutcome::removed && served) {
    // Their conversations are waiting again: route the queues they served.
    std::set<std::string> routed;
    for (const auto& pool : *served) {
      std::string queue(queue_of_pool(pool));
      if (routed.insert(queue).second) co_await route_queue(queue, true);
    }
  }
  co_return r;
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
      co_await route_pass(queue, pool, pool, medium, std::nullopt);
      if (q && !q->overflow_queue.empty()) {
        // Waited long enough: the overflow queue's agents (with the same skills) may take it too.
        auto cutoff = now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(q->overflow_after).count();
        co_await route_pass(queue, pool, pool_name(q->overflow_queue, skills), medium, cutoff);
      }
    }
  }
}

asio::awaitable<void> Assigner::route_pass(const std::string& queue, const std::string& pool,
                                           const std::string& agents_of, const std::string& medium,
                                           std::optional<std::int64_t> cutoff_ms) {
  const config::QueueConfig* q = queue_config_[queue];
  store::RoutePass pass{queue,    pool,    agents_of, medium, now_ms(), kMaxAssignmentsPerCall,
                        config_.sticky_window.count(), cutoff_ms, q ? q->offer_timeout.count() : 0};
  auto r = co_await agents_.route(pass);
  if (!r) {
    log::debug("routing: " + pool + "/" + medium + ": " + r.error().message);
    co_return;
  }
  for (const auto& a : *r) {
    if (!a.offered) observe_wait(queue, static_cast<double>(pass.now_ms - a.queued_at_ms) / 1000.0);
    log::debug("routing: " + a.conversation + (a.offered ? " offered" : " assigned") + " → " + a.agent);
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
  auto r = co_await agents_.expire_offers(now_ms(), kMaxOffersExpiredPerSweep);
  if (!r) co_return;
  for (const auto& o : *r) {
    count_offer(o.queue, "expired");
    log::info("routing: offer of " + o.conversation + " to " + o.agent + " expired; offered to the next agent, and " +
              o.agent + " set away");
  }
}

asio::awaitable<void> Assigner::route_for_agent(std::string agent) {
  auto pools = co_await agents_.pools_of(agent);
  if (!pools) co_return;
  std::set<std::string> queues;
  for (const auto& p : *pools) queues.insert(std::string(queue_of_pool(p)));
  std::vector<std::string> order(queues.begin(), queues.end());
  // Queues that overflow into one this agent serves may now reach them too.
  for (const auto& q : config_.queues) {
    if (!q.overflow_queue.empty() && queues.count(q.overflow_queue) && !queues.count(q.id)) order.push_back(q.id);
  }
  for (const auto& q : order) co_await route_queue(q, true);
}

void Assigner::start_sweep() {
  tasks_.spawn(sweep(), "routing: sweep");
}

void Assigner::stop() {
  stopped_ = true;
  sweep_timer_.cancel();
}

asio::awaitable<void> Assigner::sweep_presence() {
  auto r = co_await agents_.sweep_presence(now_ms(), config_.offline_grace.count());
  if (!r) co_return;
  for (const auto& agent : *r) {
    log::info("routing: agent " + agent + " went offline (event socket lost); their conversations were requeued");
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
