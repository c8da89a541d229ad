#include "sla/monitor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "sla/alert_sinks.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::sla {

namespace asio = boost::asio;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {
constexpr auto kTick = std::chrono::milliseconds(250);   // deadlines fire within a second of their time
constexpr std::int64_t kLateAfterMs = 5'000;              // later than this: the daemons were down
constexpr long kAlertsMaxLength = 100'000;
constexpr std::int64_t kReclaimAfterMs = 30'000;
}  // namespace

Monitor::Monitor(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics,
                 std::string consumer, TaskGroup& tasks)
    : config_(config), store_(store), sla_(store.client(), store.keys()), tasks_(tasks), metrics_(metrics),
      consumer_(std::move(consumer)),
      http_(store.client().executor()), policies_(config) {}

void Monitor::start() {
  tasks_.spawn(claim_loop(), "sla: claiming deadlines");
  for (const auto& sink : config_.alerts) tasks_.spawn(sink_loop(sink), "sla: alert sink " + sink.id);
}

void Monitor::stop() {
  stopped_ = true;
  http_.cancel_all();
}

asio::awaitable<void> Monitor::claim_loop() {
  asio::steady_timer wait(store_.client().executor());
  bool watch_queues = std::any_of(config_.queues.begin(), config_.queues.end(), [](const config::QueueConfig& q) {
    return q.alert_when.oldest_wait.count() > 0 || q.alert_when.depth > 0;
  });
  for (std::uint64_t tick = 0; !stopped_; ++tick) {
    wait.expires_after(kTick);
    co_await wait.async_wait(kAwait);
    if (stopped_ || !store_.client().connected()) continue;
    // Nothing fires before every sink's group exists: a group made later starts after what fired.
    if (groups_ready_ < config_.alerts.size()) continue;
    if (policies_.any_next_response()) co_await schedule_next_responses();
    co_await claim_due();
    if (watch_queues && tick % 4 == 0) co_await check_queues();
  }
}

asio::awaitable<void> Monitor::claim_due() {
  auto fired = co_await sla_.fire_due(now_ms(), 500, kLateAfterMs, kAlertsMaxLength);
  if (!fired) co_return;
  for (const auto& f : *fired) {
    metrics_.counter("omniroute_sla_alerts_total", {{"queue", f.queue}, {"kind", f.kind}}).inc();
  }
}

asio::awaitable<void> Monitor::schedule_next_responses() {
  // Customers who wrote again after a reply: their next-response deadlines, in working time.
  auto started = co_await sla_.clock_starts(200);
  if (!started || started->empty()) co_return;
  std::vector<store::ClockDeadline> deadlines;
  for (const auto& c : *started) {
    std::int64_t since = std::atoll(c.since.c_str());
    auto d = policies_.deadline(c.queue, priority_named(c.priority), config::SlaTarget::next_response, since);
    deadlines.push_back({c.conversation, c.since, d ? std::optional(d->due_ms) : std::nullopt,
                         d ? std::optional(d->warn_ms) : std::nullopt});
  }
  co_await sla_.schedule(deadlines);
}

asio::awaitable<void> Monitor::check_queues() {
  std::vector<store::QueueAlertRule> rules;
  for (const auto& q : config_.queues) {
    const auto& w = q.alert_when;
    if (w.oldest_wait.count() == 0 && w.depth == 0) continue;
    rules.push_back({q.id, static_cast<std::int64_t>(w.oldest_wait.count()) * 1000, static_cast<long>(w.depth),
                     w.clear_at});
  }
  auto alerts = co_await sla_.check_queues(now_ms(), kAlertsMaxLength, rules);
  if (!alerts) co_return;
  for (const auto& a : *alerts) {
    if (a.type == "queue.recovered") continue;
    std::string measure = a.type.substr(6);  // after "queue."
    metrics_.counter("omniroute_queue_alerts_total", {{"queue", a.queue}, {"measure", measure}}).inc();
  }
}

bool Monitor::wants(const config::AlertSink& sink, const Alert& alert) const {
  auto has = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  return has(sink.queues, alert.queue) && has(sink.kinds, alert_kind(alert));
}

asio::awaitable<void> Monitor::sink_loop(const config::AlertSink& sink) {
  const std::string group = "sink:" + sink.id;
  asio::steady_timer wait(store_.client().executor());
  // The group starts at the stream's end when first made; from then on nothing fired is missed.
  for (;;) {
    if (stopped_) co_return;
    if (!store_.client().connected()) {  // woken the moment it comes up
      co_await store_.client().async_wait_connected(std::chrono::seconds(1), asio::use_awaitable);
      continue;
    }
    if (co_await sla_.ensure_alert_group(group)) {
      ++groups_ready_;
      break;
    }
    wait.expires_after(kTick);  // Redis answered but refused: retry shortly
    co_await wait.async_wait(kAwait);
  }
  auto last_reclaim = std::chrono::steady_clock::now();
  while (!stopped_) {
    std::optional<std::int64_t> reclaim;
    if (std::chrono::steady_clock::now() - last_reclaim > std::chrono::seconds(5)) {
      last_reclaim = std::chrono::steady_clock::now();
      reclaim = kReclaimAfterMs;
    }
    auto entries = co_await sla_.read_alerts(group, consumer_, 50, reclaim);
    if (entries) {
      for (auto& e : *entries) {
        // Our own entry still being retried comes back through XAUTOCLAIM: it has one delivery already.
        if (!in_flight_.insert({sink.id, e.id}).second) continue;
        std::string id = e.id;  // read before `e` moves: argument order is unspecified
        tasks_.spawn(deliver(sink, std::move(id), std::move(e)), "sla: delivering an alert to " + sink.id);
      }
    }
    if (!entries || entries->empty()) {
      wait.expires_after(kTick);
      co_await wait.async_wait(kAwait);
    }
  }
}

asio::awaitable<bool> Monitor::attempt(const config::AlertSink& sink, const Alert& alert) {
  const AlertSinkKind* kind = find_alert_sink_kind(sink.kind);  // every configured kind is known (checked at load)
  std::optional<HttpCall> call = kind ? kind->deliver(sink, alert, policies_) : std::nullopt;
  if (!call) co_return true;  // delivered in place (the log), or nothing can ever be sent
  auto [answer] = co_await http_.async_perform(*call, kAwait);
  if (answer.status >= 200 && answer.status < 300) co_return true;
  log::warn("alert sink " + sink.id + ": " +
            (answer.status ? "answered " + std::to_string(answer.status) : answer.error) + "; retrying");
  co_return false;
}

asio::awaitable<void> Monitor::deliver(const config::AlertSink& sink, std::string id, Alert alert) {
  const std::string group = "sink:" + sink.id;
  struct Done {
    Monitor& m;
    std::pair<std::string, std::string> key;
    ~Done() { m.in_flight_.erase(key); }
  } done{*this, {sink.id, id}};
  asio::steady_timer wait(store_.client().executor());
  if (wants(sink, alert)) {
    // Until the sink takes it: 1 s, 2 s, 4 s … at most 60 s apart.
    for (int attempt_no = 0; !stopped_; ++attempt_no) {
      if (co_await attempt(sink, alert)) break;
      // Still ours: reset its idle time so no other instance claims it while we retry.
      co_await sla_.keep_alert(group, consumer_, id);
      wait.expires_after(std::chrono::milliseconds(std::min<std::int64_t>(60'000, 1000LL << std::min(attempt_no, 6))));
      co_await wait.async_wait(kAwait);
    }
  }
  if (stopped_) co_return;  // not acknowledged: another instance (or the next start) delivers it
  co_await sla_.ack_alert(group, id);
}

}  // namespace omniroute::sla
