// The archive with real processes: redis-server, PostgreSQL (as the postgres user) and omnirouted.
// Every acknowledged message reaches PostgreSQL within seconds, exactly once, whatever stops on the way:
// PostgreSQL down (webhooks still answer 200, /readyz says so, the archive catches up), the daemon
// killed with -9 mid-stream (its pending batch is taken over by the next daemon).

#include <gtest/gtest.h>

#include <set>

#include "integration/config_builder.hpp"
#include "omniroute/search_form.hpp"
#include "integration/test_config.hpp"
#include "integration/webhook_load.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

class Archive : public ::testing::Test {
 protected:
  std::string config() const {
    ConfigBuilder cfg(port, redis.url());
    cfg.api_channel().queue("{ id: general, channels: [api] }");
    cfg.section("history", "{ url: \"" + pg.url() + "\", archive_after: 1d }");
    return cfg.yaml();
  }
  /// Messages in the history (-1 until the daemon has made the schema, or while PostgreSQL is down).
  int archived() const {
    try {
      return std::stoi(pg.one("SELECT count(*) FROM messages"));
    } catch (const std::exception&) {
      return -1;
    }
  }

  RedisServer redis;
  PostgresServer pg;
  std::uint16_t port = free_port();
};

TEST_F(Archive, EveryStoredMessageReachesPostgresWithinSecondsAsItWasWritten) {
  DaemonProcess daemon(config(), port);
  const std::vector<std::string> texts{"नमस्ते, मेरा रिफंड कब आएगा?", "నా ఆర్డర్ ఇంకా రాలేదు", "refund kab aayega bhai",
                                       "where is my order #4521?"};
  for (int i = 0; i < 20; ++i) {
    auto r = post_message(port, "m" + std::to_string(i), "+9198480" + std::to_string(22330 + i % 5), texts[i % 4]);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_TRUE(eventually([&] { return archived() == 20; }, 15'000)) << archived() << "\n" << daemon.log();
  EXPECT_EQ(pg.one("SELECT count(*) FROM conversations"), "5");
  EXPECT_EQ(pg.one("SELECT count(*) FROM contacts"), "5");
  EXPECT_EQ(pg.one("SELECT count(*) FROM contact_handles WHERE handle = '+919848022331'"), "1");
  // The text as the customer wrote it, whole.
  EXPECT_EQ(pg.one("SELECT record->>'text' FROM messages WHERE id = (SELECT id FROM messages ORDER BY at, entry_id "
                   "LIMIT 1)"),
            texts[0]);
  EXPECT_EQ(pg.one("SELECT count(*) FROM messages WHERE record->>'text' = '" + texts[1] + "'"), "5");
  // The month's partition holds them, not the catch-all for months before the schema.
  EXPECT_EQ(pg.one("SELECT count(*) FROM ONLY messages_before"), "0");

  auto ready = http_request(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(R"("history":"up")"), std::string::npos) << ready.body;
  auto metrics = http_request(port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("omniroute_archive_lag_seconds "), std::string::npos);
  EXPECT_NE(metrics.body.find("omniroute_history_up 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("omniroute_archived_messages_total 20"), std::string::npos) << metrics.body;
}

TEST_F(Archive, APostgresOutageNeitherHoldsUpWebhooksNorLosesAMessage) {
  DaemonProcess daemon(config(), port);
  ASSERT_EQ(post_message(port, "before", "+919000000001", "पहला संदेश").status, 200);
  ASSERT_TRUE(eventually([&] { return archived() == 1; }, 15'000)) << daemon.log();
  pg.stop();
  for (int i = 0; i < 30; ++i) {
    auto r = post_message(port, "during" + std::to_string(i), "+91900000000" + std::to_string(i % 3), "दूसरा " + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_TRUE(eventually([&] {
    auto r = http_request(port, "GET", "/readyz");
    return r.status == 200 && r.body.find(R"("history":"unavailable")") != std::string::npos;
  }, 15'000)) << daemon.log();
  // The password never reaches the log.
  EXPECT_EQ(daemon.log().find(PostgresServer::kPassword), std::string::npos) << daemon.log();
  pg.start();
  ASSERT_TRUE(eventually([&] { return archived() == 31; }, 30'000)) << archived() << "\n" << daemon.log();
  EXPECT_EQ(pg.one("SELECT count(DISTINCT id) FROM messages"), "31");
  EXPECT_TRUE(eventually([&] { return http_request(port, "GET", "/readyz").body.find(R"("history":"up")") != std::string::npos; },
                         10'000));
}

TEST_F(Archive, ADaemonKilledMidBatchLeavesNothingUnarchivedAndNothingTwice) {
  std::set<std::string> acked;
  {
    auto daemon = std::make_unique<DaemonProcess>(config(), port);
    WebhookLoad load(port, "k", 2, 40, "ఎక్కడ ఉంది నా ఆర్డర్");
    ASSERT_TRUE(eventually([&] { return load.acked() >= 400 && archived() >= 50; }, 60'000)) << daemon->log();
    {
      // Mid-batch, for certain: the archiver's write waits on a lock while it holds events unacknowledged;
      // the daemon dies there (its statement may still commit once the lock goes: written, never acked).
      PostgresServer::TableLock held(pg, "conversations");
      ASSERT_TRUE(eventually([&] {
        auto pending = redis.command({"XPENDING", it_keys().events(), "archive"});
        return !pending.empty() && pending[0] != "0";
      }, 10'000));
      daemon->kill_hard();
      load.stop();
    }
    for (const auto& id : load.all()) acked.insert(id);
  }
  // A new daemon (another consumer) takes over what the dead one held, and goes on.
  DaemonProcess next(config(), port);
  ASSERT_TRUE(eventually([&] { return archived() >= static_cast<int>(acked.size()); }, 60'000))
      << archived() << " of " << acked.size() << "\n" << next.log();
  // Exactly once: one row per message, and every acknowledged one among them.
  EXPECT_EQ(pg.one("SELECT count(*) - count(DISTINCT (conversation_id, entry_id)) FROM messages"), "0");
  std::set<std::string> stored;
  for (const auto& row : pg.query("SELECT record->>'provider_id' FROM messages")) stored.insert(row[0]);
  size_t missing = 0;
  for (const auto& id : acked) missing += stored.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged";
}

/// Every Redis key, and each key whose name or value mentions `needle` (dedupe marks and the events
/// stream aside: the contract keeps those).
std::vector<std::string> keys_naming(const RedisServer& redis, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& key : redis.command({"KEYS", "*"})) {
    if (key.find(":dedupe:") != std::string::npos || key == it_keys().events()) continue;
    const std::vector<std::string> values = redis.values_of(key);
    bool named = key.find(needle) != std::string::npos;
    for (const auto& v : values) named = named || v == needle || v.find(needle + "|") != std::string::npos ||
                                         v.find("conv:" + needle) != std::string::npos;
    if (named) found.push_back(key);
  }
  return found;
}

TEST_F(Archive, AResolvedConversationLeavesRedisAndAnswersTheSameFromPostgres) {
  constexpr const char* kAsha = "asha-token-0123456789";
  constexpr const char* kAdmin = "admin-token-0123456789";
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin)
      .api_channel()
      .queue("{ id: general, channels: [api] }")
      .agent(std::string("{ id: asha, name: Asha Rao, token: ") + kAsha + ", capacity: { chat: 3 } }")
      .section("history", "{ url: \"" + pg.url() + "\", archive_after: 1s }");
  DaemonProcess daemon(cfg.yaml(), port);
  auto as = [&](const std::string& method, const std::string& path, const std::string& body = "") {
    Headers h{{"Authorization", std::string("Bearer ") + kAsha}};
    if (!body.empty()) h.push_back({"Content-Type", "application/json"});
    return http_request(port, method, path, h, body);
  };
  ASSERT_EQ(as("PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  // Two conversations of one customer: the first goes to the history, the second stays open.
  ASSERT_EQ(post_message(port, "old1", "+919848022338", "मेरा रिफंड कब आएगा?").status, 200);
  ASSERT_EQ(post_message(port, "old2", "+919848022338", "ఇంకా రాలేదు").status, 200);
  const std::string old = conversation_of(redis, "+919848022338");
  ASSERT_EQ(as("POST", "/v1/conversations/" + old + "/notes", R"({"text":"ग्राहक VIP है"})").status, 201);
  // A reply the channel cannot send (the generic channel has no reply_url here): dead-lettered.
  ASSERT_EQ(as("POST", "/v1/conversations/" + old + "/messages", R"({"text":"कल तक आ जाएगा"})").status, 202);
  ASSERT_TRUE(eventually([&] { return redis.one({"XLEN", it_keys().dead_letters()}) == "1"; })) << daemon.log();
  ASSERT_EQ(as("POST", "/v1/conversations/" + old + "/resolve").status, 200);
  const std::string before = as("GET", "/v1/conversations/" + old).body;
  const std::string contact = redis.one({"HGET", it_keys().conversation(old), "contact"});
  auto admin_get = [&](const std::string& path) {
    return http_request(port, "GET", path, Headers{{"Authorization", std::string("Bearer ") + kAdmin}});
  };
  const std::string contact_before = admin_get("/v1/contacts/" + contact).body;
  ASSERT_NE(contact_before.find("\"" + old + "\""), std::string::npos) << contact_before;
  ASSERT_NE(before.find("मेरा रिफंड कब आएगा?"), std::string::npos) << before;

  // archive_after 1s, looked at every 5 s: gone from Redis within seconds; nothing there names it.
  const std::string conv_key = it_keys().conversation(old);
  ASSERT_TRUE(eventually([&] { return redis.one({"EXISTS", conv_key}) == "0"; }, 20'000)) << daemon.log();
  EXPECT_EQ(keys_naming(redis, old), std::vector<std::string>{});  // its dead letter included
  EXPECT_EQ(redis.one({"XLEN", it_keys().dead_letters()}), "0");
  EXPECT_EQ(pg.one("SELECT count(*) FROM messages WHERE conversation_id = '" + old + "'"), "4");

  // Byte for byte the same answer, now from PostgreSQL.
  auto after = as("GET", "/v1/conversations/" + old);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, before);
  EXPECT_EQ(admin_get("/v1/contacts/" + contact).body, contact_before);

  // The customer writes again: a new conversation, whose contact history still lists the old one.
  ASSERT_EQ(post_message(port, "new1", "+919848022338", "फिर से नमस्ते").status, 200);
  const std::string next = conversation_of(redis, "+919848022338");
  ASSERT_NE(next, old);
  auto current = as("GET", "/v1/conversations/" + next);
  EXPECT_NE(current.body.find("\"id\":\"" + old + "\""), std::string::npos) << current.body;
}

TEST_F(Archive, TheHistoryIndexFindsTheSameWordsAcrossScriptsAndTypos) {
  DaemonProcess daemon(config(), port);
  ASSERT_EQ(post_message(port, "s1", "+919848022301", "रिफंड कब आएगा").status, 200);
  ASSERT_EQ(post_message(port, "s2", "+919848022302", "నా ఆర్డర్ ఇంకా రాలేదు").status, 200);
  ASSERT_EQ(post_message(port, "s3", "+919848022303", "my parcel was damaged").status, 200);
  ASSERT_TRUE(eventually([&] { return archived() == 3; }, 15'000)) << daemon.log();
  // What the search endpoint will ask: the query's sound form against the index (pg_trgm word similarity).
  auto found = [&](const std::string& query) {
    const SearchForm q = search_form(query);
    auto rows = pg.query("SELECT record->>'provider_id' FROM messages WHERE '" + q.sound +
                         "' <% search ORDER BY word_similarity('" + q.sound + "', search) DESC");
    std::string out;
    for (const auto& r : rows) out += (out.empty() ? "" : ",") + r[0];
    return out;
  };
  EXPECT_EQ(found("refund kab aayega"), "s1");  // Latin letters find Devanagari
  EXPECT_EQ(found("refnd kab ayega"), "s1");    // with typos
  EXPECT_EQ(found("naa order"), "s2");          // and Telugu
  EXPECT_EQ(found("రిఫండ్"), "s1");              // Telugu script finds the Hindi word too
  EXPECT_EQ(found("parcel damaged"), "s3");
  EXPECT_EQ(found("invoice"), "");
}

}  // namespace
}  // namespace omniroute::testing
