// Queue-level alerts: a queue whose depth or oldest wait goes over its
// threshold raises one alert (across two daemons on one Redis), stays quiet
// while it hovers above the clear level, and sends one `queue.recovered` when
// it falls to it. The sink is a real HTTP server on loopback.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kRavi = "ravi-token-0123456789";

std::string queue_config(std::uint16_t port, const std::string& redis_url, const std::string& sink_url,
                         const std::string& alert_when) {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
         "queues:\n  - { id: general, channels: [api], alert_when: " + alert_when + " }\n"
         "agents:\n"
         "  - { id: asha, token: " + kAsha + ", capacity: { chat: 2 } }\n"
         "  - { id: ravi, token: " + kRavi + ", capacity: { chat: 1 } }\n"
         "alerts:\n  - { kind: webhook, url: \"" + sink_url + "/alerts\", kinds: [queue] }\n";
}

void set_available(std::uint16_t port, const char* token) {
  Headers h{{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
}

TEST(QueueAlerts, DepthRaisesOnceAcrossTwoDaemonsAndRecoversOnceBelowTheClearLevel) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t p1 = free_port(), p2 = free_port();
  const std::string when = "{ depth: 2, clear_at: 0.5 }";
  DaemonProcess d1(queue_config(p1, redis.url(), sink.url(), when), p1);
  DaemonProcess d2(queue_config(p2, redis.url(), sink.url(), when), p2);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(post_message(i % 2 ? p2 : p1, "m" + std::to_string(i), "cust-" + std::to_string(i), "नमस्ते").status, 200);
  }
  ASSERT_TRUE(sink.wait_for(1, 10'000));
  ASSERT_EQ(post_message(p1, "m3", "cust-3", "still here").status, 200);  // deeper still: no second alert
  set_available(p1, kAsha);  // takes two: depth 2, over the clear level (1)
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ASSERT_EQ(sink.received().size(), 1u);
  auto raised = json::parse(sink.received()[0].body).as_object();
  EXPECT_EQ(raised.at("type"), "queue.depth");
  EXPECT_EQ(raised.at("queue"), "general");
  EXPECT_EQ(raised.at("measure"), "depth");
  EXPECT_EQ(raised.at("value"), 3);
  EXPECT_EQ(raised.at("threshold"), 2);
  set_available(p2, kRavi);  // takes one: depth 1, at the clear level
  ASSERT_TRUE(sink.wait_for(2, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ASSERT_EQ(sink.received().size(), 2u);
  auto recovered = json::parse(sink.received()[1].body).as_object();
  EXPECT_EQ(recovered.at("type"), "queue.recovered");
  EXPECT_EQ(recovered.at("measure"), "depth");
  EXPECT_EQ(recovered.at("value"), 1);
  EXPECT_TRUE(recovered.contains("raised_at"));
  auto metrics = http_request(p1, "GET", "/metrics").body + http_request(p2, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_queue_alerts_total{queue=\"general\",measure=\"depth\"} 1"), std::string::npos);
}

TEST(QueueAlerts, OldestWaitRaisesAndClearsWhenTheWaitingAreServed) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t port = free_port();
  DaemonProcess daemon(queue_config(port, redis.url(), sink.url(), "{ oldest_wait: 2s }"), port);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "హలో, ఎవరైనా ఉన్నారా?").status, 200);
  ASSERT_TRUE(sink.wait_for(1, 10'000));
  auto raised = json::parse(sink.received()[0].body).as_object();
  EXPECT_EQ(raised.at("type"), "queue.oldest_wait");
  EXPECT_GE(raised.at("value").as_int64(), raised.at("threshold").as_int64());  // over the line when raised
  EXPECT_EQ(raised.at("threshold"), 2);
  set_available(port, kAsha);
  ASSERT_TRUE(sink.wait_for(2, 10'000));
  EXPECT_EQ(json::parse(sink.received()[1].body).at("type"), "queue.recovered");
  EXPECT_EQ(json::parse(sink.received()[1].body).at("value"), 0);
}

}  // namespace
}  // namespace omniroute::testing
