#pragma once
// store::Outbox: replies waiting to be delivered (or:{ws}:outbox, consumer
// group "senders"), what became of each send, and providers' delivery reports.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/outbox_item.hpp"
#include "store/agents.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

/// What became of one send attempt.
struct DeliveryRecord {
  std::string conversation, message_id, channel;
  std::string entry_id;       // the outbox entry
  std::string status;         // sent, failed, retrying
  std::string status_json;    // the message's delivery JSON as the API shows it
  bool final = false;         // no further attempt: acknowledged on the outbox
  bool dead = false;          // dead-lettered (or:{ws}:outbox:dead)
  std::string provider_id;    // sent: the provider's id, for its delivery reports
  std::int64_t now_ms = 0;
};

/// A provider's report on a message we sent.
struct ProviderStatus {
  std::string channel, provider_id;
  std::string status;  // sent, delivered, read, failed
  std::string reason;  // failed
  std::int64_t at_ms = 0;
};

enum class StatusApplied { applied, unchanged, pending };

/// Retrying a dead letter: `retried` (queued again, once), `not_found` (none, or already retried),
/// `not_retryable` (recorded by an earlier build with its ids only).
enum class RetryOutcome { retried, not_found, not_retryable };

class Outbox {
 public:
  Outbox(RedisClient& client, const Keys& keys) : client_(client), keys_(keys) {}

  /// Makes the "senders" group (reading from the start) unless it exists.
  boost::asio::awaitable<StoreResult<Done>> ensure_group();
  /// Entries not yet read by any sender or, with `reclaim_idle_ms`, those a sender took and left that long.
  boost::asio::awaitable<StoreResult<std::vector<OutboxItem>>> read(const std::string& consumer, int count,
                                                                     std::optional<std::int64_t> reclaim_idle_ms);
  boost::asio::awaitable<StoreResult<Done>> record(const DeliveryRecord& record);
  /// Applies a provider's report (forward only); one that beats our record of the send is kept a day and
  /// applied then (`pending`).
  boost::asio::awaitable<StoreResult<StatusApplied>> apply(const ProviderStatus& report);

  /// The newest `limit` dead letters, newest first.
  boost::asio::awaitable<StoreResult<std::vector<DeadLetter>>> dead_letters(long limit);
  /// Queues dead letter `entry_id` again, as it was (dead_retry.lua).
  boost::asio::awaitable<StoreResult<RetryOutcome>> retry(const std::string& entry_id, std::int64_t now_ms);

 private:
  RedisClient& client_;
  const Keys& keys_;
};

}  // namespace omniroute::store
