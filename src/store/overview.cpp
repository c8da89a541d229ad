#include "store/overview.hpp"

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::vector<AgentState>>> Overview::agents(const std::string& agent) {
  AgentsOverviewCall call;
  call.prefix = keys_.prefix();
  call.agent = agent;
  auto r = co_await detail::run(client_, agents_overview_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<AgentState> out;
  for (auto& agent : AgentsOverviewItem::all(*r)) out.push_back(agent_from(fields_of(agent.fields), std::move(agent.pools)));
  co_return out;
}

asio::awaitable<StoreResult<std::vector<ChannelHealth>>> Overview::channel_states(
    const std::vector<std::string>& channels) {
  std::vector<ChannelHealth> out;
  for (const auto& id : channels) {
    std::vector<std::string> all{"HGETALL", keys_.channel_state(id)};
    auto r = co_await detail::command(client_, std::move(all));
    if (!r) co_return unexpected(r.error());
    out.push_back(channel_health_from(fields_of(*r)));
  }
  co_return out;
}

asio::awaitable<StoreResult<std::vector<Alert>>> Overview::recent_alerts(long limit) {
  std::vector<std::string> newest{"XREVRANGE", keys_.alerts(), "+", "-", "COUNT", std::to_string(limit)};
  auto r = co_await detail::command(client_, std::move(newest));
  if (!r) co_return unexpected(r.error());
  co_return decoded_entries(*r, alert_from);
}

asio::awaitable<StoreResult<std::vector<SlaCount>>> Overview::sla_counts() {
  SlaCountsCall call;
  call.prefix = keys_.prefix();
  auto r = co_await detail::run(client_, sla_counts_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<SlaCount> out;
  for (auto& item : SlaCountsItem::all(*r)) out.push_back({std::move(item.queue), item.at_risk, item.breached});
  co_return out;
}

asio::awaitable<StoreResult<SlaWatch>> Overview::sla_watch(int limit) {
  SlaOverviewCall call;
  call.prefix = keys_.prefix();
  call.limit = std::to_string(limit);
  auto r = co_await detail::run_declared<SlaOverviewResult>(client_, sla_overview_script(), call);
  if (!r) co_return unexpected(r.error());
  // each list: [[target, due ms, conversation fields (flat)], …]
  auto items = [](const Reply& list) {
    std::vector<SlaItem> out;
    using Item = std::tuple<std::string, long long, ReplyRef>;
    for (auto& [target, due, fields] : reply_as<std::vector<Item>>(list).value_or(std::vector<Item>{})) {
      out.push_back({std::move(target), due, conversation_from(fields_of(*fields))});
    }
    return out;
  };
  co_return SlaWatch{items(r->at_risk), items(r->breached)};
}

asio::awaitable<StoreResult<QueueHead>> Overview::queue_head(const std::string& queue) {
  std::vector<std::string> card{"ZCARD", keys_.queue(queue)};
  auto depth = co_await detail::command(client_, std::move(card));
  if (!depth) co_return unexpected(depth.error());
  QueueHead head{depth->integer, 0};
  // Oldest across priority bands: the head of each band carries its queued_at in the score.
  for (std::int64_t band = 0; band < 4; ++band) {
    std::vector<std::string> first{"ZRANGEBYSCORE", keys_.queue(queue), std::to_string(band * kQueueBand),
                                   "(" + std::to_string((band + 1) * kQueueBand), "WITHSCORES", "LIMIT", "0", "1"};
    auto r = co_await detail::command(client_, std::move(first));
    if (!r) co_return unexpected(r.error());
    // [member, score] or []
    auto first_entry = reply_as<Pairs<double>>(*r);
    if (!first_entry || first_entry->items.empty()) continue;
    auto queued_at = static_cast<std::int64_t>(first_entry->items.front().second) - band * kQueueBand;
    if (head.oldest_queued_at_ms == 0 || queued_at < head.oldest_queued_at_ms) head.oldest_queued_at_ms = queued_at;
  }
  co_return head;
}

asio::awaitable<StoreResult<std::vector<long long>>> Overview::queue_depths(const std::vector<std::string>& queues) {
  std::vector<long long> out;
  for (const auto& q : queues) {
    std::vector<std::string> card{"ZCARD", keys_.queue(q)};
    auto r = co_await detail::command(client_, std::move(card));
    if (!r) co_return unexpected(r.error());
    out.push_back(r->integer);
  }
  co_return out;
}

asio::awaitable<StoreResult<long long>> Overview::dead_letter_count() {
  std::vector<std::string> len{"XLEN", keys_.dead_letters()};
  auto r = co_await detail::command(client_, std::move(len));
  if (!r) co_return unexpected(r.error());
  co_return r->integer;
}

asio::awaitable<StoreResult<std::vector<std::string>>> Overview::waiting_ids(const std::string& queue, long limit) {
  std::vector<std::string> range{"ZRANGE", keys_.queue(queue), "0", std::to_string(limit - 1)};
  auto r = co_await detail::command(client_, std::move(range));
  if (!r) co_return unexpected(r.error());
  co_return detail::strings_of(*r);
}

asio::awaitable<StoreResult<std::vector<std::string>>> Overview::resolved_ids(long limit) {
  std::vector<std::string> range{"ZREVRANGE", keys_.resolved(), "0", std::to_string(limit - 1)};
  auto r = co_await detail::command(client_, std::move(range));
  if (!r) co_return unexpected(r.error());
  co_return detail::strings_of(*r);
}

}  // namespace omniroute::store
