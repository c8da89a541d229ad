// The hiredis-on-Asio client against a real redis-server: replies, bounded
// failures when Redis is down or hung, and recovery without a restart.

#include <gtest/gtest.h>

#include "config/values.hpp"
#include "store/redis_client.hpp"
#include "store/scripts.hpp"
#include "support/loop.hpp"
#include "support/redis_server.hpp"

namespace omniroute::store {
namespace {

using testing::RedisServer;
using testing::run_until_set;

class RedisClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<RedisClient> connect(const std::string& url) {
    config::RedisConfig cfg;
    cfg.url = url;
    cfg.endpoint = *config::parse_redis_url(url);
    cfg.command_timeout = std::chrono::milliseconds(300);
    cfg.connect_timeout = std::chrono::milliseconds(300);
    auto client = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
    client->start();
    wait_connected(*client);
    return client;
  }

  void wait_connected(RedisClient& client) {
    std::optional<bool> up;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!client.connected() && std::chrono::steady_clock::now() < deadline) {
      ctx.restart();
      ctx.run_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(client.connected());
  }

  RedisResult run(RedisClient& client, std::vector<std::string> args) {
    std::optional<RedisResult> result;
    client.command(args, [&](RedisResult r) { result = std::move(r); });
    EXPECT_TRUE(run_until_set(ctx, result)) << "no completion at all";
    return result ? std::move(*result) : RedisResult(unexpected(RedisError{}));
  }

  boost::asio::io_context ctx;
  RedisServer redis;
};

TEST_F(RedisClientTest, RoundTripsBinarySafeUtf8) {
  auto client = connect(redis.url());
  const std::string value = "नमस्ते\r\n\0మీకు 🙏";
  ASSERT_TRUE(run(*client, {"SET", "k", value}));
  auto got = run(*client, {"GET", "k"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->str, value);
  client->stop();
}

TEST_F(RedisClientTest, ConnectsOverAUnixSocket) {
  auto client = connect(redis.unix_url());
  auto pong = run(*client, {"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->str, "PONG");
  client->stop();
}

TEST_F(RedisClientTest, PipelinedRepliesReachTheirOwnCallers) {
  auto client = connect(redis.url());
  std::vector<std::optional<RedisResult>> results(200);
  for (int i = 0; i < 200; ++i) {
    client->command({"ECHO", std::to_string(i)}, [&results, i](RedisResult r) { results[i] = std::move(r); });
  }
  ASSERT_TRUE(run_until_set(ctx, results.back()));
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(results[i] && *results[i]);
    EXPECT_EQ((*results[i])->str, std::to_string(i));
  }
  client->stop();
}

TEST_F(RedisClientTest, HungServerFailsCommandsWithTimeoutThenRecovers) {
  auto client = connect(redis.url());
  redis.pause();
  auto r = run(*client, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().failure, RedisFailure::timeout);
  redis.resume();
  wait_connected(*client);
  // The first reconnect may race the resume; within a few tries it answers.
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    answered = static_cast<bool>(run(*client, {"PING"}));
    if (!answered) wait_connected(*client);
  }
  EXPECT_TRUE(answered);
  client->stop();
}

TEST_F(RedisClientTest, StoppedServerFailsFastAndReconnectsWhenBack) {
  auto client = connect(redis.url());
  redis.stop();
  // The drop is noticed, after which commands fail at once as unavailable.
  RedisResult r = run(*client, {"PING"});
  for (int i = 0; i < 100 && (r || r.error().failure != RedisFailure::unavailable); ++i) r = run(*client, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().failure, RedisFailure::unavailable);
  redis.start();
  wait_connected(*client);
  EXPECT_TRUE(run(*client, {"PING"}));
  client->stop();
}

TEST_F(RedisClientTest, StopFailsPendingCommands) {
  auto client = connect(redis.url());
  redis.pause();
  std::optional<RedisResult> result;
  client->command({"PING"}, [&](RedisResult r) { result = std::move(r); });
  client->stop();
  ASSERT_TRUE(run_until_set(ctx, result));
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().failure, RedisFailure::stopped);
  redis.resume();
}

TEST_F(RedisClientTest, ScriptsFallBackToEvalAfterScriptFlush) {
  auto client = connect(redis.url());
  redis.command({"SCRIPT", "FLUSH"});
  std::optional<RedisResult> result;
  eval_script(*client, resolve_script(), {"or:{t}:conv:none", "or:{t}:sla", "or:{t}:events"},
              {"or:{t}:", "0", "system", "1000"}, [&](RedisResult r) { result = std::move(r); });
  ASSERT_TRUE(run_until_set(ctx, result));
  ASSERT_TRUE(*result);
  ASSERT_EQ((*result)->elements.size(), 1u);
  EXPECT_EQ((*result)->elements[0].str, "not_found");
  client->stop();
}

}  // namespace
}  // namespace omniroute::store
