#include "daemon/worker.hpp"

#include <date/tz.h>

#include "reports/recorder.hpp"
#include "store/reports.hpp"

#include "daemon/first_run.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "store/api_channels.hpp"
#include "store/channel_state_store.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::daemon {

namespace asio = boost::asio;

namespace {
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> channel_ids(const config::Config& config) {
  std::vector<std::string> ids;
  for (const auto& c : config.channels) ids.push_back(c.settings.id);
  return ids;
}
}  // namespace

Worker::Worker(const config::Config& config, const ChannelMap& channels, const ChannelRegistry& registry,
               metrics::Registry& metrics,
               ingest::IngestMetrics& ingest_metrics, const routing::AgentDirectory& directory,
               std::atomic<bool>& routing_ready, store::LoopClients& loops, agent_api::EventFeed* shared_feed,
               agent_api::AuthThrottle& throttle, webchat::ChatLimits& chat_limits, archive::HistoryStatus& history)
    : guard_(context_.get_executor()), routing_ready_(routing_ready), history_(history),
      shed_(&metrics.counter("omniroute_connections_shed_total", {})),
      refused_(&metrics.counter("omniroute_connections_refused_total", {})), heartbeat_timer_(context_) {
  sessions_.count_socket_refusals(&metrics.counter("omniroute_event_sockets_refused_total", {}));
  redis_ = std::make_shared<store::RedisClient>(context_.get_executor(), config.redis);
  loops.clients.push_back(redis_.get());
  store_ = std::make_unique<store::ConversationStore>(*redis_, config.redis);
  if (config.history.enabled()) {
    history_reader_ = std::make_unique<store::history::HistoryReader>(context_.get_executor(), config.history.url,
                                                                      config.history.pool);
    store_->set_history(history_reader_.get());
  }
  ingest_ = std::make_unique<ingest::IngestService>(config, *store_, ingest_metrics, tasks_);
  assigner_ = std::make_unique<routing::Assigner>(config, *store_, metrics, tasks_);
  // Polling channels' new conversations are routed at once, like webhooks' (not only by the sweep).
  ingest_->on_routable([this](const std::string& queue) {
    tasks_.spawn(assigner_->route_queue(queue), "routing: route queue " + queue);
  });
  agent_api::AgentRoutes::ReplyLimits limits;
  for (const auto& [id, channel] : channels) limits[id] = {channel->reply_limit(), channel->reply_window()};
  agent_routes_ = std::make_unique<agent_api::AgentRoutes>(config, directory, *store_, *assigner_, metrics,
                                                           std::move(limits));
  admin_routes_ = std::make_unique<admin_api::AdminRoutes>(config, directory, *store_, *assigner_, channels, registry);
  if (!shared_feed) {
    own_feed_ = std::make_unique<agent_api::EventFeed>(context_.get_executor(), config.redis, tasks_);
    shared_feed = own_feed_.get();
  }
  feed_ = shared_feed;
  events_ = std::make_unique<agent_api::EventHub>(*store_, directory, *feed_, config.server.max_sockets_per_agent,
                                                 metrics, tasks_);
  router_ = std::make_unique<web::Router>(config, channels, *store_, *ingest_, metrics, *admin_routes_, *agent_routes_,
                                          *assigner_,
                                           routing_ready_, *events_, loops, directory, throttle, chat_limits, history_);
  heartbeat_ = steady_ms();
}

Worker::~Worker() { join(); }

void Worker::start() {
  asio::post(context_, [this] {
    redis_->start();
    if (own_feed_) own_feed_->start();
    beat();
    // Say when Redis is up, sooner than the next heartbeat: a reload waits for it.
    tasks_.spawn(
        [this]() -> asio::awaitable<void> {
          // Woken the moment the connection comes up (or the client stops), not by polling.
          while (!sessions_.draining() &&
                 !co_await redis_->async_wait_connected(std::chrono::seconds(1), asio::use_awaitable)) {
          }
          if (redis_->connected()) set_redis_ready();
        },
        "redis: waiting for the first connection");
  });
  thread_ = std::thread([this] {
    try {
      context_.run();
    } catch (const std::exception& e) {
      // A handler threw: a bug. Log it and end the process so systemd restarts it.
      log::error(std::string("event loop failed: ") + e.what());
      std::abort();
    }
    finished_.set_value();
  });
}

void Worker::start_routing(const config::Config& config) {
  asio::post(context_, [this, &config] {
    tasks_.spawn(
      [this, &config]() -> asio::awaitable<void> {
        asio::steady_timer wait(context_);
        // Agents must be in Redis before anyone can set a status: retry until it holds.
        while (!sessions_.draining()) {
          if (!redis_->connected()) {  // woken the moment it comes up
            co_await redis_->async_wait_connected(std::chrono::seconds(1), asio::use_awaitable);
            continue;
          }
          if (co_await assigner_->sync_configuration() && co_await note_rollup_zones(config)) {
            routing_ready_ = true;
            co_await first_run(config, *store_, *assigner_);
            break;
          }
          wait.expires_after(std::chrono::milliseconds(100));  // Redis answered but refused: retry shortly
          co_await wait.async_wait(asio::use_awaitable);
        }
        if (!sessions_.draining()) assigner_->start_sweep();
      },
      "routing: writing agents and queues");
  });
}

asio::awaitable<bool> Worker::note_rollup_zones(const config::Config& config) {
  // Which zones the reports roll up from now on: a report reads the records for a zone's days before it.
  std::vector<std::string> zones;
  for (const date::time_zone* zone : reports::rollup_zones(config)) zones.emplace_back(zone->name());
  store::Reports reports(*redis_, store_->keys());
  co_return bool(co_await reports.note_zones(zones, now_ms()));
}

void Worker::start_sending(const ChannelMap& channels, const config::Config& config, metrics::Registry& metrics) {
  asio::post(context_, [this, &channels, &config, &metrics] {
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    // Unique per process, so consumer-group bookkeeping never mixes two daemons.
    std::string consumer = std::string(host) + "-" + std::to_string(getpid());
    sender_ = std::make_unique<outbound::Sender>(config, channels, *store_, metrics, consumer, tasks_);
    sender_->start();
    sla_monitor_ = std::make_unique<sla::Monitor>(config, *store_, metrics, consumer, tasks_);
    sla_monitor_->start();
  });
}

void Worker::start_archiving(const config::Config& config, metrics::Registry& metrics, int index, bool housekeeping) {
  if (!config.history.enabled()) return;
  asio::post(context_, [this, &config, &metrics, index, housekeeping] {
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    std::string consumer = std::string(host) + "-" + std::to_string(getpid()) + "-" + std::to_string(index);
    archiver_ = std::make_unique<archive::Archiver>(config.history, *redis_, store_->keys(), metrics, history_, consumer,
                                                    tasks_, housekeeping, reports::rollup_zones(config),
                                                    channel_ids(config));
    archiver_->start();
  });
}

void Worker::watch_api_channels(std::string known, ApiChannelsChanged changed) {
  asio::post(context_, [this, known = std::move(known), changed = std::move(changed)]() mutable {
    tasks_.spawn(
        [this, known = std::move(known), changed = std::move(changed)]() mutable -> asio::awaitable<void> {
          store::ApiChannels kept(*redis_, store_->keys());
          asio::steady_timer wait(context_);
          while (!sessions_.draining()) {
            if (redis_->connected()) {
              auto version = co_await kept.version();
              if (version && *version != known) {
                auto documents = co_await kept.all();
                if (documents && !sessions_.draining()) {
                  known = *version;
                  changed(*version, std::move(*documents));
                }
              }
            }
            wait.expires_after(std::chrono::milliseconds(250));
            co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
          }
        },
        "channels: watching those kept through the API");
  });
}

void Worker::start_channels(ChannelMap& channels) {
  asio::post(context_, [this, &channels] {
    tasks_.spawn(
      [this, &channels]() -> asio::awaitable<void> {
        // A polling channel's first act is to read its saved offset: wait for Redis.
        while (!sessions_.draining() && !co_await redis_->async_wait_connected(std::chrono::seconds(1), asio::use_awaitable)) {
        }
        if (sessions_.draining()) co_return;
        for (auto& [id, channel] : channels) {
          // Each channel its own client, so its own connections: an IMAP session stays on its mailbox.
          StartedChannel sc{channel.get(), std::make_unique<store::RedisChannelState>(*redis_, store_->keys(), id),
                            nullptr, std::make_unique<net::HttpClient>(context_.get_executor())};
          auto http = [client = sc.http.get()](const HttpCall& call) -> asio::awaitable<HttpReply> {
            auto [a] = co_await client->async_perform(call, asio::as_tuple(asio::use_awaitable));
            co_return HttpReply{a.status, std::move(a.body), std::move(a.error), a.truncated};
          };
          sc.context = std::make_unique<ChannelContext>(
              ChannelContext{context_.get_executor(), ingest_.get(), sc.state.get(), &tasks_, http});
          channel->start(*sc.context);
          started_.push_back(std::move(sc));
        }
      },
      "channels: starting");
  });
}

void Worker::set_redis_ready() {
  std::lock_guard lock(ready_mutex_);
  if (redis_ready_.exchange(true)) return;
  for (auto& [executor, notify] : ready_waiters_) asio::post(executor, std::move(notify));
  ready_waiters_.clear();
}

void Worker::when_redis_ready(asio::any_io_executor executor, std::function<void()> notify) {
  std::lock_guard lock(ready_mutex_);
  if (redis_ready_) asio::post(executor, std::move(notify));
  else ready_waiters_.emplace_back(std::move(executor), std::move(notify));
}

void Worker::beat() {
  heartbeat_ = steady_ms();
  if (!redis_ready_ && redis_->connected()) set_redis_ready();
  heartbeat_timer_.expires_after(std::chrono::seconds(1));
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) beat();
  });
}

void Worker::drain(std::chrono::milliseconds grace) {
  std::int64_t by = steady_ms() + (grace + kStopBound).count();
  std::int64_t unset = 0;
  stop_by_ms_.compare_exchange_strong(unset, by);
  asio::co_spawn(
      context_,
      [this, grace]() -> asio::awaitable<void> {
        sessions_.drain();
        events_->stop();  // WebSocket sessions close; their connections leave the session set
        if (own_feed_) own_feed_->stop();
        if (sessions_.size() > 0) {
          // Until the last connection leaves (it wakes us) or the grace period ends.
          asio::steady_timer wait(context_, grace);
          sessions_.on_empty([&wait] { wait.cancel(); });
          co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
          sessions_.on_empty(nullptr);
        }
        if (sessions_.size() > 0) {
          log::warn("shutdown: " + std::to_string(sessions_.size()) + " connection(s) still busy after the grace period");
        }
        // Stage 1: nothing new starts (loops end at their next turn), provider calls are abandoned
        // (an unsent reply stays in the outbox for the next start to send).
        heartbeat_timer_.cancel();
        for (auto& sc : started_) sc.channel->stop();
        for (auto& sc : started_) sc.http->cancel_all();
        assigner_->stop();
        if (sender_) sender_->stop();
        if (sla_monitor_) sla_monitor_->stop();
        if (archiver_) archiver_->stop();
        // Stage 2: whatever still runs is cancelled where it waits; Redis fails what it awaits.
        tasks_.cancel(asio::cancellation_type::terminal);
        redis_->stop();
        if (!co_await tasks_.wait_idle(kStopBound)) {
          std::string names;
          for (const auto& what : tasks_.running()) names += (names.empty() ? "" : ", ") + what;
          log::error("shutdown: still running " + std::to_string(kStopBound.count()) + " ms after cancellation: " +
                     names + "; stopping the loop under them");
          forced_ = true;
          context_.stop();
          co_return;
        }
        guard_.reset();  // the loop ends once the last completions have run
      },
      logged("shutdown: drain"));
}

void Worker::join() {
  if (!thread_.joinable()) return;
  if (std::int64_t by = stop_by_ms_.load(); by > 0) {
    auto left = std::chrono::milliseconds(std::max<std::int64_t>(0, by - steady_ms()));
    if (finished_future_.wait_for(left) == std::future_status::timeout) {
      log::warn("shutdown: an event loop still had work " + std::to_string(kStopBound.count()) +
                " ms after the grace period (a peer that never answers?); stopping it");
      forced_ = true;
      context_.stop();
    }
  }
  thread_.join();
}

}  // namespace omniroute::daemon
