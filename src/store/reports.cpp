#include "store/reports.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

namespace {
constexpr int kRecordsPerRead = 5000;  // a day is read in pages, so no one reply is huge
}

asio::awaitable<StoreResult<Fields>> Reports::rollup(const std::string& name, const std::string& dimension) {
  std::vector<std::string> all{"HGETALL", keys_.rollup(name, dimension)};
  auto r = co_await detail::command(client_, std::move(all));
  if (!r) co_return unexpected(r.error());
  co_return fields_of(*r);
}

asio::awaitable<StoreResult<std::vector<StreamEntry>>> Reports::records(const std::string& day) {
  std::vector<StreamEntry> out;
  std::string after = "-";
  for (;;) {
    std::vector<std::string> range{"XRANGE", keys_.responses(day), after, "+", "COUNT",
                                   std::to_string(kRecordsPerRead)};
    auto r = co_await detail::command(client_, std::move(range));
    if (!r) co_return unexpected(r.error());
    auto page = detail::entries_of(*r);
    const bool last = page.size() < static_cast<size_t>(kRecordsPerRead);
    if (!page.empty()) after = "(" + page.back().id;
    for (auto& e : page) out.push_back(std::move(e));
    if (last) break;
  }
  co_return out;
}

}  // namespace omniroute::store
