#include "daemon/generation.hpp"

#include <algorithm>
#include <thread>

#include "omniroute/log.hpp"
#include "routing/pools.hpp"

namespace omniroute::daemon {

namespace {


ChannelMap build_channels(const config::Config& config, const ChannelRegistry& registry) {
  ChannelMap out;
  for (const auto& c : config.channels) {
    const ChannelKind* kind = registry.find(c.settings.kind);
    out.emplace(c.settings.id, kind->create(c.settings));
  }
  return out;
}

void describe_contract_metrics(metrics::Registry& m, const config::Config& config) {
  m.describe("omniroute_messages_sent_total", "counter", "Outbound messages by channel and result");
  m.describe("omniroute_first_response_seconds", "histogram", "Time from a conversation's first message to its first agent reply");
  m.describe("omniroute_queue_wait_seconds", "histogram", "Time a conversation waited in its queue before assignment");
  for (const auto& q : config.queues) {
    m.histogram("omniroute_queue_wait_seconds", {{"queue", q.id}}, metrics::wait_buckets());
  }
  m.describe("omniroute_first_response_business_seconds", "histogram",
             "Time to the first agent reply counted by the queue's SLA clock (business hours with a calendar)");
  m.describe("omniroute_sla_alerts_total", "counter", "SLA alerts fired, by queue and kind");
  m.describe("omniroute_webchat_refused_total", "counter",
             "Web chat sockets refused for their page's origin, and visitor messages refused by the flood limits");
  m.describe("omniroute_webchat_sockets_total", "counter", "Web chat visitor sockets opened and closed (open = opened - closed)");
  m.describe("omniroute_webchat_offline_emails_total", "counter",
             "Replies e-mailed to web chat visitors who had left (offline_email), by channel and result");
  m.describe("omniroute_queue_alerts_total", "counter",
             "Queue-level alerts raised (oldest wait or depth over its threshold), by queue and measure");
  m.describe("omniroute_sms_segments_total", "counter",
             "SMS segments sent, by channel and encoding (GSM-7: 160 or 153 characters a segment; UCS-2: 70 or 67)");
  m.describe("omniroute_auto_acks_total", "counter", "Auto-acknowledgements sent to customers, by channel");
  m.describe("omniroute_webhook_rejected_total", "counter", "Webhook deliveries refused, by channel and reason");
  m.describe("omniroute_connections_shed_total", "counter",
             "Idle connections closed to make room for a new one at server.max_connections");
  m.describe("omniroute_connections_refused_total", "counter",
             "Connections refused (503) at server.max_connections with none idle to close");
  m.describe("omniroute_event_sockets_closed_total", "counter",
             "Agent event WebSockets closed by the server, by reason (slow: the client read too slowly; "
             "too_many: over server.max_sockets_per_agent)");
  m.describe("omniroute_auth_failures_total", "counter",
             "Tokens (Bearer, ?token=, sign-in) that named no agent or admin");
  m.describe("omniroute_auth_throttled_total", "counter",
             "Token authentications answered 429 after too many failures, by the budget that ran out (address, "
             "token_prefix)");
  m.describe("omniroute_event_sockets_refused_total", "counter",
             "Event WebSockets refused (503) because sockets hold their share of server.max_connections");
  m.describe("omniroute_responses_total", "counter",
             "First responses, next responses and resolutions recorded, by whether they met their SLA target");
  m.describe("omniroute_offers_total", "counter",
             "Conversations offered in offer mode, by queue and how the offer ended (accepted, declined, expired)");
}

int workers_for(const config::Config& config) {
  if (config.server.threads > 0) return config.server.threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

std::vector<http::Lane> Generation::lanes() {
  std::vector<http::Lane> out;
  for (auto& w : workers) out.push_back(w->lane());
  return out;
}

http::Limits Generation::limits() const {
  return {config.server.body_limit,    config.server.header_limit,          config.server.read_timeout,
          config.server.idle_timeout,  config.server.first_request_timeout, config.server.max_connections};
}

std::unique_ptr<Generation> start_generation(config::Config config, const ChannelRegistry& registry,
                                             metrics::Registry& metrics, Worker::ApiChannelsChanged api_channels_changed) {
  auto g = std::make_unique<Generation>();
  g->config = std::move(config);
  describe_contract_metrics(metrics, g->config);
  g->ingest_metrics = std::make_unique<ingest::IngestMetrics>(metrics, g->config);
  g->channels = build_channels(g->config, registry);
  g->directory = std::make_unique<routing::AgentDirectory>(g->config);
  g->throttle = std::make_unique<agent_api::AuthThrottle>(metrics);
  for (int i = 0; i < workers_for(g->config); ++i) {
    // The first loop reads the events stream for the whole process; the others share its feed.
    agent_api::EventFeed* feed = g->workers.empty() ? nullptr : &g->workers.front()->feed();
    g->workers.push_back(std::make_unique<Worker>(g->config, g->channels, registry, metrics, *g->ingest_metrics, *g->directory,
                                                  g->routing_ready, g->loops, feed, *g->throttle, g->chat_limits, g->history));
  }
  for (auto& w : g->workers) w->start();
  // Polling channels run on the first loop; webhook channels need no start.
  g->workers.front()->start_channels(g->channels);
  // One loop per daemon syncs agents and sweeps queues; every loop routes on its own triggers.
  g->workers.front()->start_routing(g->config);
  if (api_channels_changed) g->workers.front()->watch_api_channels(g->config.api_channels_version, std::move(api_channels_changed));
  g->workers.back()->start_sending(g->channels, g->config, metrics);
  for (std::size_t i = 0; i < g->workers.size(); ++i) {
    g->workers[i]->start_archiving(g->config, metrics, static_cast<int>(i), i == 0);
  }
  for (const auto& r : g->config.rules) {
    // A rule requiring skills that no configured agent has holds its conversations until an agent
    // with them is added through the admin API: worth saying at start-up.
    bool someone = std::any_of(g->config.agents.begin(), g->config.agents.end(), [&](const config::AgentConfig& a) {
      return std::all_of(r.skills.begin(), r.skills.end(), [&](const std::string& s) {
        return std::find(a.skills.begin(), a.skills.end(), s) != a.skills.end();
      });
    });
    if (!r.skills.empty() && !someone) {
      log::warn("routing: no configured agent has every skill a rule requires (" + routing::skill_key(r.skills) +
                "); its conversations wait until such an agent is added");
    }
  }
  return g;
}

bool stop_generation(Generation& g) {
  for (auto& w : g.workers) w->drain(g.config.server.drain_timeout);
  for (auto& w : g.workers) w->join();
  return std::any_of(g.workers.begin(), g.workers.end(), [](const auto& w) { return w->forced(); });
}

}  // namespace omniroute::daemon
