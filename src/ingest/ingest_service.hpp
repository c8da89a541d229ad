#pragma once
// Ingest: a parsed Message becomes part of a conversation in Redis. Decides
// the conversation's queue, priority and first-response deadline, runs the
// ingest script, and counts what happened.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <set>
#include <vector>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/channel.hpp"
#include "omniroute/task_group.hpp"
#include "sla/auto_ack.hpp"
#include "sla/policy.hpp"
#include "reports/recorder.hpp"
#include "store/contacts.hpp"
#include "store/conversation_store.hpp"

namespace re2 {
class RE2;
}

namespace omniroute::ingest {

/// Per-channel series, created once at start-up and shared by every loop.
struct ChannelCounters {
  metrics::Counter* received = nullptr;   // stored for the first time
  metrics::Counter* duplicate = nullptr;  // delivered again, stored once
  metrics::Counter* failed = nullptr;     // not stored: Redis unavailable
};

class IngestMetrics {
 public:
  IngestMetrics(metrics::Registry& registry, const config::Config& config);
  const ChannelCounters& channel(const std::string& id) const;
  metrics::Histogram& latency() { return *latency_; }
  metrics::Registry& registry() { return registry_; }

 private:
  metrics::Registry& registry_;
  std::map<std::string, ChannelCounters, std::less<>> channels_;
  // Messages of a channel not in the configuration cannot happen; if one did, count it off the books.
  metrics::Counter unknown_received_, unknown_duplicate_, unknown_failed_;
  ChannelCounters unknown_{&unknown_received_, &unknown_duplicate_, &unknown_failed_};
  metrics::Histogram* latency_;
};

using IngestResult = Expected<IngestOutcome, store::RedisError>;

class IngestService final : public IngestSink {
 public:
  IngestService(const config::Config& config, store::ConversationStore& store, IngestMetrics& metrics, TaskGroup& tasks);
  ~IngestService() override;

  /// Stores `message`; resumes once it is durable or failed. Every way in (webhooks, polling
  /// channels) passes here, and here alone a message without a received time gets the current time.
  boost::asio::awaitable<IngestResult> store(Message message);

  /// IngestSink, for polling channels.
  boost::asio::awaitable<IngestOutcome> ingest(Message message) override;

  /// Where a new conversation from `message` goes (queue, priority, required skills), given its
  /// contact's attributes (`tier`, …) for rules that match on them.
  store::IngestPlan plan_for(const Message& message, const std::map<std::string, std::string>& attributes = {}) const;
  /// Records the channel's last inbound message time in its Redis hash (throttled, in the background).
  void note_inbound(const std::string& channel, std::int64_t at_ms, std::int64_t provider_ms);

  /// Called after a message from a polling channel opened a conversation that can be routed now.
  void on_routable(std::function<void(const std::string& queue)> trigger) { on_routable_ = std::move(trigger); }

 private:
  /// A routing rule with its regular expression compiled once.
  struct CompiledRule {
    const config::RoutingRule* rule;
    std::unique_ptr<re2::RE2> text;
  };


  const config::Config& config_;
  std::vector<CompiledRule> rules_;
  bool rules_need_contact_ = false;  // some rule matches on a contact attribute: look it up first
  std::function<void(const std::string&)> on_routable_;
  store::ConversationStore& store_;
  store::Contacts contacts_;
  TaskGroup& tasks_;
  IngestMetrics& metrics_;
  std::map<std::string, Medium, std::less<>> media_;
  std::map<std::string, std::int64_t> last_inbound_noted_;  // by channel: when this loop last wrote it (ms)
  sla::Policies policies_;
  reports::Recorder recorder_;           // a survey answer's record
  std::set<std::string> survey_channels_;  // channels that send satisfaction surveys
  sla::AutoAcknowledger acknowledger_;
};

}  // namespace omniroute::ingest
