#include "store/reports.hpp"

#include <algorithm>
#include <limits>

#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

namespace {
constexpr int kRecordsPerRead = 5000;  // a window is read in pages, so no one reply is huge

/// One XRANGE entry of the responses stream: [id, [field, value, …]].
using RecordEntry = std::tuple<std::string, Pairs<std::string>>;

ResponseRecord record_of(RecordEntry& entry) {
  ResponseRecord r;
  for (auto& [name, value] : std::get<1>(entry).items) {
    if (name == "kind") r.kind = std::move(value);
    else if (name == "queue") r.queue = std::move(value);
    else if (name == "channel") r.channel = std::move(value);
    else if (name == "agent") r.agent = std::move(value);
    else if (name == "labels") r.labels = std::move(value);
    else if (name == "met") r.met = std::move(value);
    else if (name == "at") r.at = std::atoll(value.c_str());
    else if (name == "seconds") r.seconds = std::atoll(value.c_str());
    else if (name == "wall_ms" && r.kind != "csat") r.wall_ms = std::atoll(value.c_str());
  }
  return r;
}
}  // namespace

asio::awaitable<StoreResult<std::int64_t>> Reports::zone_since(const std::string& zone) {
  std::vector<std::string> get{"HGET", keys_.rollup_zones(), zone};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  if (r->str.empty()) co_return std::numeric_limits<std::int64_t>::max();  // never rolled up
  co_return std::atoll(r->str.c_str());
}

asio::awaitable<StoreResult<Done>> Reports::note_zones(const std::vector<std::string>& zones, std::int64_t now_ms) {
  RollupZonesCall call;
  call.zones = keys_.rollup_zones();
  call.now = std::to_string(now_ms);
  call.names = zones;
  auto r = co_await detail::run_declared<RollupZonesResult>(client_, rollup_zones_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<RollupCount>>> Reports::rollup(const std::string& name,
                                                                       const std::string& dimension) {
  std::vector<std::string> all{"HGETALL", keys_.rollup(name, dimension)};
  auto r = co_await detail::command(client_, std::move(all));
  if (!r) co_return unexpected(r.error());
  auto counts = reply_as<Pairs<long long>>(*r);
  if (!counts) co_return unexpected(detail::unexpected_reply(*r, "HGETALL"));
  std::vector<RollupCount> out;
  out.reserve(counts->items.size());
  for (auto& [name, count] : counts->items) out.push_back({std::move(name), count});
  co_return out;
}

asio::awaitable<StoreResult<std::vector<ResponseRecord>>> Reports::records(const std::string& hour,
                                                                           std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<ResponseRecord> out;
  std::string after = "-";
  for (;;) {
    std::vector<std::string> range{"XRANGE", keys_.responses(hour), after, "+", "COUNT", std::to_string(kRecordsPerRead)};
    auto r = co_await detail::command(client_, std::move(range));
    if (!r) co_return unexpected(r.error());
    auto entries = reply_as<std::vector<RecordEntry>>(*r);
    if (!entries) co_return unexpected(detail::unexpected_reply(*r, "XRANGE"));
    const bool last = entries->size() < static_cast<size_t>(kRecordsPerRead);
    if (!entries->empty()) after = "(" + std::get<0>(entries->back());
    for (auto& entry : *entries) {
      ResponseRecord rec = record_of(entry);
      if (rec.at >= from_ms && rec.at < to_ms) out.push_back(std::move(rec));
    }
    if (last) break;
  }
  co_return out;
}

}  // namespace omniroute::store
