#pragma once
// The SLA monitor: fires due deadlines (first response, next response,
// resolution: warning, then breach) exactly once across all daemon instances
// (sla_claim.lua), sets next-response deadlines as customers write again
// (sla_starts/sla_schedule.lua), raises and clears queue-level alerts with
// hysteresis (queue_check.lua), and delivers
// each alert to every configured sink that wants it. Each sink reads the
// alerts stream through its own consumer group, so any instance may deliver
// and each alert reaches each sink once; a failed delivery is retried with
// backoff until the sink takes it (a crashed instance's are claimed after 30 s).

#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/task_group.hpp"
#include "net/http_client.hpp"
#include "sla/alert_format.hpp"
#include "sla/policy.hpp"
#include "store/conversation_store.hpp"
#include "store/sla.hpp"

namespace omniroute::sla {

class Monitor {
 public:
  Monitor(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics,
          std::string consumer, TaskGroup& tasks);
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> claim_loop();
  boost::asio::awaitable<void> claim_due();
  boost::asio::awaitable<void> schedule_next_responses();
  boost::asio::awaitable<void> check_queues();
  /// One delivery attempt to a webhook, Slack or e-mail sink: true when the sink took it.
  boost::asio::awaitable<bool> attempt(const config::AlertSink& sink, const Alert& alert);
  boost::asio::awaitable<void> sink_loop(const config::AlertSink& sink);
  boost::asio::awaitable<void> deliver(const config::AlertSink& sink, std::string id, Alert alert);
  bool wants(const config::AlertSink& sink, const Alert& alert) const;

  const config::Config& config_;
  store::ConversationStore& store_;
  store::Sla sla_;
  TaskGroup& tasks_;
  metrics::Registry& metrics_;
  std::string consumer_;
  net::HttpClient http_;
  Policies policies_;
  std::set<std::pair<std::string, std::string>> in_flight_;  // (sink, entry id) being delivered here
  bool stopped_ = false;
  size_t groups_ready_ = 0;  // sinks whose consumer group exists
};

}  // namespace omniroute::sla
