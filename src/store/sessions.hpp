#pragma once
// store::Sessions: browser sign-ins. A session is kept under the SHA-256 of its
// cookie's secret (or:{ws}:session:<digest>), never the secret itself, with a
// sliding expiry; it names who signed in by the digest of the token they used,
// so rotating or removing that token ends the session at its next use.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

struct SessionRecord {
  enum class Kind { agent, admin };
  Kind kind = Kind::agent;
  std::string token_sha256;  // of the token signed in with, lowercase hex
};

class Sessions {
 public:
  Sessions(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// Keeps a new session for `ttl`.
  boost::asio::awaitable<StoreResult<Done>> create(const std::string& secret_sha256, const SessionRecord& record,
                                                   std::chrono::seconds ttl);
  /// The session, its expiry pushed `ttl` further; nullopt when unknown or expired.
  boost::asio::awaitable<StoreResult<std::optional<SessionRecord>>> find(const std::string& secret_sha256,
                                                                         std::chrono::seconds ttl);
  /// Ends the session and announces credential.changed, so sockets opened with it re-check and close.
  boost::asio::awaitable<StoreResult<Done>> remove(const std::string& secret_sha256, std::int64_t now_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
