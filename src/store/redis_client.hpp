#pragma once
// One Redis connection bound to one event loop. Commands are pipelined; each
// completes with its reply or an error within the command timeout, never
// later. A timed-out or dropped connection is replaced, with backoff, and
// until it is back every command fails at once (so callers answer 503
// instead of queueing work nobody can finish).
//
// Not thread-safe: use from the executor it was made with.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/reply.hpp"

struct redisAsyncContext;
struct redisReply;

namespace omniroute::store {

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

  /// Sends `args` as one command; `done` runs later (never inline) on the executor.
  void command(const std::vector<std::string>& args, Callback done);

  /// Awaitable form of command(): `co_await client.async_command(args, use_awaitable)`.
  template <typename Token>
  auto async_command(std::vector<std::string> args, Token&& token) {
    return boost::asio::async_initiate<Token, void(RedisResult)>(
        [this](auto handler, const std::vector<std::string>& a) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          command(a, [h](RedisResult r) { std::move(*h)(std::move(r)); });
        },
        token, std::move(args));
  }

  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  enum class State { idle, resolving, connecting, ready, stopped };
  struct Pending {
    std::uint64_t id;
    std::chrono::steady_clock::time_point deadline;
    Callback done;
  };

  void connect();
  void on_resolved(const boost::asio::ip::tcp::endpoint& endpoint);
  void open(redisAsyncContext* ac);
  void on_connected(bool ok, const std::string& error);
  void on_disconnected(redisAsyncContext* ac, const std::string& error);
  void on_reply(std::uint64_t id, redisReply* reply);
  void teardown(RedisFailure failure, const std::string& why);
  void fail_all(RedisFailure failure, const std::string& why);
  void schedule_reconnect();
  void tick();
  void send_raw(const std::vector<std::string>& args, std::uint64_t id);
  void complete(Callback done, RedisResult result);

  static void connect_trampoline(const redisAsyncContext* ac, int status) noexcept;
  static void disconnect_trampoline(const redisAsyncContext* ac, int status) noexcept;
  static void reply_trampoline(redisAsyncContext* ac, void* reply, void* privdata) noexcept;

  boost::asio::any_io_executor executor_;
  config::RedisConfig config_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer tick_timer_;
  redisAsyncContext* ac_ = nullptr;
  State state_ = State::idle;
  std::atomic<bool> up_{false};
  void set_state(State s) {
    state_ = s;
    up_.store(s == State::ready, std::memory_order_relaxed);
    if (s == State::ready || s == State::stopped) {
      auto waiters = std::move(state_waiters_);
      state_waiters_.clear();
      for (auto& w : waiters) {
        if (auto t = w.lock()) t->cancel();
      }
    }
  }
  std::vector<std::weak_ptr<boost::asio::steady_timer>> state_waiters_;  // async_wait_connected
  std::chrono::steady_clock::time_point connect_deadline_;
  std::chrono::milliseconds backoff_{100};
  std::deque<Pending> pending_;  // replies arrive in send order
  std::uint64_t next_id_ = 1;
  std::string last_error_;
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
