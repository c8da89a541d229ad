#pragma once
// Conversations in Redis: every change is one Lua script, so concurrent
// daemons never see half of it.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/replica_barrier.hpp"
#include "omniroute/channel.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

/// Where a new conversation goes and when its first answer is due.
struct IngestPlan {
  std::string queue;
  std::string skills;    // required agent skills, canonical ("billing+te"; routing/pools.hpp)
  std::string language;  // of the message, ISO 639-1 or ""
  config::Priority priority = config::Priority::normal;
  std::optional<std::int64_t> first_response_due_ms;   // breach
  std::optional<std::int64_t> first_response_warn_ms;  // warning
  std::optional<std::int64_t> resolution_due_ms;
  std::optional<std::int64_t> resolution_warn_ms;
  /// A customer message after an agent's reply starts the next-response clock (sla/monitor.hpp
  /// sets its deadline); off when no queue promises a next response.
  bool start_next_response = false;
  /// The channel sends satisfaction surveys (ingest.lua: the contact's next message after one answers or
  /// cancels it), and the record this message's score would be ("" when it is not a score).
  bool survey = false;
  std::string survey_answer;
};

/// What a signature's nonce was used for before: nothing (fresh), the same delivery (retry), or other content.
enum class NonceClaim { fresh, retry, replayed };

class ConversationStore {
 public:
  ConversationStore(RedisClient& client, const config::RedisConfig& config);
  ~ConversationStore();


  /// Stores `message` (deduplicated) and files it in a conversation; resumes once durable or failed (with
  /// redis.replicas_ack, durable on that many replicas too: else `unavailable`, also for a duplicate).
  boost::asio::awaitable<StoreResult<IngestOutcome>> ingest(const Message& message, Medium medium,
                                                            const IngestPlan& plan);
  /// Whether Redis answers on this connection.
  boost::asio::awaitable<StoreResult<bool>> ping();
  /// Records what a delivery signed with `nonce` carried; the same nonce with other content is a replay.
  boost::asio::awaitable<StoreResult<NonceClaim>> claim_nonce(const std::string& channel, const std::string& nonce,
                                                              const std::string& carried, std::int64_t ttl_s);

  const Keys& keys() const { return keys_; }
  RedisClient& client() { return client_; }
  /// The history reader of this loop (nullptr without a history section).
  history::HistoryReader* history() const { return history_; }
  void set_history(history::HistoryReader* reader) { history_ = reader; }

 private:
  RedisClient& client_;
  Keys keys_;
  std::string dedupe_ttl_;
  std::unique_ptr<ReplicaBarrier> replicas_;  // redis.replicas_ack
  history::HistoryReader* history_ = nullptr;
};

/// A priority band's width in a queue score: 1e13 ms is ~317 years, so bands never overlap and
/// the sum stays exact in a double (lib_agent.lua's QUEUE_BAND is the same number).
inline constexpr std::int64_t kQueueBand = 10'000'000'000'000;

/// A queue's sorted-set score: priority first (urgent lowest), then age.
std::string queue_score(config::Priority priority, std::int64_t queued_at_ms);

/// The upper bound on the events stream's length (XADD MAXLEN ~).
inline constexpr long kEventsMaxLength = 1'000'000;

}  // namespace omniroute::store
