#pragma once
// One reader per top-level section of the configuration file. Each reads
// its section from `top`, fills `cfg` and reports problems; sections are
// read in file-contract order so later ones can check references to earlier.

#include "config/config.hpp"
#include "config/key_type.hpp"
#include "config/yaml_reader.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::config {

void read_server(MapReader& top, Config& cfg);
void read_redis(MapReader& top, Config& cfg);
void read_outbound(MapReader& top, Config& cfg);
void read_channels(MapReader& top, Config& cfg, const ChannelRegistry& registry);
void read_history(MapReader& top, Config& cfg);
/// channels[].csat.window: 1ms to 30d (declared once, for the reader and the reference).
KeyType csat_window_type();
void read_calendars(MapReader& top, Config& cfg);
void read_queues(MapReader& top, Config& cfg);
void read_agents(MapReader& top, Config& cfg);
void read_admins(MapReader& top, Config& cfg);
/// The agents[] section, declared: every key with its type, default, meaning and reader.
struct SectionDoc;
SectionDoc agents_section();
SectionDoc admins_section();
/// The queues[] section, declared.
SectionDoc queues_section();
/// The calendars[] section, declared.
SectionDoc calendars_section();
/// The alerts[] section, declared.
SectionDoc alerts_section();
void read_routing(MapReader& top, Config& cfg);
/// routing.rules, read from the routing section (its declared reader, config/reference.cpp).
void read_routing_rules(MapReader& routing, Config& cfg);
void read_alerts(MapReader& top, Config& cfg);

/// Each item of the list at `key` as a MapReader named "key[i]"; calls finish() after `fn`.
template <typename Fn>
void for_each_item(MapReader& parent, std::string_view key, Fn fn) {
  YAML::Node list = parent.child(key);
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    parent.error(key, "expected a list of entries, each starting with '- '");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    MapReader item(list[i], parent.qualified(key) + "[" + std::to_string(i) + "]",
                   parent.diagnostics(), parent.env(), parent.where(key));
    if (!item.valid()) continue;
    fn(item);
    item.finish();
  }
}

/// An identifier users write in URLs and keys: [A-Za-z0-9_-], 1 to 64 characters.
bool is_identifier(std::string_view s);

}  // namespace omniroute::config
