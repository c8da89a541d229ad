// Redis down or hung: webhooks answer 503 (nothing stored, the provider retries)
// within a bounded time, /readyz says so, and recovery needs no restart.

#include <gtest/gtest.h>

#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

class RedisOutage : public ::testing::Test {
 protected:
  RedisOutage() : port(free_port()), daemon(daemon_config(port, redis.url()), port, {"TEST_TWILIO_TOKEN=t"}) {}

  /// Posts until one is accepted (the daemon reconnects with backoff); bounded.
  bool accepted_again(const std::string& id) {
    return eventually([&] { return post_message(port, id, "cust-1", "back").status == 200; }, 10'000);
  }

  /// Polls /readyz until 200: each event loop reconnects on its own backoff; bounded.
  bool ready_again() {
    return eventually([&] { return http_request(port, "GET", "/readyz").status == 200; }, 10'000);
  }

  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(RedisOutage, StoppedRedisGives503ThenRecovers) {
  ASSERT_EQ(post_message(port, "before", "cust-1", "hi").status, 200);
  redis.stop();
  // 10 s is the client's patience, far beyond the daemon's 500 ms command timeout.
  auto r = post_message(port, "during", "cust-1", "hi");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("\"error\":\"store_unavailable\""), std::string::npos);
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 503);
  redis.start();
  EXPECT_TRUE(accepted_again("after"));
  EXPECT_TRUE(ready_again());
}

TEST_F(RedisOutage, HungRedisGives503ThenRecovers) {
  ASSERT_EQ(post_message(port, "before", "cust-1", "hi").status, 200);
  redis.pause();
  auto r = post_message(port, "during", "cust-1", "hi");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 503);
  redis.resume();
  EXPECT_TRUE(accepted_again("during"));  // the provider's retry of the same message
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  // Whether or not the hung attempt ran late, the retry is stored once.
  EXPECT_EQ(redis.one({"XLEN", it_keys().transcript(conv)}), "2");
}

TEST_F(RedisOutage, ReadyAfterAHangMeansEveryLoopTakesWebhooks) {
  // A long hang under traffic: each loop's commands time out, its connection is dropped and
  // retried with a growing backoff, so after the hang the loops come back at different times.
  redis.pause();
  for (int i = 0; i < 4; ++i) {
    std::vector<std::thread> posts;
    for (int j = 0; j < 2; ++j) {
      posts.emplace_back([this, i, j] { post_message(port, "hung-" + std::to_string(i * 2 + j), "cust-h", "x"); });
    }
    for (auto& t : posts) t.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // each loop reconnects, and hangs again
  }
  redis.resume();
  ASSERT_TRUE(ready_again());
  // A load balancer now sends traffic: every loop must take it (connections are dealt round-robin).
  int refused = 0;
  for (int i = 0; i < 20; ++i) refused += post_message(port, "after-" + std::to_string(i), "cust-2", "back").status != 200;
  EXPECT_EQ(refused, 0) << "webhooks refused after /readyz said ready";
}

}  // namespace
}  // namespace omniroute::testing
