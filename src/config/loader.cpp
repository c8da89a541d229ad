#include "config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "config/yaml_reader.hpp"
#include "config/sections.hpp"

namespace omniroute::config {

namespace {

Diagnostics parse_error_diagnostics(const std::string& source, const YAML::Exception& e) {
  Diagnostics d(source);
  d.add(e.mark.line + 1, e.mark.column + 1, e.msg);
  return d;
}

}  // namespace

Config load_config_text(std::string_view text, const std::string& source,
                        const ChannelRegistry& registry, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError(parse_error_diagnostics(source, e));
  }
  Diagnostics diag(source);
  Config cfg;
  cfg.source = source;
  if (!root.IsDefined() || root.IsNull()) {
    diag.add(1, 1, "the file is empty: it needs at least a channels section");
    throw ConfigError(diag);
  }
  MapReader top(root, "", diag, env);
  if (!top.valid()) throw ConfigError(diag);
  read_server(top, cfg);
  read_redis(top, cfg);
  read_outbound(top, cfg);
  read_history(top, cfg);
  read_channels(top, cfg, registry);
  read_calendars(top, cfg);
  read_queues(top, cfg);
  read_agents(top, cfg);
  read_admins(top, cfg);
  read_routing(top, cfg);
  read_alerts(top, cfg);
  top.finish();
  for (const auto& c : cfg.channels) {
    if (!cfg.default_queue(c.settings.id)) {
      diag.add(c.line, c.column, "channel '" + c.settings.id +
                                     "' is in no queue's channels: its conversations would never reach an agent");
    }
  }
  if (!diag.empty()) throw ConfigError(diag);
  return cfg;
}

Config load_config_file(const std::string& path, const ChannelRegistry& registry,
                        const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostics d(path);
    d.add(1, 1, "cannot read the file");
    throw ConfigError(d);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, registry, env);
}

bool Config::team_lead(std::string_view id) const {
  return std::any_of(agents.begin(), agents.end(), [&](const AgentConfig& a) { return a.id == id && a.supervisor; });
}

const QueueConfig* Config::default_queue(std::string_view channel_id) const {
  for (const auto& q : queues) {
    if (std::find(q.channels.begin(), q.channels.end(), channel_id) != q.channels.end()) return &q;
  }
  return nullptr;
}

std::string_view to_string(SlaTarget t) {
  switch (t) {
    case SlaTarget::first_response: return "first_response";
    case SlaTarget::next_response: return "next_response";
    case SlaTarget::resolution: return "resolution";
  }
  return "first_response";
}

std::string_view to_string(Strategy s) {
  switch (s) {
    case Strategy::least_busy: return "least_busy";
    case Strategy::round_robin: return "round_robin";
    case Strategy::longest_idle: return "longest_idle";
  }
  return "least_busy";
}

}  // namespace omniroute::config
