// Telegram in webhook mode through the real daemon: the secret token header,
// and replies through sendMessage on a fake Bot API (a real HTTP server on
// loopback), its 429 with retry_after honoured and not dropped.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAgent = "tg-agent-token-0123456789";

TEST(TelegramWebhook, SecretTokenInAndSendMessageOutWithA429Honoured) {
  RedisServer redis;
  FakeProvider bot_api;
  bot_api.script({{429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})"},
                  {200, R"({"ok":true,"result":{"message_id":4711,"chat":{"id":777000111}}})"}});
  std::uint16_t port = free_port();
  DaemonProcess daemon("server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
                       "redis:\n  url: " + redis.url() + "\n  workspace: it\n"
                       "channels:\n  - { id: tg, kind: telegram, bot_token: \"123456:ABC-DEF\", secret_token: tg-secret-0123,"
                       " api_base: \"" + bot_api.url() + "\" }\n"
                       "queues:\n  - { id: general, channels: [tg] }\n"
                       "agents:\n  - { id: lakshmi, token: " + kAgent + ", capacity: { chat: 3 } }\n",
                       port);
  const std::string update = R"({"update_id":900001,"message":{"message_id":44,"from":{"id":777000111,"first_name":"Lakshmi"},
    "chat":{"id":777000111,"type":"private"},"date":1795000000,"text":"నా డెలివరీ ఎప్పుడు వస్తుంది?"}})";
  EXPECT_EQ(http_request(port, "POST", "/webhooks/tg", {{"X-Telegram-Bot-Api-Secret-Token", "guess"}}, update).status, 401);
  ASSERT_EQ(http_request(port, "POST", "/webhooks/tg", {{"X-Telegram-Bot-Api-Secret-Token", "tg-secret-0123"}}, update).status, 200);
  Headers h{{"Authorization", std::string("Bearer ") + kAgent}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("tg", "777000111")});
  eventually([&] { return redis.one({"HGET", it_keys().conversation(conv), "agent"}) == "lakshmi"; }, 2'000);
  auto reply = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", h, R"({"text":"రేపు వస్తుంది"})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  ASSERT_TRUE(bot_api.wait_for(2, 15'000));
  auto sent = bot_api.received()[1];
  EXPECT_EQ(sent.target, "/bot123456:ABC-DEF/sendMessage");
  EXPECT_EQ(json::parse(sent.body).at("chat_id"), "777000111");
  EXPECT_EQ(json::parse(sent.body).at("text"), "రేపు వస్తుంది");
  std::string msg = std::string(json::parse(reply.body).at("message").at("id").as_string());
  json::value d;
  eventually([&] {
    d = json::parse(redis.one({"HGET", it_keys().delivery(conv), msg}));
    return d.at("status") == "sent";
  }, 5'000);
  EXPECT_EQ(d.at("status"), "sent");
  EXPECT_EQ(d.at("provider_id"), "4711");
  EXPECT_EQ(d.at("attempts"), 2);
}

}  // namespace
}  // namespace omniroute::testing
