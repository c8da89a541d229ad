#pragma once
// store::Agents: agents as routing keeps them in Redis (from the configuration
// or the admin API), routing passes, and the sweeps that expire offers and
// take agents whose event socket is gone offline. Typed results, one error.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

/// What an agent is, as stored: "config" agents come from the file, "api" agents from the admin API.
struct AgentRecord {
  std::string id;
  std::string name;
  std::vector<std::string> skills;
  int capacity_sms = 0, capacity_chat = 0, capacity_email = 0;
  std::vector<std::string> pools;  // the pools they serve (queue, or queue+skills: routing/pools.hpp)
  std::string token_sha256;        // hex digest of the token; "" keeps the stored one
  std::string source;              // "config" or "api"
};

enum class SaveMode { upsert, create, update };
enum class SaveOutcome { ok, exists, not_found, config_managed, token_in_use };
enum class RemoveOutcome { removed, not_found, config_managed };

/// One routing pass: the conversations waiting in `pool` for `medium`, to the agents with room in `agents_of`.
struct RoutePass {
  std::string queue, pool, agents_of, medium;
  std::int64_t now_ms = 0;
  int max_assignments = 100;
  std::int64_t sticky_window_ms = 0;
  std::optional<std::int64_t> cutoff_ms;  // overflow: only conversations queued at or before this
  std::int64_t offer_timeout_ms = 0;      // 0: assign at once; else offer
};

struct Assignment {
  std::string conversation, agent;
  std::int64_t queued_at_ms = 0;
  bool offered = false;  // offered (to accept within the timeout), not assigned
};

struct ExpiredOffer {
  std::string conversation, agent, queue;
};

class Agents {
 public:
  Agents(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  boost::asio::awaitable<StoreResult<Done>> set_queue_strategy(const std::string& queue, const std::string& strategy);
  boost::asio::awaitable<StoreResult<SaveOutcome>> save(const AgentRecord& agent, SaveMode mode, std::int64_t now_ms);
  /// Removes an agent, requeueing their conversations; `source` "api" refuses a config-managed agent.
  boost::asio::awaitable<StoreResult<RemoveOutcome>> remove(const std::string& id, const std::string& source,
                                                            std::int64_t now_ms);
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> ids();
  /// The agent whose token has this SHA-256 (hex); nullopt when none has.
  boost::asio::awaitable<StoreResult<std::optional<std::string>>> agent_for_token(const std::string& token_sha256);
  /// "config", "api", or "" for no such agent.
  boost::asio::awaitable<StoreResult<std::string>> source_of(const std::string& id);
  /// The admin token's digest kept in Redis (first run of the embedded default, when none is configured).
  boost::asio::awaitable<StoreResult<std::optional<std::string>>> stored_admin_digest();
  /// Keeps `token_sha256` as the admin token's digest unless one is kept already (false then).
  boost::asio::awaitable<StoreResult<bool>> keep_admin_digest(const std::string& token_sha256);
  /// The agent's display name and presence ("" when not stored).
  struct Profile {
    std::string name, status;
  };
  boost::asio::awaitable<StoreResult<Profile>> profile(const std::string& id);
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> pools_of(const std::string& id);
  boost::asio::awaitable<StoreResult<std::vector<Assignment>>> route(const RoutePass& pass);
  boost::asio::awaitable<StoreResult<std::vector<ExpiredOffer>>> expire_offers(std::int64_t now_ms, int limit);
  /// Agents whose event socket has been gone longer than `grace_ms`: set offline, their conversations requeued.
  boost::asio::awaitable<StoreResult<std::vector<std::string>>> sweep_presence(std::int64_t now_ms,
                                                                               std::int64_t grace_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
