#include "store/events.hpp"

#include "store/scripts.hpp"
#include "store/conversation_store.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::string>> Events::latest_id() {
  std::vector<std::string> newest{"XREVRANGE", keys_.events(), "+", "-", "COUNT", "1"};
  auto r = co_await detail::command(client_, std::move(newest));
  if (!r) co_return unexpected(r.error());
  // [[id, fields]] or []
  auto entries = reply_as<std::vector<std::tuple<std::string>>>(*r);
  if (!entries || entries->empty()) co_return std::string("0-0");
  co_return std::get<0>(entries->front());
}

asio::awaitable<StoreResult<std::vector<Event>>> Events::read_after(const std::string& position, int count,
                                                                          std::chrono::milliseconds block) {
  std::vector<std::string> read{"XREAD", "COUNT", std::to_string(count), "BLOCK", std::to_string(block.count()),
                                "STREAMS", keys_.events(), position};
  auto r = co_await detail::command(client_, std::move(read));
  if (!r) co_return unexpected(r.error());
  std::vector<Event> out;
  for (const auto& e : first_stream_entries(*r)) out.push_back(event_from(e));
  co_return out;
}

asio::awaitable<StoreResult<std::vector<Event>>> Events::range(const std::string& after,
                                                                     const std::string& until, int count) {
  std::vector<std::string> read{"XRANGE", keys_.events(), "(" + after, until, "COUNT", std::to_string(count)};
  auto r = co_await detail::command(client_, std::move(read));
  if (!r) co_return unexpected(r.error());
  co_return decoded_entries(*r, event_from);
}

asio::awaitable<StoreResult<bool>> Events::claim_socket(const std::string& agent, const std::string& socket_id,
                                                        std::int64_t now_ms, std::int64_t expires_ms,
                                                        int max_sockets) {
  SocketClaimCall call;
  call.sockets = keys_.agent_sockets(agent);
  call.now = std::to_string(now_ms);
  call.expires = std::to_string(expires_ms);
  call.socket_id = socket_id;
  call.max_sockets = std::to_string(max_sockets);
  auto r = co_await detail::run_declared<SocketClaimResult>(client_, socket_claim_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return r->status == SocketClaimResult::Status::claimed;
}

asio::awaitable<StoreResult<Done>> Events::refresh_socket(const std::string& agent, const std::string& socket_id,
                                                          std::int64_t expires_ms) {
  std::vector<std::string> add{"ZADD", keys_.agent_sockets(agent), std::to_string(expires_ms), socket_id};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  std::vector<std::string> mark{"HSET", keys_.agent(agent), "uses_socket", "1"};
  r = co_await detail::command(client_, std::move(mark));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> Events::release_socket(const std::string& agent, const std::string& socket_id) {
  std::vector<std::string> gone{"ZREM", keys_.agent_sockets(agent), socket_id};
  auto r = co_await detail::command(client_, std::move(gone));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> Events::signal(const std::string& agent, const std::string& conversation,
                                                  const std::string& what, std::int64_t now_ms) {
  std::vector<std::string> add{"XADD", keys_.events(), "MAXLEN", "~", std::to_string(kEventsMaxLength), "*",
                               "type", "conversation.presence", "conversation_id", conversation, "agent", agent,
                               "what", what, "at", std::to_string(now_ms)};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> Events::customer_typing(const std::string& conversation, std::int64_t now_ms) {
  std::vector<std::string> add{"XADD", keys_.events(), "MAXLEN", "~", std::to_string(kEventsMaxLength), "*",
                               "type", "conversation.presence", "conversation_id", conversation, "agent", "",
                               "by", "customer", "what", "typing", "at", std::to_string(now_ms)};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

}  // namespace omniroute::store
