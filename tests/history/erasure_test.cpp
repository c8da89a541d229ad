// Erasure and export of a person (DELETE /v1/contacts/<id>, GET /v1/contacts/<id>/export) with real
// redis-server, PostgreSQL and omnirouted: after the erasure nothing of their name, handle or texts is in
// any Redis key or value, in a pg_dump of the history, or in search; their open conversation is closed
// (their agent's load freed); other customers and the report figures are untouched.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/config_builder.hpp"
#include "omniroute/clock.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kPhone = "+919848022338";

class Erasure : public ::testing::Test {
 protected:
  Erasure() {
    ConfigBuilder cfg(port, redis.url());
    cfg.server("admin_token", kAdmin)
        .api_channel()
        .queue("{ id: general, channels: [api], sla: { first_response: 1h } }")
        .agent(std::string("{ id: asha, name: Asha Rao, token: ") + kAsha + ", capacity: { chat: 5 } }")
        .section("history", "{ url: \"" + pg.url() + "\", archive_after: 1s }");
    daemon.emplace(cfg.yaml(), port);
    // The history answers once the daemon has brought its schema up (a read before then is a 503).
    EXPECT_TRUE(eventually([&] { return http_request(port, "GET", "/readyz").body.find(R"("history":"up")") != std::string::npos; },
                           20'000));
  }
  HttpResult as(const char* token, const std::string& method, const std::string& path, const std::string& body = "") {
    return as_bearer(port, token, method, path, body);
  }
  /// A customer message with the customer's name, signed as the generic channel wants it.
  void writes(const std::string& id, const std::string& handle, const std::string& name, const std::string& text) {
    const std::string body = json::serialize(json::object{
        {"id", id}, {"from", json::object{{"handle", handle}, {"name", name}}}, {"text", text}});
    ASSERT_EQ(http_request(port, "POST", "/webhooks/api", signed_headers(body), body).status, 200);
  }
  /// Every Redis key and value (all types, the streams too) as one text.
  std::string redis_dump() const {
    std::string all;
    for (const auto& key : redis.command({"KEYS", "*"})) {
      all += key + "\n";
      for (const auto& v : redis.values_of(key)) all += "  " + v + "\n";
    }
    return all;
  }

  RedisServer redis;
  PostgresServer pg;
  std::uint16_t port = free_port();
  std::optional<DaemonProcess> daemon;
};

TEST_F(Erasure, APersonErasedLeavesNoTraceInRedisThePostgresDumpOrSearch) {
  ASSERT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  // Last week's conversation: answered, noted, resolved — and gone to the history.
  writes("e-1", kPhone, "Meena Iyer", "मेरा रिफंड कब आएगा? SECRET-ONE");
  const std::string old = conversation_of(redis, kPhone);
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + old + "/messages", R"({"text":"SECRET-REPLY कल तक"})").status, 202);
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + old + "/notes", R"({"text":"SECRET-NOTE ग्राहक VIP है"})").status, 201);
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + old + "/resolve").status, 200);
  const std::string contact = redis.one({"HGET", it_keys().conversation(old), "contact"});
  ASSERT_TRUE(eventually([&] { return redis.one({"EXISTS", it_keys().conversation(old)}) == "0"; }, 20'000))
      << daemon->log();
  // Today's: open, assigned to asha, with a reply the channel cannot send (dead-lettered).
  writes("e-2", kPhone, "Meena Iyer", "ఇంకా రాలేదు SECRET-TWO");
  const std::string open = conversation_of(redis, kPhone);
  ASSERT_NE(open, old);
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + open + "/messages", R"({"text":"SECRET-DEAD-REPLY"})").status, 202);
  // Someone else, who stays.
  writes("e-3", "+919000000001", "Ravi Teja", "OTHER-CUSTOMER नमस्ते");
  const std::string other = conversation_of(redis, "+919000000001");
  ASSERT_TRUE(eventually([&] { return pg.one("SELECT count(*) FROM messages WHERE conversation_id = '" + open + "'") == "2"; },
                         20'000));
  ASSERT_TRUE(eventually([&] { return redis_dump().find("SECRET-DEAD-REPLY") != std::string::npos; }, 5'000));
  const std::int64_t day = 86'400'000;
  const std::string report_path = "/v1/reports/response_times?from=" + format_rfc3339_ms(now_ms() - day) +
                                  "&to=" + format_rfc3339_ms(now_ms() + day) + "&group_by=queue";
  const std::string report_before = as(kAdmin, "GET", report_path).body;
  ASSERT_NE(report_before.find("\"count\":"), std::string::npos) << report_before;

  // The export holds everything: both conversations whole, replies and notes included, from both tiers.
  auto exported = as(kAdmin, "GET", "/v1/contacts/" + contact + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  for (const char* held : {"Meena Iyer", "SECRET-ONE", "SECRET-REPLY", "SECRET-NOTE", "SECRET-TWO", "SECRET-DEAD-REPLY"}) {
    EXPECT_NE(exported.body.find(held), std::string::npos) << held << " missing from " << exported.body;
  }
  EXPECT_EQ(json::parse(exported.body).at("conversations").as_array().size(), 2u);
  EXPECT_EQ(as(kAsha, "GET", "/v1/contacts/" + contact + "/export").status, 401) << "admins only";

  auto erased = as(kAdmin, "DELETE", "/v1/contacts/" + contact);
  ASSERT_EQ(erased.status, 204) << erased.body;

  EXPECT_EQ(as(kAdmin, "GET", "/v1/contacts/" + contact).status, 404);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations/" + old).status, 404);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations/" + open).status, 404);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/contacts/" + contact).status, 404);
  // The open one was closed: asha's load is free again.
  const std::string mine = as(kAsha, "GET", "/v1/agents/me/conversations").body;
  EXPECT_EQ(mine.find(open), std::string::npos) << mine;
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("asha"), "load:chat"}), "1") << "only the other customer's";

  // No trace: not in any Redis key or value, not in a dump of the history, not in search.
  const std::string in_redis = redis_dump();
  const std::string in_pg = pg.dump();
  for (const char* trace : {"Meena Iyer", "9848022338", "SECRET-ONE", "SECRET-REPLY", "SECRET-NOTE", "SECRET-TWO",
                            "SECRET-DEAD-REPLY", "रिफंड", "రాలేదు"}) {
    const std::size_t at = in_redis.find(trace);
    EXPECT_EQ(at, std::string::npos) << trace << " is still in Redis: …"
                                     << in_redis.substr(at > 300 ? at - 300 : 0, 400);
    EXPECT_EQ(in_pg.find(trace), std::string::npos) << trace << " is still in the history";
  }
  EXPECT_NE(in_pg.find("OTHER-CUSTOMER"), std::string::npos) << "the dump holds the others' messages";
  auto search = as(kAdmin, "GET", "/v1/search?q=SECRET-ONE");
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(json::parse(search.body).at("results").as_array().size(), 0u) << search.body;
  EXPECT_EQ(as(kAdmin, "GET", "/v1/search?q=Meena%20Iyer").body.find(contact), std::string::npos);

  // Who erased whom and when is kept; never what.
  EXPECT_EQ(pg.one("SELECT erased_by || ' ' || conversations FROM erasures WHERE contact_id = '" + contact + "'"), "admin 2");
  // The others stay whole, and the report's figures keep their numbers.
  EXPECT_NE(as(kAdmin, "GET", "/v1/conversations/" + other).body.find("OTHER-CUSTOMER"), std::string::npos);
  EXPECT_EQ(as(kAdmin, "GET", report_path).body, report_before);
  // Their next message is a stranger's first: a new contact.
  writes("e-4", kPhone, "M", "hello again");
  const std::string again = conversation_of(redis, kPhone);
  EXPECT_NE(redis.one({"HGET", it_keys().conversation(again), "contact"}), contact);
}

TEST_F(Erasure, WithPostgresDownAnErasureIs503AndTheSameDeleteFinishesItLater) {
  writes("d-1", kPhone, "Meena Iyer", "मेरा रिफंड कब आएगा? SECRET-DOWN");
  const std::string conv = conversation_of(redis, kPhone);
  const std::string contact = redis.one({"HGET", it_keys().conversation(conv), "contact"});
  ASSERT_TRUE(eventually([&] { return pg.one("SELECT count(*) FROM messages WHERE conversation_id = '" + conv + "'") == "1"; },
                         20'000)) << daemon->log();

  pg.stop();
  // The history is erased first: without it nothing is erased anywhere, and the admin is told to retry.
  auto refused = as(kAdmin, "DELETE", "/v1/contacts/" + contact);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("history_unavailable"), std::string::npos) << refused.body;
  EXPECT_EQ(redis.one({"EXISTS", it_keys().contact(contact)}), "1");
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations/" + conv).status, 200) << "still there, still served from Redis";
  // A report cannot be exact without the history's records: it says so rather than answer short.
  auto report = as(kAdmin, "GET", "/v1/reports/response_times?group_by=queue");
  EXPECT_EQ(report.status, 503) << report.body;
  EXPECT_NE(report.body.find("history_unavailable"), std::string::npos) << report.body;

  pg.start();
  HttpResult done;
  ASSERT_TRUE(eventually([&] { return (done = as(kAdmin, "DELETE", "/v1/contacts/" + contact)).status == 204; }, 20'000))
      << done.status << " " << done.body;
  EXPECT_EQ(as(kAdmin, "GET", "/v1/contacts/" + contact).status, 404);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations/" + conv).status, 404);
  EXPECT_EQ(pg.dump().find("SECRET-DOWN"), std::string::npos);
  EXPECT_EQ(redis_dump().find("SECRET-DOWN"), std::string::npos);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/reports/response_times?group_by=queue").status, 200);
}

TEST_F(Erasure, UnknownOrMalformedContactsAreClearErrors) {
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/contacts/c999").status, 404);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/contacts/c999/export").status, 404);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/contacts/v1:msgs").status, 404);
  EXPECT_EQ(as(kAsha, "DELETE", "/v1/contacts/c1").status, 401) << "an agent is no admin";
}

}  // namespace
}  // namespace omniroute::testing
