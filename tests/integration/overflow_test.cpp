// Overflow: a conversation that waited longer than `overflow_after` in its
// queue may also go to the agents of the queue's `overflow_queue`.

#include <gtest/gtest.h>

#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

TEST(Overflow, AConversationWaitingPastTheLimitReachesTheOverflowQueuesAgents) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(
      "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\nredis:\n  url: " + redis.url() +
          "\n  workspace: it\nchannels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
          "queues:\n"
          "  - { id: front, channels: [api], skills: [front], overflow_queue: back, overflow_after: 2s }\n"
          "  - { id: back, skills: [back] }\n"
          "agents:\n  - { id: backup, token: backup-token-0123456789, skills: [back], capacity: { chat: 3 } }\n",
      port);
  auto r = http_request(port, "PUT", "/v1/agents/me/status", {{"Authorization", "Bearer backup-token-0123456789"}},
                        R"({"status":"available"})");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "anyone?").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  // Not before its time: the front queue has no agent, and the wait is under 2 s.
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "state"}), "queued");
  std::string agent;
  eventually([&] {  // the once-a-second sweep picks it up after 2 s
    std::string a = redis.one({"HGET", it_keys().conversation(conv), "agent"});
    if (a != "" && a != "(nil)") agent = a;
    return !agent.empty();
  }, 5'000);
  EXPECT_EQ(agent, "backup");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "queue"}), "front");  // it stays a front conversation
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("front")}), "0");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("backup"), "load:chat"}), "1");
}

}  // namespace
}  // namespace omniroute::testing
