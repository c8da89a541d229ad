// Customer satisfaction, end to end with a real omnirouted, Redis and a fake
// provider (a real HTTP server) for what the customer receives: the survey
// after resolve in the conversation's language, once; a score stored with the
// conversation and reported, never a new conversation; a normal message or an
// answer after the window is a message, not a score.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/daemon_fixture.hpp"
#include "integration/test_config.hpp"
#include "support/eventually.hpp"
#include "support/postgres_server.hpp"
#include "support/fake_provider.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAdmin = "admin-token-for-csat-012345";
constexpr const char* kRavi = "ravi-token-0123456789";

class Csat : public DaemonTest {
 protected:
  ~Csat() override { daemon.reset(); }  // its keep-alive connections to the provider end first
  void start_with_window(const std::string& window, const std::string& history_url = "") {
    ConfigBuilder cfg = config();
    if (!history_url.empty()) cfg.section("history", "{ url: \"" + history_url + "\", archive_after: 30d }");
    start(cfg
              .server("admin_token", kAdmin)
              .channel(std::string("{ id: api, kind: webhook, secret: ") + kApiSecret + ", reply_url: \"" +
                       customer.url() + "/replies\", csat: { window: " + window +
                       ", templates: { en: \"How did we do? 1-5\", hi: \"हमारी सेवा कैसी रही? 1-5\", "
                       "te: \"మా సేవ ఎలా ఉంది? 1-5\" } } }")
              .queue("{ id: general, channels: [api], sla: { first_response: 1h } }")
              .agent("{ id: ravi, token: ravi-token-0123456789, capacity: { chat: 5 } }"));
    EXPECT_EQ(as(kRavi, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  }
  /// A conversation of `handle` opened with `text`, answered and resolved by ravi; its id.
  std::string resolved_conversation(const std::string& id, const std::string& handle, const std::string& text) {
    EXPECT_EQ(post_message(port, id, handle, text).status, 200);
    std::string conv;
    EXPECT_TRUE(eventually([&] { return field(conv = conversation_of(handle), "agent") == "ravi"; }));
    EXPECT_EQ(as(kRavi, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"ठीक है"})").status, 202);
    EXPECT_EQ(as(kRavi, "POST", "/v1/conversations/" + conv + "/resolve").status, 200);
    return conv;
  }
  /// How many times the customer received `text` (the reply and the survey may be delivered in either order).
  long sent(const std::string& text) {
    long n = 0;
    for (const auto& r : customer.received()) n += json::parse(r.body).at("text").as_string() == text;
    return n;
  }
  json::object csat_report() {
    auto r = as(kAdmin, "GET", "/v1/reports/response_times?group_by=queue");
    EXPECT_EQ(r.status, 200) << r.body;
    auto rows = json::parse(r.body).at("rows").as_array();
    for (auto& row : rows) {
      if (row.at("group") == "general") return row.at("csat").as_object();
    }
    return {};
  }

  FakeProvider customer;
};

TEST_F(Csat, TheSurveyGoesOnceInTheCustomersLanguageAndTheScoreIsStoredAndReported) {
  start_with_window("24h");
  const std::string conv = resolved_conversation("h1", "+919800000011", "मेरा रिफंड अभी तक नहीं आया, कृपया मदद करें");
  ASSERT_TRUE(customer.wait_for(2));  // the reply, then the survey
  EXPECT_EQ(sent("हमारी सेवा कैसी रही? 1-5"), 1);
  EXPECT_EQ(field(conv, "csat_sent_at").empty(), false);

  // The customer answers in Devanagari digits: stored with that conversation, no new conversation.
  ASSERT_EQ(post_message(port, "h2", "+919800000011", "५").status, 200);
  ASSERT_TRUE(eventually([&] { return field(conv, "csat") == "5"; }));
  EXPECT_EQ(conversation_of("+919800000011"), "(nil)");
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations?state=queued").body.find("+919800000011"), std::string::npos);
  // The same delivery again (a provider retry): stored once, still no conversation.
  ASSERT_EQ(post_message(port, "h2", "+919800000011", "५").status, 200);
  EXPECT_EQ(conversation_of("+919800000011"), "(nil)");
  auto csat = csat_report();
  EXPECT_EQ(csat["count"].as_int64(), 1);
  EXPECT_EQ(csat["average"].to_number<double>(), 5.0);
  EXPECT_EQ(csat["distribution"].as_object()["5"].as_int64(), 1);
  // A supervisor sees which conversation got which score.
  auto scored = json::parse(as(kAdmin, "GET", "/v1/conversations/" + conv).body).as_object();
  EXPECT_EQ(scored["csat"], 5);
  EXPECT_TRUE(scored["csat_at"].is_string());

  // A second answer is a message: the survey was answered; it opens a new conversation.
  ASSERT_EQ(post_message(port, "h3", "+919800000011", "4").status, 200);
  ASSERT_TRUE(eventually([&] { return conversation_of("+919800000011") != "(nil)"; }));
  EXPECT_NE(conversation_of("+919800000011"), conv);
  EXPECT_EQ(field(conv, "csat"), "5");
  EXPECT_EQ(customer.received().size(), 2u);  // one survey, and only after the resolve
}

TEST_F(Csat, WithAHistoryTheScoreIsReportedFromPostgres) {
  PostgresServer pg;
  start_with_window("24h", pg.url());
  const std::string conv = resolved_conversation("y1", "+919800000019", "నా ఆర్డర్ రాలేదు");
  ASSERT_TRUE(customer.wait_for(2));
  ASSERT_EQ(post_message(port, "y2", "+919800000019", "౪").status, 200);  // 4 in Telugu digits
  ASSERT_TRUE(eventually([&] { return field(conv, "csat") == "4"; }));
  // Reported at once (Redis holds the record until it is archived), and the same once PostgreSQL has it.
  auto before = csat_report();
  EXPECT_EQ(before["count"].as_int64(), 1);
  EXPECT_EQ(before["distribution"].as_object()["4"].as_int64(), 1);
  ASSERT_TRUE(eventually([&] {
    try {
      return pg.one("SELECT count(*) FROM responses WHERE kind = 'csat' AND seconds = 4") == "1" &&
             redis.one({"SCARD", it_keys().responses_waiting()}) == "0";
    } catch (const std::exception&) {
      return false;
    }
  }, 20'000)) << daemon->log();
  auto after = csat_report();
  EXPECT_EQ(json::serialize(after), json::serialize(before));
  EXPECT_EQ(after["average"].to_number<double>(), 4.0);
}

TEST_F(Csat, AMessageThatIsNotAScoreIsAMessageAndEndsTheSurvey) {
  start_with_window("24h");
  const std::string conv = resolved_conversation("t1", "+919800000012", "నా ఆర్డర్ ఎక్కడ ఉంది?");
  ASSERT_TRUE(customer.wait_for(2));
  EXPECT_EQ(sent("మా సేవ ఎలా ఉంది? 1-5"), 1);
  ASSERT_EQ(post_message(port, "t2", "+919800000012", "5 stars, but one more question").status, 200);
  std::string next;
  ASSERT_TRUE(eventually([&] { return (next = conversation_of("+919800000012")) != "(nil)"; }));
  EXPECT_NE(next, conv);
  EXPECT_EQ(field(conv, "csat"), "(nil)");
  // The survey is over: a score now belongs to the open conversation as a message.
  ASSERT_EQ(post_message(port, "t3", "+919800000012", "5").status, 200);
  ASSERT_TRUE(eventually([&] { return field(next, "message_count") == "2"; }));
  EXPECT_EQ(field(conv, "csat"), "(nil)");
  EXPECT_EQ(csat_report()["count"].as_int64(), 0);
}

TEST_F(Csat, AnAnswerAfterTheWindowIsAMessage) {
  start_with_window("1ms");  // the window has closed before any answer can arrive
  const std::string conv = resolved_conversation("w1", "+919800000013", "Hello, my parcel is late");
  ASSERT_TRUE(customer.wait_for(2));
  EXPECT_EQ(sent("How did we do? 1-5"), 1);
  ASSERT_EQ(post_message(port, "w2", "+919800000013", "5").status, 200);
  ASSERT_TRUE(eventually([&] { return conversation_of("+919800000013") != "(nil)"; }));
  EXPECT_EQ(field(conv, "csat"), "(nil)");
}

}  // namespace
}  // namespace omniroute::testing
