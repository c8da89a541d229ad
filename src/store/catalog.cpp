#include "store/catalog.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::map<std::string, std::string>>> Catalog::all() {
  std::vector<std::string> getall{"HGETALL", key_};
  auto r = co_await detail::command(client_, std::move(getall));
  if (!r) co_return unexpected(r.error());
  std::map<std::string, std::string> out;
  for (auto& [id, json] : fields_of(*r)) out[id] = json;
  co_return out;
}

asio::awaitable<StoreResult<std::optional<std::string>>> Catalog::get(const std::string& id) {
  std::vector<std::string> hget{"HGET", key_, id};
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return unexpected(r.error());
  if (r->type != Reply::Type::string) co_return std::optional<std::string>();
  co_return std::optional<std::string>(r->str);
}

asio::awaitable<StoreResult<bool>> Catalog::put(const std::string& id, const std::string& json, bool only_new) {
  std::vector<std::string> hset{only_new ? "HSETNX" : "HSET", key_, id, json};
  auto r = co_await detail::command(client_, std::move(hset));
  if (!r) co_return unexpected(r.error());
  co_return !only_new || r->integer == 1;
}

asio::awaitable<StoreResult<bool>> Catalog::remove(const std::string& id) {
  std::vector<std::string> hdel{"HDEL", key_, id};
  auto r = co_await detail::command(client_, std::move(hdel));
  if (!r) co_return unexpected(r.error());
  co_return r->integer == 1;
}

}  // namespace omniroute::store
