#pragma once
// store::ChatVisitors: which web chat visitors have a socket open now, on any
// daemon (chat:<channel>:<contact>:sockets, socket id → until when), and how far
// each of their conversations has been shown to them (chat:<channel>:<contact>:shown,
// conversation → the highest message number a socket of theirs was sent), so a
// reply they were never shown can be e-mailed instead (offline_email).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

/// The number of message id "m<digits>" (message ids are numbered in the order they were stored, workspace-wide),
/// or 0 for anything else.
std::int64_t message_number(std::string_view message_id);

/// A conversation and the highest message number of it a frame carried.
using ShownUpTo = std::pair<std::string, std::int64_t>;

/// A web chat reply delivered in place whose e-mail copy (offline_email) is yet to be decided.
struct AwayReply {
  std::string channel, conversation, message;
  std::int64_t delivered_ms = 0;
  bool operator==(const AwayReply&) const = default;
};

class ChatVisitors {
 public:
  ChatVisitors(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// `socket` of `contact` on `channel` is open until `expires_ms` (refreshed while it is; the key lapses with it).
  boost::asio::awaitable<StoreResult<Done>> present(const std::string& channel, const std::string& contact,
                                                    const std::string& socket, std::int64_t expires_ms);
  /// The socket closed.
  boost::asio::awaitable<StoreResult<Done>> gone(const std::string& channel, const std::string& contact,
                                                 const std::string& socket);
  /// Whether a socket of `contact` on `channel` is open at `now_ms`.
  boost::asio::awaitable<StoreResult<bool>> open_at(const std::string& channel, const std::string& contact,
                                                    std::int64_t now_ms);
  /// A socket of theirs was sent these conversations' messages up to these numbers (written to it, not merely
  /// queued); a lower number never lowers what is recorded. Kept ten minutes after the last showing.
  boost::asio::awaitable<StoreResult<Done>> shown(const std::string& channel, const std::string& contact,
                                                  const std::vector<ShownUpTo>& shown);
  /// The highest message number of `conversation` shown to them (0 when none, or over ten minutes ago).
  boost::asio::awaitable<StoreResult<std::int64_t>> shown_through(const std::string& channel, const std::string& contact,
                                                                  const std::string& conversation);

  // Replies whose e-mail copy is to be decided (chat_away, member → when to look next): kept in Redis, so a
  // reload, a restart or another daemon decides what this sender could not.
  /// Looked at from `at_ms` on (added, or moved later when it is still undecided; never re-adds a claimed one
  /// when `only_if_kept`).
  boost::asio::awaitable<StoreResult<Done>> decide_at(const AwayReply& reply, std::int64_t at_ms, bool only_if_kept = false);
  /// Up to `limit` replies due by `now_ms` (unreadable members are dropped).
  boost::asio::awaitable<StoreResult<std::vector<AwayReply>>> due(std::int64_t now_ms, int limit);
  /// Takes the reply out; true for the one caller that did (it alone acts on the decision).
  boost::asio::awaitable<StoreResult<bool>> claim(const AwayReply& reply);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
