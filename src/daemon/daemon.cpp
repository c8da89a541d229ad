#include "daemon/daemon.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <pthread.h>

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <thread>

#include "config/api_channels.hpp"
#include "daemon/generation.hpp"
#include "daemon/systemd_notify.hpp"
#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"

namespace omniroute::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {

tcp::endpoint listen_endpoint(asio::io_context& ctx, const config::ListenAddress& listen) {
  tcp::resolver resolver(ctx);
  // Start-up may block: nothing is being served yet.
  auto results = resolver.resolve(listen.host, std::to_string(listen.port));
  return results.begin()->endpoint();
}

/// The control loop: owns the listening socket and the running generation; three plain coroutine
/// loops answer SIGHUP (reload), SIGTERM/SIGINT (stop) and systemd's watchdog.
class Supervisor {
 public:
  Supervisor(asio::io_context& control, const ChannelRegistry& registry, Reload reload, config::Config initial,
             std::optional<std::pair<std::string, std::map<std::string, std::string>>> kept)
      : control_(control),
        registry_(registry),
        reload_(std::move(reload)),
        listen_(initial.server.listen),
        file_config_(initial),
        api_documents_(kept ? kept->second : std::map<std::string, std::string>{}),
        api_version_(kept ? kept->first : std::string()),
        current_(start_generation(with_kept(std::move(initial), kept.has_value()), registry_, metrics_, api_watch())),
        listener_(control, listen_endpoint(control, listen_), current_->lanes(), current_->limits()) {}

  ~Supervisor() {
    for (auto& t : retiring_) t.join();
  }

  void start() {
    listener_.start();
    log::info("http: at most " + std::to_string(http::connection_cap(current_->limits())) +
              " connections (server.max_connections; the file limit caps it)");
    log::info("omnirouted listening on " + listen_.host + ":" + std::to_string(listener_.port()) + " with " +
              std::to_string(current_->workers.size()) + " event loop(s), " +
              std::to_string(current_->channels.size()) + " channel(s), workspace '" +
              current_->config.redis.workspace + "'");
    notify_ready();
    asio::co_spawn(control_, hups(), logged("SIGHUP"));
    asio::co_spawn(control_, reconfigure(), logged("reconfiguring"));
    asio::co_spawn(control_, stops(), logged("shutdown"));
    if (auto interval = watchdog_interval()) asio::co_spawn(control_, watchdog(*interval), logged("watchdog"));
  }

  /// Destroys the generations (after join): their loops have ended, nothing of theirs is suspended.
  void release() { current_.reset(); }

  /// After the control loop ended (the stop signal drained the running generation): waits for every
  /// loop of every generation; true when one was forced.
  bool join() {
    for (auto& w : current_->workers) w->join();
    bool forced = std::any_of(current_->workers.begin(), current_->workers.end(), [](const auto& w) { return w->forced(); });
    for (auto& t : retiring_) t.join();
    retiring_.clear();
    return forced || forced_retiring_;
  }

 private:
  /// SIGHUP: the file is read again (a broken one changes nothing), then the generation is swapped.
  asio::awaitable<void> hups() {
    while (!stopping_) {
      auto [ec, signo] = co_await hup_.async_wait(kAwait);
      if (ec || stopping_) co_return;
      hup_pending_ = true;
      wake_.cancel();
    }
  }

  /// The file's configuration with the channels kept through the API read before starting (when they were).
  config::Config with_kept(config::Config file, bool read) {
    if (!read) return file;
    std::vector<std::string> skipped;
    config::Config merged = config::with_api_channels(std::move(file), api_documents_, api_version_, registry_, &skipped);
    for (const auto& s : skipped) log::error("a channel added through the API is not loaded: " + s);
    return merged;
  }

  /// Channels kept through the API changed (a watcher on the running generation's first loop saw it).
  void api_channels_changed(std::string version, std::map<std::string, std::string> documents) {
    asio::post(control_, [this, version = std::move(version), documents = std::move(documents)]() mutable {
      pending_api_ = std::make_pair(std::move(version), std::move(documents));
      wake_.cancel();
    });
  }

  Worker::ApiChannelsChanged api_watch() {
    return [this](std::string version, std::map<std::string, std::string> documents) {
      api_channels_changed(std::move(version), std::move(documents));
    };
  }

  /// One change of configuration at a time, whichever asked: a SIGHUP (the file) or the API's channels.
  /// A new generation starts beside the running one and takes the listening socket only once every loop
  /// of it reaches Redis; if it cannot within connect_timeout (+1 s), it is dropped.
  asio::awaitable<void> reconfigure() {
    while (!stopping_) {
      if (!hup_pending_ && !pending_api_) {
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(kAwait);
        continue;
      }
      const bool hup = std::exchange(hup_pending_, false);
      const char* why = hup ? "SIGHUP" : "channels";
      if (pending_api_) {
        auto [version, documents] = std::move(*pending_api_);
        pending_api_.reset();
        api_version_ = version;
        if (documents == api_documents_ && !hup) {
          current_->config.api_channels_version = version;  // read by nobody but the next watcher: same channels
          continue;
        }
        api_documents_ = std::move(documents);
      }
      notify_reloading();
      if (hup) {
        auto next = reload_();
        if (!next) {
          log::error("SIGHUP: configuration not reloaded; the running one stays");
          notify_ready();
          continue;
        }
        file_config_ = std::move(*next);
      }
      std::vector<std::string> skipped;
      config::Config next = config::with_api_channels(file_config_, api_documents_, api_version_, registry_, &skipped);
      for (const auto& s : skipped) log::error(std::string(why) + ": a channel added through the API is not loaded: " + s);
      if (next.server.listen.host != listen_.host || next.server.listen.port != listen_.port) {
        log::warn(std::string(why) + ": server.listen changes at the next restart; still listening on " + listen_.host + ":" +
                  std::to_string(listener_.port()));
      }
      auto bound = next.redis.connect_timeout + std::chrono::seconds(1);
      std::shared_ptr<Generation> fresh = start_generation(std::move(next), registry_, metrics_, api_watch());
      bool ready = co_await all_loops_ready(*fresh, bound);
      if (stopping_) {
        retire(std::move(fresh));  // stopping meanwhile: drain it like the running one
        co_return;
      }
      if (!ready) {
        log::error(std::string(why) + ": the new configuration's Redis is not reachable; not reloaded, the running one stays");
        retire(std::move(fresh));
      } else {
        listener_.replace_lanes(fresh->lanes(), fresh->limits());
        const auto from_api = std::count_if(fresh->config.channels.begin(), fresh->config.channels.end(),
                                            [](const config::ChannelConfig& c) { return c.from_api; });
        log::info(std::string(why) + ": configuration " + (hup ? "reloaded" : "changed") + ": " +
                  std::to_string(fresh->channels.size()) + " channel(s) (" + std::to_string(from_api) +
                  " through the API), " + std::to_string(fresh->config.queues.size()) + " queue(s), " +
                  std::to_string(fresh->config.agents.size()) + " configured agent(s); the previous loops drain");
        std::swap(current_, fresh);
        retire(std::move(fresh));
      }
      notify_ready();
    }
  }

  /// True once every loop of `g` reached Redis, false after `bound`: woken by the loops, not by polling.
  asio::awaitable<bool> all_loops_ready(Generation& g, std::chrono::milliseconds bound) {
    auto waiting = std::make_shared<std::size_t>(g.workers.size());
    reload_wait_.expires_after(bound);
    for (auto& w : g.workers) {
      w->when_redis_ready(control_.get_executor(), [this, waiting] {
        if (--*waiting == 0) reload_wait_.cancel();
      });
    }
    co_await reload_wait_.async_wait(kAwait);
    co_return std::all_of(g.workers.begin(), g.workers.end(), [](const auto& w) { return w->redis_ready(); });
  }

  /// A generation leaving: drained off the control loop (it waits up to drain_timeout, and accepting
  /// must go on meanwhile), then destroyed there.
  void retire(std::shared_ptr<Generation> old) {
    retiring_.emplace_back([this, old = std::move(old)]() mutable {
      if (stop_generation(*old)) forced_retiring_ = true;
      old.reset();
    });
  }

  asio::awaitable<void> stops() {
    auto [ec, signo] = co_await stop_signals_.async_wait(kAwait);
    if (ec) co_return;
    stopping_ = true;
    log::info(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") + ": draining");
    notify_stopping();
    listener_.stop();
    hup_.cancel();
    reload_wait_.cancel();
    wake_.cancel();
    watchdog_timer_.cancel();
    for (auto& w : current_->workers) w->drain(current_->config.server.drain_timeout);
  }

  /// Pings systemd's watchdog only while every loop of the current generation still beats.
  asio::awaitable<void> watchdog(std::chrono::microseconds interval) {
    auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    while (!stopping_) {
      watchdog_timer_.expires_after(interval / 2);
      auto [ec] = co_await watchdog_timer_.async_wait(kAwait);
      if (ec || stopping_) co_return;
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now().time_since_epoch()).count();
      bool all_alive = std::all_of(current_->workers.begin(), current_->workers.end(),
                                   [&](const auto& w) { return now - w->last_heartbeat() < limit; });
      if (all_alive) notify_watchdog();
      else log::error("watchdog: an event loop is stalled; not pinging systemd");
    }
  }

  asio::io_context& control_;
  const ChannelRegistry& registry_;
  Reload reload_;
  metrics::Registry metrics_;  // one for the process: counters carry on across reloads
  const config::ListenAddress listen_;
  config::Config file_config_;  // as the file says (SIGHUP reads it again); API channels are added to it
  std::map<std::string, std::string> api_documents_;  // the API's channels the running generation was built with
  std::string api_version_;
  std::optional<std::pair<std::string, std::map<std::string, std::string>>> pending_api_;
  bool hup_pending_ = false;
  std::shared_ptr<Generation> current_;
  http::Listener listener_;
  asio::signal_set stop_signals_{control_, SIGINT, SIGTERM};
  asio::signal_set hup_{control_, SIGHUP};
  asio::steady_timer watchdog_timer_{control_};
  asio::steady_timer reload_wait_{control_};
  asio::steady_timer wake_{control_};  // woken by a SIGHUP or an API channel change
  std::vector<std::thread> retiring_;  // old generations draining after a reload
  std::atomic<bool> forced_retiring_{false};
  bool stopping_ = false;
};

}  // namespace

int run(config::Config initial, const ChannelRegistry& registry, Reload reload,
        std::optional<std::pair<std::string, std::map<std::string, std::string>>> kept) {
  ::signal(SIGPIPE, SIG_IGN);
  asio::io_context control{1};
  bool forced = false;
  {
    Supervisor supervisor(control, registry, std::move(reload), std::move(initial), std::move(kept));
    supervisor.start();
    control.run();
    forced = supervisor.join();
    // Every loop has ended; a second SIGTERM now (systemd, an impatient operator) must not kill the
    // process halfway through tearing down what it built. Until the signal sets go, they catch it;
    // from then on it stays blocked, and ignoring it discards it.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    supervisor.release();
  }
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  log::info(forced ? "omnirouted stopped (a task ignored cancellation; its loop was stopped under it)"
                   : "omnirouted stopped");
  return 0;
}

}  // namespace omniroute::daemon
