// The one route table against docs/openapi.yaml, both ways: every documented operation is routed, and
// every route is documented. The table is the daemon's own (a worker built in-process, never started).

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "integration/daemon_routes.hpp"

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
  std::set<Operation> routed;
  for (const auto& route : daemon_routes()) routed.insert({route.method, route.pattern});
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
