// The loop's task group: what stopping relies on. A cancelled task ends where it waits, the group
// knows when the last one has, and a task that fails says which one it was.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "omniroute/task_group.hpp"

namespace omniroute {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Waits an hour on a timer, as a background loop idles; records how it ended.
asio::awaitable<void> idle_for_an_hour(bool& ended_early) {
  asio::steady_timer hour(co_await asio::this_coro::executor, std::chrono::hours(1));
  auto [ec] = co_await hour.async_wait(asio::as_tuple(asio::use_awaitable));
  ended_early = ec == asio::error::operation_aborted;
}

// No test here depends on how long anything takes: each runs the loop until it has no work left
// (a task that ignored cancellation would leave the loop running and the test would time out).

TEST(TaskGroup, CancellationEndsTasksWhereTheyWaitAndTheGroupSeesItEmpty) {
  asio::io_context io;
  TaskGroup tasks(io.get_executor());
  bool first = false, second = false;
  tasks.spawn(idle_for_an_hour(first), "first");
  tasks.spawn([&]() -> asio::awaitable<void> { co_await idle_for_an_hour(second); }, "second (a lambda)");
  io.poll();  // both start and wait on their timers
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks.running(), (std::vector<std::string>{"first", "second (a lambda)"}));

  std::optional<bool> idle;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    tasks.cancel();
    idle = co_await tasks.wait_idle(std::chrono::hours(1));  // woken by the last task's end, not the bound
  }, asio::detached);
  io.run();
  ASSERT_TRUE(idle.has_value());
  EXPECT_TRUE(*idle);
  EXPECT_TRUE(first);
  EXPECT_TRUE(second);
  EXPECT_EQ(tasks.size(), 0u);
}

TEST(TaskGroup, WaitIdleGivesUpAtItsBoundWhileATaskStillRuns) {
  asio::io_context io;
  TaskGroup tasks(io.get_executor());
  bool ended = false;
  tasks.spawn(idle_for_an_hour(ended), "idler");
  std::optional<bool> idle;
  std::size_t running_then = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    idle = co_await tasks.wait_idle(10ms);  // the idler waits an hour: the bound comes first
    running_then = tasks.size();
    tasks.cancel();  // then let the loop end
  }, asio::detached);
  io.run();
  ASSERT_TRUE(idle.has_value());
  EXPECT_FALSE(*idle);
  EXPECT_EQ(running_then, 1u);
  EXPECT_TRUE(ended);
  EXPECT_EQ(tasks.size(), 0u);
}

TEST(TaskGroup, ATaskThatThrowsEndsAndLeavesTheGroup) {
  asio::io_context io;
  TaskGroup tasks(io.get_executor());
  tasks.spawn([]() -> asio::awaitable<void> {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    throw std::runtime_error("boom");
  }, "thrower");
  io.run();
  EXPECT_EQ(tasks.size(), 0u);  // logged as "thrower: stopped by an unexpected error: boom"
}

/// A client that owns its task group and whose tasks hold the client (RedisClient, SentinelWatch).
struct SelfOwned : std::enable_shared_from_this<SelfOwned> {
  explicit SelfOwned(asio::any_io_executor ex) : tasks(std::move(ex)) {}
  TaskGroup tasks;
  void start(bool& ran) {
    tasks.spawn([self = shared_from_this(), &ran]() -> asio::awaitable<void> {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      ran = true;
    }, "self-owned");
  }
};

TEST(TaskGroup, ATaskMayHoldTheGroupsOwnerWhichEndsWithIt) {
  asio::io_context io;
  bool ran = false;
  std::weak_ptr<SelfOwned> watch;
  {
    auto owner = std::make_shared<SelfOwned>(io.get_executor());
    watch = owner;
    owner->start(ran);
  }
  EXPECT_FALSE(watch.expired());  // the task keeps it
  testing::internal::CaptureStderr();
  io.run();  // the group is destroyed inside its task's end; its completion still runs safely
  std::string logged = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(logged.find("still running"), std::string::npos) << logged;  // ended, so not a leak
}

}  // namespace
}  // namespace omniroute
