#pragma once
// Auto-acknowledgement: on a new conversation, tell the customer on their
// channel when to expect an answer, in their language. The estimate comes
// from the queue's recent first-response times (the median of the last 50),
// how many wait ahead and how many agents could take it now, and business
// hours. The message is sent like a reply but is never a response: no SLA
// clock stops for it.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "metrics/metrics.hpp"
#include "sla/policy.hpp"
#include "store/conversation_store.hpp"
#include "store/conversations.hpp"

namespace omniroute::sla {

/// What the estimate is made from.
struct WaitInputs {
  std::vector<std::int64_t> recent_ms;  // recent first-response times
  long ahead = 0;                       // conversations that will be served first
  long available = 0;                   // agents who could take one now
  std::int64_t fallback_ms = 0;         // without history: the SLA target, else 15 minutes
};

/// Working time until a first answer: each round, every free agent (at least one) answers one
/// conversation in the median recent first-response time; this one is in round ahead/agents + 1.
std::int64_t estimate_work_ms(const WaitInputs& in);

/// "in about 10 minutes", "लगभग 2 घंटे में", "by 09:30 on 24 Nov" …: the wait from `now_ms` to
/// `at_ms` in `language` (en, hi, te; English for others), clock times in `zone` (UTC when null).
std::string eta_phrase(const std::string& language, std::int64_t now_ms, std::int64_t at_ms,
                       const date::time_zone* zone);

/// The template for `language`: its own, else English, else the first there is. The eta phrase is
/// written in the language of the template chosen, so a message never mixes two.
const std::pair<const std::string, std::string>& pick_template(const std::map<std::string, std::string>& templates,
                                                               const std::string& language);

/// `{eta}` and `{minutes}` replaced.
std::string render_ack(const std::string& text, const std::string& eta, std::int64_t minutes);

class AutoAcknowledger {
 public:
  AutoAcknowledger(const config::Config& config, store::ConversationStore& store, metrics::Registry& metrics);
  /// True when `channel` sends auto-acknowledgements.
  bool enabled_for(const std::string& channel) const { return templates_.count(channel) > 0; }
  /// Sends the acknowledgement of new conversation `conv` of `channel` (at most once).
  boost::asio::awaitable<void> acknowledge(std::string conv, std::string channel);

 private:
  store::Conversations conversations_;
  metrics::Registry& metrics_;
  Policies policies_;
  std::map<std::string, std::map<std::string, std::string>> templates_;  // channel → language → text
};

}  // namespace omniroute::sla
