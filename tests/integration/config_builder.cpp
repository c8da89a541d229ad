#include "integration/config_builder.hpp"

#include <yaml-cpp/yaml.h>

#include "integration/test_config.hpp"

namespace omniroute::testing {

ConfigBuilder::ConfigBuilder(std::uint16_t port, const std::string& redis_url)
    : root_(std::make_unique<YAML::Node>(YAML::NodeType::Map)) {
  const std::string address = "127.0.0.1:" + std::to_string(port);
  YAML::Node& root = *root_;
  root["server"]["listen"] = address;
  root["server"]["threads"] = 2;
  root["redis"]["url"] = redis_url;
  root["redis"]["workspace"] = "it";
}

ConfigBuilder::ConfigBuilder(const ConfigBuilder& other)
    : root_(std::make_unique<YAML::Node>(YAML::Clone(*other.root_))) {}

ConfigBuilder& ConfigBuilder::operator=(const ConfigBuilder& other) {
  if (this != &other) root_ = std::make_unique<YAML::Node>(YAML::Clone(*other.root_));
  return *this;
}

ConfigBuilder::~ConfigBuilder() = default;

ConfigBuilder& ConfigBuilder::server(const std::string& key, const std::string& value) {
  (*root_)["server"][key] = YAML::Load(value);
  return *this;
}

ConfigBuilder& ConfigBuilder::redis(const std::string& key, const std::string& value) {
  (*root_)["redis"][key] = YAML::Load(value);
  return *this;
}

ConfigBuilder& ConfigBuilder::section(const std::string& name, const std::string& yaml) {
  (*root_)[name] = YAML::Load(yaml);
  return *this;
}

ConfigBuilder& ConfigBuilder::add(const char* list, const std::string& flow_map) {
  (*root_)[list].push_back(YAML::Load(flow_map));
  return *this;
}

ConfigBuilder& ConfigBuilder::channel(const std::string& flow_map) { return add("channels", flow_map); }
ConfigBuilder& ConfigBuilder::queue(const std::string& flow_map) { return add("queues", flow_map); }
ConfigBuilder& ConfigBuilder::agent(const std::string& flow_map) { return add("agents", flow_map); }

ConfigBuilder& ConfigBuilder::api_channel() {
  return channel(std::string("{ id: api, kind: webhook, secret: ") + kApiSecret + " }");
}

std::string ConfigBuilder::yaml() const {
  YAML::Emitter out;
  out << *root_;
  return std::string(out.c_str()) + "\n";
}

}  // namespace omniroute::testing
