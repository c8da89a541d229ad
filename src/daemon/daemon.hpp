#pragma once
// The running daemon: builds channels from the configuration, starts one
// worker per loop, listens, and shuts down cleanly on SIGTERM/SIGINT.

#include "config/config.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::daemon {

/// Runs until SIGTERM or SIGINT; returns the process exit code. Throws on start-up failure.
int run(const config::Config& config, const ChannelRegistry& registry);

}  // namespace omniroute::daemon
