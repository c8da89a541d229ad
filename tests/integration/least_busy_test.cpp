// least_busy counts an agent's open conversations across every medium: an
// agent busy with a chat is not "idle" for the next SMS.

#include <gtest/gtest.h>

#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::testing {
namespace {

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kRavi = "ravi-token-0123456789";

std::string config(std::uint16_t port, const std::string& redis_url) {
  std::string p = std::to_string(port);
  return "server:\n  listen: 127.0.0.1:" + p + "\n  public_url: http://127.0.0.1:" + p + "\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
         "  - { id: sms, kind: twilio_sms, account_sid: AC00000000000000000000000000000000, auth_token: " +
         kTwilioToken + ", from: \"+15005550006\" }\n"
         "queues:\n  - { id: general, channels: [api, sms], strategy: least_busy }\n"
         "agents:\n"
         "  - { id: asha, token: " + kAsha + ", capacity: { chat: 3, sms: 3 } }\n"
         "  - { id: ravi, token: " + kRavi + ", capacity: { chat: 3, sms: 3 } }\n";
}

HttpResult post_sms(std::uint16_t port, const std::string& sid, const std::string& from, const std::string& text) {
  FormFields fields = {{"MessageSid", sid}, {"From", from}, {"To", "+15005550006"}, {"Body", text}};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms";
  std::string body = form_encode(fields);
  return http_request(port, "POST", "/webhooks/sms",
                      {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"X-Twilio-Signature", channels::twilio_signature(kTwilioToken, url, fields)}},
                      body);
}

std::string agent_of(RedisServer& redis, const std::string& channel, const std::string& thread_key) {
  std::string agent;
  eventually([&] {
    std::string conv = redis.one({"GET", it_keys().thread(channel, thread_key)});
    agent = conv == "(nil)" ? "" : redis.one({"HGET", it_keys().conversation(conv), "agent"});
    if (agent == "(nil)") agent.clear();
    return !agent.empty();
  }, 2'000);
  return agent;
}

TEST(LeastBusy, AnAgentHoldingAChatIsBusierForTheNextSmsThanAnIdleOne) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(config(port, redis.url()), port);
  for (const char* token : {kAsha, kRavi}) {
    auto r = http_request(port, "PUT", "/v1/agents/me/status",
                          {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}},
                          R"({"status":"available"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_EQ(post_message(port, "chat-1", "cust-chat", "नमस्ते").status, 200);
  const std::string first = agent_of(redis, "api", "cust-chat");
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(post_sms(port, "SM1", "+919876543210", "రీఫండ్ ఎప్పుడు?").status, 200);
  const std::string second = agent_of(redis, "sms", "+919876543210");
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first) << "the SMS went to the agent already holding a chat, not to the idle one";
  // Now both hold one: the next goes by longest since last assignment, i.e. to the first again.
  ASSERT_EQ(post_message(port, "chat-2", "cust-chat-2", "hello").status, 200);
  EXPECT_EQ(agent_of(redis, "api", "cust-chat-2"), first);
}

}  // namespace
}  // namespace omniroute::testing
