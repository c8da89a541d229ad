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
  SlaOverviewCall call;
  call.prefix = keys_.prefix();
  call.mode = "counts";
  call.limit = "0";
  auto r = co_await detail::run(client_, sla_overview_script(), call);
  if (!r) co_return unexpected(r.error());
  std::vector<SlaCount> out;
  for (size_t i = 0; i + 2 < r->elements.size(); i += 3) {
    out.push_back({r->elements[i].str, r->elements[i + 1].integer, r->elements[i + 2].integer});
  }
  co_return out;
}

asio::awaitable<StoreResult<SlaWatch>> Overview::sla_watch(int limit) {
  SlaOverviewCall call;
  call.prefix = keys_.prefix();
  call.mode = "list";
  call.limit = std::to_string(limit);
  auto r = co_await detail::run(client_, sla_overview_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->elements.size() < 2) co_return unexpected(detail::unexpected_reply(*r, "sla_overview"));
  auto items = [](const Reply& list) {
    std::vector<SlaItem> out;
    for (const auto& e : list.elements) {
      if (e.elements.size() < 3) continue;
      out.push_back({e.elements[0].str, std::atoll(e.elements[1].str.c_str()),
                     conversation_from(fields_of(e.elements[2]))});
    }
    return out;
  };
  co_return SlaWatch{items(r->elements[0]), items(r->elements[1])};
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
    if (r->elements.size() < 2) continue;
    std::int64_t queued_at = std::atoll(r->elements[1].str.c_str()) - band * kQueueBand;
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
