// Signed webhooks through the real daemon into a real Redis.

#include <gtest/gtest.h>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::testing {
namespace {

class WebhookIngest : public ::testing::Test {
 protected:
  WebhookIngest()
      : port(free_port()),
        daemon(daemon_config(port, redis.url()), port, {std::string("TEST_TWILIO_TOKEN=") + kTwilioToken}) {}

  std::string transcript_text(const std::string& conv) {
    auto entries = redis.command({"XRANGE", it_keys().transcript(conv), "-", "+"});
    auto it = std::find(entries.begin(), entries.end(), "text");
    return it == entries.end() ? "" : *(it + 1);
  }

  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(WebhookIngest, SignedMessageIsDurableBeforeTheAcknowledgement) {
  const std::string text = "नमस्ते! మీకు స్వాగతం 🙏🏽 — refund?";
  auto r = post_message(port, "msg-1", "cust-1", text);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8");
  // The answer came after the script returned, so the message is already there.
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  ASSERT_NE(conv, "(nil)");
  EXPECT_EQ(transcript_text(conv), text);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "queue"}), "general");
}

TEST_F(WebhookIngest, DuplicateDeliveryIsStoredOnce) {
  ASSERT_EQ(post_message(port, "msg-1", "cust-1", "hello").status, 200);
  ASSERT_EQ(post_message(port, "msg-1", "cust-1", "hello").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  EXPECT_EQ(redis.one({"XLEN", it_keys().transcript(conv)}), "1");
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_messages_received_total{channel=\"api\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("omniroute_messages_duplicate_total{channel=\"api\"} 1\n"), std::string::npos);
}

TEST_F(WebhookIngest, TwoMessagesFromOneCustomerMakeOneConversation) {
  ASSERT_EQ(post_message(port, "a", "cust-1", "hello").status, 200);
  ASSERT_EQ(post_message(port, "b", "cust-1", "are you there?").status, 200);
  ASSERT_EQ(post_message(port, "c", "cust-2", "different person").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  EXPECT_EQ(redis.one({"XLEN", it_keys().transcript(conv)}), "2");
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "2");
}

TEST_F(WebhookIngest, WrongSignatureIs401AndWritesNothing) {
  std::string body = webhook_body("x", "cust-1", "hi");
  auto r = http_request(port, "POST", "/webhooks/api", {{"X-Omniroute-Signature", "sha256=" + std::string(64, '0')}},
                        body);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("\"error\":\"bad_signature\""), std::string::npos);
  EXPECT_EQ(stored_keys(redis), 0);
}

TEST_F(WebhookIngest, MissingSignatureIs401AndWritesNothing) {
  auto r = http_request(port, "POST", "/webhooks/api", {}, webhook_body("x", "cust-1", "hi"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(stored_keys(redis), 0);
}

TEST_F(WebhookIngest, TwilioSmsSignedOverThePublicUrlIsAnsweredWithTwiml) {
  FormFields fields = {{"MessageSid", "SM100"}, {"From", "+919876543210"}, {"To", "+15005550006"},
                                 {"Body", "Hello from SMS"}, {"NumMedia", "0"}};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms?tenant=1";
  std::string sig = channels::twilio_signature(kTwilioToken, url, fields);
  std::string body = "MessageSid=SM100&From=%2B919876543210&To=%2B15005550006&Body=Hello+from+SMS&NumMedia=0";
  auto r = http_request(port, "POST", "/webhooks/sms?tenant=1",
                        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}}, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/xml; charset=utf-8");
  EXPECT_NE(r.body.find("<Response/>"), std::string::npos);
  std::string conv = redis.one({"GET", it_keys().thread("sms", "+919876543210")});
  ASSERT_NE(conv, "(nil)");
  EXPECT_EQ(transcript_text(conv), "Hello from SMS");
  EXPECT_NE(redis.one({"GET", it_keys().handle("phone", "+919876543210")}), "(nil)");
}

TEST_F(WebhookIngest, TwilioWithAWrongSignatureIs401AndWritesNothing) {
  std::string body = "MessageSid=SM1&From=%2B14158675309&Body=hi";
  auto r = http_request(port, "POST", "/webhooks/sms", {{"X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl"}}, body);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(stored_keys(redis), 0);
}

TEST_F(WebhookIngest, UnknownChannelIs404) {
  auto r = http_request(port, "POST", "/webhooks/nope", {}, "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"error\":\"unknown_channel\""), std::string::npos);
}

TEST_F(WebhookIngest, HealthReadinessAndMetricsAnswer) {
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  auto m = http_request(port, "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* family : {"omniroute_messages_received_total", "omniroute_messages_sent_total",
                             "omniroute_first_response_seconds", "omniroute_queue_wait_seconds",
                             "omniroute_queue_depth{queue=\"general\"} 0", "omniroute_sla_alerts_total",
                             "omniroute_agents{status=\"offline\"}"}) {
    EXPECT_NE(m.body.find(family), std::string::npos) << family;
  }
}

TEST_F(WebhookIngest, KeepAliveConnectionCarriesManyRequests) {
  HttpConnection conn(port);
  for (int i = 0; i < 20; ++i) {
    std::string body = webhook_body("k" + std::to_string(i), "cust-" + std::to_string(i), "hi");
    ASSERT_EQ(conn.request("POST", "/webhooks/api", signed_headers(body), body).status, 200);
  }
  EXPECT_EQ(redis.one({"ZCARD", it_keys().queue("general")}), "20");
}

}  // namespace
}  // namespace omniroute::testing
