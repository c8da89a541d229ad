// A web chat visitor's sockets and what was shown to them, against a real redis-server: a reply is e-mailed
// (offline_email) when no socket of theirs was sent it and none is open — judged by what was written to them,
// so a socket closing just as the reply was queued does not count as having shown it; replies awaiting that
// decision are kept in Redis and taken by one sender only.

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

/// A real redis-server, a client on its own loop, and `run(make)`: the coroutine `make` returns, run to its end.
struct VisitorsFixture {
  testing::RedisServer redis;
  boost::asio::io_context ctx;
  config::RedisConfig cfg = [this] {
    config::RedisConfig c;
    c.url = redis.url();
    c.endpoint = *config::parse_redis_url(c.url);
    c.workspace = "t";
    return c;
  }();
  std::shared_ptr<RedisClient> client = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
  Keys keys{cfg.workspace};
  ChatVisitors visitors{*client, keys};
  VisitorsFixture() {
    client->start();
    while (!client->connected()) ctx.run_one_for(std::chrono::milliseconds(50)), ctx.restart();
  }
  ~VisitorsFixture() { client->stop(); }
  template <typename Make>
  std::int64_t run(Make make) {
    std::optional<std::int64_t> out;
    boost::asio::co_spawn(
        ctx, [&]() -> boost::asio::awaitable<void> { out = co_await make(); }, boost::asio::detached);
    EXPECT_TRUE(run_until_set(ctx, out));
    return out.value_or(-1);
  }
};

TEST(ChatVisitors, WhatWasShownOnlyRisesAndAClosedSocketIsNoLongerOpen) {
  VisitorsFixture f;
  auto& redis = f.redis;
  auto& keys = f.keys;
  auto& visitors = f.visitors;
  auto run = [&](auto make) { return f.run(make); };
  auto open = [&](const std::string& contact, std::int64_t at) {
    return run([&]() -> boost::asio::awaitable<std::int64_t> { auto r = co_await visitors.open_at("site", contact, at);
      co_return r ? std::int64_t{*r} : -1; });
  };
  auto through = [&](const std::string& contact, const std::string& conv) {
    return run([&]() -> boost::asio::awaitable<std::int64_t> {
      auto r = co_await visitors.shown_through("site", contact, conv);
      co_return r ? *r : -1; });
  };
  auto show = [&](const std::string& contact, std::vector<ShownUpTo> shows) {
    return run([&]() -> boost::asio::awaitable<std::int64_t> {
      co_return (co_await visitors.shown("site", contact, shows)) ? 1 : 0; });
  };
  const std::int64_t t0 = now_ms();  // the keys lapse by the wall clock
  EXPECT_EQ(run([&]() -> boost::asio::awaitable<std::int64_t> {
              co_return (co_await visitors.present("site", "c1", "s1", t0 + 60'000)) ? 1 : 0; }), 1);
  EXPECT_EQ(open("c1", t0), 1) << "open until its expiry";
  EXPECT_EQ(open("c1", t0 + 61'000), 0) << "a socket whose daemon stopped refreshing it is not open";
  EXPECT_EQ(run([&]() -> boost::asio::awaitable<std::int64_t> {
              co_return (co_await visitors.gone("site", "c1", "s1")) ? 1 : 0; }), 1);
  EXPECT_EQ(open("c1", t0), 0) << "closed: no longer open, whatever its expiry said";
  // A socket open when a reply is queued but closed before it was written showed nothing: only a write counts.
  EXPECT_EQ(through("c1", "conv-1"), 0);
  EXPECT_EQ(show("c1", {{"conv-1", 41}, {"conv-2", 7}}), 1);
  EXPECT_EQ(through("c1", "conv-1"), 41);
  EXPECT_EQ(through("c1", "conv-2"), 7);
  // A slower socket (another tab) writing an older message never lowers the mark; a later one raises it.
  EXPECT_EQ(show("c1", {{"conv-1", 12}}), 1);
  EXPECT_EQ(through("c1", "conv-1"), 41);
  EXPECT_EQ(show("c1", {{"conv-1", 45}}), 1);
  EXPECT_EQ(through("c1", "conv-1"), 45);
  EXPECT_EQ(through("c2", "conv-1"), 0) << "another visitor's showing is theirs";
  // Remembered for minutes, not forever.
  const auto ttl = std::stoll(redis.one({"PTTL", keys.chat_shown("site", "c1")}));
  EXPECT_GT(ttl, 9 * 60'000);
  EXPECT_LE(ttl, 10 * 60'000);
}

TEST(ChatVisitors, AReplyAwaitingItsDecisionIsDueOnTimeAndTakenByOneSenderOnly) {
  VisitorsFixture f;
  auto& redis = f.redis;
  auto& keys = f.keys;
  auto& visitors = f.visitors;
  auto run = [&](auto make) { return f.run(make); };
  const AwayReply reply{"site", "v12", "m41", 1'000};
  auto due = [&](std::int64_t now) {
    return run([&]() -> boost::asio::awaitable<std::int64_t> {
      auto r = co_await visitors.due(now, 16);
      if (!r) co_return -1;
      co_return r->size() == 1 && r->front() == reply ? 1 : static_cast<std::int64_t>(r->size()) * 10;
    });
  };
  auto claim = [&] {
    return run([&]() -> boost::asio::awaitable<std::int64_t> { auto r = co_await visitors.claim(reply); co_return r ? *r : -1; });
  };
  auto at = [&](std::int64_t when, bool only_if_kept) {
    return run([&]() -> boost::asio::awaitable<std::int64_t> {
      co_return (co_await visitors.decide_at(reply, when, only_if_kept)) ? 1 : 0; });
  };
  EXPECT_EQ(at(2'000, false), 1);
  EXPECT_EQ(due(1'999), 0) << "not before its time";
  EXPECT_EQ(due(2'000), 1) << "read back whole";
  EXPECT_EQ(at(3'000, true), 1);  // still undecided: looked at again later
  EXPECT_EQ(due(2'500), 0);
  EXPECT_EQ(claim(), 1) << "the first sender takes it";
  EXPECT_EQ(claim(), 0) << "a second sender does not";
  EXPECT_EQ(at(4'000, true), 1);  // a slower sender's "later" does not bring a claimed one back
  EXPECT_EQ(due(10'000), 0);
  redis.one({"ZADD", keys.chat_away(), "1", "not-a-reply"});
  EXPECT_EQ(due(10'000), 0) << "an unreadable member is dropped, not returned";
  EXPECT_EQ(redis.one({"ZCARD", keys.chat_away()}), "0");
}

TEST(ChatVisitors, MessageNumbersAreReadOnlyFromMessageIds) {
  EXPECT_EQ(message_number("m1"), 1);
  EXPECT_EQ(message_number("m90210"), 90210);
  EXPECT_EQ(message_number("m"), 0);
  EXPECT_EQ(message_number("x12"), 0);
  EXPECT_EQ(message_number("m12a"), 0);
  EXPECT_EQ(message_number("m-3"), 0);
  EXPECT_EQ(message_number(""), 0);
}

}  // namespace
}  // namespace omniroute::store
