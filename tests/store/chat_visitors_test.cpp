// A web chat visitor's sockets against a real redis-server: whether one was open at some moment since a reply
// was queued decides if the reply is also e-mailed (offline_email) — judged from when it was queued, so a
// visitor who read it live and left before the sender got to it is not mailed what they read.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "config/values.hpp"
#include "omniroute/clock.hpp"
#include "store/chat_visitors.hpp"
#include "support/loop.hpp"
#include "support/redis_server.hpp"

namespace omniroute::store {
namespace {

using testing::run_until_set;

TEST(ChatVisitors, ASocketClosedAfterAReplyWasQueuedSawItOneClosedBeforeDidNot) {
  testing::RedisServer redis;
  boost::asio::io_context ctx;
  config::RedisConfig cfg;
  cfg.url = redis.url();
  cfg.endpoint = *config::parse_redis_url(cfg.url);
  cfg.workspace = "t";
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
  client->start();
  while (!client->connected()) ctx.run_one_for(std::chrono::milliseconds(50)), ctx.restart();
  Keys keys(cfg.workspace);
  ChatVisitors visitors(*client, keys);
  auto run = [&](auto make) {
    std::optional<bool> out;
    boost::asio::co_spawn(
        ctx, [&]() -> boost::asio::awaitable<void> { out = co_await make(); }, boost::asio::detached);
    EXPECT_TRUE(run_until_set(ctx, out));
    return out.value_or(false);
  };
  const std::int64_t t0 = now_ms();  // the key lapses by the wall clock
  // Open at t0 (expiring a minute later), closed at t0 + 5 s.
  EXPECT_TRUE(run([&]() -> boost::asio::awaitable<bool> { co_return static_cast<bool>(co_await visitors.present("site", "c1", "s1", t0 + 60'000)); }));
  auto seen = [&](std::int64_t since) {
    return run([&]() -> boost::asio::awaitable<bool> { auto r = co_await visitors.seen_since("site", "c1", since);
      co_return r && *r; });
  };
  EXPECT_TRUE(seen(t0 + 1'000)) << "open: a reply queued now is shown";
  EXPECT_TRUE(run([&]() -> boost::asio::awaitable<bool> { co_return static_cast<bool>(co_await visitors.gone("site", "c1", "s1", t0 + 5'000)); }));
  EXPECT_TRUE(seen(t0 + 2'000)) << "queued while open, judged after the close: they saw it";
  EXPECT_FALSE(seen(t0 + 6'000)) << "queued after they left: they did not";
  EXPECT_FALSE(run([&]() -> boost::asio::awaitable<bool> { auto r = co_await visitors.seen_since("site", "c2", t0);
    co_return !r || *r; }));
  // Closing a socket never recorded open records nothing.
  EXPECT_TRUE(run([&]() -> boost::asio::awaitable<bool> { co_return static_cast<bool>(co_await visitors.gone("site", "c3", "s9", t0)); }));
  EXPECT_FALSE(seen(t0 + 6'000));
  EXPECT_EQ(redis.one({"EXISTS", keys.chat_sockets("site", "c3")}), "0");
  client->stop();
}

}  // namespace
}  // namespace omniroute::store
