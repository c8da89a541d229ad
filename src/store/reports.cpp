#include "store/reports.hpp"

#include <algorithm>
#include <limits>

#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

namespace {
constexpr int kRecordsPerRead = 5000;  // a window is read in pages, so no one reply is huge

/// The record in one XRANGE entry ([id, [field, value, …]]), its strings moved out of the reply.
ResponseRecord record_of(Reply& entry) {
  ResponseRecord r;
  if (entry.elements.size() < 2) return r;
  auto& f = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < f.size(); i += 2) {
    const std::string& name = f[i].str;
    std::string& value = f[i + 1].str;
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
  auto r = co_await detail::run(client_, rollup_zones_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<RollupCount>>> Reports::rollup(const std::string& name,
                                                                       const std::string& dimension) {
  std::vector<std::string> all{"HGETALL", keys_.rollup(name, dimension)};
  auto r = co_await detail::command(client_, std::move(all));
  if (!r) co_return unexpected(r.error());
  std::vector<RollupCount> out;
  out.reserve(r->elements.size() / 2);
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out.push_back({std::move(r->elements[i].str), std::atoll(r->elements[i + 1].str.c_str())});
  }
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
    const bool last = r->elements.size() < static_cast<size_t>(kRecordsPerRead);
    if (!r->elements.empty() && !r->elements.back().elements.empty()) after = "(" + r->elements.back().elements[0].str;
    for (auto& entry : r->elements) {
      ResponseRecord rec = record_of(entry);
      if (rec.at >= from_ms && rec.at < to_ms) out.push_back(std::move(rec));
    }
    if (last) break;
  }
  co_return out;
}

}  // namespace omniroute::store
