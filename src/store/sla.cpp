#include "store/sla.hpp"

#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using detail::run;

asio::awaitable<StoreResult<std::vector<FiredDeadline>>> Sla::fire_due(std::int64_t now_ms, int limit,
                                                                       std::int64_t late_after_ms, long alerts_max) {
  SlaClaimCall call;
  call.prefix = keys_.prefix();
  call.now = std::to_string(now_ms);
  call.limit = std::to_string(limit);
  call.late_after = std::to_string(late_after_ms);
  call.alerts_max = std::to_string(alerts_max);
  auto r = co_await run(client_, sla_claim_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<FiredDeadline> out;
  for (auto& fired : SlaClaimItem::all(*r)) out.push_back({std::move(fired.stage), std::move(fired.queue)});
  co_return out;
}

asio::awaitable<StoreResult<std::vector<ClockStart>>> Sla::clock_starts(int limit) {
  SlaStartsCall call;
  call.prefix = keys_.prefix();
  call.limit = std::to_string(limit);
  auto r = co_await run(client_, sla_starts_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<ClockStart> out;
  for (auto& s : SlaStartsItem::all(*r)) {
    out.push_back({std::move(s.conversation), std::move(s.since), std::move(s.queue), std::move(s.priority)});
  }
  co_return out;
}

asio::awaitable<StoreResult<Done>> Sla::schedule(const std::vector<ClockDeadline>& deadlines) {
  if (deadlines.empty()) co_return Done{};
  SlaScheduleCall call;
  call.prefix = keys_.prefix();
  auto ms = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  for (const auto& d : deadlines) {
    call.clocks.insert(call.clocks.end(), {d.conversation, d.since, ms(d.due_ms), ms(d.warn_ms)});
  }
  auto r = co_await detail::run_declared<SlaScheduleResult>(client_, sla_schedule_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<QueueAlert>>> Sla::check_queues(std::int64_t now_ms, long alerts_max,
                                                                        const std::vector<QueueAlertRule>& rules) {
  QueueCheckCall call;
  call.prefix = keys_.prefix();
  call.now = std::to_string(now_ms);
  call.alerts_max = std::to_string(alerts_max);
  for (const auto& q : rules) {
    call.rules.insert(call.rules.end(), {q.queue, std::to_string(q.oldest_wait_ms), std::to_string(q.depth),
                                         std::to_string(q.clear_at)});
  }
  auto r = co_await run(client_, queue_check_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<QueueAlert> out;
  for (auto& alert : QueueCheckItem::all(*r)) out.push_back({std::move(alert.type), std::move(alert.queue)});
  co_return out;
}

asio::awaitable<StoreResult<Done>> Sla::ensure_alert_group(const std::string& group) {
  std::vector<std::string> create{"XGROUP", "CREATE", keys_.alerts(), group, "$", "MKSTREAM"};
  auto r = co_await detail::command(client_, std::move(create));
  // BUSYGROUP: it exists already (another daemon, or an earlier start, made it).
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<Alert>>> Sla::read_alerts(const std::string& group, const std::string& consumer,
                                                                  int count, std::optional<std::int64_t> reclaim_idle_ms) {
  auto r = co_await detail::read_group(client_, keys_.alerts(), group, consumer, count, reclaim_idle_ms);
  if (!r) co_return unexpected(r.error());
  std::vector<Alert> out;
  for (const auto& e : *r) out.push_back(alert_from(e));
  co_return out;
}

asio::awaitable<StoreResult<Done>> Sla::keep_alert(const std::string& group, const std::string& consumer,
                                                   const std::string& id) {
  std::vector<std::string> claim{"XCLAIM", keys_.alerts(), group, consumer, "0", id, "JUSTID"};
  auto r = co_await detail::command(client_, std::move(claim));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> Sla::ack_alert(const std::string& group, const std::string& id) {
  std::vector<std::string> ack{"XACK", keys_.alerts(), group, id};
  auto r = co_await detail::command(client_, std::move(ack));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

}  // namespace omniroute::store
