#pragma once
// EventFeed: the one reader of the workspace's events stream in a process.
// It lives on one event loop with a Redis connection of its own (its reads
// block until the next event) and runs only while some loop has an agent's
// WebSocket open: each loop's EventHub says when it wants events and gets
// every batch posted to its own loop, so an event is read and parsed once
// per process, not once per loop, and not at all with no socket open.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "omniroute/task_group.hpp"
#include "store/events.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::agent_api {

/// What the feed tells a loop: where it stands in the stream (once it knows), and each batch read.
class FeedSubscriber {
 public:
  virtual ~FeedSubscriber() = default;
  /// The feed's position when this subscriber joined: it gets every event after it.
  virtual void placed(const std::string& position) = 0;
  virtual void deliver(std::shared_ptr<const std::vector<Event>> events) = 0;
};

class EventFeed {
 public:
  /// Runs on `executor` (one loop); its tasks belong to that loop's `tasks`.
  EventFeed(const boost::asio::any_io_executor& executor, const config::RedisConfig& redis, TaskGroup& tasks);
  ~EventFeed();

  void start();
  void stop();

  /// From any loop: `subscriber` wants events (posted to `executor`, its loop), or no longer does.
  void want(FeedSubscriber* subscriber, const boost::asio::any_io_executor& executor);
  void unwant(FeedSubscriber* subscriber);

 private:
  struct Subscription {
    FeedSubscriber* subscriber;
    boost::asio::any_io_executor executor;
    bool operator<(const Subscription& o) const { return subscriber < o.subscriber; }
  };
  boost::asio::awaitable<void> follow();

  boost::asio::any_io_executor executor_;
  TaskGroup& tasks_;
  store::Keys keys_;
  std::shared_ptr<store::RedisClient> blocking_;
  store::Events events_;
  boost::asio::steady_timer idle_;
  std::set<Subscription> subscribers_;  // touched on executor_ only
  std::string position_ = "$";          // last stream id read ("$": idle, starts at the end when woken)
  bool stopped_ = false;
};

}  // namespace omniroute::agent_api
