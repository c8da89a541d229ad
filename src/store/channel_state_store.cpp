#include "store/channel_state_store.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<std::optional<std::optional<std::string>>> RedisChannelState::get(const std::string& field) {
  std::vector<std::string> hget{"HGET", key_, field};
  auto r = co_await detail::command(client_, std::move(hget));
  if (!r) co_return std::nullopt;
  if (r->type == Reply::Type::nil) co_return std::optional<std::optional<std::string>>(std::optional<std::string>());
  co_return std::optional<std::optional<std::string>>(r->str);
}

asio::awaitable<bool> RedisChannelState::set(const std::string& field, const std::string& value) {
  std::vector<std::string> hset{"HSET", key_, field, value};
  co_return bool(co_await detail::command(client_, std::move(hset)));
}

}  // namespace omniroute::store
