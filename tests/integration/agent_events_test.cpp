// The agent's WebSocket event stream: pushes on assignment and on new
// messages, and a reconnect with the last event id misses nothing.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/ws_client.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAsha = "asha-token-0123456789";

class AgentEvents : public ::testing::Test {
 protected:
  AgentEvents()
      : port(free_port()),
        daemon("server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\nredis:\n  url: " + redis.url() +
                   "\n  workspace: it\nchannels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
                   "queues:\n  - { id: general, channels: [api] }\n"
                   "agents:\n  - { id: asha, token: " + kAsha + ", capacity: { chat: 5 } }\n"
                   "  - { id: ravi, token: ravi-token-0123456789, capacity: { chat: 5 } }\n"
                   "routing:\n  offline_grace: 1s\n",
               port) {}

  void available() {
    auto r = http_request(port, "PUT", "/v1/agents/me/status",
                          {{"Authorization", std::string("Bearer ") + kAsha}}, R"({"status":"available"})");
    ASSERT_EQ(r.status, 200);
  }
  /// The next frame of `type`, skipping others; null object if none came.
  json::object next_of(WsClient& ws, const std::string& type) {
    for (int i = 0; i < 20; ++i) {
      auto frame = ws.next();
      if (!frame) break;
      auto o = json::parse(*frame).as_object();
      if (o.at("type") == type.c_str()) return o;
    }
    return {};
  }

  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(AgentEvents, UnauthenticatedSocketsAreRefused) {
  WsClient ws(port, "/v1/agents/me/events");
  EXPECT_FALSE(ws.ok());
  WsClient wrong(port, "/v1/agents/me/events", "not-the-token-0000000");
  EXPECT_FALSE(wrong.ok());
}

TEST_F(AgentEvents, AssignmentAndNewMessagesArePushed) {
  WsClient ws(port, "/v1/agents/me/events", kAsha);
  ASSERT_TRUE(ws.ok());
  available();
  ASSERT_EQ(post_message(port, "m1", "cust-1", "नमस्ते").status, 200);
  auto assigned = next_of(ws, "conversation.assigned");
  ASSERT_FALSE(assigned.empty());
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  EXPECT_EQ(assigned.at("conversation").at("id").as_string(), conv);
  EXPECT_EQ(assigned.at("conversation").at("agent"), "asha");
  EXPECT_FALSE(assigned.at("id").as_string().empty());
  ASSERT_EQ(post_message(port, "m2", "cust-1", "మీరు ఉన్నారా?").status, 200);
  auto created = next_of(ws, "message.created");
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created.at("conversation_id").as_string(), conv);
  EXPECT_EQ(created.at("message").at("text"), "మీరు ఉన్నారా?");
  EXPECT_EQ(created.at("message").at("direction"), "in");
}

TEST_F(AgentEvents, ReconnectingWithTheLastEventIdMissesNothing) {
  std::string cursor;
  {
    WsClient ws(port, "/v1/agents/me/events", kAsha);
    ASSERT_TRUE(ws.ok());
    available();
    ASSERT_EQ(post_message(port, "m1", "cust-1", "first").status, 200);
    auto assigned = next_of(ws, "conversation.assigned");
    ASSERT_FALSE(assigned.empty());
    cursor = std::string(assigned.at("id").as_string());
  }
  // While the agent is disconnected, the customer writes twice.
  ASSERT_EQ(post_message(port, "m2", "cust-1", "second").status, 200);
  ASSERT_EQ(post_message(port, "m3", "cust-1", "third").status, 200);
  WsClient again(port, "/v1/agents/me/events?last_event_id=" + cursor, kAsha);
  ASSERT_TRUE(again.ok());
  auto a = next_of(again, "message.created");
  auto b = next_of(again, "message.created");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a.at("message").at("text"), "second");
  EXPECT_EQ(b.at("message").at("text"), "third");
  // And live again afterwards, without repeats.
  ASSERT_EQ(post_message(port, "m4", "cust-1", "fourth").status, 200);
  auto c = next_of(again, "message.created");
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.at("message").at("text"), "fourth");
}

}  // namespace
}  // namespace omniroute::testing

namespace omniroute::testing {
namespace {

TEST_F(AgentEvents, AnAgentWhoseSocketDroppedGoesOfflineAndTheirConversationsRequeue) {
  std::string conv, queued_at;
  {
    WsClient ws(port, "/v1/agents/me/events", kAsha);
    ASSERT_TRUE(ws.ok());
    available();
    ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
    ASSERT_FALSE(next_of(ws, "conversation.assigned").empty());
    conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
    queued_at = redis.one({"HGET", it_keys().conversation(conv), "queued_at"});
    ASSERT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "asha");
  }  // the socket drops here
  // Grace 1 s, swept every second.
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().conversation(conv), "state"}) == "queued"; }, 5'000));
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("asha"), "status"}), "offline");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("asha"), "load:chat"}), "0");
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "1");
  // Back at its original age: normal priority band plus the time it first queued.
  EXPECT_EQ(redis.one({"ZSCORE", it_keys().queue("general"), conv}),
            std::to_string(20'000'000'000'000LL + std::stoll(queued_at)));
}

TEST_F(AgentEvents, AnAgentWorkingOnlyThroughRestIsNeverForcedOffline) {
  auto r = http_request(port, "PUT", "/v1/agents/me/status", {{"Authorization", "Bearer ravi-token-0123456789"}},
                        R"({"status":"available"})");
  ASSERT_EQ(r.status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("ravi"), "status"}), "available");
}

TEST_F(AgentEvents, SigtermWithAnOpenSocketStillExitsZero) {
  WsClient ws(port, "/v1/agents/me/events", kAsha);
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
  EXPECT_FALSE(ws.next(2000).has_value());  // closed by the server
}

}  // namespace
}  // namespace omniroute::testing
