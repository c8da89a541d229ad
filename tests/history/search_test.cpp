// GET /v1/search against a real history: the same words in Devanagari, Telugu and Latin letters find
// each other, typos are forgiven, phone numbers match in any format, and an agent finds only what they
// may read.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/config_builder.hpp"
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
constexpr const char* kRavi = "ravi-token-0123456789";

std::string encoded(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.') out += c;
    else out += std::string("%") + kHex[c >> 4] + kHex[c & 15];
  }
  return out;
}

class Search : public ::testing::Test {
 protected:
  Search() {
    ConfigBuilder cfg(port, redis.url());
    cfg.server("admin_token", kAdmin)
        .api_channel()
        .queue("{ id: general, channels: [api] }")
        .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }")
        .agent(std::string("{ id: ravi, token: ") + kRavi + ", capacity: { chat: 5 } }")
        .section("history", "{ url: \"" + pg.url() + "\", archive_after: 1d }");
    daemon.emplace(cfg.yaml(), port);
  }
  HttpResult as(const char* token, const std::string& method, const std::string& path, const std::string& body = "") {
    Headers h{{"Authorization", std::string("Bearer ") + token}};
    if (!body.empty()) h.push_back({"Content-Type", "application/json"});
    return http_request(port, method, path, h, body);
  }
  void status(const char* token, const char* s) {
    ASSERT_EQ(as(token, "PUT", "/v1/agents/me/status", std::string(R"({"status":")") + s + "\"}").status, 200);
  }
  /// The ids found for `q` by `token`, in order ("type:id,…").
  std::string found(const char* token, const std::string& q, const std::string& extra = "") {
    auto r = as(token, "GET", "/v1/search?q=" + encoded(q) + extra);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return "error";
    std::string out;
    const json::value body = json::parse(r.body);
    for (const auto& hit : body.at("results").as_array()) {
      out += (out.empty() ? "" : ",") + std::string(hit.at("type").as_string()) + ":" + std::string(hit.at("id").as_string());
    }
    return out;
  }

  RedisServer redis;
  PostgresServer pg;
  std::uint16_t port = free_port();
  std::optional<DaemonProcess> daemon;
};

TEST_F(Search, TheSameWordsAcrossScriptsAndTyposFindWhatTheAgentMayRead) {
  status(kAsha, "available");
  ASSERT_EQ(post_message(port, "h1", "+919848022338", "रिफंड कब आएगा? ऑर्डर 4521").status, 200);
  const std::string hindi = conversation_of(redis, "+919848022338");
  status(kAsha, "away");
  status(kRavi, "available");
  ASSERT_EQ(post_message(port, "t1", "+919000011111", "నా ఆర్డర్ ఇంకా రాలేదు").status, 200);
  const std::string telugu = conversation_of(redis, "+919000011111");
  ASSERT_TRUE(eventually([&] {
    try {
      return pg.one("SELECT count(*) FROM messages") == "2" && pg.one("SELECT count(*) FROM contacts") == "2";
    } catch (const std::exception&) {
      return false;
    }
  }, 15'000)) << daemon->log();
  const std::string hindi_contact = redis.one({"HGET", it_keys().conversation(hindi), "contact"});

  // Latin letters find Devanagari, with typos too; Telugu finds Telugu from Latin letters.
  EXPECT_EQ(found(kAdmin, "refund kab aayega", "&type=conversation"), "conversation:" + hindi);
  EXPECT_EQ(found(kAdmin, "refnd kab ayega", "&type=conversation"), "conversation:" + hindi);
  // "naa order" is the Telugu message's words; the Hindi one says ऑर्डर (order) too, so it comes second.
  EXPECT_EQ(found(kAdmin, "naa order", "&type=conversation"), "conversation:" + telugu + ",conversation:" + hindi);
  // A phone number in any format finds its contact.
  EXPECT_EQ(found(kAdmin, "98480 22338", "&type=contact"), "contact:" + hindi_contact);
  EXPECT_EQ(found(kAdmin, "+91 98480-22338", "&type=contact"), "contact:" + hindi_contact);
  // Each agent finds only their own.
  EXPECT_EQ(found(kAsha, "refund kab aayega", "&type=conversation"), "conversation:" + hindi);
  EXPECT_EQ(found(kRavi, "refund kab aayega", "&type=conversation"), "");
  EXPECT_EQ(found(kRavi, "naa order", "&type=conversation"), "conversation:" + telugu);
  EXPECT_EQ(found(kAsha, "naa order", "&type=conversation"), "conversation:" + hindi);  // only her own
  EXPECT_EQ(found(kAsha, "రాలేదు", "&type=conversation"), "");
  EXPECT_EQ(found(kRavi, "98480 22338", "&type=contact"), "");
  // The result carries what GET on it answers, and the text that matched.
  auto r = as(kAdmin, "GET", "/v1/search?q=" + encoded("refund kab aayega") + "&type=conversation");
  const json::value body = json::parse(r.body);
  const json::object& hit = body.at("results").at(0).as_object();
  EXPECT_EQ(hit.at("conversation").at("id"), hindi.c_str());
  EXPECT_EQ(hit.at("snippet"), "रिफंड कब आएगा? ऑर्डर 4521");
  EXPECT_EQ(json::serialize(hit.at("highlights")), R"(["रिफंड","कब","आएगा"])");  // marked in their own script
  EXPECT_TRUE(body.at("next_cursor").is_null());
  // Page by page with the cursor: the same order, nothing twice.
  auto first = json::parse(as(kAdmin, "GET", "/v1/search?q=" + encoded("naa order") + "&type=conversation&limit=1").body);
  ASSERT_EQ(first.at("results").as_array().size(), 1u);
  EXPECT_EQ(first.at("results").at(0).at("id"), telugu.c_str());
  ASSERT_TRUE(first.at("next_cursor").is_string());
  auto second = json::parse(as(kAdmin, "GET", "/v1/search?q=" + encoded("naa order") + "&type=conversation&limit=1&cursor=" +
                                                  std::string(first.at("next_cursor").as_string())).body);
  ASSERT_EQ(second.at("results").as_array().size(), 1u);
  EXPECT_EQ(second.at("results").at(0).at("id"), hindi.c_str());
}

TEST_F(Search, BadQueriesAreRefusedClearly) {
  for (const std::string q : {"क", "कि", "a"}) {  // one user-perceived character each
    auto r = as(kAdmin, "GET", "/v1/search?q=" + encoded(q));
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_NE(r.body.find("invalid_query"), std::string::npos) << r.body;
  }
  EXPECT_NE(as(kAdmin, "GET", "/v1/search?q=ab&limit=0").body.find("invalid_limit"), std::string::npos);
  EXPECT_NE(as(kAdmin, "GET", "/v1/search?q=ab&limit=101").body.find("invalid_limit"), std::string::npos);
  EXPECT_NE(as(kAdmin, "GET", "/v1/search?q=ab&type=ticket").body.find("invalid_type"), std::string::npos);
  EXPECT_NE(as(kAdmin, "GET", "/v1/search?q=ab&cursor=zz").body.find("invalid_cursor"), std::string::npos);
  EXPECT_NE(as(kAdmin, "GET", "/v1/search?q=ab&cursor=99999999999999999999.0").body.find("invalid_cursor"),
            std::string::npos);
  // Not UTF-8, or a document instead of a question: refused, never a database error.
  auto bad = as(kAdmin, "GET", "/v1/search?q=%FF%FEab");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("invalid_query"), std::string::npos) << bad.body;
  auto huge = as(kAdmin, "GET", "/v1/search?q=" + std::string(201, 'a'));
  EXPECT_EQ(huge.status, 400);
  EXPECT_NE(huge.body.find("at most 200"), std::string::npos) << huge.body;
  EXPECT_EQ(http_request(port, "GET", "/v1/search?q=ab").status, 401);
}

}  // namespace
}  // namespace omniroute::testing
