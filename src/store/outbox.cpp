#include "store/outbox.hpp"

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using detail::run;

asio::awaitable<StoreResult<Done>> Outbox::ensure_group() {
  std::vector<std::string> create{"XGROUP", "CREATE", keys_.outbox(), "senders", "0", "MKSTREAM"};
  auto r = co_await detail::command(client_, std::move(create));
  // BUSYGROUP: it exists already (another daemon, or an earlier start, made it).
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<OutboxItem>>> Outbox::read(const std::string& consumer, int count,
                                                                   std::optional<std::int64_t> reclaim_idle_ms) {
  auto r = co_await detail::read_group(client_, keys_.outbox(), "senders", consumer, count, reclaim_idle_ms);
  if (!r) co_return unexpected(r.error());
  std::vector<OutboxItem> out;
  for (const auto& e : *r) out.push_back(outbox_item_from(e));
  co_return out;
}

asio::awaitable<StoreResult<Done>> Outbox::record(const DeliveryRecord& d) {
  DeliveryCall call;
  call.delivery = keys_.delivery(d.conversation);
  call.outbox = keys_.outbox();
  call.dead_letters = keys_.dead_letters();
  call.events = keys_.events();
  call.message_id = d.message_id;
  call.status_json = d.status_json;
  call.entry_id = d.entry_id;
  call.final = d.final ? "1" : "0";
  call.dead = d.dead ? "1" : "0";
  call.conversation = d.conversation;
  call.status = d.status;
  call.now = std::to_string(d.now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  call.channel = d.channel;
  call.provider_id = d.provider_id;
  auto r = co_await detail::run_declared<DeliveryResult>(client_, delivery_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<StatusApplied>> Outbox::apply(const ProviderStatus& report) {
  DeliveryStatusCall call;
  call.prefix = keys_.prefix();
  call.channel = report.channel;
  call.provider_id = report.provider_id;
  call.status = report.status;
  call.reason = report.reason;
  call.at = std::to_string(report.at_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<DeliveryStatusResult>(client_, delivery_status_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = DeliveryStatusResult::Status;
  switch (r->status) {
    case R::applied: co_return StatusApplied::applied;
    case R::pending: co_return StatusApplied::pending;
    case R::unchanged: co_return StatusApplied::unchanged;
  }
  co_return StatusApplied::unchanged;
}

asio::awaitable<StoreResult<std::vector<DeadLetter>>> Outbox::dead_letters(long limit) {
  std::vector<std::string> newest{"XREVRANGE", keys_.dead_letters(), "+", "-", "COUNT", std::to_string(limit)};
  auto r = co_await detail::command(client_, std::move(newest));
  if (!r) co_return unexpected(r.error());
  co_return decoded_entries(*r, dead_letter_from);
}

asio::awaitable<StoreResult<RetryOutcome>> Outbox::retry(const std::string& entry_id, std::int64_t now_ms) {
  DeadRetryCall call;
  call.dead_letters = keys_.dead_letters();
  call.outbox = keys_.outbox();
  call.events = keys_.events();
  call.prefix = keys_.prefix();
  call.entry_id = entry_id;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<DeadRetryResult>(client_, dead_retry_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = DeadRetryResult::Status;
  switch (r->status) {
    case R::retried: co_return RetryOutcome::retried;
    case R::not_found: co_return RetryOutcome::not_found;
    case R::not_retryable: co_return RetryOutcome::not_retryable;
  }
  co_return unexpected(StoreError{RedisFailure::closed, "dead_retry: unknown status"});
}

}  // namespace omniroute::store
