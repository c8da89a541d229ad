// WhatsApp through the real daemon: Meta's handshake, signed deliveries, the
// same person over SMS and WhatsApp as one contact, a Telugu message routed
// to the agent with skill `te`, the reply sent to a fake Graph API (a real
// HTTP server on loopback), and the 24-hour customer-service window.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/signing.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"
#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kTelugu = "te-agent-token-0123456789";
constexpr const char* kEnglish = "en-agent-token-0123456789";
constexpr const char* kAppSecret = "meta-app-secret";

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/tests/fixtures/meta/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class MetaChannels : public ::testing::Test {
 protected:
  MetaChannels()
      : port(free_port()),
        daemon("server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  public_url: http://127.0.0.1:" +
                   std::to_string(port) + "\n  threads: 2\n"
                   "redis:\n  url: " + redis.url() + "\n  workspace: it\n"
                   "channels:\n"
                   "  - { id: sms, kind: twilio_sms, account_sid: AC00000000000000000000000000000000, auth_token: " +
                   kTwilioToken + ", from: \"+15005550006\", api_base: \"" + graph.url() + "\" }\n"
                   "  - { id: wa, kind: whatsapp, app_secret: " + kAppSecret + ", verify_token: verify-me-please,"
                   " access_token: EAAG-test, phone_number_id: \"106540352242922\", api_base: \"" + graph.url() + "/v19.0\" }\n"
                   "  - { id: wa2, kind: whatsapp, app_secret: " + kAppSecret + ", verify_token: verify-me-please,"
                   " access_token: EAAG-test, phone_number_id: \"2000\", api_base: \"" + graph.url() + "/v19.0\","
                   " window_template: order_update, template_language: te }\n"
                   "  - { id: fb, kind: messenger, app_secret: " + kAppSecret + ", verify_token: verify-me-please,"
                   " page_access_token: EAAG-page, page_id: \"113322554466\", api_base: \"" + graph.url() + "/v19.0\" }\n"
                   "queues:\n  - { id: general, channels: [sms, wa, wa2, fb] }\n"
                   "agents:\n"
                   "  - { id: ravi, token: " + kTelugu + ", skills: [te], capacity: { chat: 2, sms: 2 } }\n"
                   "  - { id: emma, token: " + kEnglish + ", skills: [en], capacity: { chat: 2, sms: 2 } }\n"
                   "routing:\n  rules:\n    - { match: { language: te }, skills: [te] }\n",
               port) {}

  HttpResult post_whatsapp(const std::string& body, const std::string& channel = "wa") {
    return http_request(port, "POST", "/webhooks/" + channel,
                        {{"Content-Type", "application/json"},
                         {"X-Hub-Signature-256", "sha256=" + channels::hmac_sha256_hex(kAppSecret, body)}},
                        body);
  }
  HttpResult post_sms(const std::string& sid, const std::string& from, const std::string& text) {
    FormFields fields = {{"MessageSid", sid}, {"From", from}, {"To", "+15005550006"}, {"Body", text}};
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms";
    return http_request(port, "POST", "/webhooks/sms",
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"X-Twilio-Signature", channels::twilio_signature(kTwilioToken, url, fields)}},
                        form_encode(fields));
  }
  Headers agent(const char* token) {
    return {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}};
  }

  RedisServer redis;
  FakeProvider graph;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(MetaChannels, HandshakeWithTheRightAndAWrongVerifyToken) {
  auto ok = http_request(port, "GET", "/webhooks/wa?hub.mode=subscribe&hub.challenge=8812&hub.verify_token=verify-me-please");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "8812");
  EXPECT_EQ(http_request(port, "GET", "/webhooks/wa?hub.mode=subscribe&hub.challenge=8812&hub.verify_token=nope").status, 403);
  EXPECT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);
  std::string body = fixture("whatsapp_text.json");
  EXPECT_EQ(http_request(port, "POST", "/webhooks/wa", {{"X-Hub-Signature-256", "sha256=00"}}, body).status, 401);
}

TEST_F(MetaChannels, OnePersonOverSmsAndWhatsAppIsOneContactAndTeluguGoesToTheTeluguAgent) {
  for (const char* t : {kTelugu, kEnglish}) {
    ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(t), R"({"status":"available"})").status, 200);
  }
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);  // delivered twice: stored once
  ASSERT_EQ(post_sms("SM1", "+919876543210", "Also sent by SMS").status, 200);
  std::string wa_conv = redis.one({"GET", it_keys().thread("wa", "919876543210")});
  std::string sms_conv = redis.one({"GET", it_keys().thread("sms", "+919876543210")});
  ASSERT_NE(wa_conv, "(nil)");
  ASSERT_NE(sms_conv, "(nil)");
  std::string contact = redis.one({"HGET", it_keys().conversation(wa_conv), "contact"});
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(sms_conv), "contact"}), contact);
  EXPECT_EQ(redis.one({"HGET", it_keys().contact(contact), "name"}), "రవి తేజ");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(wa_conv), "message_count"}), "1");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(wa_conv), "language"}), "te");
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(wa_conv), "agent"}), "ravi");

  // Ravi answers in Telugu: the fake Graph API gets the Cloud API request.
  auto reply = http_request(port, "POST", "/v1/conversations/" + wa_conv + "/messages", agent(kTelugu),
                            R"({"text":"మీ ఆర్డర్ రేపు వస్తుంది"})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  ASSERT_TRUE(graph.wait_for(1, 10'000));
  auto sent = graph.received()[0];
  EXPECT_EQ(sent.target, "/v19.0/106540352242922/messages");
  EXPECT_EQ(sent.headers["authorization"], "Bearer EAAG-test");
  auto body = json::parse(sent.body);
  EXPECT_EQ(body.at("to"), "919876543210");
  EXPECT_EQ(body.at("text").at("body"), "మీ ఆర్డర్ రేపు వస్తుంది");
}

TEST_F(MetaChannels, AReplyAfterTheTwentyFourHourWindowIsA409WithTheReason) {
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(kTelugu), R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("wa", "919876543210")});
  ASSERT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "ravi");
  // The customer last wrote 25 hours ago.
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis.one({"HSET", it_keys().conversation(conv), "last_inbound_at", std::to_string(now - 25LL * 3600 * 1000)});
  auto late = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kTelugu), R"({"text":"Sorry for the wait"})");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(json::parse(late.body).at("error"), "whatsapp_window_closed");
  EXPECT_EQ(graph.received().size(), 0u);
}

TEST_F(MetaChannels, MessengerDeclaresTheSameWindowAndRefusesALateReplyWithItsOwnReason) {
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(kEnglish), R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_whatsapp(fixture("messenger_text.json"), "fb").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("fb", "6543210987654321")});
  ASSERT_NE(conv, "(nil)");
  ASSERT_EQ(redis.one({"HGET", it_keys().conversation(conv), "agent"}), "emma");
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis.one({"HSET", it_keys().conversation(conv), "last_inbound_at", std::to_string(now - 25LL * 3600 * 1000)});
  auto late = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kEnglish), R"({"text":"Sorry!"})");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(json::parse(late.body).at("error"), "reply_window_closed");
  EXPECT_NE(late.body.find("Messenger"), std::string::npos) << late.body;
  // Within the window the same reply goes out.
  redis.one({"HSET", it_keys().conversation(conv), "last_inbound_at", std::to_string(now - 3600 * 1000)});
  auto fine = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kEnglish), R"({"text":"Sorry!"})");
  EXPECT_EQ(fine.status, 202) << fine.body;
  ASSERT_TRUE(graph.wait_for(1, 10'000));
}

TEST_F(MetaChannels, OutsideTheWindowAConfiguredTemplateCarriesTheReply) {
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(kTelugu), R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json"), "wa2").status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("wa2", "919876543210")});
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis.one({"HSET", it_keys().conversation(conv), "last_inbound_at", std::to_string(now - 25LL * 3600 * 1000)});
  auto reply = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kTelugu),
                            R"({"text":"మీ రిఫండ్ పూర్తయింది"})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  ASSERT_TRUE(graph.wait_for(1, 10'000));
  auto sent = json::parse(graph.received()[0].body);
  EXPECT_EQ(graph.received()[0].target, "/v19.0/2000/messages");
  EXPECT_EQ(sent.at("type"), "template");
  EXPECT_EQ(sent.at("template").at("name"), "order_update");
  EXPECT_EQ(sent.at("template").at("language").at("code"), "te");
  EXPECT_EQ(sent.at("template").at("components").at(0).at("parameters").at(0).at("text"), "మీ రిఫండ్ పూర్తయింది");
  json::value view = json::parse(http_request(port, "GET", "/v1/conversations/" + conv, agent(kTelugu)).body);
  EXPECT_EQ(view.at("messages").as_array().back().at("template"), "order_update");
}

TEST_F(MetaChannels, GraphErrorAnswersAreRetriedWhenThrottledAndShownWhenFinal) {
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(kTelugu), R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("wa", "919876543210")});
  graph.script({{429, R"({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}})"},
                {200, R"({"messages":[{"id":"wamid.after.throttle"}]})"},
                {400, R"({"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026}})"}});
  auto first = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kTelugu), R"({"text":"one"})");
  ASSERT_EQ(first.status, 202);
  std::string m1 = std::string(json::parse(first.body).at("message").at("id").as_string());
  auto delivery = [&](const std::string& msg) {
    std::string raw = redis.one({"HGET", it_keys().delivery(conv), msg});
    return json::parse(raw);
  };
  eventually([&] { return delivery(m1).at("status") == "sent"; }, 10'000);
  EXPECT_EQ(delivery(m1).at("status"), "sent");  // throttled once, then through
  EXPECT_EQ(delivery(m1).at("provider_id"), "wamid.after.throttle");
  auto second = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kTelugu), R"({"text":"two"})");
  std::string m2 = std::string(json::parse(second.body).at("message").at("id").as_string());
  eventually([&] { return delivery(m2).at("status") == "failed"; }, 10'000);
  EXPECT_EQ(delivery(m2).at("status"), "failed");
  EXPECT_EQ(delivery(m2).at("reason"), "Graph API error 131026: (#131026) Message undeliverable");
  EXPECT_EQ(graph.received().size(), 3u);
}

std::string statuses(const std::string& id, const std::string& status) {
  json::object st{{"id", id}, {"status", status}, {"timestamp", "1795000100"}, {"recipient_id", "919876543210"}};
  if (status == "failed") st["errors"] = json::array{json::object{{"code", 131047}, {"title", "Re-engagement message"}}};
  return json::serialize(json::object{
      {"object", "whatsapp_business_account"},
      {"entry", json::array{json::object{{"id", "1"}, {"changes", json::array{json::object{
          {"field", "messages"}, {"value", json::object{{"messaging_product", "whatsapp"}, {"statuses", json::array{st}}}}}}}}}}});
}

TEST_F(MetaChannels, DeliveryStatusesMoveTheReplyForwardOnlyEvenWhenOneArrivesFirst) {
  ASSERT_EQ(http_request(port, "PUT", "/v1/agents/me/status", agent(kTelugu), R"({"status":"available"})").status, 200);
  ASSERT_EQ(post_whatsapp(fixture("whatsapp_text.json")).status, 200);
  std::string conv = redis.one({"GET", it_keys().thread("wa", "919876543210")});
  graph.script({{200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.out.early"}]})"}});
  // Meta's "delivered" can beat our record of the send: it is kept and applied when the send is recorded.
  ASSERT_EQ(post_whatsapp(statuses("wamid.out.early", "delivered")).status, 200);
  auto reply = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent(kTelugu), R"({"text":"రేపు వస్తుంది"})");
  ASSERT_EQ(reply.status, 202);
  std::string msg = std::string(json::parse(reply.body).at("message").at("id").as_string());
  auto delivery = [&] { return json::parse(redis.one({"HGET", it_keys().delivery(conv), msg})); };
  eventually([&] { return delivery().at("status") == "delivered"; }, 5'000);
  EXPECT_EQ(delivery().at("status"), "delivered") << json::serialize(delivery());
  EXPECT_EQ(delivery().at("provider_id"), "wamid.out.early");
  ASSERT_EQ(post_whatsapp(statuses("wamid.out.early", "read")).status, 200);
  EXPECT_EQ(delivery().at("status"), "read");
  ASSERT_EQ(post_whatsapp(statuses("wamid.out.early", "sent")).status, 200);  // late and out of order: ignored
  EXPECT_EQ(delivery().at("status"), "read");
  // The transcript shows it to the agent.
  auto view = http_request(port, "GET", "/v1/conversations/" + conv, agent(kTelugu));
  auto messages = json::parse(view.body).at("messages").as_array();
  EXPECT_EQ(messages.back().at("delivery").at("status"), "read");
}

TEST_F(MetaChannels, StatusOnlyAndUnknownTypesAreAcceptedAndStoreNothing) {
  EXPECT_EQ(post_whatsapp(fixture("whatsapp_status_only.json")).status, 200);
  EXPECT_EQ(post_whatsapp(fixture("whatsapp_unknown.json")).status, 200);
  EXPECT_EQ(stored_keys(redis), 0);
  EXPECT_EQ(post_whatsapp("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":"
                          "[{\"from\":\"91abc\",\"id\":\"x\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]}}]}]}").status,
            400);
}

}  // namespace
}  // namespace omniroute::testing
