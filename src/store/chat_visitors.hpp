#pragma once
// store::ChatVisitors: which web chat visitors have a socket open now, on any
// daemon (chat:<channel>:<contact>:sockets, socket id → until when), so a
// reply to one who left can be e-mailed instead (offline_email).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

class ChatVisitors {
 public:
  ChatVisitors(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// `socket` of `contact` on `channel` is open until `expires_ms` (refreshed while it is; the key lapses with it).
  boost::asio::awaitable<StoreResult<Done>> present(const std::string& channel, const std::string& contact,
                                                    const std::string& socket, std::int64_t expires_ms);
  /// The socket closed at `now_ms`: kept, scored by when, so a later question "was it open at T?" has its answer.
  boost::asio::awaitable<StoreResult<Done>> gone(const std::string& channel, const std::string& contact,
                                                 const std::string& socket, std::int64_t now_ms);
  /// Whether a socket of `contact` on `channel` was open at some moment since `since_ms` (still open, or closed
  /// after it): a reply queued then was shown to them, live or in the history a new socket is welcomed with.
  boost::asio::awaitable<StoreResult<bool>> seen_since(const std::string& channel, const std::string& contact,
                                                       std::int64_t since_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
