// The one route table against docs/openapi.yaml, both ways: every documented operation is routed, and
// every route is documented. The table is the daemon's own (a worker built in-process, never started).

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <set>
#include <string>

#include "agent_api/auth_throttle.hpp"
#include "config/loader.hpp"
#include "daemon/worker.hpp"
#include "ingest/ingest_service.hpp"
#include "integration/config_builder.hpp"
#include "metrics/metrics.hpp"
#include "routing/agent_directory.hpp"

namespace omniroute::testing {
namespace {

using Operation = std::pair<std::string, std::string>;  // METHOD, path template

std::set<Operation> documented() {
  std::set<Operation> out;
  YAML::Node doc = YAML::LoadFile(std::string(OMNIROUTE_SOURCE_DIR) + "/docs/openapi.yaml");
  for (const auto& path : doc["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      if (method == "parameters" || method == "summary" || method == "description") continue;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert({method, path.first.as<std::string>()});
    }
  }
  return out;
}

TEST(RouteTable, EveryDocumentedOperationIsRoutedAndEveryRouteIsDocumented) {
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
  daemon::Worker worker(config, channels, metrics, ingest_metrics, directory, ready, loops, nullptr, throttle, chat_limits, history);

  std::set<Operation> routed;
  for (const auto& route : worker.router().routes().routes()) {
    if (route.method == http::beast_http::verb::head) continue;  // HEAD answers as GET where it is routed
    routed.insert({std::string(http::beast_http::to_string(route.method)), route.pattern.text()});
  }
  const std::set<Operation> docs = documented();
  for (const auto& [method, path] : docs) {
    EXPECT_TRUE(routed.count({method, path})) << method << " " << path << " is documented but not routed";
  }
  for (const auto& [method, path] : routed) {
    EXPECT_TRUE(docs.count({method, path})) << method << " " << path << " is routed but not in docs/openapi.yaml";
  }
  EXPECT_GT(routed.size(), 40u);
}

}  // namespace
}  // namespace omniroute::testing
