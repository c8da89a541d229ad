#pragma once
// A generation: everything one configuration runs (its channels, agent
// directory and event loops). A reload starts a new generation beside the
// running one and drains the old one; both end by being destroyed normally.

#include <atomic>
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "daemon/worker.hpp"
#include "web/router.hpp"
#include "metrics/metrics.hpp"
#include "omniroute/channel.hpp"
#include "routing/agent_directory.hpp"
#include "chat/chat_limits.hpp"

namespace omniroute::daemon {

struct Generation {
  config::Config config;
  ChannelMap channels;
  std::unique_ptr<ingest::IngestMetrics> ingest_metrics;
  std::unique_ptr<routing::AgentDirectory> directory;
  std::unique_ptr<agent_api::AuthThrottle> throttle;  // failed tokens, counted across the generation's loops
  webchat::ChatLimits chat_limits;                    // web chat visitors' flood limits, across the loops
  std::atomic<bool> routing_ready{false};
  archive::HistoryStatus history;  // the history's state, written by the archiver, read by /readyz and /metrics
  store::LoopClients loops;
  std::vector<std::unique_ptr<Worker>> workers;

  std::vector<http::Lane> lanes();
  http::Limits limits() const;
};

/// Builds and starts a generation for `config`: its loops run, connect to Redis and write agents. With
/// `api_channels_changed`, its first loop watches the channels kept through the API and calls it (from that
/// loop's thread) with their version and documents whenever they differ from those `config` was built with.
std::unique_ptr<Generation> start_generation(config::Config config, const ChannelRegistry& registry,
                                             metrics::Registry& metrics, Worker::ApiChannelsChanged api_channels_changed = {});

/// Drains and joins a generation's loops (at most drain_timeout + Worker::kStopBound); true when a loop
/// had to be stopped under a task that ignored cancellation.
bool stop_generation(Generation& g);

}  // namespace omniroute::daemon
