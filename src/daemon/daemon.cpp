#include "daemon/daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "daemon/systemd_notify.hpp"
#include "daemon/worker.hpp"
#include "omniroute/log.hpp"
#include "routing/pools.hpp"

namespace omniroute::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

http::ChannelMap build_channels(const config::Config& config, const ChannelRegistry& registry) {
  http::ChannelMap out;
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
  m.describe("omniroute_queue_alerts_total", "counter",
             "Queue-level alerts raised (oldest wait or depth over its threshold), by queue and measure");
  m.describe("omniroute_auto_acks_total", "counter", "Auto-acknowledgements sent to customers, by channel");
  m.describe("omniroute_webhook_rejected_total", "counter", "Webhook deliveries refused, by channel and reason");
  m.describe("omniroute_offers_total", "counter",
             "Conversations offered in offer mode, by queue and how the offer ended (accepted, declined, expired)");
}

tcp::endpoint listen_endpoint(asio::io_context& ctx, const config::ListenAddress& listen) {
  tcp::resolver resolver(ctx);
  // Start-up may block: nothing is being served yet.
  auto results = resolver.resolve(listen.host, std::to_string(listen.port));
  return results.begin()->endpoint();
}

int workers_for(const config::Config& config) {
  if (config.server.threads > 0) return config.server.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Pings systemd's watchdog only while every loop still beats.
void arm_watchdog(asio::steady_timer& timer, std::chrono::microseconds interval,
                  std::vector<std::unique_ptr<Worker>>& workers) {
  timer.expires_after(interval / 2);
  timer.async_wait([&timer, interval, &workers](const boost::system::error_code& ec) {
    if (ec) return;
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
    auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    bool all_alive = true;
    for (auto& w : workers) all_alive = all_alive && now - w->last_heartbeat() < limit;
    if (all_alive) notify_watchdog();
    else log::error("watchdog: an event loop is stalled; not pinging systemd");
    arm_watchdog(timer, interval, workers);
  });
}

}  // namespace

int run(const config::Config& config, const ChannelRegistry& registry) {
  ::signal(SIGPIPE, SIG_IGN);
  asio::io_context control{1};
  metrics::Registry metrics;
  describe_contract_metrics(metrics, config);
  ingest::IngestMetrics ingest_metrics(metrics, config);
  http::ChannelMap channels = build_channels(config, registry);
  routing::AgentDirectory directory(config);
  std::atomic<bool> routing_ready{false};

  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<http::Lane> lanes;
  for (int i = 0; i < workers_for(config); ++i) {
    workers.push_back(std::make_unique<Worker>(config, channels, metrics, ingest_metrics, directory, routing_ready));
    lanes.push_back(workers.back()->lane());
  }
  http::Limits limits{config.server.body_limit, config.server.header_limit, config.server.read_timeout,
                      config.server.idle_timeout};
  http::Listener listener(control, listen_endpoint(control, config.server.listen), lanes, limits);

  asio::signal_set stop_signals(control, SIGINT, SIGTERM);
  asio::signal_set hup(control, SIGHUP);
  asio::steady_timer watchdog(control);

  for (auto& w : workers) w->start();
  // Polling channels run on the first loop; webhook channels need no start.
  workers.front()->start_channels(channels);
  // One loop per daemon syncs agents and sweeps queues; every loop routes on its own triggers.
  workers.front()->start_routing();
  workers.back()->start_sending(channels, config, metrics);
  listener.start();
  log::info("omnirouted listening on " + config.server.listen.host + ":" + std::to_string(listener.port()) +
            " with " + std::to_string(workers.size()) + " event loop(s), " + std::to_string(channels.size()) +
            " channel(s), workspace '" + config.redis.workspace + "'");
  for (const auto& r : config.rules) {
    // A rule requiring skills that no configured agent has holds its conversations until an agent
    // with them is added through the admin API: worth saying at start-up.
    bool someone = std::any_of(config.agents.begin(), config.agents.end(), [&](const config::AgentConfig& a) {
      return std::all_of(r.skills.begin(), r.skills.end(), [&](const std::string& s) {
        return std::find(a.skills.begin(), a.skills.end(), s) != a.skills.end();
      });
    });
    if (!r.skills.empty() && !someone) {
      log::warn("routing: no configured agent has every skill a rule requires (" + routing::skill_key(r.skills) +
                "); its conversations wait until such an agent is added");
    }
  }
  notify_ready();
  if (auto interval = watchdog_interval()) arm_watchdog(watchdog, *interval, workers);

  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      log::warn("SIGHUP: configuration reload is not implemented yet; running configuration unchanged");
      wait_hup();
    });
  };
  wait_hup();
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") + ": draining");
    notify_stopping();
    listener.stop();
    hup.cancel();
    watchdog.cancel();
    for (auto& w : workers) w->drain(config.server.drain_timeout);
  });
  control.run();
  for (auto& w : workers) w->join();
  bool forced = std::any_of(workers.begin(), workers.end(), [](const auto& w) { return w->forced(); });
  log::info(forced ? "omnirouted stopped (grace period exhausted)" : "omnirouted stopped");
  // After a forced stop, coroutines are still suspended on the stopped loops: destroying them in member
  // order would touch what they reference. Everything acknowledged is in Redis; leave without destructors.
  if (forced) std::_Exit(0);
  return 0;
}

}  // namespace omniroute::daemon
