#include "integration/daemon_routes.hpp"

#include <atomic>

#include "agent_api/auth_throttle.hpp"
#include "chat/chat_limits.hpp"
#include "config/loader.hpp"
#include "daemon/worker.hpp"
#include "ingest/ingest_service.hpp"
#include "integration/config_builder.hpp"
#include "metrics/metrics.hpp"
#include "routing/agent_directory.hpp"

namespace omniroute::testing {

std::vector<DaemonRoute> daemon_routes() {
  ChannelRegistry registry;
  register_builtin_channels(registry);
  ConfigBuilder builder(8080, "redis://127.0.0.1:6379");
  builder.api_channel().queue("{ id: general, channels: [api] }");
  config::Config config = config::load_config_text(builder.yaml(), "routes.yaml", registry);
  metrics::Registry metrics;
  ingest::IngestMetrics ingest_metrics(metrics, config);
  routing::AgentDirectory directory(config);
  std::atomic<bool> ready{false};
  store::LoopClients loops;
  agent_api::AuthThrottle throttle(metrics);
  ChannelMap channels;
  archive::HistoryStatus history;
  webchat::ChatLimits chat_limits;
  daemon::Worker worker(config, channels, registry, metrics, ingest_metrics, directory, ready, loops, nullptr, throttle, chat_limits,
                        history);
  std::vector<DaemonRoute> out;
  for (const auto& route : worker.router().routes().routes()) {
    if (route.method == http::beast_http::verb::head) continue;
    out.push_back({std::string(http::beast_http::to_string(route.method)), route.pattern.text(), route.role});
  }
  return out;
}

}  // namespace omniroute::testing
