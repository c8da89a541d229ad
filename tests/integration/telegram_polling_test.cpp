// Telegram long polling against a fake Bot API (a real HTTP server on
// loopback): updates are stored before the offset moves on, the offset lives
// in Redis, and a restart in the middle neither loses nor repeats an update —
// even when the Bot API hands an already-stored update out again.

#include <gtest/gtest.h>

#include <cmath>

#include <boost/json.hpp>
#include <thread>

#include "integration/test_config.hpp"
#include "omniroute/clock.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

std::string config(std::uint16_t port, const std::string& redis_url, const std::string& api) {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: tg, kind: telegram, bot_token: \"123456:ABC-DEF\", mode: polling, api_base: \"" + api + "\" }\n"
         "queues:\n  - { id: general, channels: [tg] }\n";
}

std::string update(int update_id, int chat, int message_id, const std::string& text) {
  return json::serialize(json::object{
      {"update_id", update_id},
      {"message", json::object{{"message_id", message_id},
                               {"from", json::object{{"id", chat}, {"first_name", "Customer " + std::to_string(chat)}}},
                               {"chat", json::object{{"id", chat}, {"type", "private"}}},
                               {"date", 1795000000 + update_id},
                               {"text", text}}}});
}

std::string batch(std::initializer_list<std::string> updates) {
  std::string out = "{\"ok\":true,\"result\":[";
  bool first = true;
  for (const auto& u : updates) {
    out += (first ? "" : ",") + u;
    first = false;
  }
  return out + "]}";
}

/// Messages stored for chat `chat` (its conversation's message count), 0 when none.
int stored_for(RedisServer& redis, int chat) {
  std::string conv = redis.one({"GET", it_keys().thread("tg", std::to_string(chat))});
  if (conv == "(nil)" || conv.empty()) return 0;
  return std::atoi(redis.one({"HGET", it_keys().conversation(conv), "message_count"}).c_str());
}

TEST(TelegramPolling, ARestartInTheMiddleNeitherLosesNorRepeatsAnUpdate) {
  RedisServer redis;
  FakeProvider bot_api;
  ScriptedAnswer hang;
  hang.hang = true;
  bot_api.script({{200, batch({update(100, 1, 1, "నమస్కారం"), update(101, 2, 1, "नमस्ते"), update(102, 1, 2, "ఆర్డర్ #4512")})}},
                 hang);
  std::uint16_t port = free_port();
  {
    DaemonProcess first(config(port, redis.url(), bot_api.url()), port);
    ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().channel_state("tg"), "offset"}) == "103"; })) << first.log();
    EXPECT_EQ(stored_for(redis, 1), 2);
    EXPECT_EQ(stored_for(redis, 2), 1);
    EXPECT_EQ(first.terminate(), 0) << first.log();
  }
  // The Bot API hands 102 out again (as it would had the offset not been confirmed), then new ones.
  bot_api.script({{200, batch({update(102, 1, 2, "ఆర్డర్ #4512"), update(103, 2, 2, "रिफंड?"), update(104, 3, 1, "Hello")})}}, hang);
  size_t before = bot_api.received().size();
  DaemonProcess second(config(port, redis.url(), bot_api.url()), port);
  ASSERT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().channel_state("tg"), "offset"}) == "105"; })) << second.log();
  auto requests = bot_api.received();
  ASSERT_GT(requests.size(), before);
  EXPECT_EQ(requests[0].target, "/bot123456:ABC-DEF/getUpdates");
  EXPECT_EQ(json::parse(requests[0].body).at("offset"), 0);         // the very first start: nothing saved
  EXPECT_EQ(json::parse(requests[before].body).at("offset"), 103);  // the restart asks from where it stopped
  EXPECT_EQ(stored_for(redis, 1), 2);  // 102 stored once
  EXPECT_EQ(stored_for(redis, 2), 2);
  EXPECT_EQ(stored_for(redis, 3), 1);
}

TEST(TelegramPolling, ABotApiThatFailsIsRetriedAndNothingIsSkipped) {
  RedisServer redis;
  FakeProvider bot_api;
  ScriptedAnswer hang;
  hang.hang = true;
  bot_api.script({{502, "bad gateway"}, {200, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"},
                  {200, batch({update(7, 9, 1, "hello after the outage")})}},
                 hang);
  std::uint16_t port = free_port();
  DaemonProcess daemon(config(port, redis.url(), bot_api.url()), port);
  ASSERT_TRUE(eventually([&] { return stored_for(redis, 9) == 1; }, 15'000)) << daemon.log();
  // The offset is saved right after the batch is stored: waited for, not read in the same instant.
  EXPECT_TRUE(eventually([&] { return redis.one({"HGET", it_keys().channel_state("tg"), "offset"}) == "8"; }))
      << redis.one({"HGET", it_keys().channel_state("tg"), "offset"});
  EXPECT_NE(daemon.log().find("getUpdates answered 502"), std::string::npos);
}

}  // namespace
}  // namespace omniroute::testing

namespace omniroute::testing {
namespace {

TEST(TelegramPolling, ItsHealthShowsTheLastPollHowLateMessagesArriveAndTheRateLimit) {
  RedisServer redis;
  FakeProvider bot_api;
  ScriptedAnswer hang;
  hang.hang = true;
  // A message the provider timestamped 40 s ago (Telegram's `date`, whole seconds).
  json::value u = json::parse(update(5, 11, 1, "ఇప్పుడే చూశాను"));
  const std::int64_t provider_s = now_ms() / 1000 - 40;
  u.at("message").at("date") = provider_s;
  bot_api.script({{200, "{\"ok\":true,\"result\":[" + json::serialize(u) + "]}"}}, hang);
  std::uint16_t port = free_port();
  const std::string admin = "admin-token-for-health-0123";
  std::string yaml = config(port, redis.url(), bot_api.url());
  yaml.replace(yaml.find("  threads: 2\n"), 13, "  threads: 2\n  admin_token: " + admin + "\n");
  DaemonProcess daemon(yaml, port);
  ASSERT_TRUE(eventually([&] { return stored_for(redis, 11) == 1; })) << daemon.log();
  json::object tg;
  ASSERT_TRUE(eventually([&] {
    auto all = json::parse(as_bearer(port, admin, "GET", "/v1/channels").body).at("channels").as_array();
    tg = all.at(0).as_object();
    return !tg.at("lag_seconds").is_null();
  }));
  EXPECT_EQ(tg.at("id"), "tg");
  // The lag is exactly when it was stored less the provider's timestamp (no bound on how long that took).
  const auto stored_ms = parse_rfc3339_ms(std::string(tg.at("last_inbound_at").as_string()));
  ASSERT_TRUE(stored_ms);
  EXPECT_EQ(std::llround(tg.at("lag_seconds").to_number<double>() * 1000), *stored_ms - provider_s * 1000);
  EXPECT_FALSE(tg.at("last_poll_at").is_null());
  EXPECT_GT(tg.at("rate_limit").at("per_second").to_number<double>(), 0.0);
}

}  // namespace
}  // namespace omniroute::testing
