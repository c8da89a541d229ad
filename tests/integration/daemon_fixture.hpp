#pragma once
// DaemonTest: the integration tests' one fixture — a real redis-server, a free
// port, and omnirouted started on them from a ConfigBuilder, with the helpers
// every test reaches for (requests with a token, a conversation's id and
// fields by the store's own key names). Fake providers are real servers the
// test adds beside it (support/fake_provider.hpp) and names in the config.
//
//   class AgentApi : public DaemonTest {
//    protected:
//     AgentApi() { start(config().channel("{ id: api, kind: webhook, secret: s }")); }
//   };

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "integration/config_builder.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() : port(free_port()) {}

  /// The usual starting point: loopback listener on `port`, this test's Redis, workspace "it".
  ConfigBuilder config() const { return ConfigBuilder(port, redis.url()); }
  /// Starts omnirouted (waits until /readyz answers 200); a running one is stopped first.
  void start(const ConfigBuilder& cfg, const std::vector<std::string>& env = {}) {
    daemon.reset();
    daemon.emplace(cfg.yaml(), port, env);
  }

  /// A request with `Authorization: Bearer <token>` (JSON body when not empty).
  HttpResult as(const std::string& token, const std::string& method, const std::string& path,
                const std::string& body = "") {
    return as_bearer(port, token, method, path, body);
  }
  /// The open conversation of `handle` on the generic channel `api` ("(nil)" when none).
  std::string conversation_of(const std::string& handle) { return testing::conversation_of(redis, handle); }
  /// One stored field of conversation `conv` ("(nil)" when absent).
  std::string field(const std::string& conv, const std::string& name) {
    return redis.one({"HGET", it_keys().conversation(conv), name});
  }

  RedisServer redis;
  std::uint16_t port;
  std::optional<DaemonProcess> daemon;
};

}  // namespace omniroute::testing
