// Rules on detected language and contact tier, and required skills: a
// Telugu message reaches the agent with skill `te`, a Hindi one the agent
// with `hi`, a gold-tier customer the VIP queue.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/daemon_fixture.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kTara = "tara-token-0123456789";  // te
constexpr const char* kHema = "hema-token-0123456789";  // hi
constexpr const char* kEli = "eli-token-01234567890";   // en, vip
constexpr const char* kAdmin = "admin-token-0123456789";

ConfigBuilder skills_config(ConfigBuilder cfg) {
  return cfg.server("admin_token", kAdmin)
      .api_channel()
      .queue("{ id: general, channels: [api] }")
      .queue("{ id: vip, skills: [vip] }")
      .agent(std::string("{ id: tara, token: ") + kTara + ", skills: [te], capacity: { chat: 5 } }")
      .agent(std::string("{ id: hema, token: ") + kHema + ", skills: [hi], capacity: { chat: 5 } }")
      .agent(std::string("{ id: eli, token: ") + kEli + ", skills: [en, vip], capacity: { chat: 5 } }")
      .section("routing", R"(
rules:
  - { match: { tier: gold }, queue: vip, priority: high }
  - { match: { language: te }, skills: [te] }
  - { match: { language: hi }, skills: [hi] }
)");
}

class SkillsRouting : public DaemonTest {
 protected:
  SkillsRouting() { start(skills_config(config())); }

  void available(const char* token) {
    ASSERT_EQ(as(token, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  }
};

TEST_F(SkillsRouting, EachLanguageReachesTheAgentWhoSpeaksIt) {
  available(kTara);
  available(kHema);
  available(kEli);
  ASSERT_EQ(post_message(port, "m1", "cust-te", "నా ఆర్డర్ ఇంకా రాలేదు").status, 200);
  ASSERT_EQ(post_message(port, "m2", "cust-hi", "मेरा ऑर्डर अभी तक नहीं आया").status, 200);
  ASSERT_EQ(post_message(port, "m3", "cust-en", "My order has not arrived yet, can you help me please").status, 200);
  EXPECT_EQ(field(conversation_of("cust-te"), "agent"), "tara");
  EXPECT_EQ(field(conversation_of("cust-te"), "language"), "te");
  EXPECT_EQ(field(conversation_of("cust-hi"), "agent"), "hema");
  EXPECT_EQ(field(conversation_of("cust-hi"), "language"), "hi");
  // No rule for English: any agent of the queue may take it.
  EXPECT_EQ(field(conversation_of("cust-en"), "language"), "en");
  EXPECT_EQ(field(conversation_of("cust-en"), "state"), "assigned");
}

TEST_F(SkillsRouting, ATeluguConversationWaitsForATeluguAgentWhileOthersAreFree) {
  available(kHema);
  available(kEli);
  ASSERT_EQ(post_message(port, "m1", "cust-te", "నమస్కారం, సహాయం కావాలి").status, 200);
  std::string conv = conversation_of("cust-te");
  EXPECT_EQ(field(conv, "state"), "queued");
  // Not at the head of anyone else's way: an English conversation after it is assigned at once.
  ASSERT_EQ(post_message(port, "m2", "cust-en", "Hello, I need help with my invoice please").status, 200);
  EXPECT_EQ(field(conversation_of("cust-en"), "state"), "assigned");
  available(kTara);
  EXPECT_EQ(field(conv, "agent"), "tara");
}

TEST_F(SkillsRouting, AGoldTierContactGoesToTheVipQueue) {
  available(kTara);
  available(kEli);
  ASSERT_EQ(post_message(port, "m1", "cust-gold", "first message").status, 200);
  std::string first = conversation_of("cust-gold");
  EXPECT_EQ(field(first, "queue"), "general");
  std::string contact = field(first, "contact");

  auto patched = as(kAdmin, "PATCH", "/v1/contacts/" + contact, R"({"attributes":{"tier":"gold"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json::parse(patched.body).at("attributes").at("tier"), "gold");

  const char* holder = field(first, "agent") == "tara" ? kTara : kEli;
  ASSERT_EQ(as(holder, "POST", "/v1/conversations/" + first + "/resolve").status, 200);
  ASSERT_EQ(post_message(port, "m2", "cust-gold", "back again").status, 200);
  std::string second = conversation_of("cust-gold");
  ASSERT_NE(second, first);
  EXPECT_EQ(field(second, "queue"), "vip");
  EXPECT_EQ(field(second, "priority"), "high");
  EXPECT_EQ(field(second, "agent"), "eli");  // only eli has the vip skill

  // The attribute can be removed again, and bad input is refused.
  auto removed = as(kAdmin, "PATCH", "/v1/contacts/" + contact, R"({"attributes":{"tier":null}})");
  ASSERT_EQ(removed.status, 200);
  EXPECT_FALSE(json::parse(removed.body).at("attributes").as_object().contains("tier"));
  EXPECT_EQ(as(kAdmin, "PATCH", "/v1/contacts/" + contact, R"({"attributes":{"tier":5}})").status, 400);
  EXPECT_EQ(as(kAdmin, "PATCH", "/v1/contacts/" + contact, R"({"name":")" + std::string(201, 'x') + "\"}").status, 400);
  EXPECT_EQ(as(kAdmin, "PATCH", "/v1/contacts/" + contact, R"({"colour":"red"})").status, 400);
  EXPECT_EQ(as(kAdmin, "PATCH", "/v1/contacts/c999999", R"({"attributes":{"tier":"gold"}})").status, 404);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/contacts/c1:attrs").status, 404);
  EXPECT_EQ(as(kTara, "GET", "/v1/contacts/" + contact).status, 401);
}

TEST_F(SkillsRouting, ContactShowsHandlesAttributesAndConversations) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "తెలుగు లో సహాయం").status, 200);
  std::string conv = conversation_of("cust-1");
  auto r = as(kAdmin, "GET", "/v1/contacts/" + field(conv, "contact"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = json::parse(r.body).as_object();
  EXPECT_EQ(c.at("handles").as_array()[0], "cust-1");
  EXPECT_EQ(c.at("conversations").as_array()[0].as_string(), conv);
}

TEST_F(SkillsRouting, AContactStoredByAnEarlierBuildKeepsItsHandlesAndConversationsThroughAMerge) {
  // Earlier builds kept a contact's handles and conversations in sets of their own; they are still read.
  ASSERT_EQ(post_message(port, "m1", "asha-new", "नमस्ते, मेरा रिफंड?").status, 200);
  std::string into = field(conversation_of("asha-new"), "contact");
  auto k = it_keys();
  redis.command({"HSET", k.contact("c900"), "id", "c900", "name", "Asha (old)", "created_at", "1700000000000"});
  redis.command({"SET", k.handle("api", "asha-old"), "c900"});
  redis.command({"SADD", k.contact_handles("c900"), "api:asha-old"});
  redis.command({"SADD", k.contact_conversations("c900"), "v900"});
  redis.command({"HSET", k.conversation("v900"), "id", "v900", "contact", "c900", "state", "resolved"});
  auto old = json::parse(as(kAdmin, "GET", "/v1/contacts/c900").body).as_object();
  EXPECT_EQ(old.at("handles").as_array().size(), 1u);
  EXPECT_EQ(old.at("conversations").as_array()[0].as_string(), "v900");

  auto merged = as(kAdmin, "POST", "/v1/contacts/" + into + "/merge", R"({"from":"c900"})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto c = json::parse(merged.body).as_object();
  EXPECT_EQ(c.at("handles").as_array().size(), 2u);
  EXPECT_EQ(c.at("conversations").as_array().size(), 2u);
  EXPECT_EQ(redis.one({"GET", k.handle("api", "asha-old")}), into);
  EXPECT_EQ(redis.one({"HGET", k.conversation("v900"), "contact"}), into);
}

TEST_F(SkillsRouting, TwoContactsMergedAreOnePersonWithTheirHistoryReachable) {
  ASSERT_EQ(post_message(port, "m1", "ravi-laptop", "నా ఆర్డర్ ఎక్కడ?").status, 200);
  ASSERT_EQ(post_message(port, "m2", "ravi-phone", "Same person here, from my phone").status, 200);
  std::string conv1 = conversation_of("ravi-laptop"), conv2 = conversation_of("ravi-phone");
  std::string into = field(conv1, "contact"), from = field(conv2, "contact");
  ASSERT_NE(into, from);
  ASSERT_EQ(as(kAdmin, "PATCH", "/v1/contacts/" + from, R"({"attributes":{"tier":"gold"}})").status, 200);

  auto merged = as(kAdmin, "POST", "/v1/contacts/" + into + "/merge", R"({"from":")" + from + R"("})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto c = json::parse(merged.body).as_object();
  EXPECT_EQ(c.at("handles").as_array().size(), 2u);
  EXPECT_EQ(c.at("conversations").as_array().size(), 2u);
  EXPECT_EQ(c.at("attributes").at("tier"), "gold");
  // Both conversations, their transcripts untouched, show the one contact with both handles.
  json::value view = json::parse(as(kAdmin, "GET", "/v1/conversations?state=queued").body);
  ASSERT_EQ(view.at("conversations").as_array().size(), 2u);
  for (const auto& conv : view.at("conversations").as_array()) {
    EXPECT_EQ(conv.at("contact").at("id"), into.c_str());
    EXPECT_EQ(conv.at("contact").at("handles").as_array().size(), 2u);
  }
  // The person writing again from the merged handle lands on the surviving contact.
  ASSERT_EQ(post_message(port, "m3", "ravi-phone", "Any news?").status, 200);
  EXPECT_EQ(field(conversation_of("ravi-phone"), "contact"), into);
  auto old = json::parse(as(kAdmin, "GET", "/v1/contacts/" + from).body);
  EXPECT_EQ(old.at("merged_into"), into.c_str());

  EXPECT_EQ(as(kAdmin, "POST", "/v1/contacts/" + into + "/merge", R"({"from":")" + from + R"("})").status, 404);
  EXPECT_EQ(as(kAdmin, "POST", "/v1/contacts/" + into + "/merge", R"({"from":")" + into + R"("})").status, 409);
  EXPECT_EQ(as(kAdmin, "POST", "/v1/contacts/" + into + "/merge", "{}").status, 400);
  EXPECT_EQ(as(kAdmin, "GET", "/v1/contacts/" + into + "/merge").status, 405);
  EXPECT_EQ(as(kAdmin, "PATCH", "/v1/contacts/" + from, R"({"name":"x"})").status, 404);
}

}  // namespace
}  // namespace omniroute::testing
