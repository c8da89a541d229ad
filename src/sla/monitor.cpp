#include "sla/monitor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "agent_api/conversation_json.hpp"
#include "common/signing.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "store/scripts.hpp"

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
      http_(store.client().executor()) {
  for (const auto& c : config.calendars) calendars_.emplace(c.id, BusinessCalendar(find_zone(c.timezone), c.week, c.holidays));
}

void Monitor::start() {
  asio::co_spawn(store_.client().executor(), claim_loop(), asio::detached);
  for (const auto& sink : config_.alerts) asio::co_spawn(store_.client().executor(), sink_loop(sink), asio::detached);
}

void Monitor::stop() {
  stopped_ = true;
  http_.cancel_all();
}

asio::awaitable<void> Monitor::claim_loop() {
  asio::steady_timer wait(store_.client().executor());
  while (!stopped_) {
    wait.expires_after(kTick);
    co_await wait.async_wait(kAwait);
    if (stopped_ || !store_.client().connected()) continue;
    std::vector<std::string> keys;
    std::vector<std::string> args{store_.keys().prefix(), std::to_string(now_ms()), "500", std::to_string(kLateAfterMs),
                                  std::to_string(kAlertsMaxLength)};
    auto [r] = co_await store::async_eval(store_.client(), store::sla_claim_script(), std::move(keys), std::move(args),
                                          kAwait);
    if (!r || r->type != store::Reply::Type::array) continue;
    for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
      std::string kind = r->elements[i].str == "sla.warning" ? "warning" : "breached";
      metrics_.counter("omniroute_sla_alerts_total", {{"queue", r->elements[i + 1].str}, {"kind", kind}}).inc();
    }
  }
}

bool Monitor::wants(const config::AlertSink& sink, const Fields& alert) const {
  auto has = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  std::string kind = alert.count("type") && alert.at("type") == "sla.warning" ? "warning" : "breached";
  return has(sink.queues, alert.count("queue") ? alert.at("queue") : "") && has(sink.kinds, kind);
}

std::string Monitor::alert_json(const Fields& a) const {
  auto get = [&](const char* k) { return a.count(k) ? a.at(k) : std::string(); };
  std::int64_t created = std::atoll(get("created_at").c_str()), fired = std::atoll(get("fired_at").c_str());
  std::int64_t target = 0, elapsed = (fired - created) / 1000;
  for (const auto& q : config_.queues) {
    if (q.id != get("queue") || !q.sla) continue;
    target = q.sla->first_response.count();
    if (auto cal = calendars_.find(q.sla->calendar); cal != calendars_.end()) {
      elapsed = cal->second.elapsed(Instant(Millis(created)), Instant(Millis(fired))).count() / 1000;
    }
  }
  return json::serialize(json::object{{"type", get("type")},
                                      {"conversation_id", get("conversation_id")},
                                      {"queue", get("queue")},
                                      {"channel", get("channel")},
                                      {"priority", get("priority")},
                                      {"target_seconds", target},
                                      {"elapsed_seconds", elapsed},
                                      {"due_at", format_rfc3339_ms(std::atoll(get("due_at").c_str()))},
                                      {"at", format_rfc3339_ms(fired)},
                                      {"late", get("late") == "1"}});
}

asio::awaitable<void> Monitor::sink_loop(const config::AlertSink& sink) {
  const std::string group = "sink:" + sink.id;
  asio::steady_timer wait(store_.client().executor());
  // The group starts at the stream's end when first made; from then on nothing fired is missed.
  for (;;) {
    if (stopped_) co_return;
    std::vector<std::string> cmd{"XGROUP", "CREATE", store_.keys().alerts(), group, "$", "MKSTREAM"};
    auto [r] = co_await store_.client().async_command(std::move(cmd), kAwait);
    if (r && (!r->is_error() || r->str.starts_with("BUSYGROUP"))) break;
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
                       asio::detached);
      }
    }
    if (!entries || entries->elements.empty()) {
      wait.expires_after(kTick);
      co_await wait.async_wait(kAwait);
    }
  }
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
    std::string body = alert_json(alert);
    if (sink.kind == "log") {
      log::warn("alert " + alert["type"] + ": conversation " + alert["conversation_id"] + " in queue " + alert["queue"] +
                " (" + alert["channel"] + ")" + (alert["late"] == "1" ? ", fired late" : ""));
    } else {  // webhook or slack (the configuration admits no other kind)
      HttpCall call;
      call.url = sink.url;
      call.headers.push_back({"Content-Type", "application/json"});
      if (sink.kind == "slack") {
        bool warning = alert["type"] == "sla.warning";
        std::string line = std::string(warning ? ":warning: First response due soon" : ":rotating_light: First response overdue") +
                           " — queue " + alert["queue"] + ", conversation " + alert["conversation_id"] + " (customer " +
                           alert["contact"] + ", channel " + alert["channel"] + ")" +
                           (alert["late"] == "1" ? "; noticed late, the router was down" : "");
        body = json::serialize(json::object{{"text", line}});
      } else if (!sink.secret.empty()) {
        call.headers.push_back({"X-Omniroute-Signature", "sha256=" + channels::hmac_sha256_hex(sink.secret, body)});
      }
      call.body = body;
      // Until the sink takes it: 1 s, 2 s, 4 s … at most 60 s apart.
      for (int attempt = 0; !stopped_; ++attempt) {
        auto [answer] = co_await asio::async_initiate<decltype(kAwait), void(outbound::HttpAnswer)>(
            [this, &call](auto handler) {
              auto h = std::make_shared<decltype(handler)>(std::move(handler));
              http_.perform(call, [h](outbound::HttpAnswer a) { std::move(*h)(std::move(a)); });
            },
            kAwait);
        if (answer.status >= 200 && answer.status < 300) break;
        log::warn("alert sink " + sink.id + ": " +
                  (answer.status ? "answered " + std::to_string(answer.status) : answer.error) + "; retrying");
        // Still ours: reset its idle time so no other instance claims it while we retry.
        std::vector<std::string> touch{"XCLAIM", store_.keys().alerts(), group, consumer_, "0", id, "JUSTID"};
        co_await store_.client().async_command(std::move(touch), kAwait);
        wait.expires_after(std::chrono::milliseconds(std::min<std::int64_t>(60'000, 1000LL << std::min(attempt, 6))));
        co_await wait.async_wait(kAwait);
      }
    }
  }
  if (stopped_) co_return;  // not acknowledged: another instance (or the next start) delivers it
  std::vector<std::string> ack{"XACK", store_.keys().alerts(), group, id};
  co_await store_.client().async_command(std::move(ack), kAwait);
}

}  // namespace omniroute::sla
