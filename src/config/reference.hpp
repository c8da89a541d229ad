#pragma once
// The configuration reference: every key the loader reads, with its type,
// default and meaning, by section; channel kinds' keys come from their own
// field tables. docs/config.md is this, rendered (`omnirouted
// --config-reference`), and tests check both directions: every key the loader
// asks for is documented here, and every key documented is one it asks for.

#include <functional>
#include <string>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::config {

class MapReader;
struct Config;

/// Reads one key of a section (or checks keys together): value, checks and where it goes, in one place.
using SectionReader = std::function<void(MapReader& section, Config& cfg)>;

struct KeyDoc {
  std::string key;      // "server.listen", "queues[].sla.<priority>.first_response"
  std::string type;     // "duration", "integer 1–64", "text", "secret", …
  std::string default_value;
  std::string doc;
  SectionReader read;   // set for sections read from this table (server, redis, outbound)
};

struct SectionDoc {
  std::string name;  // "server", "queues[]"
  std::string doc;
  std::vector<KeyDoc> keys;
  SectionReader check;  // keys that must agree with each other, after every key was read
  /// A list section read from this table ("agents[]"): starts a new item, which its keys' readers fill.
  std::function<void(Config&)> begin_item;
  /// A list section's checks across its items (references to items further down), after all are read.
  std::function<void(MapReader& top, Config&)> after_items;
};

/// Reads section `name` (one whose keys carry their readers) from the top-level mapping.
void read_declared_section(MapReader& top, Config& cfg, const std::string& name);
/// Reads list section `name` ("agents[]"): for each item, begin_item, then every key's reader on it.
void read_declared_list(MapReader& top, Config& cfg, const std::string& name);

/// The core sections (everything but the keys of each channel kind).
const std::vector<SectionDoc>& core_sections();

/// A recorded key with list indices, priorities, weekdays and languages folded into the
/// reference's placeholders: "queues[].sla.priorities.urgent.warn_at" → "queues[].sla.priorities.<priority>.warn_at".
std::string reference_key(const std::string& recorded);

/// docs/config.md: the core sections, then every channel kind's keys.
std::string config_reference_markdown(const ChannelRegistry& registry);

}  // namespace omniroute::config
