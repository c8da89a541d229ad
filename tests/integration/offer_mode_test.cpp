// Offer mode (a queue's offer_timeout): the chosen agent must accept within
// the timeout, or the conversation is offered to the next agent.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "integration/daemon_fixture.hpp"
#include "support/ws_client.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kTara = "tara-token-0123456789";
constexpr const char* kEli = "eli-token-01234567890";

ConfigBuilder offer_config(ConfigBuilder cfg) {
  return cfg.api_channel()
      .queue("{ id: general, channels: [api], strategy: round_robin, offer_timeout: 2s }")
      .agent(std::string("{ id: tara, token: ") + kTara + ", capacity: { chat: 1 } }")
      .agent(std::string("{ id: eli, token: ") + kEli + ", capacity: { chat: 1 } }");
}

class OfferMode : public DaemonTest {
 protected:
  OfferMode() { start(offer_config(config())); }

  void set_status(const char* token, const std::string& status) {
    ASSERT_EQ(as(token, "PUT", "/v1/agents/me/status", R"({"status":")" + status + "\"}").status, 200);
  }
  json::array offers(const char* token) {
    auto r = as(token, "GET", "/v1/agents/me/offers");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("offers").as_array();
  }
  /// Polls until `conv` is offered to someone other than `not_agent` (or 6 s pass); returns who.
  std::string wait_offered_elsewhere(const std::string& conv, const std::string& not_agent) {
    eventually([&] {
      std::string to = field(conv, "offered_to");
      return to != "(nil)" && to != "" && to != not_agent;
    }, 6'000);
    return field(conv, "offered_to");
  }
};

TEST_F(OfferMode, AnOfferHoldsAPlaceUntilAcceptedThenTheConversationIsTheAgents) {
  set_status(kTara, "available");
  WsClient ws(port, "/v1/agents/me/events", kTara);
  ASSERT_TRUE(ws.ok());
  ASSERT_EQ(post_message(port, "m1", "cust-1", "నమస్కారం").status, 200);
  std::string conv = conversation_of("cust-1");
  EXPECT_EQ(field(conv, "state"), "queued");
  EXPECT_EQ(field(conv, "offered_to"), "tara");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "load:chat"}), "1");  // the place is held

  auto frame = ws.next();
  ASSERT_TRUE(frame);
  auto offered = json::parse(*frame).as_object();
  EXPECT_EQ(offered.at("type"), "conversation.offered");
  EXPECT_EQ(offered.at("conversation").at("id").as_string(), conv);
  EXPECT_TRUE(offered.at("expires_at").is_string());

  auto mine = offers(kTara);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].at("offer").at("agent"), "tara");
  // Tara may read it before deciding; Eli may not.
  EXPECT_EQ(as(kTara, "GET", "/v1/conversations/" + conv).status, 200);
  EXPECT_EQ(as(kEli, "GET", "/v1/conversations/" + conv).status, 403);
  EXPECT_EQ(as(kEli, "POST", "/v1/conversations/" + conv + "/accept").status, 409);

  auto accepted = as(kTara, "POST", "/v1/conversations/" + conv + "/accept");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto c = json::parse(accepted.body).as_object();
  EXPECT_EQ(c.at("state"), "assigned");
  EXPECT_EQ(c.at("agent"), "tara");
  EXPECT_FALSE(c.contains("offer"));
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "load:chat"}), "1");  // not counted twice
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "0");
  EXPECT_EQ(redis.one({"ZCARD", it_keys().offers()}), "0");
  EXPECT_TRUE(offers(kTara).empty());
  auto assigned = ws.next();
  ASSERT_TRUE(assigned);
  EXPECT_EQ(json::parse(*assigned).at("type"), "conversation.assigned");
  EXPECT_EQ(as(kTara, "POST", "/v1/conversations/" + conv + "/accept").status, 409);  // once only
}

TEST_F(OfferMode, ARejectedOfferGoesToTheNextAgentAndNotBack) {
  set_status(kTara, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(field(conv, "offered_to"), "tara");
  set_status(kEli, "available");
  auto rejected = as(kTara, "POST", "/v1/conversations/" + conv + "/reject");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(field(conv, "offered_to"), "eli");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "load:chat"}), "0");
  ASSERT_EQ(as(kEli, "POST", "/v1/conversations/" + conv + "/reject").status, 200);
  // Everyone with room declined it: it waits, and nobody is offered it again at once...
  EXPECT_EQ(field(conv, "offered_to"), "(nil)");
  EXPECT_EQ(field(conv, "state"), "queued");
  // ...while the next customer is not held up behind it.
  ASSERT_EQ(post_message(port, "m2", "cust-2", "hi there").status, 200);
  std::string next = conversation_of("cust-2");
  EXPECT_NE(field(next, "offered_to"), "(nil)");
}

TEST_F(OfferMode, AnUnansweredOfferExpiresToTheNextAgentAndTheAbsentOneGoesAway) {
  set_status(kTara, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(field(conv, "offered_to"), "tara");
  set_status(kEli, "available");
  EXPECT_EQ(wait_offered_elsewhere(conv, "tara"), "eli");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "status"}), "away");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "load:chat"}), "0");
  auto late = as(kTara, "POST", "/v1/conversations/" + conv + "/accept");
  EXPECT_EQ(late.status, 409);
  ASSERT_EQ(as(kEli, "POST", "/v1/conversations/" + conv + "/accept").status, 200);
  EXPECT_EQ(field(conv, "agent"), "eli");
  auto metrics = http_request(port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find(R"(omniroute_offers_total{queue="general",outcome="expired"} 1)"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(omniroute_offers_total{queue="general",outcome="accepted"} 1)"), std::string::npos);
}

TEST_F(OfferMode, GoingAwayHandsPendingOffersOn) {
  set_status(kTara, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(field(conv, "offered_to"), "tara");
  set_status(kEli, "available");
  set_status(kTara, "away");
  EXPECT_EQ(field(conv, "offered_to"), "eli");
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("tara"), "load:chat"}), "0");
}

TEST_F(OfferMode, OnlyTheOfferedAgentAnswersAndOnlyItsAgentResolves) {
  set_status(kTara, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(field(conv, "offered_to"), "tara");
  // Only its agent resolves through the agent API; the offered agent is not its agent yet.
  EXPECT_EQ(as(kTara, "POST", "/v1/conversations/" + conv + "/resolve").status, 403);
  EXPECT_EQ(as(kTara, "POST", "/v1/conversations/v999/accept").status, 404);
  EXPECT_EQ(as(kTara, "GET", "/v1/conversations/" + conv + "/accept").status, 405);
}

}  // namespace
}  // namespace omniroute::testing
