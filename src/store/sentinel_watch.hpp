#pragma once
// Listens to the sentinels for +switch-master about our master and tells the
// client where the master went, so it reconnects the moment a fail-over
// ends instead of at its next failed attempt. One subscription at a time,
// moving to the next sentinel (with backoff) when one goes away.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "config/config.hpp"
#include "omniroute/task_group.hpp"
#include "store/redis_stream.hpp"

namespace omniroute::store {

class RedisClient;

class SentinelWatch : public std::enable_shared_from_this<SentinelWatch> {
 public:
  SentinelWatch(const boost::asio::any_io_executor& executor, std::shared_ptr<boost::asio::ssl::context> tls,
                const config::RedisConfig& config, std::weak_ptr<RedisClient> client);
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> run();
  /// Reads one subscription's messages until it ends, telling the client of each move of our master.
  boost::asio::awaitable<void> follow(std::shared_ptr<RedisStream> stream);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  config::RedisConfig config_;
  std::weak_ptr<RedisClient> client_;
  std::shared_ptr<RedisStream> stream_;
  boost::asio::steady_timer wait_;
  TaskGroup tasks_;  // the subscription loop (it holds the watch while it runs)
  bool stopped_ = false;
};

/// "+switch-master" payload "<name> <old ip> <old port> <new ip> <new port>": the new master when it is `name`'s.
std::optional<RedisAddress> switched_master(std::string_view payload, std::string_view name);

}  // namespace omniroute::store
