#pragma once
// store::AdminAccounts: admins and supervisors added through the admin API (POST /v1/admins), kept in one
// hash (or:{ws}:admin_accounts, id → {"id","name","role","token_sha256"}): every daemon knows them at once.
// Accounts of the configuration file are not here (routing::AgentDirectory holds them).

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "store/result.hpp"
#include "store/scripts.hpp"

namespace omniroute::store {

struct AdminAccountRecord {
  std::string id, name, role, token_sha256;
};

class AdminAccounts {
 public:
  AdminAccounts(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// Every account kept, by id.
  boost::asio::awaitable<StoreResult<std::vector<AdminAccountRecord>>> all();
  /// The account whose token has this SHA-256 (compared in constant time against every one), or nullopt.
  boost::asio::awaitable<StoreResult<std::optional<AdminAccountRecord>>> by_digest(const std::string& token_sha256);
  /// Adds `account`; false when its id is taken.
  boost::asio::awaitable<StoreResult<bool>> create(const AdminAccountRecord& account);
  /// Changes name, role or token digest ("" keeps each); the account after, or nullopt when there is none.
  boost::asio::awaitable<StoreResult<std::optional<AdminAccountRecord>>> change(const std::string& id, const std::string& name,
                                                                              const std::string& role,
                                                                              const std::string& token_sha256);
  /// Removes the account; false when there was none.
  boost::asio::awaitable<StoreResult<bool>> remove(const std::string& id);

 private:
  /// The change script's call for account `id` (its keys, the events stream's bound, the time).
  AdminAccountChangeCall change_call(const std::string& id) const;

  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
