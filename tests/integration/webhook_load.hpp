#pragma once
// WebhookLoad: a steady stream of signed webhooks from several threads (keep-alive connections), as a
// provider would send them while a test breaks something underneath (kills Redis's master, moves a slot,
// kills the daemon). Records which messages were acknowledged, split at mark() — "before" and "after"
// the event — and every status answered. A sender backs off 20 ms after a refusal, as providers do.

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace omniroute::testing {

class WebhookLoad {
 public:
  /// Message ids are "<prefix><thread>-<n>", from `customers` customers; `text` is each message's text.
  WebhookLoad(std::uint16_t port, std::string prefix, int threads, int customers, std::string text);
  ~WebhookLoad();

  /// Requests sent from now on count as "after".
  void mark() { marked_ = true; }
  /// Ends the senders (waits for their requests in flight).
  void stop();

  int acked() const { return acked_; }
  int acked_after() const { return acked_after_; }
  int refused() const { return refused_; }
  /// After stop(): the acknowledged ids sent before and after mark(), and the count of each status.
  const std::vector<std::string>& before() const { return before_; }
  const std::vector<std::string>& after() const { return after_; }
  std::vector<std::string> all() const;
  const std::map<int, int>& statuses() const { return statuses_; }
  /// "200×812, 503×40": for failure messages.
  std::string summary() const;

 private:
  std::atomic<bool> stop_{false}, marked_{false};
  std::atomic<int> acked_{0}, acked_after_{0}, refused_{0};
  mutable std::mutex mu_;
  std::vector<std::string> before_, after_;
  std::map<int, int> statuses_;
  std::vector<std::thread> threads_;
};

}  // namespace omniroute::testing
