#include "store/redis_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <random>

#include "config/values.hpp"
#include "omniroute/log.hpp"
#include "store/keys.hpp"
#include "store/redis_topology.hpp"
#include "store/reply_shape.hpp"
#include "store/sentinel_watch.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(2000);
constexpr auto kRetrySoon = std::chrono::milliseconds(50);
constexpr int kMaxRedirects = 8;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

/// Errors that say the command did not run and will, on the right node or a moment later.
bool transient_cluster_error(const std::string& e) {
  return starts_with(e, "TRYAGAIN") || starts_with(e, "CLUSTERDOWN") || starts_with(e, "LOADING") ||
         starts_with(e, "MASTERDOWN");
}

}  // namespace

RedisClient::RedisClient(const asio::any_io_executor& executor, config::RedisConfig config)
    : executor_(executor),
      config_(std::move(config)),
      slot_(hash_slot(Keys(config_.workspace).prefix())),
      reconnect_timer_(executor),
      tick_timer_(executor),
      tasks_(executor),
      in_(kReadChunk) {
  if (config_.endpoint.tls) {
    auto ctx = make_tls_context(config_.tls.ca_file, config_.tls.cert_file, config_.tls.key_file);
    if (ctx) tls_ = *ctx;
    else tls_error_ = ctx.error();
  }
}

RedisClient::~RedisClient() {
  if (stream_) stream_->close();
}

void RedisClient::set_state(State s) {
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

void RedisClient::start() {
  if (state_ != State::idle) return;
  if (!config_.sentinels.empty()) {
    watch_ = std::make_shared<SentinelWatch>(executor_, tls_, config_, weak_from_this());
    watch_->start();
  }
  tick();
  connect();
}

void RedisClient::stop() {
  set_state(State::stopped);
  drop_connection();
  reconnect_timer_.cancel();
  tick_timer_.cancel();
  if (watch_) watch_->stop();
  tasks_.cancel();
  fail_all(RedisFailure::stopped, "shutting down");
}

void RedisClient::connect() {
  if (state_ == State::stopped) return;
  if (!tls_error_.empty()) {
    on_connect_failed(tls_error_, true);
    return;
  }
  set_state(State::connecting);
  connect_deadline_ = Clock::now() + config_.connect_timeout;
  tasks_.spawn(establish(++generation_), "redis: connecting");
}

asio::awaitable<void> RedisClient::establish(std::uint64_t generation) {
  auto self = shared_from_this();
  RedisAddress node;
  if (move_to_) {
    node = *std::exchange(move_to_, std::nullopt);
  } else {
    auto located = co_await locate_data_node(executor_, tls_, config_, slot_, connect_deadline_);
    if (generation != generation_) co_return;
    if (!located) {
      on_connect_failed(located.error().message, located.error().fatal);
      co_return;
    }
    node = *located;
  }
  auto stream = std::make_shared<RedisStream>(executor_, tls_);
  stream_ = stream;  // the tick closes it when connecting takes too long
  std::string failed = co_await stream->connect(node);
  if (generation != generation_) co_return;
  if (!failed.empty()) {
    const bool refused = failed.find("certificate verify failed") != std::string::npos ||
                         failed.find("TLS handshake failed") != std::string::npos;
    on_connect_failed(failed, refused);
    co_return;
  }
  // These run before the connection is handed over: AUTH, SELECT, and with sentinels a check that the
  // node is still the master (a demoted one would refuse every write).
  auto hello = auth_commands(config_.endpoint);
  const bool auth = !hello.empty();
  if (config_.endpoint.db != 0) hello.push_back({"SELECT", std::to_string(config_.endpoint.db)});
  if (!config_.sentinels.empty()) hello.push_back({"ROLE"});
  if (!hello.empty()) {
    auto replies = co_await stream->exchange(hello);
    if (generation != generation_) co_return;
    if (!replies) {
      on_connect_failed(node.text() + ": " + replies.error(), false);
      co_return;
    }
    std::size_t i = 0;
    if (auth) {
      if (auto refused = auth_refusal((*replies)[i++]); !refused.empty()) {
        on_connect_failed(node.text() + " refused the credentials: " + refused, true);
        co_return;
      }
    }
    if (config_.endpoint.db != 0 && (*replies)[i++].is_error()) {
      on_connect_failed(node.text() + " refused database " + std::to_string(config_.endpoint.db) + ": " +
                            (*replies)[i - 1].str, true);
      co_return;
    }
    if (!config_.sentinels.empty()) {
      const Reply& reply = (*replies)[i];
      auto role = reply_as<std::tuple<std::string>>(reply);
      if (!role || std::get<0>(*role) != "master") {
        on_connect_failed(node.text() + " is not the master (yet): ROLE says " +
                              (role ? std::get<0>(*role) : reply.str), false);
        co_return;
      }
    }
  }
  on_ready(stream, node);
}

void RedisClient::on_ready(std::shared_ptr<RedisStream> stream, const RedisAddress& node) {
  stream_ = std::move(stream);
  refused_ = false;
  last_error_.clear();
  backoff_ = std::chrono::milliseconds(100);
  last_read_ = Clock::now();
  set_state(State::ready);
  if (!quiet_) log::info("redis: connected to " + node.text() + (config_.endpoint.tls ? " (TLS)" : "") +
            (config_.sentinels.empty() ? "" : ", master '" + config_.master_name + "'") +
            (config_.cluster.empty() ? "" : ", slot " + std::to_string(slot_)));
  read();
  auto held = std::move(held_);
  held_.clear();
  for (auto& p : held) submit(std::move(p));
}

void RedisClient::on_connect_failed(const std::string& why, bool refused) {
  if (stream_) stream_->close();
  stream_.reset();
  ++failed_attempts_;
  if (!quiet_ && (why != last_error_ || refused != refused_)) {
    // Said once per cause, not once per retry.
    if (refused) log::error("redis: " + why);
    else log::warn("redis: cannot connect: " + why);
  }
  last_error_ = why;
  refused_ = refused;
  set_state(State::idle);
  fail_held("not connected to Redis: " + why);
  schedule_reconnect();
}

void RedisClient::read() {
  auto stream = stream_;
  stream->async_read_some(asio::buffer(in_), [self = shared_from_this(), stream, generation = generation_](
                                                 const boost::system::error_code& ec, std::size_t n) {
    if (generation != self->generation_) return;
    if (ec) {
      self->teardown(RedisFailure::closed, ec == asio::error::eof ? "closed by the server" : ec.message());
      return;
    }
    self->last_read_ = Clock::now();
    RespReader& reader = stream->reader();
    reader.feed(std::string_view(self->in_.data(), n));
    while (auto reply = reader.next()) {
      self->on_reply(std::move(*reply));
      if (generation != self->generation_) return;  // a reply moved us to another node
    }
    if (reader.failed()) {
      self->teardown(RedisFailure::closed, reader.error());
      return;
    }
    self->read();
  });
}

void RedisClient::flush() {
  if (!writing_.empty() || out_.empty() || !stream_) return;
  writing_.swap(out_);
  auto stream = stream_;
  stream->async_write(asio::buffer(writing_), [self = shared_from_this(), stream, generation = generation_](
                                                  const boost::system::error_code& ec, std::size_t) {
    if (generation != self->generation_) return;
    self->writing_.clear();
    if (ec) {
      self->teardown(RedisFailure::closed, "write failed: " + ec.message());
      return;
    }
    self->flush();
  });
}

void RedisClient::command(std::vector<std::string> args, Callback done) {
  submit(Pending{Clock::now() + config_.command_timeout, std::move(done), std::move(args), 0});
}

void RedisClient::submit(Pending p) {
  if (state_ == State::ready) {
    append_command(out_, p.args);
    pending_.push_back(std::move(p));
    flush();
    return;
  }
  if (state_ == State::moving || (state_ == State::connecting && !held_.empty())) {
    held_.push_back(std::move(p));  // sent once connected to the node that now holds the workspace
    return;
  }
  const bool stopped = state_ == State::stopped;
  std::string why = stopped ? "shutting down" : "not connected to Redis: " + last_error_;
  complete(std::move(p.done), unexpected(RedisError{stopped ? RedisFailure::stopped : RedisFailure::unavailable, why}));
}

void RedisClient::on_reply(Reply reply) {
  if (pending_.empty()) return;  // nothing asked (cannot happen outside pub/sub)
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  if (!(reply.is_error() && redirected(p, reply))) complete(std::move(p.done), std::move(reply));
  if (state_ == State::moving && pending_.empty()) {
    // Everything sent to the old node has its answer: now connect to the new one.
    drop_connection();
    connect();
  }
}

/// A reply that says the command did not run here: sends it where (or when) it will. False when it
/// is an ordinary error reply for the caller.
bool RedisClient::redirected(Pending& p, const Reply& reply) {
  const std::string& e = reply.str;
  const bool moved = starts_with(e, "MOVED ");
  const bool asked = starts_with(e, "ASK ");
  const bool readonly = starts_with(e, "READONLY");
  if (!moved && !asked && !readonly && !transient_cluster_error(e)) return false;
  if (++p.redirects > kMaxRedirects || Clock::now() >= p.deadline) {
    complete(std::move(p.done), unexpected(RedisError{RedisFailure::unavailable, "Redis is moving the workspace: " + e}));
    return true;
  }
  if (asked) {
    if (auto to = redirect_target(e)) {
      ask(std::move(p), *to);
      return true;
    }
  }
  if (moved || readonly) {
    if (readonly && config_.sentinels.empty() && config_.cluster.empty()) {
      // A single node that became a replica: nowhere else to go.
      complete(std::move(p.done), unexpected(RedisError{RedisFailure::unavailable, "Redis is read-only: " + e}));
      return true;
    }
    if (state_ == State::ready) {  // said once per move, not once per redirected command
      if (moved) log::info("redis: the workspace's slot moved: " + e);
      else log::warn("redis: the node became a replica; finding the master again");
    }
    held_.push_back(std::move(p));
    begin_move(moved ? redirect_target(e) : std::nullopt);
    return true;
  }
  retry_soon(std::move(p));
  return true;
}

void RedisClient::follow(const RedisAddress& master) {
  if (state_ == State::stopped) return;
  log::warn("redis: fail-over: the master is now " + master.text());
  if (state_ == State::ready) {
    begin_move(master);
    return;
  }
  // Not connected: the next attempt goes there straight away.
  move_to_ = master;
  if (state_ == State::idle) {
    reconnect_timer_.cancel();
    connect();
  }
}

void RedisClient::begin_move(std::optional<RedisAddress> to) {
  move_to_ = std::move(to);
  if (state_ != State::ready) return;
  set_state(State::moving);
  if (pending_.empty()) {
    drop_connection();
    connect();
  }
}

void RedisClient::retry_soon(Pending p) {
  auto timer = std::make_shared<asio::steady_timer>(executor_, kRetrySoon);
  auto held = std::make_shared<Pending>(std::move(p));
  timer->async_wait([self = shared_from_this(), timer, held](const boost::system::error_code&) {
    if (self->state_ == State::stopped) {
      self->complete(std::move(held->done), unexpected(RedisError{RedisFailure::stopped, "shutting down"}));
      return;
    }
    self->submit(std::move(*held));
  });
}

void RedisClient::ask(Pending p, const RedisAddress& to) {
  // The key is being imported by `to`: this one command goes there, after ASKING, on its own connection.
  auto held = std::make_shared<Pending>(std::move(p));
  tasks_.spawn(
      [self = shared_from_this(), held, to]() -> asio::awaitable<void> {
        std::vector<std::vector<std::string>> commands{{"ASKING"}, held->args};
        auto r = co_await ask_once(self->executor_, self->tls_, self->config_.endpoint, to, std::move(commands),
                                   held->deadline);
        if (!r) {
          self->complete(std::move(held->done),
                         unexpected(RedisError{RedisFailure::unavailable, "Redis is moving the workspace: " + r.error().message}));
          co_return;
        }
        Reply reply = std::move(r->back());
        if (reply.is_error() && self->redirected(*held, reply)) co_return;
        self->complete(std::move(held->done), std::move(reply));
      },
      "redis: ASK redirect");
}

void RedisClient::drop_connection() {
  ++generation_;
  if (stream_) stream_->close();
  stream_.reset();
  out_.clear();
  writing_.clear();
}

void RedisClient::teardown(RedisFailure failure, const std::string& why) {
  bool was_ready = state_ == State::ready || state_ == State::moving;
  last_error_ = why;
  drop_connection();
  set_state(State::idle);
  if (was_ready) log::warn("redis: connection lost: " + why);
  fail_all(failure, why);
  if (!config_.sentinels.empty() || !config_.cluster.empty()) {
    // The node may be gone for good: ask where the workspace is now, at once.
    move_to_.reset();
    connect();
    return;
  }
  schedule_reconnect();
}

void RedisClient::fail_all(RedisFailure failure, const std::string& why) {
  std::deque<Pending> pending;
  pending.swap(pending_);
  for (auto& p : pending) complete(std::move(p.done), unexpected(RedisError{failure, why}));
  fail_held(why);
}

void RedisClient::fail_held(const std::string& why) {
  std::deque<Pending> held;
  held.swap(held_);
  for (auto& p : held) {
    complete(std::move(p.done), unexpected(RedisError{RedisFailure::unavailable, why}));
  }
}

void RedisClient::schedule_reconnect() {
  if (state_ == State::stopped) return;
  // Full jitter, so many daemons do not reconnect in lockstep after an outage.
  static thread_local std::minstd_rand rng(std::random_device{}());
  auto wait = std::chrono::milliseconds(
      std::uniform_int_distribution<long>(backoff_.count() / 2, backoff_.count())(rng));
  backoff_ = std::min(kMaxBackoff, backoff_ * 2);
  log::debug("redis: reconnecting in " + std::to_string(wait.count()) + "ms (" + last_error_ + ")");
  reconnect_timer_.expires_after(wait);
  reconnect_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && self->state_ == State::idle) self->connect();
  });
}

void RedisClient::tick() {
  if (state_ == State::stopped) return;
  auto now = Clock::now();
  if (state_ == State::connecting && now > connect_deadline_) {
    ++generation_;
    on_connect_failed("connect timed out", false);
  } else if ((state_ == State::ready || state_ == State::moving) && !pending_.empty() &&
             now > pending_.front().deadline && now - last_read_ > 2 * kTick) {
    // The oldest command is overdue and nothing has arrived lately: the server is hung or the link is
    // dead. Everything behind it would wait as long, so fail all and start afresh.
    Pending first = std::move(pending_.front());
    pending_.pop_front();
    complete(std::move(first.done), unexpected(RedisError{RedisFailure::timeout, "command timed out"}));
    teardown(RedisFailure::timeout, "a command timed out");
  }
  while (!held_.empty() && now > held_.front().deadline) {
    complete(std::move(held_.front().done),
             unexpected(RedisError{RedisFailure::unavailable, "Redis is moving the workspace; not sent"}));
    held_.pop_front();
  }
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->tick();
  });
}

void RedisClient::complete(Callback done, RedisResult result) {
  if (!done) return;
  asio::post(executor_, [done = std::move(done), r = std::move(result)]() mutable { done(std::move(r)); });
}

std::optional<std::string> RedisClient::refusal_at_start(const config::RedisConfig& config, std::chrono::milliseconds max) {
  asio::io_context ctx;
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), config);
  client->quiet_ = true;
  client->start();
  auto deadline = Clock::now() + max;
  // Until the first attempt ends either way: an unreachable server is the running daemon's to wait for.
  while (!client->connected() && client->failed_attempts_ == 0 && Clock::now() < deadline) {
    ctx.run_for(std::chrono::milliseconds(10));
  }
  std::optional<std::string> refusal;
  if (client->refused()) refusal = client->last_error();
  // Stopped from inside the loop: stopping cancels the client's coroutines, and Boost.Asio (1.81) forwards a
  // cancellation emitted from outside a running loop through a post that may run after the coroutine has
  // ended and freed its signal (a use after free ASan found here at start-up).
  asio::post(ctx, [client] { client->stop(); });
  ctx.run_for(std::chrono::milliseconds(50));
  return refusal;
}

}  // namespace omniroute::store
