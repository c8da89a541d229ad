#pragma once
// The configuration reference: every key the loader reads, with its type,
// default and meaning, by section; channel kinds' keys come from their own
// field tables. docs/config.md is this, rendered (`omnirouted
// --config-reference`), and tests check both directions: every key the loader
// asks for is documented here, and every key documented is one it asks for.

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/key_type.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::config {

class MapReader;
struct Config;

/// Reads one key of a section (or checks keys together): value, checks and where it goes, in one place.
using SectionReader = std::function<void(MapReader& section, Config& cfg)>;

struct KeyDoc {
  std::string key;  // "server.listen", "queues[].sla.<priority>.first_response"
  KeyType type;     // duration, integer 1–64, text, secret, …: the reference prints it, readers check by it
  std::string default_value;
  std::string doc;
  SectionReader read;  // how the key is read (unset: a nested key its parent's reader reads)
  /// For a key read into one field by its type (see `typed`): that field's value in the reference's
  /// notation, so a test holds the documented default to what the loader leaves there.
  std::function<std::string(Config&)> current;
};

namespace detail {
template <typename Field>
std::string field_text(const Field& v) {
  if constexpr (std::is_same_v<Field, std::string>) return v;
  else if constexpr (std::is_same_v<Field, double>) return normalized(number(0, 0), std::to_string(v)).value_or("");
  else if constexpr (std::is_integral_v<Field>) return std::to_string(v);
  else return duration_text(std::chrono::duration_cast<Millis>(v));
}
}  // namespace detail

/// `key` whose default is worked out at start (its documented default is prose): no field holds it.
inline KeyDoc computed_default(KeyDoc key) {
  key.current = nullptr;
  return key;
}

/// A key read by its declared type into the field `at` names ([](Config& c) -> int& { return c.x; }):
/// the reader, its bounds and the documented type are one declaration.
template <typename At>
KeyDoc typed(std::string key, KeyType type, std::string default_value, std::string doc, At at) {
  using Field = std::remove_reference_t<std::invoke_result_t<At, Config&>>;
  const std::string leaf = key.substr(key.rfind('.') + 1);
  SectionReader read = [leaf, type, at](MapReader& r, Config& c) {
    if constexpr (std::is_same_v<Field, std::string>) {
      if (auto v = read_text(r, leaf, type)) at(c) = *v;
    } else if constexpr (std::is_same_v<Field, double>) {
      if (auto v = read_number(r, leaf, type)) at(c) = *v;
    } else if constexpr (std::is_integral_v<Field>) {
      if (auto v = read_integer(r, leaf, type)) at(c) = static_cast<Field>(*v);
    } else {
      if (auto v = read_duration(r, leaf, type)) at(c) = std::chrono::duration_cast<Field>(*v);
    }
  };
  auto current = [at](Config& c) { return detail::field_text(at(c)); };
  return {std::move(key), std::move(type), std::move(default_value), std::move(doc), std::move(read), current};
}

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
