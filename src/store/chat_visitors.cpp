#include "store/chat_visitors.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<Done>> ChatVisitors::present(const std::string& channel, const std::string& contact,
                                                         const std::string& socket, std::int64_t expires_ms) {
  const std::string key = keys_.chat_sockets(channel, contact);
  std::vector<std::string> add{"ZADD", key, std::to_string(expires_ms), socket};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  // Sockets closed over ten minutes ago answer no question any more.
  std::vector<std::string> trim{"ZREMRANGEBYSCORE", key, "-inf", "(" + std::to_string(expires_ms - 11LL * 60'000)};
  r = co_await detail::command(client_, std::move(trim));
  if (!r) co_return unexpected(r.error());
  // The set lapses a minute after its last socket's last refresh: a daemon killed with sockets open leaves nothing.
  std::vector<std::string> expire{"PEXPIREAT", key, std::to_string(expires_ms + 60'000)};
  r = co_await detail::command(client_, std::move(expire));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> ChatVisitors::gone(const std::string& channel, const std::string& contact,
                                                      const std::string& socket, std::int64_t now_ms) {
  // XX: only a socket that was recorded open; its score becomes the time it closed.
  std::vector<std::string> closed{"ZADD", keys_.chat_sockets(channel, contact), "XX", std::to_string(now_ms), socket};
  auto r = co_await detail::command(client_, std::move(closed));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<bool>> ChatVisitors::seen_since(const std::string& channel, const std::string& contact,
                                                            std::int64_t since_ms) {
  std::vector<std::string> count{"ZCOUNT", keys_.chat_sockets(channel, contact), std::to_string(since_ms), "+inf"};
  auto r = co_await detail::command(client_, std::move(count));
  if (!r) co_return unexpected(r.error());
  co_return r->integer > 0;
}

}  // namespace omniroute::store
