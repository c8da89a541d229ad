#include "sla/monitor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "agent_api/conversation_json.hpp"
#include "sla/alert_sinks.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "store/scripts.hpp"
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
                 std::string consumer)
    : config_(config), store_(store), metrics_(metrics), consumer_(std::move(consumer)),
      http_(store.client().executor()), policies_(config) {}

void Monitor::start() {
  asio::co_spawn(store_.client().executor(), claim_loop(), logged("sla: claiming deadlines"));
  for (const auto& sink : config_.alerts) asio::co_spawn(store_.client().executor(), sink_loop(sink), logged("sla: alert sink " + sink.id));
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
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()), "500", std::to_string(kLateAfterMs),
                                std::to_string(kAlertsMaxLength)};
  auto [r] = co_await store::async_eval(store_.client(), store::sla_claim_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (!r || r->type != store::Reply::Type::array) co_return;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    metrics_.counter("omniroute_sla_alerts_total", {{"queue", r->elements[i + 1].str}, {"kind", r->elements[i].str}}).inc();
  }
}

asio::awaitable<void> Monitor::schedule_next_responses() {
  // Customers who wrote again after a reply: their next-response deadlines, in working time.
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), "200"};
  auto [r] = co_await store::async_eval(store_.client(), store::sla_starts_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (!r || r->type != store::Reply::Type::array || r->elements.empty()) co_return;
  std::vector<std::string> schedule{store_.keys().prefix()};
  for (size_t i = 0; i + 3 < r->elements.size(); i += 4) {
    const auto& e = r->elements;
    std::int64_t since = std::atoll(e[i + 1].str.c_str());
    auto d = policies_.deadline(e[i + 2].str, priority_named(e[i + 3].str), config::SlaTarget::next_response, since);
    schedule.insert(schedule.end(), {e[i].str, e[i + 1].str, d ? std::to_string(d->due_ms) : std::string(),
                                     d ? std::to_string(d->warn_ms) : std::string()});
  }
  std::vector<std::string> none;
  co_await store::async_eval(store_.client(), store::sla_schedule_script(), std::move(none), std::move(schedule), kAwait);
}

asio::awaitable<void> Monitor::check_queues() {
  std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()), std::to_string(kAlertsMaxLength)};
  for (const auto& q : config_.queues) {
    const auto& w = q.alert_when;
    if (w.oldest_wait.count() == 0 && w.depth == 0) continue;
    args.insert(args.end(), {q.id, std::to_string(w.oldest_wait.count() * 1000), std::to_string(w.depth),
                             std::to_string(w.clear_at)});
  }
  std::vector<std::string> keys;
  auto [r] = co_await store::async_eval(store_.client(), store::queue_check_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (!r || r->type != store::Reply::Type::array) co_return;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    if (r->elements[i].str == "queue.recovered") continue;
    std::string measure = r->elements[i].str.substr(6);  // after "queue."
    metrics_.counter("omniroute_queue_alerts_total", {{"queue", r->elements[i + 1].str}, {"measure", measure}}).inc();
  }
}

bool Monitor::wants(const config::AlertSink& sink, const Fields& alert) const {
  auto has = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  return has(sink.queues, alert.count("queue") ? alert.at("queue") : "") && has(sink.kinds, alert_kind(alert));
}

asio::awaitable<void> Monitor::sink_loop(const config::AlertSink& sink) {
  const std::string group = "sink:" + sink.id;
  asio::steady_timer wait(store_.client().executor());
  // The group starts at the stream's end when first made; from then on nothing fired is missed.
  for (;;) {
    if (stopped_) co_return;
    std::vector<std::string> cmd{"XGROUP", "CREATE", store_.keys().alerts(), group, "$", "MKSTREAM"};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (r && (!r->is_error() || r->str.starts_with("BUSYGROUP"))) {
      ++groups_ready_;
      break;
    }
    wait.expires_after(kTick);
    co_await wait.async_wait(kAwait);
  }
  auto last_reclaim = std::chrono::steady_clock::now();
  while (!stopped_) {
    bool reclaim = std::chrono::steady_clock::now() - last_reclaim > std::chrono::seconds(5);
    std::vector<std::string> cmd;
    if (reclaim) {
      last_reclaim = std::chrono::steady_clock::now();
      cmd = {"XAUTOCLAIM", store_.keys().alerts(), group, consumer_, std::to_string(kReclaimAfterMs), "0-0", "COUNT", "50"};
    } else {
      cmd = {"XREADGROUP", "GROUP", group, consumer_, "COUNT", "50", "STREAMS", store_.keys().alerts(), ">"};
    }
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    const store::Reply* entries = nullptr;
    if (r && r->type == store::Reply::Type::array) {
      if (reclaim && r->elements.size() >= 2) entries = &r->elements[1];
      if (!reclaim && !r->elements.empty() && r->elements[0].elements.size() >= 2) entries = &r->elements[0].elements[1];
    }
    if (entries) {
      for (const auto& e : entries->elements) {
        if (e.elements.size() < 2) continue;
        // Our own entry still being retried comes back through XAUTOCLAIM: it has one delivery already.
        if (!in_flight_.insert({sink.id, e.elements[0].str}).second) continue;
        asio::co_spawn(store_.client().executor(), deliver(sink, e.elements[0].str, agent_api::fields_of(e.elements[1])),
                       logged("sla: delivering an alert to " + sink.id));
      }
    }
    if (!entries || entries->elements.empty()) {
      wait.expires_after(kTick);
      co_await wait.async_wait(kAwait);
    }
  }
}

asio::awaitable<bool> Monitor::attempt(const config::AlertSink& sink, const Fields& alert) {
  const AlertSinkKind* kind = find_alert_sink_kind(sink.kind);  // every configured kind is known (checked at load)
  std::optional<HttpCall> call = kind ? kind->deliver(sink, alert, policies_) : std::nullopt;
  if (!call) co_return true;  // delivered in place (the log), or nothing can ever be sent
  auto [answer] = co_await http_.async_perform(*call, kAwait);
  if (answer.status >= 200 && answer.status < 300) co_return true;
  log::warn("alert sink " + sink.id + ": " +
            (answer.status ? "answered " + std::to_string(answer.status) : answer.error) + "; retrying");
  co_return false;
}

asio::awaitable<void> Monitor::deliver(const config::AlertSink& sink, std::string id, Fields alert) {
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
      std::vector<std::string> touch{"XCLAIM", store_.keys().alerts(), group, consumer_, "0", id, "JUSTID"};
      co_await store_.client().async_command(std::move(touch), kAwait);
      wait.expires_after(std::chrono::milliseconds(std::min<std::int64_t>(60'000, 1000LL << std::min(attempt_no, 6))));
      co_await wait.async_wait(kAwait);
    }
  }
  if (stopped_) co_return;  // not acknowledged: another instance (or the next start) delivers it
  std::vector<std::string> ack{"XACK", store_.keys().alerts(), group, id};
  co_await store_.client().async_command(std::move(ack), kAwait);
}

}  // namespace omniroute::sla
