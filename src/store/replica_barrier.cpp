#include "store/replica_barrier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "omniroute/log.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kProbeEvery = std::chrono::seconds(1);
}

ReplicaBarrier::ReplicaBarrier(RedisClient& client, int replicas, std::chrono::milliseconds timeout)
    : client_(client), replicas_(replicas), timeout_(timeout) {}

asio::awaitable<Expected<bool, RedisError>> ReplicaBarrier::wait() {
  if (replicas_ <= 0) co_return true;
  if (Clock::now() < short_until_) {
    co_return unexpected(RedisError{RedisFailure::unavailable, short_why_});
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->signal = std::make_shared<asio::steady_timer>(client_.executor(), Clock::time_point::max());
  next_.push_back(waiter);
  if (!in_flight_) start_round();
  co_await waiter->signal->async_wait(asio::as_tuple(asio::use_awaitable));
  if (!waiter->result) co_return unexpected(RedisError{RedisFailure::stopped, "shutting down"});
  co_return std::move(*waiter->result);
}

void ReplicaBarrier::start_round() {
  in_flight_ = true;
  auto round = std::make_shared<std::vector<std::shared_ptr<Waiter>>>(std::move(next_));
  next_.clear();
  client_.command({"WAIT", std::to_string(replicas_), std::to_string(timeout_.count())}, [this, round](RedisResult r) {
    std::optional<Expected<bool, RedisError>> outcome;
    if (!r) {
      outcome = unexpected(r.error());
    } else if (r->type != Reply::Type::integer) {
      outcome = unexpected(RedisError{RedisFailure::unavailable, "WAIT refused: " + r->str});
    } else if (r->integer < replicas_) {
      short_why_ = "only " + std::to_string(r->integer) + " of " + std::to_string(replicas_) +
                   " replicas confirmed the write (redis.replicas_ack)";
      short_until_ = Clock::now() + kProbeEvery;
      log::warn("redis: " + short_why_ + "; webhooks answer 503 until they do");
      outcome = unexpected(RedisError{RedisFailure::unavailable, short_why_});
    } else {
      short_until_ = {};
      outcome = true;
    }
    for (auto& w : *round) {
      w->result = *outcome;
      w->signal->cancel();
    }
    in_flight_ = false;
    if (!next_.empty()) start_round();
  });
}

}  // namespace omniroute::store
