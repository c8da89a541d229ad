#include "routing/assigner.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "store/scripts.hpp"

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

bool has_skills(const config::AgentConfig& agent, const std::vector<std::string>& required) {
  return std::all_of(required.begin(), required.end(), [&](const std::string& s) {
    return std::find(agent.skills.begin(), agent.skills.end(), s) != agent.skills.end();
  });
}
}  // namespace

Assigner::Assigner(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics)
    : config_(config), store_(store), sweep_timer_(store.client().executor()) {
  std::map<std::string, Medium> medium_of_channel;
  for (const auto& c : config.channels) medium_of_channel[c.settings.id] = c.medium;
  for (const auto& q : config.queues) {
    queue_wait_[q.id] = &metrics.histogram("omniroute_queue_wait_seconds", {{"queue", q.id}}, metrics::wait_buckets());
    std::set<std::string> media;
    for (const auto& ch : q.channels) media.insert(std::string(to_string(medium_of_channel[ch])));
    // A transfer can bring any medium into any queue.
    if (media.empty()) media = {"sms", "chat", "email"};
    media_of_queue_[q.id] = {media.begin(), media.end()};
  }
  for (const auto& q : config.queues) queue_config_[q.id] = &q;
  for (const auto& a : config.agents) {
    for (const auto& q : config.queues) {
      if (has_skills(a, q.skills)) queues_of_agent_[a.id].push_back(q.id);
    }
    // Routed when this agent frees up: their queues, and queues that overflow into one of them.
    const auto& mine = queues_of_agent_[a.id];
    routes_of_agent_[a.id] = mine;
    for (const auto& q : config.queues) {
      if (!q.overflow_queue.empty() && std::find(mine.begin(), mine.end(), q.overflow_queue) != mine.end() &&
          std::find(mine.begin(), mine.end(), q.id) == mine.end()) {
        routes_of_agent_[a.id].push_back(q.id);
      }
    }
  }
}

asio::awaitable<bool> Assigner::sync_configuration() {
  const auto& keys = store_.keys();
  for (const auto& q : config_.queues) {
    std::vector<std::string> cmd{"HSET", keys.queues(), q.id, std::string(config::to_string(q.strategy))};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (!r || r->is_error()) co_return false;
  }
  for (const auto& a : config_.agents) {
    auto cap = [&](Medium m) {
      auto it = a.capacity.find(m);
      return std::to_string(it == a.capacity.end() ? 0 : it->second);
    };
    // Vectors built before the co_await: GCC 12 cannot keep initializer lists alive across one.
    std::vector<std::string> k{keys.agent(a.id)};
    std::vector<std::string> args{keys.prefix(), a.id, a.name, join(a.skills), cap(Medium::sms), cap(Medium::chat),
                                  cap(Medium::email), join(queues_of_agent_[a.id]), std::to_string(now_ms())};
    auto [r] = co_await store::async_eval(store_.client(), store::agent_sync_script(), std::move(k), std::move(args),
                                          kAwait);
    if (!r || r->is_error()) {
      log::warn("routing: cannot sync agent " + a.id + ": " + (r ? r->str : r.error().message));
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> Assigner::route_queue(const std::string& queue) {
  auto media = media_of_queue_.find(queue);
  if (media == media_of_queue_.end()) co_return;
  const config::QueueConfig* q = queue_config_[queue];
  for (const auto& medium : media->second) {
    co_await route_pass(queue, queue, medium, "");
    if (q && !q->overflow_queue.empty()) {
      // Waited long enough: the overflow queue's agents may take it too.
      auto cutoff = now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(q->overflow_after).count();
      co_await route_pass(queue, q->overflow_queue, medium, std::to_string(cutoff));
    }
  }
}

asio::awaitable<void> Assigner::route_pass(const std::string& queue, const std::string& agents_of,
                                           const std::string& medium, const std::string& cutoff_ms) {
  const auto& keys = store_.keys();
  {
    std::int64_t now = now_ms();
    std::vector<std::string> k{keys.waiting(queue, medium), keys.available(agents_of, medium)};
    std::vector<std::string> args{keys.prefix(), queue, medium, std::to_string(now),
                                  std::to_string(kMaxAssignmentsPerCall), std::to_string(store::kEventsMaxLength),
                                  std::to_string(config_.sticky_window.count()), cutoff_ms};
    auto [r] = co_await store::async_eval(store_.client(), store::route_script(), std::move(k), std::move(args), kAwait);
    if (!r || r->is_error()) {
      log::debug("routing: " + queue + "/" + medium + ": " + (r ? r->str : r.error().message));
      co_return;
    }
    for (size_t i = 0; i + 2 < r->elements.size(); i += 3) {
      double waited = static_cast<double>(now - std::atoll(r->elements[i + 2].str.c_str())) / 1000.0;
      queue_wait_[queue]->observe(std::max(0.0, waited));
      log::debug("routing: " + r->elements[i].str + " → " + r->elements[i + 1].str);
    }
  }
}

asio::awaitable<void> Assigner::route_for_agent(const std::string& agent) {
  auto it = routes_of_agent_.find(agent);
  if (it == routes_of_agent_.end()) co_return;
  for (const auto& q : it->second) co_await route_queue(q);
}

void Assigner::start_sweep() {
  asio::co_spawn(sweep_timer_.get_executor(), sweep(), asio::detached);
}

void Assigner::stop() {
  stopped_ = true;
  sweep_timer_.cancel();
}

asio::awaitable<void> Assigner::sweep_presence() {
  if (config_.agents.empty()) co_return;
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()),
                                std::to_string(config_.offline_grace.count()), std::to_string(store::kEventsMaxLength)};
  for (const auto& a : config_.agents) args.push_back(a.id);
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
    for (const auto& q : config_.queues) co_await route_queue(q.id);
  }
}

}  // namespace omniroute::routing
