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

/// Everything one configuration runs: its channels, agent directory and loops. A reload starts a
/// new generation and drains the old one.
struct Generation {
  config::Config config;
  http::ChannelMap channels;
  std::unique_ptr<ingest::IngestMetrics> ingest_metrics;
  std::unique_ptr<routing::AgentDirectory> directory;
  std::atomic<bool> routing_ready{false};
  http::LoopClients loops;
  std::vector<std::unique_ptr<Worker>> workers;

  std::vector<http::Lane> lanes() {
    std::vector<http::Lane> out;
    for (auto& w : workers) out.push_back(w->lane());
    return out;
  }
  http::Limits limits() const {
    return {config.server.body_limit,    config.server.header_limit,          config.server.read_timeout,
            config.server.idle_timeout,  config.server.first_request_timeout, config.server.max_connections};
  }
};

std::unique_ptr<Generation> start_generation(config::Config config, const ChannelRegistry& registry,
                                             metrics::Registry& metrics) {
  auto g = std::make_unique<Generation>();
  g->config = std::move(config);
  describe_contract_metrics(metrics, g->config);
  g->ingest_metrics = std::make_unique<ingest::IngestMetrics>(metrics, g->config);
  g->channels = build_channels(g->config, registry);
  g->directory = std::make_unique<routing::AgentDirectory>(g->config);
  for (int i = 0; i < workers_for(g->config); ++i) {
    g->workers.push_back(std::make_unique<Worker>(g->config, g->channels, metrics, *g->ingest_metrics, *g->directory,
                                                  g->routing_ready, g->loops));
  }
  for (auto& w : g->workers) w->start();
  // Polling channels run on the first loop; webhook channels need no start.
  g->workers.front()->start_channels(g->channels);
  // One loop per daemon syncs agents and sweeps queues; every loop routes on its own triggers.
  g->workers.front()->start_routing();
  g->workers.back()->start_sending(g->channels, g->config, metrics);
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

/// Drains and joins a generation's loops; true when one ran out of grace (work still suspended).
bool stop_generation(Generation& g) {
  for (auto& w : g.workers) w->drain(g.config.server.drain_timeout);
  for (auto& w : g.workers) w->join();
  return std::any_of(g.workers.begin(), g.workers.end(), [](const auto& w) { return w->forced(); });
}

/// Pings systemd's watchdog only while every loop of the current generation still beats.
void arm_watchdog(asio::steady_timer& timer, std::chrono::microseconds interval, std::shared_ptr<Generation>& current) {
  timer.expires_after(interval / 2);
  timer.async_wait([&timer, interval, &current](const boost::system::error_code& ec) {
    if (ec) return;
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
    auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    bool all_alive = true;
    for (auto& w : current->workers) all_alive = all_alive && now - w->last_heartbeat() < limit;
    if (all_alive) notify_watchdog();
    else log::error("watchdog: an event loop is stalled; not pinging systemd");
    arm_watchdog(timer, interval, current);
  });
}

}  // namespace

int run(config::Config initial, const ChannelRegistry& registry, Reload reload) {
  ::signal(SIGPIPE, SIG_IGN);
  asio::io_context control{1};
  metrics::Registry metrics;  // one for the process: counters carry on across reloads
  const config::ListenAddress listen = initial.server.listen;
  auto endpoint = listen_endpoint(control, listen);
  std::shared_ptr<Generation> current = start_generation(std::move(initial), registry, metrics);
  http::Listener listener(control, endpoint, current->lanes(), current->limits());

  asio::signal_set stop_signals(control, SIGINT, SIGTERM);
  asio::signal_set hup(control, SIGHUP);
  asio::steady_timer watchdog(control);
  std::vector<std::thread> retiring;  // old generations draining after a reload

  listener.start();
  log::info("http: at most " + std::to_string(http::connection_cap(current->limits())) +
            " connections (server.max_connections; the file limit caps it)");
  log::info("omnirouted listening on " + listen.host + ":" + std::to_string(listener.port()) + " with " +
            std::to_string(current->workers.size()) + " event loop(s), " + std::to_string(current->channels.size()) +
            " channel(s), workspace '" + current->config.redis.workspace + "'");
  notify_ready();
  if (auto interval = watchdog_interval()) arm_watchdog(watchdog, *interval, current);

  // A reload: the new generation starts beside the running one and takes the listening socket
  // only once every loop of it reaches Redis; if it cannot within connect_timeout (+1 s), it is
  // dropped and the running one stays.
  auto retire = [&retiring](std::shared_ptr<Generation> old) {
    // Off the control loop: draining waits up to drain_timeout, and accepting must go on meanwhile.
    retiring.emplace_back([old = std::move(old)]() mutable {
      // Forced: suspended work still references it; never destroy it.
      if (stop_generation(*old)) (void)new std::shared_ptr<Generation>(std::move(old));
    });
  };
  asio::steady_timer reload_wait(control);
  std::function<void()> wait_hup;
  std::function<void(std::shared_ptr<Generation>, std::chrono::steady_clock::time_point)> swap_when_ready =
      [&](std::shared_ptr<Generation> fresh, std::chrono::steady_clock::time_point deadline) {
        bool ready = std::all_of(fresh->workers.begin(), fresh->workers.end(), [](const auto& w) { return w->redis_ready(); });
        if (!ready && std::chrono::steady_clock::now() < deadline) {
          reload_wait.expires_after(std::chrono::milliseconds(10));
          reload_wait.async_wait([&, fresh, deadline](const boost::system::error_code& ec) {
            if (!ec) swap_when_ready(fresh, deadline);
            else retire(fresh);  // stopping meanwhile: drain it like the running one
          });
          return;
        }
        if (!ready) {
          log::error("SIGHUP: the new configuration's Redis is not reachable; not reloaded, the running one stays");
          retire(std::move(fresh));
        } else {
          listener.replace_lanes(fresh->lanes(), fresh->limits());
          log::info("SIGHUP: configuration reloaded: " + std::to_string(fresh->channels.size()) + " channel(s), " +
                    std::to_string(fresh->config.queues.size()) + " queue(s), " +
                    std::to_string(fresh->config.agents.size()) + " configured agent(s); the previous loops drain");
          std::swap(current, fresh);
          retire(std::move(fresh));
        }
        notify_ready();
        wait_hup();
      };
  wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      notify_reloading();
      auto next = reload();
      if (!next) {
        log::error("SIGHUP: configuration not reloaded; the running one stays");
        notify_ready();
        return wait_hup();
      }
      if (next->server.listen.host != listen.host || next->server.listen.port != listen.port) {
        log::warn("SIGHUP: server.listen changes at the next restart; still listening on " + listen.host + ":" +
                  std::to_string(listener.port()));
      }
      auto connect = next->redis.connect_timeout;
      std::shared_ptr<Generation> fresh = start_generation(std::move(*next), registry, metrics);
      swap_when_ready(std::move(fresh), std::chrono::steady_clock::now() + connect + std::chrono::seconds(1));
    });
  };
  wait_hup();
  bool forced = false;
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") + ": draining");
    notify_stopping();
    listener.stop();
    hup.cancel();
    reload_wait.cancel();
    watchdog.cancel();
    for (auto& w : current->workers) w->drain(current->config.server.drain_timeout);
  });
  control.run();
  for (auto& w : current->workers) w->join();
  for (auto& t : retiring) t.join();
  forced = std::any_of(current->workers.begin(), current->workers.end(), [](const auto& w) { return w->forced(); });
  log::info(forced ? "omnirouted stopped (grace period exhausted)" : "omnirouted stopped");
  // After a forced stop, coroutines are still suspended on the stopped loops: destroying them in member
  // order would touch what they reference. Everything acknowledged is in Redis; leave without destructors.
  if (forced) std::_Exit(0);
  return 0;
}

}  // namespace omniroute::daemon
