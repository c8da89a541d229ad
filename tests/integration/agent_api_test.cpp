// Routing and the agent API through the real daemon: presence, assignment
// within capacity, reply, resolve, transfer, and the errors agents meet.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/daemon_fixture.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kRavi = "ravi-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

ConfigBuilder routing_config(ConfigBuilder cfg) {
  return cfg.server("admin_token", kAdmin)
      .api_channel()
      .queue("{ id: general, channels: [api], strategy: least_busy, sla: { first_response: 15m } }")
      .queue("{ id: billing, skills: [billing], strategy: round_robin }")
      .agent(std::string("{ id: asha, name: Asha Rao, token: ") + kAsha +
             ", skills: [hi, te, billing], capacity: { chat: 2 } }")
      .agent(std::string("{ id: ravi, name: Ravi Kumar, token: ") + kRavi + ", skills: [en], capacity: { chat: 1 } }")
      .section("routing", R"(
sticky_window: 1h
rules:
  - { match: { text_matches: "(?i)\\burgent\\b" }, queue: general, priority: urgent }
  - { match: { channel: api, text_matches: "(?i)refund|chargeback" }, queue: billing, priority: high }
)");
}

class AgentApi : public DaemonTest {
 protected:
  AgentApi() { start(routing_config(config())); }

  void set_status(const char* token, const std::string& status) {
    auto r = as(token, "PUT", "/v1/agents/me/status", R"({"status":")" + status + "\"}");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json::array my_conversations(const char* token) {
    auto r = as(token, "GET", "/v1/agents/me/conversations");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("conversations").as_array();
  }
};

TEST_F(AgentApi, AConversationMissingAStoredFieldStillListsInsteadOfDroppingTheConnection) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "first").status, 200);
  ASSERT_EQ(post_message(port, "m2", "cust-2", "second").status, 200);
  set_status(kAsha, "available");
  ASSERT_EQ(my_conversations(kAsha).size(), 2u);
  // Damaged or half-migrated data: the list used to throw while sorting and answer nothing at all.
  redis.one({"HDEL", it_keys().conversation(conversation_of("cust-1")), "created_at"});
  auto convs = my_conversations(kAsha);
  ASSERT_EQ(convs.size(), 2u);
  int nulls = 0;
  for (const auto& c : convs) nulls += c.at("created_at").is_null() ? 1 : 0;
  EXPECT_EQ(nulls, 1);
}

TEST_F(AgentApi, AgentsStartOfflineAndReceiveNothing) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  EXPECT_TRUE(my_conversations(kAsha).empty());
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conversation_of("cust-1")), "state"}), "queued");
}

TEST_F(AgentApi, AgentBecomingAvailableReceivesTheWaitingConversation) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "नमस्ते").status, 200);
  set_status(kAsha, "available");
  auto convs = my_conversations(kAsha);
  ASSERT_EQ(convs.size(), 1u);
  const auto& c = convs[0].as_object();
  EXPECT_EQ(c.at("state"), "assigned");
  EXPECT_EQ(c.at("agent"), "asha");
  EXPECT_EQ(c.at("channel"), "api");
  EXPECT_EQ(c.at("queue"), "general");
  EXPECT_EQ(c.at("contact").at("handles").as_array()[0], "cust-1");
  EXPECT_TRUE(c.at("first_response_at").is_null());
}

TEST_F(AgentApi, NewConversationReachesAnAvailableAgentBeforeTheWebhookIsAnswered) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  EXPECT_EQ(my_conversations(kAsha).size(), 1u);
}

TEST_F(AgentApi, CapacityIsNeverExceededAndResolvingFreesIt) {
  set_status(kAsha, "available");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post_message(port, "m" + std::to_string(i), "cust-" + std::to_string(i), "hi").status, 200);
  auto convs = my_conversations(kAsha);
  ASSERT_EQ(convs.size(), 2u);  // capacity chat: 2
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "1");
  std::string first = std::string(convs[0].at("id").as_string());
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + first + "/resolve").status, 200);
  EXPECT_EQ(my_conversations(kAsha).size(), 2u);  // the waiting one took the freed place
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "0");
}

TEST_F(AgentApi, LeastBusySpreadsConversationsAcrossAgents) {
  set_status(kAsha, "available");
  set_status(kRavi, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  ASSERT_EQ(post_message(port, "m2", "cust-2", "hi").status, 200);
  EXPECT_EQ(my_conversations(kAsha).size(), 1u);
  EXPECT_EQ(my_conversations(kRavi).size(), 1u);
}

TEST_F(AgentApi, AReturningCustomerGoesBackToTheirLastAgent) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string first = conversation_of("cust-1");
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + first + "/resolve").status, 200);
  set_status(kRavi, "available");  // ravi is less busy (0 vs 0, but assigned longer ago): least_busy would pick him
  ASSERT_EQ(post_message(port, "m2", "cust-1", "me again").status, 200);
  std::string second = conversation_of("cust-1");
  ASSERT_NE(second, first);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(second), "agent"}), "asha");
  ASSERT_EQ(post_message(port, "m3", "cust-2", "new customer").status, 200);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conversation_of("cust-2")), "agent"}), "ravi");
}

TEST_F(AgentApi, AwayAgentsReceiveNothingNew) {
  set_status(kAsha, "available");
  set_status(kAsha, "away");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  EXPECT_TRUE(my_conversations(kAsha).empty());
}

TEST_F(AgentApi, ReplyIsQueuedForSendingAndRecordsTheFirstResponse) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "मेरा रिफंड?").status, 200);
  std::string id = conversation_of("cust-1");
  auto r = as(kAsha, "POST", "/v1/conversations/" + id + "/messages", R"({"text":"ज़रूर, अभी देखती हूँ 🙏"})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto view = as(kAsha, "GET", "/v1/conversations/" + id);
  ASSERT_EQ(view.status, 200);
  auto c = json::parse(view.body).as_object();
  EXPECT_FALSE(c.at("first_response_at").is_null());
  const auto& msgs = c.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].at("direction"), "in");
  EXPECT_EQ(msgs[0].at("text"), "मेरा रिफंड?");
  EXPECT_EQ(msgs[1].at("direction"), "out");
  EXPECT_EQ(msgs[1].at("author"), "asha");
  EXPECT_EQ(msgs[1].at("text"), "ज़रूर, अभी देखती हूँ 🙏");
  // This channel has no reply_url: the agent is told why the reply could not go out.
  std::string reason;
  eventually([&] {
    auto d = json::parse(as(kAsha, "GET", "/v1/conversations/" + id).body).at("messages").as_array()[1].at("delivery");
    if (d.at("status") == "failed") reason = std::string(d.at("reason").as_string());
    return !reason.empty();
  }, 2'000);
  EXPECT_NE(reason.find("reply_url"), std::string::npos) << reason;
  auto m = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(m.find("omniroute_first_response_seconds_count{channel=\"api\",queue=\"general\"} 1\n"), std::string::npos);
  // A second reply is not a first response.
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/messages", R"({"text":"done"})").status, 202);
  m = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(m.find("omniroute_first_response_seconds_count{channel=\"api\",queue=\"general\"} 1\n"), std::string::npos);
  EXPECT_EQ(redis.one({"ZSCORE", it_keys().sla(), "first_response:" + id}), "(nil)");
}

TEST_F(AgentApi, ErrorsAgentsMeet) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  std::string id = conversation_of("cust-1");
  EXPECT_EQ(http_request(port, "GET", "/v1/agents/me/conversations").status, 401);
  EXPECT_EQ(as("not-a-token-at-all-xx", "GET", "/v1/agents/me/conversations").status, 401);
  EXPECT_EQ(as(kRavi, "GET", "/v1/conversations/" + id).status, 403);
  EXPECT_EQ(as(kRavi, "POST", "/v1/conversations/" + id + "/messages", R"({"text":"mine now"})").status, 403);
  EXPECT_EQ(as(kAsha, "GET", "/v1/conversations/v999").status, 404);
  EXPECT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"sleeping"})").status, 400);
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/messages", R"({"text":""})").status, 400);
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/resolve").status, 200);
  auto late = as(kAsha, "POST", "/v1/conversations/" + id + "/messages", R"({"text":"one more"})");
  EXPECT_EQ(late.status, 409);
  EXPECT_NE(late.body.find("\"error\":\"conversation_resolved\""), std::string::npos);
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/resolve").status, 409);
}

TEST_F(AgentApi, IdsThatNameOtherKeysAreUnknownNotServerErrors) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  std::string id = conversation_of("cust-1");
  // Ids shaped to reach other Redis keys ("v1:msgs" is v1's transcript) are simply not found.
  for (std::string bad : {id + ":msgs", id + ":delivery", "../" + id, std::string(300, 'v')}) {
    EXPECT_EQ(as(kAsha, "GET", "/v1/conversations/" + bad).status, 404) << bad;
    EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + bad + "/resolve").status, 404) << bad;
  }
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/transfer", R"({"agent":"ravi:convs"})").status, 404);
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/transfer", R"({"queue":"general:chat"})").status, 404);
  EXPECT_EQ(my_conversations(kAsha).size(), 1u);  // nothing was disturbed
}

TEST_F(AgentApi, TransferToAQueueHandsItToThatQueuesAgents) {
  set_status(kRavi, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "billing question").status, 200);
  std::string id = conversation_of("cust-1");
  ASSERT_EQ(my_conversations(kRavi).size(), 1u);
  auto r = as(kRavi, "POST", "/v1/conversations/" + id + "/transfer", R"({"queue":"billing"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(my_conversations(kRavi).empty());
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(id), "queue"}), "billing");
  set_status(kAsha, "available");  // has the billing skill
  auto convs = my_conversations(kAsha);
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].at("id").as_string(), id);
}

TEST_F(AgentApi, TransferToAnAgentWithoutRoomIsAConflict) {
  set_status(kRavi, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  std::string id = conversation_of("cust-1");
  auto r = as(kRavi, "POST", "/v1/conversations/" + id + "/transfer", R"({"agent":"asha"})");  // asha is offline
  EXPECT_EQ(r.status, 409);
  set_status(kAsha, "available");
  EXPECT_EQ(as(kRavi, "POST", "/v1/conversations/" + id + "/transfer", R"({"agent":"asha"})").status, 200);
  EXPECT_EQ(my_conversations(kAsha).size(), 1u);
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/transfer", R"({"queue":"nowhere"})").status, 404);
}

TEST_F(AgentApi, RuleSendsRefundsToBillingWithHighPriority) {
  set_status(kRavi, "available");  // no billing skill
  ASSERT_EQ(post_message(port, "m1", "cust-1", "I want a REFUND please").status, 200);
  std::string id = conversation_of("cust-1");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(id), "queue"}), "billing");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(id), "priority"}), "high");
  EXPECT_TRUE(my_conversations(kRavi).empty());
  set_status(kAsha, "available");
  ASSERT_EQ(my_conversations(kAsha).size(), 1u);
}

TEST_F(AgentApi, UrgentConversationsAreServedBeforeOlderOnes) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  ASSERT_EQ(post_message(port, "m2", "cust-2", "hello again").status, 200);
  ASSERT_EQ(post_message(port, "m3", "cust-3", "this is urgent!").status, 200);
  set_status(kRavi, "available");  // room for one
  auto convs = my_conversations(kRavi);
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].at("id").as_string(), conversation_of("cust-3"));
  EXPECT_EQ(convs[0].at("priority"), "urgent");
  set_status(kAsha, "available");  // then the oldest first
  auto asha = my_conversations(kAsha);
  ASSERT_EQ(asha.size(), 2u);
  EXPECT_EQ(asha[0].at("id").as_string(), conversation_of("cust-1"));
}

TEST_F(AgentApi, AdminSeesQueuesAgentsAndConversations) {
  EXPECT_EQ(http_request(port, "GET", "/v1/queues").status, 401);
  EXPECT_EQ(as(kAsha, "GET", "/v1/queues").status, 401);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  auto q = json::parse(as(kAdmin, "GET", "/v1/queues").body).at("queues").as_array();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].at("id"), "general");
  EXPECT_EQ(q[0].at("depth"), 1);
  EXPECT_EQ(q[0].at("agents_available"), 0);
  set_status(kAsha, "available");
  auto agents = json::parse(as(kAdmin, "GET", "/v1/agents").body).at("agents").as_array();
  EXPECT_EQ(agents[0].at("id"), "asha");
  EXPECT_EQ(agents[0].at("status"), "available");
  EXPECT_EQ(agents[0].at("load").at("chat"), 1);
  EXPECT_EQ(agents[0].at("capacity").at("chat"), 2);
  auto assigned = json::parse(as(kAdmin, "GET", "/v1/conversations?state=assigned").body).at("conversations").as_array();
  EXPECT_EQ(assigned.size(), 1u);
  std::string id = std::string(assigned[0].at("id").as_string());
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + id + "/resolve").status, 200);
  auto resolved = json::parse(as(kAdmin, "GET", "/v1/conversations?state=resolved&queue=general").body).at("conversations").as_array();
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].at("id").as_string(), id);
  EXPECT_FALSE(resolved[0].at("resolved_at").is_null());
  EXPECT_EQ(as(kAdmin, "GET", "/v1/conversations?state=sleeping").status, 400);
}

TEST_F(AgentApi, OmnictlPrintsReadableTablesAndJson) {
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  set_status(kRavi, "available");
  ASSERT_EQ(post_message(port, "m2", "cust-2", "hello").status, 200);  // ravi took cust-1's (older); this one waits
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::vector<std::string> env{std::string("OMNIROUTE_ADMIN_TOKEN=") + kAdmin};
  auto queues = run_to_end(omnictl_binary(), {"--url", url, "queues"}, env);
  EXPECT_EQ(queues.exit_code, 0) << queues.output;
  EXPECT_NE(queues.output.find("QUEUE"), std::string::npos) << queues.output;
  EXPECT_NE(queues.output.find("general  1        "), std::string::npos) << queues.output;
  auto agents = run_to_end(omnictl_binary(), {"--url", url, "agents"}, env);
  EXPECT_NE(agents.output.find("ravi   Ravi Kumar  available  chat 1/1"), std::string::npos) << agents.output;
  auto convs = run_to_end(omnictl_binary(), {"--url", url, "--json", "conversations", "--state", "assigned"}, env);
  ASSERT_EQ(convs.exit_code, 0) << convs.output;
  EXPECT_EQ(json::parse(convs.output).at("conversations").as_array().size(), 1u);
  auto denied = run_to_end(omnictl_binary(), {"--url", url, "queues"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.output.find("OMNIROUTE_ADMIN_TOKEN"), std::string::npos);
}

TEST_F(AgentApi, MetricsCountPresenceAndQueueWait) {
  set_status(kAsha, "available");
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hi").status, 200);
  auto m = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(m.find("omniroute_agents{status=\"available\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("omniroute_agents{status=\"offline\"} 1\n"), std::string::npos);
  EXPECT_NE(m.find("omniroute_queue_wait_seconds_count{queue=\"general\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace omniroute::testing
