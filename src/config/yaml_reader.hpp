#pragma once
// Reads one YAML mapping key by key, remembering which keys it was asked
// for, so that every key nobody asked for is reported as unknown with the
// nearest known key suggested. Problems go to Diagnostics; reading goes on.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/values.hpp"

namespace omniroute::config {

/// 1-based line and column of a node (of its parent's when it has no mark).
struct Position {
  int line = 1;
  int column = 1;
};
Position position_of(const YAML::Node& node, Position fallback = {});

class MapReader {
 public:
  /// `path` names the mapping in messages ("server", "channels[2]"); "" is the top level.
  MapReader(const YAML::Node& node, std::string path, Diagnostics& diag, const EnvLookup& env,
            Position fallback = {});

  /// False when the node exists but is not a mapping (already reported).
  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  Position position() const { return pos_; }

  /// While set (for this thread), every key any reader asks for is added to `keys`, as
  /// "queues[].sla.first_response": what the configuration reference is checked against.
  static void record_keys(std::set<std::string>* keys);

  /// The value node of `key` (undefined when absent); marks the key as known.
  YAML::Node child(std::string_view key);
  /// Position of the value of `key`, or of this mapping when absent.
  Position where(std::string_view key) const;
  /// "server.listen" for key "listen".
  std::string qualified(std::string_view key) const;

  std::optional<std::string> text(std::string_view key, bool required = false);
  std::optional<Millis> duration(std::string_view key, bool required = false);
  std::optional<long long> integer(std::string_view key, long long min, long long max);
  std::optional<double> number(std::string_view key, double min, double max);
  /// A list of strings; a single string is accepted as a list of one.
  std::optional<std::vector<std::string>> text_list(std::string_view key);
  /// Reports an error at the value of `key`.
  void error(std::string_view key, const std::string& message);
  /// Treats every key of this mapping as known (its schema is unknown).
  void accept_rest();
  /// Reports every key that was never asked for.
  void finish();

  Diagnostics& diagnostics() { return diag_; }
  const EnvLookup& env() const { return env_; }

 private:
  std::optional<std::string> scalar(const YAML::Node& n, std::string_view key);

  YAML::Node node_;
  std::string path_;
  Diagnostics& diag_;
  const EnvLookup& env_;
  Position pos_;
  bool valid_ = true;
  std::vector<std::string> known_;
};

}  // namespace omniroute::config
