// SLA alerts: a first-response deadline warns, then breaches, exactly once
// across three daemon instances on one Redis; answered conversations never
// alert; deadlines passed while every daemon was down fire at start, marked
// late; a sink that is down gets the alert once it is back. The sink is a
// real HTTP server on loopback.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <thread>

#include "common/signing.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"
#include "support/smtp_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kSinkSecret = "alert-sink-secret";

std::string sla_config(std::uint16_t port, const std::string& redis_url, const std::string& sink_url,
                       const std::string& target = "3s") {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
         "queues:\n  - { id: general, channels: [api], sla: { first_response: " + target + ", warn_at: 0.5 } }\n"
         "agents:\n  - { id: asha, token: " + kAsha + ", capacity: { chat: 5 } }\n"
         "alerts:\n  - { kind: webhook, url: \"" + sink_url + "/alerts\", secret: " + kSinkSecret + " }\n";
}

TEST(SlaAlerts, WarningThenBreachExactlyOnceAcrossThreeDaemons) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t p1 = free_port(), p2 = free_port(), p3 = free_port();
  DaemonProcess d1(sla_config(p1, redis.url(), sink.url()), p1);
  DaemonProcess d2(sla_config(p2, redis.url(), sink.url()), p2);
  DaemonProcess d3(sla_config(p3, redis.url(), sink.url()), p3);
  std::uint16_t ports[3] = {p1, p2, p3};
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(post_message(ports[i % 3], "m" + std::to_string(i), "cust-" + std::to_string(i), "నమస్కారం").status, 200);
  }
  ASSERT_TRUE(sink.wait_for(12, 15'000)) << "got " << sink.received().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // anything doubled would arrive by now
  auto got = sink.received();
  ASSERT_EQ(got.size(), 12u);
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const auto& r : got) {
    EXPECT_EQ(r.target, "/alerts");
    EXPECT_EQ(r.headers.at("x-omniroute-signature"), "sha256=" + channels::hmac_sha256_hex(kSinkSecret, r.body));
    auto a = json::parse(r.body).as_object();
    ++seen[{std::string(a.at("conversation_id").as_string()), std::string(a.at("type").as_string())}];
    EXPECT_EQ(a.at("queue"), "general");
    EXPECT_EQ(a.at("channel"), "api");
    EXPECT_EQ(a.at("target_seconds"), 3);
    EXPECT_FALSE(a.at("late").as_bool());
    // Never before its due time, by the alert's own fields (how late is bench territory).
    EXPECT_GE(std::string(a.at("at").as_string()), std::string(a.at("due_at").as_string())) << r.body;
    if (a.at("type") == "sla.breached") {
      EXPECT_GE(a.at("elapsed_seconds").as_int64(), a.at("target_seconds").as_int64()) << r.body;
    }
  }
  for (int i = 0; i < 6; ++i) {
    std::string conv = conversation_of(redis, "cust-" + std::to_string(i));
    EXPECT_EQ((seen[{conv, "sla.warning"}]), 1) << conv;
    EXPECT_EQ((seen[{conv, "sla.breached"}]), 1) << conv;
  }
  auto metrics = http_request(p1, "GET", "/metrics").body + http_request(p2, "GET", "/metrics").body +
                 http_request(p3, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_sla_alerts_total{queue=\"general\",kind=\"breached\"}"), std::string::npos);
}

TEST(SlaAlerts, AnAnsweredConversationNeverAlerts) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t port = free_port();
  DaemonProcess daemon(sla_config(port, redis.url(), sink.url(), "2s"), port);
  Headers h{{"Authorization", std::string("Bearer ") + kAsha}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  std::string conv = conversation_of(redis, "cust-1");
  ASSERT_EQ(http_request(port, "POST", "/v1/conversations/" + conv + "/messages", h, R"({"text":"Hi, looking now"})").status,
            202);
  ASSERT_EQ(post_message(port, "m2", "cust-2", "unanswered").status, 200);
  ASSERT_TRUE(sink.wait_for(2, 10'000));  // cust-2's warning and breach
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  for (const auto& r : sink.received()) EXPECT_EQ(json::parse(r.body).at("conversation_id").as_string(), conversation_of(redis, "cust-2"));
  EXPECT_EQ(sink.received().size(), 2u);
}

TEST(SlaAlerts, DeadlinesPassedWhileDownFireAtStartMarkedLate) {
  RedisServer redis;
  FakeProvider sink;
  std::uint16_t port = free_port();
  {
    // No sink yet: the one added while the daemon was down must still get what was already due
    // (its delivery group is made before anything fires).
    std::string no_sink = sla_config(port, redis.url(), sink.url(), "20s");
    no_sink.erase(no_sink.find("alerts:\n"));
    DaemonProcess daemon(no_sink, port);
    ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
    EXPECT_EQ(daemon.terminate(), 0);
  }
  // Twenty seconds pass while nothing runs: move the deadlines into the past instead of waiting.
  std::string conv = conversation_of(redis, "cust-1");
  redis.one({"ZADD", it_keys().sla(), "1000", "first_response:" + conv});
  redis.one({"ZADD", it_keys().sla(), "900", "first_response:warn:" + conv});
  DaemonProcess again(sla_config(port, redis.url(), sink.url(), "20s"), port);
  ASSERT_TRUE(sink.wait_for(2, 10'000));
  for (const auto& r : sink.received()) EXPECT_TRUE(json::parse(r.body).at("late").as_bool()) << r.body;
}

TEST(SlaAlerts, ASinkThatIsDownGetsTheAlertOnceItIsBack) {
  RedisServer redis;
  FakeProvider sink;
  sink.script({{503, "{}"}, {503, "{}"}});  // down twice, then up
  std::uint16_t port = free_port();
  std::string cfg = sla_config(port, redis.url(), sink.url(), "1s");
  DaemonProcess daemon(cfg, port);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  ASSERT_TRUE(sink.wait_for(4, 15'000));  // 2 failures + warning + breach
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  auto got = sink.received();
  EXPECT_EQ(got.size(), 4u);
  std::map<std::string, int> types;
  for (size_t i = 2; i < got.size(); ++i) ++types[std::string(json::parse(got[i].body).at("type").as_string())];
  EXPECT_EQ(types["sla.warning"] + types["sla.breached"], 2);
  EXPECT_EQ(redis.one({"XPENDING", it_keys().alerts(), "sink:webhook-1"}).substr(0, 1), "0");
}

TEST(SlaAlerts, AnEmailSinkSendsOneReadableMailThroughSmtpEvenAfterARefusal) {
  RedisServer redis;
  SmtpServer smtp("omniroute", "smtp-password");
  smtp.refuse_next(1);  // the first try is told to come back later
  FakeProvider unused;
  std::uint16_t port = free_port();
  std::string cfg = sla_config(port, redis.url(), unused.url(), "1s");
  cfg.replace(cfg.find("  - { kind: webhook"), std::string::npos,
              "  - { kind: email, url: \"" + smtp.url() + "\", from: omniroute@support.example, to: oncall@support.example,"
              " username: omniroute, password: smtp-password, kinds: [breached] }\n");
  DaemonProcess daemon(cfg, port);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "मेरा पैकेज कहाँ है?").status, 200);
  ASSERT_TRUE(smtp.wait_for(1, 15'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // a warning (filtered out) or a double would be here
  auto mails = smtp.received();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(smtp.refused(), 1);
  const auto& m = mails[0];
  EXPECT_EQ(m.user, "omniroute");
  EXPECT_EQ(m.from, "omniroute@support.example");
  EXPECT_EQ(m.to, std::vector<std::string>{"oncall@support.example"});
  std::string conv = conversation_of(redis, "cust-1");
  EXPECT_EQ(mail_header(m.data, "Subject"), "[omniroute] First response overdue — queue general, conversation " + conv +
                                                " (customer c1, channel api, priority normal)") << m.data;
  EXPECT_NE(m.data.find("To: oncall@support.example\r\n"), std::string::npos);
  std::string body = decode_quoted_printable(m.data.substr(m.data.find("\r\n\r\n") + 4));
  EXPECT_NE(body.find("conversation " + conv + " (customer c1, channel api, priority normal)"), std::string::npos) << body;
  EXPECT_NE(body.find("type: sla.breached"), std::string::npos) << body;
  EXPECT_NE(body.find("target_seconds: 1"), std::string::npos) << body;
  EXPECT_EQ(body.find("पैकेज"), std::string::npos);  // the customer's words stay out of alerts
}

}  // namespace
}  // namespace omniroute::testing
