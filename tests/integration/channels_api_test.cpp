// Channels changed without editing files: added, changed, disabled and removed through the admin API on one
// daemon, live on another over the same Redis within a second, kept across a restart, checked like the
// file's channels (problems by field), secrets write-only and sealed at rest (a Redis dump holds none in
// clear), every change audited once.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "integration/config_builder.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"
#include "support/temp_dir.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdmin = "channels-admin-token-0123456789";
constexpr const char* kBotToken = "777001:BOT-TOKEN-plain-8d1f";
constexpr const char* kSecretToken = "tg-secret-plain-4c2a9e";

Headers admin() { return {{"Authorization", std::string("Bearer ") + kAdmin}, {"Content-Type", "application/json"}}; }

std::string key_file(const TempDir& dir) {
  std::string path = (dir.path() / "secrets.key").string();
  std::ofstream(path) << "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f\n";
  ::chmod(path.c_str(), 0600);
  return path;
}

int deliver(std::uint16_t port, const std::string& channel, const std::string& secret, int update_id) {
  const std::string update = R"({"update_id":)" + std::to_string(update_id) +
                             R"(,"message":{"message_id":)" + std::to_string(update_id) +
                             R"(,"from":{"id":555000111,"first_name":"Sravani"},"chat":{"id":555000111,"type":"private"},)"
                             R"("date":1796000000,"text":"నమస్తే, నా ఆర్డర్ ఎక్కడ?"}})";
  return http_request(port, "POST", "/webhooks/" + channel, {{"X-Telegram-Bot-Api-Secret-Token", secret}}, update).status;
}

/// Channel `id`'s row of GET /v1/channels (null while the daemon swaps generations or when it is not listed).
json::value channel_row(std::uint16_t port, const std::string& id) {
  auto r = http_request(port, "GET", "/v1/channels", admin());
  if (r.status != 200) return nullptr;
  const json::value list = json::parse(r.body);
  for (const auto& c : list.at("channels").as_array()) {
    if (c.at("id").as_string() == id) return c;
  }
  return nullptr;
}

std::string dump(const RedisServer& redis, const TempDir& dir) {
  const std::string path = (dir.path() / "dump.rdb").string();
  const std::string cmd = "redis-cli -p " + std::to_string(redis.port()) + " --rdb " + path + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(ChannelsApi, AChannelAddedOnOneDaemonTakesWebhooksOnBothWithinASecondAndSurvivesARestart) {
  RedisServer redis;
  TempDir dir;
  const std::string key = key_file(dir);
  std::uint16_t port_a = free_port(), port_b = free_port();
  auto config = [&](std::uint16_t port) {
    ConfigBuilder cfg(port, redis.url());
    cfg.server("admin_token", kAdmin).server("secrets_key_file", key).api_channel()
        .queue("{ id: general, channels: [api] }").queue("{ id: vip, channels: [] }");
    return cfg.yaml();
  };
  auto a = std::make_unique<DaemonProcess>(config(port_a), port_a);
  auto b = std::make_unique<DaemonProcess>(config(port_b), port_b);

  // Refused as the file's reader would refuse them, by field; nothing is kept.
  auto bad = http_request(port_a, "POST", "/v1/channels/tg2", admin(), R"({"kind":"telegram","mode":"sideways","colour":"red"})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  json::value problems = json::parse(bad.body);
  EXPECT_EQ(problems.at("error"), "invalid_channel");
  std::set<std::string> fields;
  for (const auto& f : problems.at("fields").as_array()) fields.insert(std::string(f.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"queue", "bot_token", "mode", "colour"})) << bad.body;
  EXPECT_EQ(http_request(port_a, "POST", "/v1/channels/api", admin(), R"({"kind":"webhook","secret":"s3cret-0123"})").status, 409);
  EXPECT_EQ(http_request(port_a, "POST", "/v1/channels/tg2", admin(),
                         R"({"kind":"telegram","bot_token":"x:y","queue":"nowhere"})").status, 400);
  EXPECT_EQ(http_request(port_a, "POST", "/v1/channels/tg2", admin(),
                         R"({"kind":"webhook","secret":"${REDIS_PASSWORD}","queue":"general"})").status, 400)
      << "the API must not read the daemon's environment";

  // Added on daemon A: answered with the secrets as "set", live on A and B.
  const std::string body = std::string(R"({"kind":"telegram","queue":"vip","bot_token":")") + kBotToken +
                           R"(","secret_token":")" + kSecretToken + R"("})";
  const auto added_at = std::chrono::steady_clock::now();
  auto created = http_request(port_a, "POST", "/v1/channels/tg2", admin(), body);
  ASSERT_EQ(created.status, 201) << created.body;
  json::value shown = json::parse(created.body);
  EXPECT_EQ(shown.at("source"), "api");
  EXPECT_EQ(shown.at("queue"), "vip");
  EXPECT_EQ(shown.at("settings").at("bot_token"), "set");
  EXPECT_EQ(shown.at("settings").at("secret_token"), "set");
  EXPECT_EQ(created.body.find("plain"), std::string::npos);
  EXPECT_EQ(http_request(port_b, "POST", "/v1/channels/tg2", admin(), body).status, 409);
  ASSERT_TRUE(eventually([&] { return deliver(port_a, "tg2", kSecretToken, 1) == 200 && deliver(port_b, "tg2", kSecretToken, 2) == 200; },
                         10'000))
      << a->log();
  std::cout << "[ channel live on both daemons after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - added_at).count()
            << " ms ]\n";
  EXPECT_EQ(deliver(port_b, "tg2", "wrong-secret", 3), 401);
  const std::string conv = redis.one({"GET", it_keys().thread("tg2", "555000111")});
  ASSERT_FALSE(conv.empty());
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "queue"}), "vip");

  // A Redis dump holds neither secret in clear.
  const std::string rdb = dump(redis, dir);
  EXPECT_GT(rdb.size(), 100u);
  EXPECT_NE(rdb.find("tg2"), std::string::npos);
  EXPECT_EQ(rdb.find(kBotToken), std::string::npos);
  EXPECT_EQ(rdb.find(kSecretToken), std::string::npos);

  // Changed without its secrets: they are kept.
  auto changed = http_request(port_b, "PUT", "/v1/channels/tg2", admin(), R"({"kind":"telegram","queue":"vip","rate_limit":"5/s"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  const json::value* kept_secret = json::parse(changed.body).at("settings").as_object().if_contains("secret_token");
  ASSERT_NE(kept_secret, nullptr) << changed.body;
  EXPECT_EQ(*kept_secret, "set");
  EXPECT_TRUE(eventually([&] {
    json::value row = channel_row(port_a, "tg2");
    return row.is_object() && row.at("rate_limit").is_object() && row.at("rate_limit").at("per_second") == 5.0;
  }, 10'000));
  EXPECT_EQ(deliver(port_a, "tg2", kSecretToken, 4), 200);

  // Rotating the key: the old one named as previous, the new one current, then `omnictl channels reseal`.
  const std::string new_key = (dir.path() / "secrets-2.key").string();
  {
    auto made = run_to_end(omnictl_binary(), {"secrets-key"});
    ASSERT_EQ(made.exit_code, 0);
    ASSERT_EQ(made.output.size(), 65u) << made.output;
    std::ofstream(new_key) << made.output;
    ::chmod(new_key.c_str(), 0600);
  }
  auto rotated = [&](std::uint16_t port) {
    ConfigBuilder cfg(port, redis.url());
    cfg.server("admin_token", kAdmin).server("secrets_key_file", new_key).server("previous_secrets_key_file", key)
        .api_channel().queue("{ id: general, channels: [api] }").queue("{ id: vip, channels: [] }");
    return cfg.yaml();
  };
  const std::string sealed_before = redis.one({"HGET", it_keys().api_channels(), "tg2"});
  a.reset();
  a = std::make_unique<DaemonProcess>(rotated(port_a), port_a);
  b.reset();
  b = std::make_unique<DaemonProcess>(rotated(port_b), port_b);
  auto reseal = run_to_end(omnictl_binary(), {"--url", "http://127.0.0.1:" + std::to_string(port_b), "channels", "reseal"},
                           {std::string("OMNIROUTE_ADMIN_TOKEN=") + kAdmin});
  EXPECT_EQ(reseal.exit_code, 0) << reseal.output;
  EXPECT_NE(reseal.output.find("1 channel(s) resealed"), std::string::npos) << reseal.output;
  EXPECT_NE(redis.one({"HGET", it_keys().api_channels(), "tg2"}), sealed_before);
  EXPECT_TRUE(eventually([&] { return deliver(port_b, "tg2", kSecretToken, 40) == 200; }, 10'000));

  // Kept across a restart (now with the new key alone); a daemon without the key a secret was sealed with
  // cannot carry it over, and says so.
  EXPECT_TRUE(eventually([&] { return deliver(port_a, "tg2", kSecretToken, 41) == 200; }, 10'000));
  b.reset();
  const std::string only_new = [&] {
    ConfigBuilder cfg(port_b, redis.url());
    cfg.server("admin_token", kAdmin).server("secrets_key_file", new_key)
        .api_channel().queue("{ id: general, channels: [api] }").queue("{ id: vip, channels: [] }");
    return cfg.yaml();
  }();
  b = std::make_unique<DaemonProcess>(only_new, port_b);
  // Read before it serves: its very first webhook is taken (no moment with the file's channels alone).
  EXPECT_EQ(deliver(port_b, "tg2", kSecretToken, 5), 200) << b->log();

  // Disabled: gone from both, still listed; enabled again; removed.
  ASSERT_EQ(http_request(port_a, "PUT", "/v1/channels/tg2", admin(), R"({"kind":"telegram","queue":"vip","enabled":false})").status, 200);
  EXPECT_TRUE(eventually([&] { return deliver(port_a, "tg2", kSecretToken, 6) == 404 && deliver(port_b, "tg2", kSecretToken, 7) == 404; }, 10'000));
  json::value row = channel_row(port_b, "tg2");
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row.at("enabled"), false);
  EXPECT_EQ(row.at("source"), "api");
  // A disabled channel's provider is not pointed here, and it says why (not "no channel").
  auto disabled_register = http_request(port_b, "POST", "/v1/channels/tg2/register", admin());
  EXPECT_EQ(disabled_register.status, 409);
  EXPECT_NE(disabled_register.body.find("channel_disabled"), std::string::npos) << disabled_register.body;
  ASSERT_EQ(http_request(port_a, "PUT", "/v1/channels/tg2", admin(), R"({"kind":"telegram","queue":"vip","enabled":true})").status, 200);
  EXPECT_TRUE(eventually([&] { return deliver(port_b, "tg2", kSecretToken, 8) == 200; }, 10'000));
  ASSERT_EQ(http_request(port_b, "DELETE", "/v1/channels/tg2", admin()).status, 204);
  EXPECT_TRUE(eventually([&] { return deliver(port_a, "tg2", kSecretToken, 9) == 404 && deliver(port_b, "tg2", kSecretToken, 10) == 404; }, 10'000));
  EXPECT_EQ(http_request(port_b, "DELETE", "/v1/channels/tg2", admin()).status, 404);
  EXPECT_EQ(http_request(port_b, "DELETE", "/v1/channels/api", admin()).status, 409);

  // Each change once in the audit log, whichever daemon made it, without a secret.
  auto audit = http_request(port_a, "GET", "/v1/audit?limit=100", admin());
  std::vector<std::string> actions;
  const json::value entries = json::parse(audit.body);
  for (const auto& e : entries.at("entries").as_array()) actions.emplace_back(e.at("action").as_string());
  EXPECT_EQ(actions, (std::vector<std::string>{"channel.removed", "channel.updated", "channel.updated", "channel.updated",
                                               "channel.updated", "channel.created"}))
      << audit.body;
  EXPECT_EQ(audit.body.find("plain"), std::string::npos);
}

TEST(ChannelsApi, AChannelAddedThroughTheApiAcknowledgesCustomersInTheirLanguageAndKeepsItsSurvey) {
  RedisServer redis;
  TempDir dir;
  std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("secrets_key_file", key_file(dir)).api_channel()
      .queue("{ id: general, channels: [api], sla: { first_response: 10m } }");
  DaemonProcess daemon(cfg.yaml(), port);
  // Replies go to a port nobody listens on: the acknowledgement is judged by the transcript, not by Telegram.
  const std::string body = std::string(R"({"kind":"telegram","bot_token":")") + kBotToken + R"(","secret_token":")" +
                           kSecretToken + R"(","api_base":"http://127.0.0.1:9","queue":"general",)"
                           R"("auto_ack":{"en":"Thanks! We will answer in about {eta}.","te":"మీ సందేశం అందింది, సుమారు {eta}లో జవాబిస్తాము"},)"
                           R"("csat":{"window":"2h","templates":{"te":"మా సేవ ఎలా ఉంది? 1 నుండి 5 పంపండి"}}})";
  auto bad = http_request(port, "POST", "/v1/channels/tg-te", admin(),
                          R"({"kind":"telegram","bot_token":"1:x","queue":"general","auto_ack":{"en":""}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find(R"("field":"auto_ack.en")"), std::string::npos) << bad.body;
  ASSERT_EQ(http_request(port, "POST", "/v1/channels/tg-te", admin(), body).status, 201);
  // Checked at once, whether or not this connection's configuration runs it yet: Telegram is not reachable.
  auto at_once = http_request(port, "POST", "/v1/channels/tg-te/check", admin());
  ASSERT_EQ(at_once.status, 200) << at_once.body;
  EXPECT_NE(at_once.body.find(R"("name":"bot","ok":false)"), std::string::npos) << at_once.body;
  ASSERT_TRUE(eventually([&] { return deliver(port, "tg-te", kSecretToken, 9001) == 200; }));
  std::string conv;
  ASSERT_TRUE(eventually([&] {
    auto list = http_request(port, "GET", "/v1/conversations?state=queued", admin());
    if (list.status != 200) return false;
    auto all = json::parse(list.body).at("conversations").as_array();
    if (all.empty()) return false;
    conv = std::string(all.front().at("id").as_string());
    return true;
  }));
  // The customer wrote Telugu: the acknowledgement is the Telugu template, its wait filled in.
  std::string ack;
  ASSERT_TRUE(eventually([&] {
    auto view = json::parse(http_request(port, "GET", "/v1/conversations/" + conv, admin()).body);
    for (const auto& m : view.at("messages").as_array()) {
      if (m.as_object().contains("auto") && m.at("auto") == "acknowledgement") ack = std::string(m.at("text").as_string());
    }
    return !ack.empty();
  }));
  EXPECT_TRUE(ack.starts_with("మీ సందేశం అందింది, సుమారు ")) << ack;
  EXPECT_EQ(ack.find("{eta}"), std::string::npos) << ack;
  // Kept as sent, readable back (the board's form sends them back with a change it makes).
  auto kept = json::parse(http_request(port, "GET", "/v1/channels/tg-te", admin()).body);
  EXPECT_EQ(kept.at("settings").at("auto_ack").at("en"), "Thanks! We will answer in about {eta}.");
  EXPECT_EQ(kept.at("settings").at("csat").at("window"), "2h");
  EXPECT_EQ(kept.at("settings").at("bot_token"), "set");
  // Disabled, it can still be checked (with its kept settings) before it is enabled again.
  ASSERT_EQ(http_request(port, "PUT", "/v1/channels/tg-te", admin(),
                         R"({"kind":"telegram","queue":"general","api_base":"http://127.0.0.1:9","enabled":false})").status, 200);
  ASSERT_TRUE(eventually([&] { return deliver(port, "tg-te", kSecretToken, 9002) == 404; }));
  auto disabled = http_request(port, "POST", "/v1/channels/tg-te/check", admin());
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_NE(disabled.body.find(R"("name":"bot","ok":false)"), std::string::npos) << disabled.body;
  EXPECT_EQ(disabled.body.find(kBotToken), std::string::npos);
}

TEST(ChannelsApi, WithoutASecretsKeyChannelsWithSecretsAreRefused) {
  RedisServer redis;
  std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).api_channel().queue("{ id: general, channels: [api] }");
  DaemonProcess daemon(cfg.yaml(), port);
  auto refused = http_request(port, "POST", "/v1/channels/tg2", admin(),
                              R"({"kind":"telegram","bot_token":"1:x","queue":"general"})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("no_secrets_key"), std::string::npos);
  EXPECT_EQ(redis.one({"HLEN", it_keys().api_channels()}), "0");
  auto kinds = json::parse(http_request(port, "GET", "/v1/channel_kinds", admin()).body);
  EXPECT_EQ(kinds.at("secrets_key"), false);
  bool telegram = false;
  for (const auto& k : kinds.at("kinds").as_array()) {
    if (k.at("name") != "telegram") continue;
    telegram = true;
    EXPECT_EQ(k.at("fields").at(0).at("name"), "bot_token");
    EXPECT_EQ(k.at("fields").at(0).at("type"), "secret");
    EXPECT_EQ(k.at("fields").at(0).at("required"), true);
  }
  EXPECT_TRUE(telegram);
}

}  // namespace
}  // namespace omniroute::testing
