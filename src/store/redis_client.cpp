#include "store/redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>
#include <random>

#include "omniroute/log.hpp"
#include "store/asio_events.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(2000);

Reply copy_reply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::string; break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::error; break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::integer; break;
    case REDIS_REPLY_ARRAY: out.type = Reply::Type::array; break;
    default: out.type = Reply::Type::nil; break;
  }
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) {
    out.str.assign(r->str, r->len);
  }
  out.integer = r->integer;
  if (r->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r->elements);
    for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
  }
  return out;
}

/// The hiredis context's owner is kept in ac->data.
RedisClient* owner(const redisAsyncContext* ac) { return static_cast<RedisClient*>(ac->data); }

}  // namespace

RedisClient::RedisClient(const asio::any_io_executor& executor, config::RedisConfig config)
    : executor_(executor),
      config_(std::move(config)),
      resolver_(executor),
      reconnect_timer_(executor),
      tick_timer_(executor) {}

RedisClient::~RedisClient() {
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    ac->data = nullptr;
    redisAsyncFree(ac);
  }
}

void RedisClient::start() {
  if (state_ != State::idle) return;
  tick();
  connect();
}

void RedisClient::stop() {
  set_state(State::stopped);
  resolver_.cancel();
  reconnect_timer_.cancel();
  tick_timer_.cancel();
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    ac->data = nullptr;  // its callbacks must not reach back into us
    redisAsyncFree(ac);
  }
  fail_all(RedisFailure::stopped, "shutting down");
}

void RedisClient::connect() {
  if (state_ == State::stopped) return;
  connect_deadline_ = Clock::now() + config_.connect_timeout;
  const auto& ep = config_.endpoint;
  if (!ep.unix_path.empty()) {
    set_state(State::connecting);
    open(redisAsyncConnectUnix(ep.unix_path.c_str()));
    return;
  }
  // hiredis would resolve names with a blocking getaddrinfo: resolve on the loop first.
  set_state(State::resolving);
  resolver_.async_resolve(ep.host, std::to_string(ep.port),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      const asio::ip::tcp::resolver::results_type& results) {
                            if (self->state_ != State::resolving) return;
                            if (ec || results.empty()) {
                              self->last_error_ = "cannot resolve " + self->config_.endpoint.host + ": " + ec.message();
                              self->set_state(State::idle);
                              self->schedule_reconnect();
                              return;
                            }
                            self->on_resolved(results.begin()->endpoint());
                          });
}

void RedisClient::on_resolved(const asio::ip::tcp::endpoint& endpoint) {
  set_state(State::connecting);
  open(redisAsyncConnect(endpoint.address().to_string().c_str(), endpoint.port()));
}

void RedisClient::open(redisAsyncContext* ac) {
  if (!ac || ac->err) {
    last_error_ = ac ? ac->errstr : "out of memory";
    if (ac) redisAsyncFree(ac);
    set_state(State::idle);
    schedule_reconnect();
    return;
  }
  ac->data = this;
  if (!attach_asio_events(ac, executor_)) {
    last_error_ = "cannot watch the connection's socket";
    redisAsyncFree(ac);
    set_state(State::idle);
    schedule_reconnect();
    return;
  }
  ac_ = ac;
  redisAsyncSetConnectCallback(ac, &RedisClient::connect_trampoline);
  // Setting the connect callback arms the first write wait; it fires once connected.
  redisAsyncSetDisconnectCallback(ac, &RedisClient::disconnect_trampoline);
}

void RedisClient::on_connected(bool ok, const std::string& error) {
  if (!ok) {
    // hiredis frees the context after this callback returns.
    ac_ = nullptr;
    last_error_ = error;
    set_state(State::idle);
    schedule_reconnect();
    return;
  }
  const auto& ep = config_.endpoint;
  // These run before anything sent later on the connection, so it is usable at once.
  if (!ep.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!ep.username.empty()) auth.push_back(ep.username);
    auth.push_back(ep.password);
    send_raw(auth, 0);
  }
  if (ep.db != 0) send_raw({"SELECT", std::to_string(ep.db)}, 0);
  set_state(State::ready);
  backoff_ = std::chrono::milliseconds(100);
  log::info("redis: connected to " + config_.url);
}

void RedisClient::on_disconnected(redisAsyncContext* ac, const std::string& error) {
  if (ac != ac_) return;  // we freed it ourselves
  ac_ = nullptr;          // hiredis frees it after this callback
  bool was_ready = state_ == State::ready;
  set_state(State::idle);
  last_error_ = error;
  if (was_ready) log::warn("redis: connection lost: " + error);
  fail_all(RedisFailure::closed, "connection lost: " + error);
  schedule_reconnect();
}

void RedisClient::teardown(RedisFailure failure, const std::string& why) {
  bool was_ready = state_ == State::ready;
  last_error_ = why;
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    ac->data = nullptr;
    redisAsyncFree(ac);
  }
  set_state(State::idle);
  if (was_ready) log::warn("redis: dropping connection: " + why);
  fail_all(failure, why);
  schedule_reconnect();
}

void RedisClient::fail_all(RedisFailure failure, const std::string& why) {
  std::deque<Pending> pending;
  pending.swap(pending_);
  for (auto& p : pending) {
    if (p.done) complete(std::move(p.done), unexpected(RedisError{failure, why}));
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
  if ((state_ == State::connecting || state_ == State::resolving) && now > connect_deadline_) {
    resolver_.cancel();
    teardown(RedisFailure::unavailable, "connect timed out");
  } else if (!pending_.empty() && now > pending_.front().deadline && ac_) {
    // Replies may be waiting unread (this tick ran before the socket's readiness was handled, or
    // the loop was held up): read them before judging, or a connection that just recovered is
    // dropped for nothing. hiredis reads what is there and returns at EAGAIN.
    redisAsyncHandleRead(ac_);
  }
  if (state_ == State::ready && !pending_.empty() && now > pending_.front().deadline) {
    // The oldest command is overdue: the server is hung or the link is dead.
    // Everything behind it would wait as long, so fail all and start afresh.
    Pending first = std::move(pending_.front());
    pending_.pop_front();
    if (first.done) complete(std::move(first.done), unexpected(RedisError{RedisFailure::timeout, "command timed out"}));
    teardown(RedisFailure::timeout, "a command timed out");
  }
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->tick();
  });
}

void RedisClient::send_raw(const std::vector<std::string>& args, std::uint64_t id) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  // hiredis hands privdata back untouched: it carries the command's id, not a pointer.
  redisAsyncCommandArgv(ac_, &RedisClient::reply_trampoline, reinterpret_cast<void*>(id),  // NOLINT(performance-no-int-to-ptr)
                        static_cast<int>(args.size()), argv.data(), lens.data());
}

void RedisClient::command(const std::vector<std::string>& args, Callback done) {
  if (state_ != State::ready || !ac_) {
    std::string why = state_ == State::stopped ? "shutting down" : "not connected to Redis: " + last_error_;
    complete(std::move(done), unexpected(RedisError{state_ == State::stopped ? RedisFailure::stopped : RedisFailure::unavailable, why}));
    return;
  }
  std::uint64_t id = next_id_++;
  pending_.push_back({id, Clock::now() + config_.command_timeout, std::move(done)});
  send_raw(args, id);
}

void RedisClient::on_reply(std::uint64_t id, redisReply* reply) {
  if (id == 0) {  // AUTH / SELECT at connect
    if (reply && reply->type == REDIS_REPLY_ERROR) {
      std::string why = std::string("connection set-up refused: ") + reply->str;
      log::error("redis: " + why);
      asio::post(executor_, [self = shared_from_this(), why] { self->teardown(RedisFailure::unavailable, why); });
    }
    return;
  }
  // Replies come in send order; anything older than `id` was already failed.
  while (!pending_.empty() && pending_.front().id < id) pending_.pop_front();
  if (pending_.empty() || pending_.front().id != id) return;
  Pending p = std::move(pending_.front());
  pending_.pop_front();
  if (!reply) {
    complete(std::move(p.done), unexpected(RedisError{RedisFailure::closed, "connection closed"}));
    return;
  }
  complete(std::move(p.done), copy_reply(reply));
}

void RedisClient::complete(Callback done, RedisResult result) {
  asio::post(executor_, [done = std::move(done), r = std::move(result)]() mutable { done(std::move(r)); });
}

void RedisClient::connect_trampoline(const redisAsyncContext* ac, int status) noexcept {
  try {
    if (RedisClient* self = owner(ac)) self->on_connected(status == REDIS_OK, ac->errstr);
  } catch (const std::exception& e) {
    log::error(std::string("redis: connect callback failed: ") + e.what());
  }
}

void RedisClient::disconnect_trampoline(const redisAsyncContext* ac, int status) noexcept {
  try {
    if (RedisClient* self = owner(ac)) {
      self->on_disconnected(const_cast<redisAsyncContext*>(ac),
                            status == REDIS_OK ? "closed" : (ac->errstr[0] ? ac->errstr : "error"));
    }
  } catch (const std::exception& e) {
    log::error(std::string("redis: disconnect callback failed: ") + e.what());
  }
}

void RedisClient::reply_trampoline(redisAsyncContext* ac, void* reply, void* privdata) noexcept {
  try {
    if (RedisClient* self = owner(ac)) {
      self->on_reply(reinterpret_cast<std::uint64_t>(privdata), static_cast<redisReply*>(reply));
    }
  } catch (const std::exception& e) {
    log::error(std::string("redis: reply callback failed: ") + e.what());
  }
}

}  // namespace omniroute::store
