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
    else if (name == "priority") r.priority = std::move(value);
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
                                                                           std::int64_t from_ms, std::int64_t to_ms,
                                                                           const std::string& first_after) {
  std::vector<ResponseRecord> out;
  std::string after = first_after == "-" ? "-" : "(" + first_after;
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

asio::awaitable<StoreResult<std::vector<std::pair<std::string, ResponseRecord>>>> Reports::entries(
    const std::string& hour, const std::string& after, int count) {
  std::vector<std::string> range{"XRANGE", keys_.responses(hour), "(" + after, "+", "COUNT", std::to_string(count)};
  auto r = co_await detail::command(client_, std::move(range));
  if (!r) co_return unexpected(r.error());
  auto entries = reply_as<std::vector<RecordEntry>>(*r);
  if (!entries) co_return unexpected(detail::unexpected_reply(*r, "XRANGE"));
  std::vector<std::pair<std::string, ResponseRecord>> out;
  out.reserve(entries->size());
  for (auto& entry : *entries) {
    ResponseRecord rec = record_of(entry);
    out.emplace_back(std::move(std::get<0>(entry)), std::move(rec));
  }
  co_return out;
}

asio::awaitable<StoreResult<std::map<std::string, std::string>>> Reports::archived_marks() {
  std::vector<std::string> all{"HGETALL", keys_.responses_archived()};
  auto r = co_await detail::command(client_, std::move(all));
  if (!r) co_return unexpected(r.error());
  auto marks = reply_as<Pairs<std::string>>(*r);
  if (!marks) co_return unexpected(detail::unexpected_reply(*r, "HGETALL"));
  std::map<std::string, std::string> out;
  for (auto& [hour, id] : marks->items) out.emplace(std::move(hour), std::move(id));
  co_return out;
}

asio::awaitable<StoreResult<std::set<std::string>>> Reports::waiting_hours() {
  std::vector<std::string> members{"SMEMBERS", keys_.responses_waiting()};
  auto r = co_await detail::command(client_, std::move(members));
  if (!r) co_return unexpected(r.error());
  auto hours = reply_as<std::vector<std::string>>(*r);
  if (!hours) co_return unexpected(detail::unexpected_reply(*r, "SMEMBERS"));
  co_return std::set<std::string>(hours->begin(), hours->end());
}

asio::awaitable<StoreResult<std::map<std::string, std::string>>> Reports::waiting_marks() {
  auto hours = co_await waiting_hours();
  if (!hours) co_return unexpected(hours.error());
  std::map<std::string, std::string> out;
  if (hours->empty()) co_return out;
  std::vector<std::string> get{"HMGET", keys_.responses_archived()};
  get.insert(get.end(), hours->begin(), hours->end());
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  if (r->type != Reply::Type::array || r->elements.size() != hours->size()) {
    co_return unexpected(detail::unexpected_reply(*r, "HMGET"));
  }
  std::size_t i = 0;
  for (const std::string& hour : *hours) {
    const Reply& mark = r->elements[i++];
    out.emplace(hour, mark.type == Reply::Type::string ? mark.str : "0-0");
  }
  co_return out;
}

asio::awaitable<StoreResult<bool>> Reports::mark_archived(const std::string& hour, const std::string& id) {
  ResponsesArchivedCall moved;
  moved.prefix = keys_.prefix();
  moved.hour = hour;
  moved.id = id;
  auto r = co_await detail::run_declared<ResponsesArchivedResult>(client_, responses_archived_script(), moved);
  if (!r) co_return unexpected(r.error());
  co_return r->status == ResponsesArchivedResult::Status::whole;
}

asio::awaitable<StoreResult<bool>> Reports::forget_hour(const std::string& hour) {
  ResponsesForgetCall call;
  call.prefix = keys_.prefix();
  call.hour = hour;
  auto r = co_await detail::run_declared<ResponsesForgetResult>(client_, responses_forget_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return r->status == ResponsesForgetResult::Status::forgotten;
}

asio::awaitable<StoreResult<int>> Reports::adopt_hours(const std::vector<std::string>& hours, std::int64_t now_ms) {
  std::vector<std::string> done{"EXISTS", keys_.responses_adopted()};
  auto r = co_await detail::command(client_, std::move(done));
  if (!r) co_return unexpected(r.error());
  if (r->integer == 1) co_return 0;
  int adopted = 0;
  for (const std::string& hour : hours) {
    std::vector<std::string> exists{"EXISTS", keys_.responses(hour)};
    auto there = co_await detail::command(client_, std::move(exists));
    if (!there) co_return unexpected(there.error());
    if (there->integer != 1) continue;
    std::vector<std::string> name{"HSETNX", keys_.responses_archived(), hour, "0-0"};
    auto named = co_await detail::command(client_, std::move(name));
    if (!named) co_return unexpected(named.error());
    std::vector<std::string> wait{"SADD", keys_.responses_waiting(), hour};
    auto waiting = co_await detail::command(client_, std::move(wait));
    if (!waiting) co_return unexpected(waiting.error());
    ++adopted;
  }
  std::vector<std::string> mark{"SET", keys_.responses_adopted(), std::to_string(now_ms)};
  auto marked = co_await detail::command(client_, std::move(mark));
  if (!marked) co_return unexpected(marked.error());
  co_return adopted;
}

}  // namespace omniroute::store
