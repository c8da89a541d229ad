#pragma once
// store::Events: the events stream (or:{ws}:events) that agents' WebSockets
// follow, and the liveness of those sockets (agent:<id>:sockets).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "omniroute/event.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

class Events {
 public:
  /// `client` may be a connection of its own: read_after blocks it for up to `block`.
  Events(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// The newest event's id ("0-0" for an empty stream): where live following starts.
  boost::asio::awaitable<StoreResult<std::string>> latest_id();
  /// Events after `position`, waiting up to `block` for one to come.
  boost::asio::awaitable<StoreResult<std::vector<Event>>> read_after(const std::string& position, int count,
                                                                           std::chrono::milliseconds block);
  /// At most `count` events after `after` up to `until`, inclusive (one page of a resuming socket's missed events).
  boost::asio::awaitable<StoreResult<std::vector<Event>>> range(const std::string& after,
                                                                      const std::string& until, int count);

  /// Claims one more event socket for `agent` unless they hold `max_sockets` already (true: claimed).
  boost::asio::awaitable<StoreResult<bool>> claim_socket(const std::string& agent, const std::string& socket_id,
                                                         std::int64_t now_ms, std::int64_t expires_ms,
                                                         int max_sockets);
  /// Pushes the socket's liveness forward and marks the agent as one who uses sockets (the presence sweep).
  boost::asio::awaitable<StoreResult<Done>> refresh_socket(const std::string& agent, const std::string& socket_id,
                                                           std::int64_t expires_ms);
  boost::asio::awaitable<StoreResult<Done>> release_socket(const std::string& agent, const std::string& socket_id);

  /// Records that `agent` is `what` ("viewing", "typing" or "left") conversation `conversation`: an event
  /// (conversation.presence) the other agents on it see, so nobody answers twice.
  boost::asio::awaitable<StoreResult<Done>> signal(const std::string& agent, const std::string& conversation,
                                                   const std::string& what, std::int64_t now_ms);
  /// Records that the customer is typing on `conversation` (web chat): conversation.presence with by=customer.
  boost::asio::awaitable<StoreResult<Done>> customer_typing(const std::string& conversation, std::int64_t now_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
