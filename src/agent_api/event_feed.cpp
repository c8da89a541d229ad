#include "agent_api/event_feed.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace omniroute::agent_api {

namespace asio = boost::asio;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kBlock = std::chrono::milliseconds(1000);

config::RedisConfig blocking_config(config::RedisConfig c) {
  c.command_timeout += kBlock;  // a BLOCK read legitimately waits this long
  return c;
}
}  // namespace

EventFeed::EventFeed(const asio::any_io_executor& executor, const config::RedisConfig& redis, TaskGroup& tasks)
    : executor_(executor),
      tasks_(tasks),
      keys_(redis.workspace),
      blocking_(std::make_shared<store::RedisClient>(executor, blocking_config(redis))),
      events_(*blocking_, keys_),
      idle_(executor) {}

EventFeed::~EventFeed() = default;

void EventFeed::start() {
  asio::post(executor_, [this] {
    blocking_->start();
    tasks_.spawn(follow(), "events: following the stream");
  });
}

void EventFeed::stop() {
  asio::post(executor_, [this] {
    stopped_ = true;
    idle_.cancel();
    blocking_->stop();
  });
}

void EventFeed::want(FeedSubscriber* subscriber, const asio::any_io_executor& executor) {
  asio::post(executor_, [this, subscriber, executor] {
    subscribers_.insert({subscriber, executor});
    // Already following: the newcomer starts here. Else the follower wakes, finds the end, says so.
    if (position_ != "$") asio::post(executor, [subscriber, at = position_] { subscriber->placed(at); });
    idle_.cancel();
  });
}

void EventFeed::unwant(FeedSubscriber* subscriber) {
  asio::post(executor_, [this, subscriber] { subscribers_.erase({subscriber, {}}); });
}

asio::awaitable<void> EventFeed::follow() {
  while (!stopped_) {
    if (subscribers_.empty()) {
      // Nobody to push to: read nothing. A loop that wants events wakes us; we then start again
      // from the stream's current end (older events are for a resuming socket's replay).
      position_ = "$";
      idle_.expires_after(std::chrono::hours(1));
      co_await idle_.async_wait(kAwait);
      continue;
    }
    if (!blocking_->connected()) {
      co_await blocking_->async_wait_connected(std::chrono::seconds(1), asio::use_awaitable);
      continue;
    }
    if (position_ == "$") {
      if (auto latest = co_await events_.latest_id()) {
        position_ = *latest;
        for (const auto& s : subscribers_) {
          asio::post(s.executor, [subscriber = s.subscriber, at = position_] { subscriber->placed(at); });
        }
      }
      continue;
    }
    // Redis answers the moment an event is added, or after kBlock with nothing.
    auto read = co_await events_.read_after(position_, 200, kBlock);
    if (!read || read->empty()) continue;  // the client reconnects (we wait above), or nothing came
    position_ = read->back().id;
    auto batch = std::make_shared<const std::vector<Event>>(std::move(*read));
    for (const auto& s : subscribers_) {
      asio::post(s.executor, [subscriber = s.subscriber, batch] { subscriber->deliver(batch); });
    }
  }
}

}  // namespace omniroute::agent_api
