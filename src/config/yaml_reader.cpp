#include "config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>

namespace omniroute::config {

Position position_of(const YAML::Node& node, Position fallback) {
  if (!node.IsDefined()) return fallback;
  YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return fallback;
  return {m.line + 1, m.column + 1};
}

MapReader::MapReader(const YAML::Node& node, std::string path, Diagnostics& diag, const EnvLookup& env,
                     Position fallback)
    : node_(node), path_(std::move(path)), diag_(diag), env_(env) {
  pos_ = position_of(node_, fallback);
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    diag_.add(pos_.line, pos_.column,
              (path_.empty() ? std::string("the file") : path_) + " must be a mapping of keys to values");
    valid_ = false;
  }
}

std::string MapReader::qualified(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

namespace {
thread_local std::set<std::string>* recorded_keys = nullptr;
}  // namespace

void MapReader::record_keys(std::set<std::string>* keys) { recorded_keys = keys; }

YAML::Node MapReader::child(std::string_view key) {
  known_.emplace_back(key);
  if (recorded_keys) {
    // "channels[2].imap" → "channels[].imap": one entry per key, whatever the list index.
    std::string name = qualified(key), out;
    for (size_t i = 0; i < name.size(); ++i) {
      out += name[i];
      if (name[i] == '[') {
        while (i + 1 < name.size() && name[i + 1] != ']') ++i;
      }
    }
    recorded_keys->insert(out);
  }
  if (!valid_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

Position MapReader::where(std::string_view key) const {
  if (valid_ && node_.IsMap()) {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        return position_of(it->second, position_of(it->first, pos_));
      }
    }
  }
  return pos_;
}

void MapReader::error(std::string_view key, const std::string& message) {
  Position p = where(key);
  diag_.add(p.line, p.column, qualified(key) + ": " + message);
}

std::optional<std::string> MapReader::scalar(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) {
    error(key, "expected a single value, got a " + std::string(n.IsMap() ? "mapping" : "list"));
    return std::nullopt;
  }
  auto expanded = expand_env(n.Scalar(), env_);
  if (!expanded) {
    error(key, expanded.error());
    return std::nullopt;
  }
  return *expanded;
}

std::optional<std::string> MapReader::text(std::string_view key, bool required) {
  YAML::Node n = child(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required && valid_) {
      diag_.add(pos_.line, pos_.column,
                "missing required key '" + std::string(key) + "'" +
                    (path_.empty() ? std::string(" at the top level") : " in " + path_));
    }
    return std::nullopt;
  }
  return scalar(n, key);
}

std::optional<Millis> MapReader::duration(std::string_view key, bool required) {
  auto t = text(key, required);
  if (!t) return std::nullopt;
  auto d = parse_duration(*t);
  if (!d) {
    error(key, d.error());
    return std::nullopt;
  }
  return *d;
}

std::optional<long long> MapReader::integer(std::string_view key, long long min, long long max) {
  auto t = text(key);
  if (!t) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
  if (ec != std::errc() || p != t->data() + t->size()) {
    error(key, "expected a whole number, got '" + *t + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", got " + *t);
    return std::nullopt;
  }
  return v;
}

std::optional<double> MapReader::number(std::string_view key, double min, double max) {
  auto t = text(key);
  if (!t) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
  if (ec != std::errc() || p != t->data() + t->size()) {
    error(key, "expected a number, got '" + *t + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(key, "must be between " + std::to_string(min).substr(0, 4) + " and " +
                   std::to_string(max).substr(0, 4) + ", got " + *t);
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> MapReader::text_list(std::string_view key) {
  YAML::Node n = child(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  std::vector<std::string> out;
  if (n.IsScalar()) {
    auto s = scalar(n, key);
    if (!s) return std::nullopt;
    out.push_back(*s);
    return out;
  }
  if (!n.IsSequence()) {
    error(key, "expected a list such as [a, b]");
    return std::nullopt;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node& item = n[i];
    if (!item.IsScalar()) {
      Position p = position_of(item, where(key));
      diag_.add(p.line, p.column, qualified(key) + "[" + std::to_string(i) + "]: expected a single value");
      continue;
    }
    auto e = expand_env(item.Scalar(), env_);
    if (!e) {
      Position p = position_of(item, where(key));
      diag_.add(p.line, p.column, qualified(key) + "[" + std::to_string(i) + "]: " + e.error());
      continue;
    }
    out.push_back(*e);
  }
  return out;
}

void MapReader::accept_rest() {
  if (!valid_ || !node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar()) known_.push_back(it->first.Scalar());
  }
}

void MapReader::finish() {
  if (!valid_ || !node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    Position p = position_of(it->first, pos_);
    if (!it->first.IsScalar()) {
      diag_.add(p.line, p.column, "keys must be plain names");
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string msg = "unknown key '" + key + "'" +
                      (path_.empty() ? std::string(" at the top level") : " in " + path_);
    std::string near = nearest(key, known_);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    diag_.add(p.line, p.column, msg);
  }
}

}  // namespace omniroute::config
