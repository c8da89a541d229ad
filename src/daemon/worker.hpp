#pragma once
// One event loop on its own thread, with everything a request needs on that
// loop: its Redis connection, store, ingest service, router and sessions.
// Nothing here is shared between loops except read-only config, channels
// and the lock-free metrics.

#include <atomic>
#include <chrono>
#include <future>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <string>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "admin_api/admin_routes.hpp"
#include "archive/archiver.hpp"
#include "agent_api/agent_routes.hpp"
#include "agent_api/event_hub.hpp"
#include "web/router.hpp"
#include "routing/agent_directory.hpp"
#include "routing/assigner.hpp"
#include "http/server.hpp"
#include "omniroute/task_group.hpp"
#include "ingest/ingest_service.hpp"
#include "outbound/sender.hpp"
#include "sla/monitor.hpp"
#include "store/conversation_store.hpp"
#include "store/history/reader.hpp"
#include "store/redis_client.hpp"

namespace omniroute::daemon {

class Worker {
 public:
  /// Channels kept through the API changed: their version and documents (id → JSON). Called on the loop's thread.
  using ApiChannelsChanged = std::function<void(std::string version, std::map<std::string, std::string> documents)>;

  Worker(const config::Config& config, const ChannelMap& channels, const ChannelRegistry& registry,
         metrics::Registry& metrics,
         ingest::IngestMetrics& ingest_metrics, const routing::AgentDirectory& directory,
         std::atomic<bool>& routing_ready, store::LoopClients& loops,
         agent_api::EventFeed* shared_feed,  // nullptr: this loop reads the events stream for the process
         agent_api::AuthThrottle& throttle,  // the process's count of failed tokens
         webchat::ChatLimits& chat_limits,   // the process's web chat flood limits
         archive::HistoryStatus& history);
  ~Worker();

  /// Starts the loop's thread and its Redis connection.
  void start();
  /// Once Redis is up: writes agents and queues to Redis and sweeps queues every second. Thread-safe.
  /// Writes agents and queues to Redis, then routes (and on the embedded default's first run, daemon/first_run).
  void start_routing(const config::Config& config);
  /// Starts delivering replies from the outbox on this loop. Thread-safe.
  void start_sending(const ChannelMap& channels, const config::Config& config, metrics::Registry& metrics);
  /// Starts archiving to the history (PostgreSQL) on this loop, when configured. Thread-safe.
  /// One archiver per loop (consumer "<host>-<pid>-<index>"); `housekeeping` on one loop only.
  void start_archiving(const config::Config& config, metrics::Registry& metrics, int index, bool housekeeping);
  /// Polls the API channels' version (4 times a second) and calls `changed` when it moves from `known`. Thread-safe.
  void watch_api_channels(std::string known, ApiChannelsChanged changed);
  /// Starts every channel's background intake (polling) on this loop. Thread-safe.
  void start_channels(ChannelMap& channels);
  /// Drains sessions (at most `grace`), stops channels, then Redis, and lets the loop end. Thread-safe.
  void drain(std::chrono::milliseconds grace);
  /// Waits for the loop's thread to end. After drain(), waits at most the grace period plus
  /// kStopBound: a loop still busy then (a peer that never answers, work nobody cancelled) is
  /// stopped where it stands, so stopping always ends in bounded time.
  void join();
  static constexpr std::chrono::milliseconds kStopBound{2'000};
  /// The events stream reader this loop's hub uses (the first loop owns it; the others share it).
  agent_api::EventFeed& feed() { return *feed_; }
  /// True once this loop's Redis connection first came up (a reload waits for it). Thread-safe.
  bool redis_ready() const { return redis_ready_.load(); }
  /// Runs `notify` on `executor` once this loop's Redis connection first came up (soon, when it has). Thread-safe.
  void when_redis_ready(boost::asio::any_io_executor executor, std::function<void()> notify);
  /// True when a task still ran kStopBound after it was cancelled, and the loop was stopped under it.
  bool forced() const { return forced_; }

  /// The router's table of routes (the reference test holds it against docs/openapi.yaml).
  const web::Router& router() const { return *router_; }
  http::Lane lane() { return {&context_, router_.get(), &sessions_, shed_, refused_, &tasks_}; }
  /// Steady-clock milliseconds of the loop's last heartbeat: a stalled loop stops beating.
  std::int64_t last_heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }

 private:
  void beat();
  /// Records which time zones the reports roll up (and since when); false when Redis did not take it.
  boost::asio::awaitable<bool> note_rollup_zones(const config::Config& config);
  void set_redis_ready();

  boost::asio::io_context context_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  TaskGroup tasks_{context_.get_executor()};  // every coroutine of this loop but the drain itself
  std::shared_ptr<store::RedisClient> redis_;
  std::unique_ptr<store::ConversationStore> store_;
  std::unique_ptr<store::history::HistoryReader> history_reader_;  // reads Redis has let go (history)
  std::unique_ptr<ingest::IngestService> ingest_;
  std::atomic<bool>& routing_ready_;
  std::unique_ptr<routing::Assigner> assigner_;
  std::unique_ptr<agent_api::AgentRoutes> agent_routes_;
  std::unique_ptr<admin_api::AdminRoutes> admin_routes_;
  std::unique_ptr<agent_api::EventFeed> own_feed_;  // the process's one stream reader, on the first loop
  agent_api::EventFeed* feed_ = nullptr;
  std::unique_ptr<agent_api::EventHub> events_;
  std::unique_ptr<web::Router> router_;
  std::unique_ptr<outbound::Sender> sender_;
  std::unique_ptr<sla::Monitor> sla_monitor_;
  archive::HistoryStatus& history_;
  std::unique_ptr<archive::Archiver> archiver_;
  http::SessionSet sessions_;
  metrics::Counter* shed_;
  metrics::Counter* refused_;
  struct StartedChannel {
    Channel* channel;
    std::unique_ptr<ChannelState> state;
    std::unique_ptr<ChannelContext> context;
    std::unique_ptr<net::HttpClient> http;  // the channel's own provider calls (polling, IMAP)
  };
  std::vector<StartedChannel> started_;
  boost::asio::steady_timer heartbeat_timer_;
  std::atomic<std::int64_t> heartbeat_{0};
  std::atomic<bool> forced_{false};
  std::atomic<bool> redis_ready_{false};
  std::mutex ready_mutex_;  // guards ready_waiters_ (the control thread adds, the loop's thread runs them)
  std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> ready_waiters_;
  std::thread thread_;
  std::promise<void> finished_;                // set when the loop's thread returns
  std::future<void> finished_future_ = finished_.get_future();
  std::atomic<std::int64_t> stop_by_ms_{0};    // steady ms by which join() stops the loop (0: no drain yet)
};

}  // namespace omniroute::daemon
