// Any bytes as a configuration file: a Config or a ConfigError, never a crash or another exception.
#include <cstdint>
#include <string_view>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static omniroute::ChannelRegistry registry = [] {
    omniroute::ChannelRegistry r;
    omniroute::register_builtin_channels(r);
    return r;
  }();
  static const omniroute::config::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return "value";
    return std::nullopt;
  };
  try {
    omniroute::config::load_config_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml",
                                        registry, env);
  } catch (const omniroute::config::ConfigError&) {
  }
  return 0;
}
