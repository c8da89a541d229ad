// SLA targets beyond the first response: a per-priority target (urgent
// conversations are promised sooner), the next response (a customer who
// writes again after a reply), and resolution. Each alert once; a met target
// never alerts; on-call sees at-risk and breached conversations through
// /v1/sla, omnictl sla and the gauges. The sink is a real HTTP server.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <thread>

#include "integration/test_config.hpp"
#include "omniroute/clock.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

std::string targets_config(std::uint16_t port, const std::string& redis_url, const std::string& sink_url) {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n  admin_token: " + kAdmin + "\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
         "queues:\n"
         "  - id: general\n    channels: [api]\n"
         "    sla:\n"
         "      first_response: 1h\n      next_response: 2s\n      resolution: 1h\n      warn_at: 0.5\n"
         "      priorities:\n        urgent: { first_response: 2s, resolution: 4s }\n"
         "agents:\n  - { id: asha, token: " + kAsha + ", capacity: { chat: 5 } }\n"
         "routing:\n  rules:\n    - { match: { text_matches: \"(?i)urgent\" }, priority: urgent }\n"
         "alerts:\n  - { kind: webhook, url: \"" + sink_url + "/alerts\" }\n";
}

struct Seen {
  int count = 0;
  json::object last;
};

TEST(SlaTargets, PerPriorityNextResponseAndResolutionEachAlertOnce) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t port = free_port();
  DaemonProcess daemon(targets_config(port, redis.url(), sink.url()), port);
  Headers agent{{"Authorization", std::string("Bearer ") + kAsha}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent, R"({"status":"available"})").status, 200);

  // A: urgent, never answered. B: answered at once, then the customer writes again and waits.
  ASSERT_EQ(post_message(port, "a1", "cust-a", "URGENT: मेरे कार्ड से दो बार पैसे कटे").status, 200);
  ASSERT_EQ(post_message(port, "b1", "cust-b", "నమస్కారం, నా ఆర్డర్ ఎక్కడ?").status, 200);
  std::string a = redis.one({"GET", it_keys().thread("api", "cust-a")}), b = redis.one({"GET", it_keys().thread("api", "cust-b")});
  ASSERT_EQ(http_request(port, "POST", "/v1/conversations/" + b + "/messages", agent, R"({"text":"Checking now"})").status, 202);
  ASSERT_EQ(post_message(port, "b2", "cust-b", "ఇంకా రాలేదు").status, 200);  // the next-response clock starts

  // A: first response warning (1 s) and breach (2 s); resolution warning (2 s) and breach (4 s).
  // B: next response warning (1 s) and breach (2 s). Six alerts.
  ASSERT_TRUE(sink.wait_for(6, 15'000)) << sink.received().size();
  // While A is breached and unanswered, on-call sees it.
  auto overview = http_request(port, "GET", "/v1/sla", {{"Authorization", std::string("Bearer ") + kAdmin}});
  ASSERT_EQ(overview.status, 200) << overview.body;
  auto breached = json::parse(overview.body).at("breached").as_array();
  bool a_listed = false;
  for (const auto& e : breached) a_listed = a_listed || (e.at("conversation_id") == a.c_str() && e.at("target") == "resolution");
  EXPECT_TRUE(a_listed) << overview.body;
  std::vector<std::string> env{std::string("OMNIROUTE_ADMIN_TOKEN=") + kAdmin};
  auto ctl = run_to_end(omnictl_binary(), {"--url", "http://127.0.0.1:" + std::to_string(port), "sla"}, env);
  EXPECT_EQ(ctl.exit_code, 0) << ctl.output;
  bool a_row = false;  // "v1  BREACHED  resolution  general  urgent  asha  api  overdue 0s"
  for (size_t at = ctl.output.find("\n" + a + " "); at != std::string::npos; at = ctl.output.find("\n" + a + " ", at + 1)) {
    std::string row = ctl.output.substr(at + 1, ctl.output.find('\n', at + 1) - at - 1);
    a_row = a_row || (row.find("BREACHED") != std::string::npos && row.find("resolution") != std::string::npos &&
                      row.find("overdue") != std::string::npos);
  }
  EXPECT_TRUE(a_row) << ctl.output;
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_sla_breached{queue=\"general\"} 3"), std::string::npos) << metrics;

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // anything doubled would arrive by now
  std::map<std::tuple<std::string, std::string, std::string>, Seen> seen;  // (conversation, target, type)
  for (const auto& r : sink.received()) {
    auto alert = json::parse(r.body).as_object();
    auto& s = seen[{std::string(alert.at("conversation_id").as_string()), std::string(alert.at("target").as_string()),
                    std::string(alert.at("type").as_string())}];
    ++s.count;
    s.last = alert;
  }
  EXPECT_EQ(sink.received().size(), 6u);
  for (const char* type : {"sla.warning", "sla.breached"}) {
    auto& first = seen[{a, "first_response", type}];
    EXPECT_EQ(first.count, 1) << type;
    EXPECT_EQ(first.last["target_seconds"], 2);  // urgent's own target, not the queue's hour
    EXPECT_EQ(first.last["priority"], "urgent");
    auto& resolution = seen[{a, "resolution", type}];
    EXPECT_EQ(resolution.count, 1) << type;
    EXPECT_EQ(resolution.last["target_seconds"], 4);
    auto& next = seen[{b, "next_response", type}];
    EXPECT_EQ(next.count, 1) << type;
    EXPECT_EQ(next.last["target_seconds"], 2);
    EXPECT_EQ(next.last["priority"], "normal");
  }
  // The next-response clock started at the customer's second message, not at the conversation's start.
  std::int64_t waiting_since = std::atoll(redis.one({"HGET", it_keys().conversation(b), "awaiting_since"}).c_str());
  ASSERT_GT(waiting_since, std::atoll(redis.one({"HGET", it_keys().conversation(b), "created_at"}).c_str()));
  const auto next_breach = seen[{b, "next_response", "sla.breached"}].last;
  const auto next_warning = seen[{b, "next_response", "sla.warning"}].last;
  EXPECT_EQ(next_breach.at("due_at"), format_rfc3339_ms(waiting_since + 2000).c_str());
  EXPECT_EQ(next_warning.at("due_at"), format_rfc3339_ms(waiting_since + 1000).c_str());

  // B answered: its breach leaves the watch list; a reply in time raises nothing more.
  ASSERT_EQ(http_request(port, "POST", "/v1/conversations/" + b + "/messages", agent, R"({"text":"Shipped today"})").status, 202);
  ASSERT_EQ(post_message(port, "b3", "cust-b", "ధన్యవాదాలు").status, 200);
  ASSERT_EQ(http_request(port, "POST", "/v1/conversations/" + b + "/messages", agent, R"({"text":"You're welcome"})").status, 202);
  overview = http_request(port, "GET", "/v1/sla", {{"Authorization", std::string("Bearer ") + kAdmin}});
  EXPECT_EQ(overview.body.find("\"" + b + "\""), std::string::npos) << overview.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(sink.received().size(), 6u);
}

TEST(SlaTargets, AtRiskIsListedSoonestFirstWithTheTimeLeft) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t port = free_port();
  std::string config = targets_config(port, redis.url(), sink.url());
  config.replace(config.find("first_response: 2s, resolution: 4s"), 34, "first_response: 20s, resolution: 1h");
  DaemonProcess daemon(config, port);
  ASSERT_EQ(post_message(port, "a1", "cust-a", "urgent please").status, 200);
  ASSERT_TRUE(sink.wait_for(1, 15'000));  // the warning, at 10 s
  auto overview = http_request(port, "GET", "/v1/sla", {{"Authorization", std::string("Bearer ") + kAdmin}});
  auto at_risk = json::parse(overview.body).at("at_risk").as_array();
  ASSERT_EQ(at_risk.size(), 1u) << overview.body;
  EXPECT_EQ(at_risk[0].at("target"), "first_response");
  // Due 20 s after the message (urgent's target); how long is left depends on the clock, not checked.
  std::int64_t created = std::atoll(redis.one({"HGET", it_keys().conversation(at_risk[0].at("conversation_id").as_string()),
                                               "created_at"}).c_str());
  EXPECT_EQ(at_risk[0].at("due_at"), format_rfc3339_ms(created + 20'000).c_str());
  EXPECT_TRUE(at_risk[0].at("breaches_in_seconds").is_int64());
  EXPECT_TRUE(at_risk[0].at("agent").is_null());
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_sla_at_risk{queue=\"general\"} 1"), std::string::npos) << metrics;
  EXPECT_EQ(http_request(port, "GET", "/v1/sla").status, 401);
  EXPECT_EQ(http_request(port, "POST", "/v1/sla", {{"Authorization", std::string("Bearer ") + kAdmin}}).status, 405);
}

}  // namespace
}  // namespace omniroute::testing
