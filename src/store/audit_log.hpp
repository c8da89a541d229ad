#pragma once
// store::AuditLog: who changed what on the admin side (the stream or:{ws}:audit), one entry per change,
// kept 400 days: when, who (an admin's or supervisor's id, "token" for server.admin_token), the action
// (`agent.created`, …), its target, and the target before and after as JSON (secrets written "set").

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"

namespace omniroute::store {

struct AuditEntry {
  std::int64_t at_ms = 0;
  std::string actor, action, target_type, target_id;
  std::string before = "null", after = "null";  // JSON
};

class AuditLog {
 public:
  AuditLog(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// How long entries are kept.
  static constexpr std::int64_t kKeepMs = 400LL * 24 * 3600 * 1000;

  /// Appends one entry (and lets go of those older than kKeepMs).
  boost::asio::awaitable<StoreResult<Done>> record(const AuditEntry& entry);
  /// Entries from `from_ms` to `to_ms` (inclusive), newest first, at most `limit` (scanning at most 100,000).
  boost::asio::awaitable<StoreResult<std::vector<AuditEntry>>> newest(std::int64_t from_ms, std::int64_t to_ms,
                                                                      std::size_t limit);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
