#include "store/canned_responses.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::map<std::string, std::string>>> CannedResponses::all() {
  std::vector<std::string> getall{"HGETALL", keys_.canned_responses()};
  auto r = co_await detail::command(client_, std::move(getall));
  if (!r) co_return unexpected(r.error());
  std::map<std::string, std::string> out;
  for (auto& [id, json] : fields_of(*r)) out[id] = json;
  co_return out;
}

asio::awaitable<StoreResult<std::optional<std::string>>> CannedResponses::get(const std::string& id) {
  std::vector<std::string> hget{"HGET", keys_.canned_responses(), id};
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return unexpected(r.error());
  if (r->type != Reply::Type::string) co_return std::optional<std::string>();
  co_return std::optional<std::string>(r->str);
}

asio::awaitable<StoreResult<bool>> CannedResponses::put(const std::string& id, const std::string& json, bool only_new) {
  std::vector<std::string> hset{only_new ? "HSETNX" : "HSET", keys_.canned_responses(), id, json};
  auto r = co_await detail::command(client_, std::move(hset));
  if (!r) co_return unexpected(r.error());
  co_return !only_new || r->integer == 1;
}

asio::awaitable<StoreResult<bool>> CannedResponses::remove(const std::string& id) {
  std::vector<std::string> hdel{"HDEL", keys_.canned_responses(), id};
  auto r = co_await detail::command(client_, std::move(hdel));
  if (!r) co_return unexpected(r.error());
  co_return r->integer == 1;
}

}  // namespace omniroute::store
