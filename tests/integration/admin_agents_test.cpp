// Agents added, changed and removed through the admin API at run time: kept
// in Redis with hashed tokens, known at once to every daemon instance.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/daemon_fixture.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

ConfigBuilder admin_config(ConfigBuilder cfg) {
  return cfg.server("admin_token", kAdmin)
      .api_channel()
      .queue("{ id: general, channels: [api] }")
      .queue("{ id: billing, skills: [billing] }")
      .agent(std::string("{ id: asha, token: ") + kAsha + ", skills: [hi], capacity: { chat: 1 } }");
}

class AdminAgents : public DaemonTest {
 protected:
  AdminAgents() { start(admin_config(config())); }

  HttpResult call(std::uint16_t p, const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return as_bearer(p, token, method, path, body);
  }
  HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return call(port, kAdmin, method, path, body);
  }
};

TEST_F(AdminAgents, AnAddedAgentWorksAtOnceWithTheTokenShownOnce) {
  auto created = admin("POST", "/v1/agents",
                       R"({"id":"meera","name":"మీరా","skills":["te","billing"],"capacity":{"chat":2,"email":5}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto a = json::parse(created.body).as_object();
  std::string token(a.at("token").as_string());
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(a.at("name"), "మీరా");
  EXPECT_EQ(a.at("status"), "offline");
  EXPECT_EQ(a.at("source"), "api");
  EXPECT_EQ(a.at("capacity").at("chat"), 2);
  EXPECT_EQ(a.at("queues"), json::parse(R"(["billing","general"])"));
  // Redis keeps only the digest.
  EXPECT_EQ(redis.one({"HGET", it_keys().agent("meera"), "token"}), "(nil)");
  EXPECT_NE(redis.one({"HGET", it_keys().agent("meera"), "token_sha256"}), token);

  ASSERT_EQ(as(token, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conversation_of("cust-1")), "agent"}), "meera");
  auto listed = admin("GET", "/v1/agents");
  ASSERT_EQ(listed.status, 200);
  auto agents = json::parse(listed.body).at("agents").as_array();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[1].at("id"), "meera");
  EXPECT_EQ(agents[1].at("load").at("chat"), 1);
  EXPECT_FALSE(listed.body.find(token) != std::string::npos);
}

TEST_F(AdminAgents, AnotherDaemonInstanceKnowsTheAgentAtOnce) {
  std::uint16_t port2 = free_port();
  DaemonProcess second(admin_config(ConfigBuilder(port2, redis.url())).yaml(), port2);
  auto created = admin("POST", "/v1/agents", R"({"id":"meera","token":"meera-token-0123456789","capacity":{"chat":1}})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(json::parse(created.body).as_object().contains("token"));  // chosen by the admin: not echoed
  auto r = call(port2, "meera-token-0123456789", "GET", "/v1/agents/me/conversations");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AdminAgents, ChangingSkillsAndCapacityTakesEffect) {
  auto created = admin("POST", "/v1/agents", R"({"id":"meera","token":"meera-token-0123456789","capacity":{"chat":1}})");
  ASSERT_EQ(created.status, 201);
  ASSERT_EQ(as("meera-token-0123456789", "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "x").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "meera");  // general: capacity 1 now used
  ASSERT_EQ(post_message(port, "m2", "cust-2", "y").status, 200);
  std::string waiting = conversation_of("cust-2");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(waiting), "state"}), "queued");

  auto changed = admin("PUT", "/v1/agents/meera", R"({"capacity":{"chat":2},"skills":["billing"]})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto a = json::parse(changed.body).as_object();
  EXPECT_EQ(a.at("capacity").at("chat"), 2);
  EXPECT_EQ(a.at("status"), "available");  // presence and load are kept
  EXPECT_EQ(a.at("load").at("chat"), 2);   // the room made took the waiting conversation at once
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(waiting), "agent"}), "meera");
  EXPECT_EQ(a.at("queues"), json::parse(R"(["billing","general"])"));
}

TEST_F(AdminAgents, ARemovedAgentsTokenStopsWorkingAndTheirConversationsWaitAgain) {
  auto created = admin("POST", "/v1/agents", R"({"id":"meera","capacity":{"chat":1}})");
  ASSERT_EQ(created.status, 201);
  std::string token(json::parse(created.body).at("token").as_string());
  ASSERT_EQ(as(token, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "నమస్కారం").status, 200);
  std::string conv = conversation_of("cust-1");
  ASSERT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "meera");
  redis.one({"HSET", it_keys().conversation(conv), "queued_at", "1000"});  // keeps its age when requeued

  auto removed = admin("DELETE", "/v1/agents/meera");
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(as(token, "GET", "/v1/agents/me/conversations").status, 401);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "state"}), "queued");
  EXPECT_EQ(redis.one({"ZSCORE", it_keys().queue("general"), conv}), "20000000001000");
  EXPECT_EQ(redis.one({"SISMEMBER", it_keys().agents(), "meera"}), "0");
  EXPECT_EQ(admin("GET", "/v1/agents/meera").status, 404);
  EXPECT_EQ(admin("DELETE", "/v1/agents/meera").status, 404);
  // asha (config) can take it now.
  ASSERT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "asha");
}

TEST_F(AdminAgents, RotatingATokenRetiresTheOldOne) {
  auto created = admin("POST", "/v1/agents", R"({"id":"meera","capacity":{"chat":1}})");
  std::string old_token(json::parse(created.body).at("token").as_string());
  auto rotated = admin("POST", "/v1/agents/meera/token");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string new_token(json::parse(rotated.body).at("token").as_string());
  EXPECT_NE(new_token, old_token);
  EXPECT_EQ(as(old_token, "GET", "/v1/agents/me/conversations").status, 401);
  EXPECT_EQ(as(new_token, "GET", "/v1/agents/me/conversations").status, 200);
}

TEST_F(AdminAgents, ConfiguredAgentsAreChangedInTheConfigurationOnly) {
  EXPECT_EQ(admin("PUT", "/v1/agents/asha", R"({"capacity":{"chat":9}})").status, 409);
  EXPECT_EQ(admin("DELETE", "/v1/agents/asha").status, 409);
  EXPECT_EQ(admin("POST", "/v1/agents", R"({"id":"asha","capacity":{"chat":1}})").status, 409);
  auto same_token = admin("POST", "/v1/agents", std::string(R"({"id":"x","token":")") + kAsha + R"(","capacity":{}})");
  EXPECT_EQ(same_token.status, 409);
  EXPECT_NE(same_token.body.find("token_in_use"), std::string::npos);
  EXPECT_EQ(admin("GET", "/v1/agents/asha").status, 200);
}

TEST_F(AdminAgents, BadAgentBodiesAreClearErrors) {
  struct Case {
    const char* body;
    const char* code;
  };
  for (const Case& c : {Case{R"({"capacity":{"chat":1}})", "invalid_field"},
                        Case{R"({"id":"me","capacity":{"chat":1}})", "invalid_field"},
                        Case{R"({"id":"a b","capacity":{"chat":1}})", "invalid_field"},
                        Case{R"({"id":"x"})", "missing_field"},
                        Case{R"({"id":"x","capacity":{"fax":1}})", "invalid_field"},
                        Case{R"({"id":"x","capacity":{"chat":-1}})", "invalid_field"},
                        Case{R"({"id":"x","capacity":{"chat":1},"token":"short"})", "invalid_field"},
                        Case{R"({"id":"x","capacity":{"chat":1},"skills":"te"})", "invalid_field"},
                        Case{R"({"id":"x","capacity":{"chat":1},"colour":"red"})", "unknown_field"},
                        Case{R"([1,2])", "invalid_json"}}) {
    auto r = admin("POST", "/v1/agents", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_NE(r.body.find(c.code), std::string::npos) << c.body << " → " << r.body;
  }
  EXPECT_EQ(as(kAsha, "POST", "/v1/agents", R"({"id":"x","capacity":{"chat":1}})").status, 401);
  EXPECT_EQ(admin("GET", "/v1/agents/x%3Aconvs").status, 404);
  EXPECT_EQ(redis.one({"SCARD", it_keys().agents()}), "1");
}

}  // namespace
}  // namespace omniroute::testing
