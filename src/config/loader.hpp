#pragma once
// Loads and validates a configuration file. Every problem in the file is
// reported at once; nothing half-valid is ever returned.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/values.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::config {

/// Parses `text` (named `source` in messages). Throws ConfigError listing every problem.
Config load_config_text(std::string_view text, const std::string& source,
                        const ChannelRegistry& registry, const EnvLookup& env = process_env());

/// Reads and parses the file at `path`. Throws ConfigError (an unreadable file is one problem too).
Config load_config_file(const std::string& path, const ChannelRegistry& registry,
                        const EnvLookup& env = process_env());

}  // namespace omniroute::config
