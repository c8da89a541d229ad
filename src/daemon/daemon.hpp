#pragma once
// The running daemon: builds channels from the configuration, starts one
// worker per loop, listens, reloads on SIGHUP, and shuts down cleanly on
// SIGTERM/SIGINT.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <optional>

#include "config/config.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::daemon {

/// Reads the configuration again; nullopt (its problems logged) when it is not valid.
using Reload = std::function<std::optional<config::Config>()>;

/// Runs until SIGTERM or SIGINT; returns the process exit code. Throws on start-up failure.
/// On SIGHUP, `reload` gives the new configuration: new loops start with it and take the
/// listening socket (kept open: nothing is refused) while the old ones drain.
/// `kept`: the channels kept through the API as read before starting (nullopt: not read; the watcher will).
int run(config::Config config, const ChannelRegistry& registry, Reload reload,
        std::optional<std::pair<std::string, std::map<std::string, std::string>>> kept = std::nullopt);

}  // namespace omniroute::daemon
