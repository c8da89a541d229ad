#pragma once
// Delivers agents' replies. Reads the outbox stream as a member of the
// `senders` consumer group (so any daemon instance may deliver, and one that
// dies leaves its unacknowledged entries to be claimed by another), asks
// the conversation's channel for the provider request, makes it, and records
// the outcome. 5xx, 429 and timeouts are retried with exponential backoff
// and full jitter; 4xx is final; after max_attempts the message is
// dead-lettered with its reason.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "omniroute/channel.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"
#include "net/http_client.hpp"
#include "outbound/rate_limiter.hpp"
#include "store/chat_visitors.hpp"
#include "store/conversation_store.hpp"
#include "store/outbox.hpp"

namespace omniroute::outbound {

class Sender {
 public:
  Sender(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
         metrics::Registry& metrics, std::string consumer, TaskGroup& tasks);

  /// Starts reading the outbox; runs until stop().
  void start();
  /// Stops taking new entries; deliveries in flight are abandoned to be reclaimed later.
  void stop();

 private:
  using Entry = OutboxItem;
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> deliver(Entry entry);
  /// Web chat replies delivered in place whose e-mail copy (offline_email) is undecided (store::ChatVisitors,
  /// kept in Redis): looked at every half second by every sender of a generation with such a channel.
  boost::asio::awaitable<void> decide_away_replies();
  /// One of them: their page said it has it → no mail; no socket of theirs open, or one silent for 20 s → claimed
  /// (by one sender only) and e-mailed through the channel's `offline_email` channel to their address; else
  /// looked at again in a second.
  boost::asio::awaitable<void> decide_away(store::AwayReply reply);
  /// The e-mail copy: best effort (three tries), counted.
  boost::asio::awaitable<void> email_away_reply(store::AwayReply reply, std::string address, std::string text);
  boost::asio::awaitable<void> record(const Entry& entry, const std::string& status_json, bool final, bool dead,
                                      const std::string& status, const std::string& provider_id = "");
  metrics::Counter& sent_counter(const std::string& channel, const std::string& result);
  /// Waits for the channel's (and the chat's) rate limit to allow one more send.
  boost::asio::awaitable<void> pace(const std::string& channel, const std::string& recipient);

  const config::Config& config_;
  const ChannelMap& channels_;
  store::ConversationStore& store_;
  store::Outbox outbox_;
  TaskGroup& tasks_;
  metrics::Registry& metrics_;
  std::string consumer_;
  net::HttpClient http_;
  std::map<std::pair<std::string, std::string>, metrics::Counter*> sent_;
  std::map<std::string, RateLimiter, std::less<>> channel_limits_;  // by channel id
  std::map<std::string, RateLimiter, std::less<>> chat_limits_;     // by channel id; keys are recipients
  int in_flight_ = 0;
  bool stopped_ = false;
};

/// The wait before attempt `attempt` (2, 3, …): full jitter over an exponential bound.
std::chrono::milliseconds retry_delay(const config::OutboundConfig& config, int attempt, int retry_after_s);

}  // namespace omniroute::outbound
