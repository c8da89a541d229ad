#pragma once
// ConfigBuilder: the daemon's YAML for a test, built by section instead of by
// string concatenation. It starts from the integration tests' usual setup
// (loopback listener, two threads, workspace "it") and each call
// sets a key or adds a list entry; entries are written as YAML flow maps:
//
//   ConfigBuilder cfg(port, redis.url());
//   cfg.server("admin_token", kAdmin)
//      .channel("{ id: api, kind: webhook, secret: s3cret }")
//      .queue("{ id: general, channels: [api], sla: { first_response: 15m } }")
//      .agent("{ id: asha, token: asha-token-0123456789, skills: [hi], capacity: { chat: 2 } }");
//   DaemonProcess daemon(cfg.yaml(), port);

#include <cstdint>
#include <memory>
#include <string>

namespace YAML {
class Node;
}

namespace omniroute::testing {

class ConfigBuilder {
 public:
  /// server.listen 127.0.0.1:`port`, 2 threads; redis.url `redis_url`, workspace "it".
  ConfigBuilder(std::uint16_t port, const std::string& redis_url);
  ConfigBuilder(const ConfigBuilder& other);
  ConfigBuilder& operator=(const ConfigBuilder& other);
  ~ConfigBuilder();

  /// Sets server.<key> (a scalar or a YAML flow value such as "[a, b]").
  ConfigBuilder& server(const std::string& key, const std::string& value);
  /// Sets redis.<key>.
  ConfigBuilder& redis(const std::string& key, const std::string& value);
  /// Sets a top-level section (routing, alerts, auto_ack, calendars, …) from YAML text.
  ConfigBuilder& section(const std::string& name, const std::string& yaml);
  /// Adds one entry, a YAML flow map, to channels / queues / agents.
  ConfigBuilder& channel(const std::string& flow_map);
  ConfigBuilder& queue(const std::string& flow_map);
  ConfigBuilder& agent(const std::string& flow_map);
  /// Adds the generic webhook channel `api` that post_message() signs for (test_config.hpp).
  ConfigBuilder& api_channel();

  /// The config file's text.
  std::string yaml() const;

 private:
  ConfigBuilder& add(const char* list, const std::string& flow_map);
  std::unique_ptr<YAML::Node> root_;
};

}  // namespace omniroute::testing
