// docs/config.md cannot drift: every key the loader asks for is in the reference (or is a field
// of a channel kind), every key in the reference is one the loader asks for, and the file is the
// reference rendered.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/loader.hpp"
#include "config/reference.hpp"
#include "config/yaml_reader.hpp"

namespace omniroute::config {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The keys the loader asks for while reading the example configurations (every section in them: the main
/// one, and the Redis topologies that exclude each other).
std::set<std::string> keys_the_loader_reads(const ChannelRegistry& registry) {
  std::set<std::string> recorded;
  MapReader::record_keys(&recorded);
  for (const char* name : {"omniroute.example.yaml", "redis-sentinel.example.yaml", "redis-cluster.example.yaml"}) {
    const std::string example = read_file(std::string(OMNIROUTE_SOURCE_DIR) + "/config/" + name);
    EXPECT_FALSE(example.empty()) << name;
    try {
      // Values do not matter here, only which keys are read: every ${VAR} gets a plausible secret.
      load_config_text(example, name, registry,
                       [](const std::string&) -> std::optional<std::string> { return "a-long-enough-secret-1234"; });
    } catch (const ConfigError&) {  // a value the placeholder does not fit (a URL): the keys were read anyway
    }
  }
  MapReader::record_keys(nullptr);
  std::set<std::string> out;
  for (const auto& k : recorded) out.insert(reference_key(k));
  return out;
}

bool is_channel_field(const ChannelRegistry& registry, const std::string& key) {
  const std::string prefix = "channels[].";
  if (!key.starts_with(prefix)) return false;
  const std::string field = key.substr(prefix.size());
  for (const auto& name : registry.names()) {
    for (const auto& f : registry.find(name)->fields) {
      if (f.name == field || f.name.starts_with(field + ".")) return true;  // a nested block's own key too
    }
  }
  return false;
}

TEST(ConfigReference, EveryKeyTheLoaderReadsIsDocumentedAndEveryDocumentedKeyIsRead) {
  ChannelRegistry registry;
  register_builtin_channels(registry);
  std::set<std::string> documented;
  for (const auto& s : core_sections()) {
    for (const auto& k : s.keys) documented.insert(k.key);
  }
  const auto read = keys_the_loader_reads(registry);
  for (const auto& key : read) {
    EXPECT_TRUE(documented.count(key) || is_channel_field(registry, key) || key.find('.') == std::string::npos)
        << key << " is read by the loader but not in src/config/reference.cpp";
  }
  for (const auto& key : documented) {
    EXPECT_TRUE(read.count(key)) << key << " is documented but the loader never asks for it "
                                 << "(or config/omniroute.example.yaml does not show it)";
  }
}

TEST(ConfigReference, EveryDeclaredDefaultIsWhatTheLoaderLeavesWhenTheKeyIsAbsent) {
  // A key read by its declared type names the field it fills: with the key absent, that field holds the
  // default the reference shows (written in the type's own notation), or nothing when none is shown.
  int checked = 0;
  for (const auto& s : core_sections()) {
    for (const auto& k : s.keys) {
      if (!k.current) continue;
      Config cfg;
      if (s.begin_item) s.begin_item(cfg);
      const std::string left = k.current(cfg);
      ++checked;
      if (k.default_value.empty()) {
        EXPECT_TRUE(left.empty() || left == "0" || left == "0ms") << k.key << " documents no default but holds " << left;
        continue;
      }
      auto documented = normalized(k.type, k.default_value);
      if (!documented) {
        ADD_FAILURE() << k.key << ": the default '" << k.default_value << "' is not a " << k.type.text();
        continue;
      }
      EXPECT_EQ(*documented, left) << k.key << " documents " << k.default_value;
    }
  }
  EXPECT_GE(checked, 20);
}

TEST(ConfigReference, ADeclaredBoundIsTheBoundTheLoaderHolds) {
  // The bound in the reference is the one enforced: one past it is refused at its place, the bound read.
  ChannelRegistry registry;
  register_builtin_channels(registry);
  auto errors_of = [&](const std::string& yaml) {
    try {
      load_config_text(yaml, "omniroute.yaml", registry, [](const std::string&) { return std::nullopt; });
      return std::string();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_NE(errors_of("server:\n  threads: 65\n").find("omniroute.yaml:2:12: server.threads: must be between 0 and 64, got 65"),
            std::string::npos);
  EXPECT_EQ(errors_of("server:\n  threads: 64\n").find("server.threads"), std::string::npos);
  EXPECT_NE(errors_of("outbound:\n  timeout: 0s\n").find("omniroute.yaml:2:12: outbound.timeout: must be longer than 0ms"),
            std::string::npos);
  EXPECT_NE(errors_of("redis:\n  workspace: \"a b\"\n").find("redis.workspace: 'a b' must be 1-64 letters"),
            std::string::npos);
}

TEST(ConfigReference, DocsConfigMdIsTheReferenceRendered) {
  ChannelRegistry registry;
  register_builtin_channels(registry);
  EXPECT_EQ(read_file(std::string(OMNIROUTE_SOURCE_DIR) + "/docs/config.md"), config_reference_markdown(registry))
      << "regenerate it: build/src/omnirouted --config-reference > docs/config.md";
}

}  // namespace
}  // namespace omniroute::config
