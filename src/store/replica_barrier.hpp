#pragma once
// redis.replicas_ack: an acknowledged message must also be on N replicas.
// After a write, wait() resumes once WAIT N confirms that the replicas have
// everything this connection wrote before the call. Writes from many
// requests share one WAIT (a WAIT sent after a write's reply covers it), so
// the cost is one replication round trip per batch, not per message.
//
// While fewer than N replicas confirm, waits fail at once with
// `unavailable` (503: the provider retries), and one WAIT a second checks
// whether they are back: a WAIT blocks its connection, so it must not be
// sent for every request while the replicas are away.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "store/redis_client.hpp"

namespace omniroute::store {

class ReplicaBarrier {
 public:
  /// `replicas` 0: wait() returns at once.
  ReplicaBarrier(RedisClient& client, int replicas, std::chrono::milliseconds timeout);

  boost::asio::awaitable<Expected<bool, RedisError>> wait();

 private:
  struct Waiter {
    std::shared_ptr<boost::asio::steady_timer> signal;
    std::optional<Expected<bool, RedisError>> result;
  };
  void start_round();

  RedisClient& client_;
  int replicas_;
  std::chrono::milliseconds timeout_;
  bool in_flight_ = false;
  std::vector<std::shared_ptr<Waiter>> next_;  // written before the WAIT now in flight was sent
  std::chrono::steady_clock::time_point short_until_{};  // fewer replicas than asked for: fail fast until
  std::string short_why_;
};

}  // namespace omniroute::store
