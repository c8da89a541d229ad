#pragma once
// One Redis connection bound to one event loop, on our own transport
// (store/redis_stream: TCP, unix socket or TLS; hiredis formats commands and
// parses replies). Commands are pipelined; each completes with its reply or
// an error within the command timeout, never later. A timed-out or dropped
// connection is replaced, with backoff, and until it is back every command
// fails at once (so callers answer 503 instead of queueing work nobody can
// finish).
//
// It follows the workspace's data node: after a fail-over (the sentinels'
// +switch-master, a READONLY reply) or a slot move (MOVED) it finishes what
// is in flight, connects to the new node and resends the redirected
// commands there; ASK is answered on a one-off connection (ASKING first);
// TRYAGAIN and CLUSTERDOWN are retried shortly. A command that never reached
// a writable node fails as `unavailable`, never as an error reply.
//
// Not thread-safe: use from the executor it was made with.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "omniroute/task_group.hpp"
#include "store/redis_stream.hpp"
#include "store/reply.hpp"

namespace omniroute::store {

class SentinelWatch;

class RedisClient : public std::enable_shared_from_this<RedisClient> {
 public:
  using Callback = std::function<void(RedisResult)>;

  RedisClient(const boost::asio::any_io_executor& executor, config::RedisConfig config);
  ~RedisClient();

  /// Starts connecting; keeps reconnecting with backoff until stop().
  void start();
  /// Fails every pending command with `stopped` and closes the connection.
  void stop();
  /// True while a connection is up and has not timed out.
  bool connected() const { return state_ == State::ready; }
  /// Waits until the connection is up (true), the client stops, or `max` passes (false). A
  /// signal, not a poll: the waiter wakes the moment the state changes.
  template <typename Token>
  auto async_wait_connected(std::chrono::milliseconds max, Token&& token) {
    return boost::asio::async_initiate<Token, void(bool)>(
        [this, max](auto handler) {
          if (state_ == State::ready || state_ == State::stopped) {
            boost::asio::post(executor_, [h = std::move(handler), ok = state_ == State::ready]() mutable { h(ok); });
            return;
          }
          auto timer = std::make_shared<boost::asio::steady_timer>(executor_, max);
          state_waiters_.push_back(timer);
          timer->async_wait([self = shared_from_this(), timer, h = std::move(handler)](const boost::system::error_code&) mutable {
            h(self->state_ == State::ready);
          });
        },
        token);
  }

  /// connected(), readable from any thread (for readiness across loops).
  bool up() const { return up_.load(std::memory_order_relaxed); }
  /// Why the last connection attempt failed ("" while none has).
  const std::string& last_error() const { return last_error_; }
  /// True when that failure will not pass by retrying: a refused certificate or password.
  bool refused() const { return refused_; }

  /// Sends `args` as one command; `done` runs later (never inline) on the executor.
  void command(std::vector<std::string> args, Callback done);

  /// Awaitable form of command(): `co_await client.async_command(args, use_awaitable)`.
  template <typename Token>
  auto async_command(std::vector<std::string> args, Token&& token) {
    return boost::asio::async_initiate<Token, void(RedisResult)>(
        [this](auto handler, auto&& a) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          command(std::vector<std::string>(std::forward<decltype(a)>(a)), [h](RedisResult r) { std::move(*h)(std::move(r)); });
        },
        token, std::move(args));
  }

  const boost::asio::any_io_executor& executor() const { return executor_; }

  /// The master moved (the sentinels said so): finish what is in flight, then connect there.
  void follow(const RedisAddress& master);

  /// Connects once with `config` (on a private loop) and says why not when the cause will not pass by
  /// retrying (a certificate or password refused); nothing when connected or merely unreachable
  /// within `max`. For start-up, which must fail loudly on such causes.
  static std::optional<std::string> refusal_at_start(const config::RedisConfig& config, std::chrono::milliseconds max);
  /// Logs nothing of its own (a start-up read that reports for itself).
  void quiet() { quiet_ = true; }

 private:
  enum class State { idle, connecting, ready, moving, stopped };
  struct Pending {
    std::chrono::steady_clock::time_point deadline;
    Callback done;
    std::vector<std::string> args;  // kept to resend after a redirect
    int redirects = 0;
  };

  void connect();
  boost::asio::awaitable<void> establish(std::uint64_t generation);
  void on_ready(std::shared_ptr<RedisStream> stream, const RedisAddress& node);
  void on_connect_failed(const std::string& why, bool refused);
  void read();
  void flush();
  void on_reply(Reply reply);
  bool redirected(Pending& p, const Reply& reply);
  void begin_move(std::optional<RedisAddress> to);
  void submit(Pending p);
  void retry_soon(Pending p);
  void ask(Pending p, const RedisAddress& to);
  /// Forgets the current connection: its late completions are ignored from now on.
  void drop_connection();
  void teardown(RedisFailure failure, const std::string& why);
  void fail_all(RedisFailure failure, const std::string& why);
  void fail_held(const std::string& why);
  void schedule_reconnect();
  void tick();
  void complete(Callback done, RedisResult result);
  void set_state(State s);

  boost::asio::any_io_executor executor_;
  config::RedisConfig config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::string tls_error_;  // the TLS settings could not be loaded
  std::uint16_t slot_;     // the workspace's cluster slot
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer tick_timer_;
  std::shared_ptr<RedisStream> stream_;
  std::shared_ptr<SentinelWatch> watch_;
  TaskGroup tasks_;  // connecting, and ASK redirects: each holds the client while it runs
  std::uint64_t generation_ = 0;  // a connection's completions after it was replaced are ignored
  State state_ = State::idle;
  std::atomic<bool> up_{false};
  std::vector<std::weak_ptr<boost::asio::steady_timer>> state_waiters_;  // async_wait_connected
  std::chrono::steady_clock::time_point connect_deadline_;
  std::chrono::steady_clock::time_point last_read_;
  std::chrono::milliseconds backoff_{100};
  std::deque<Pending> pending_;  // sent; replies arrive in send order
  std::deque<Pending> held_;     // waiting for the connection to the node that now holds the workspace
  std::optional<RedisAddress> move_to_;  // where to connect next (MOVED, +switch-master); else locate
  std::string out_;              // formatted, not yet written
  std::string writing_;          // being written
  std::vector<char> in_;         // read buffer
  std::string last_error_;
  bool refused_ = false;
  int failed_attempts_ = 0;
  bool quiet_ = false;  // the start-up check reports for itself
};

/// Every event loop's Redis connection of one generation: /readyz is ready only when each loop can
/// write (a load balancer must not send a webhook to a loop still reconnecting). Filled while the
/// loops are built, read-only after.
struct LoopClients {
  std::vector<const store::RedisClient*> clients;
  bool all_up() const {
    for (const auto* c : clients) {
      if (!c->up()) return false;
    }
    return true;
  }
};

}  // namespace omniroute::store
