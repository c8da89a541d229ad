// Delivering agents' replies to providers, which are real HTTP servers on
// loopback: signed generic replies, Twilio's Messages API, retries on 5xx and
// timeouts (never on 4xx), and dead-lettering.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"
#include "omniroute/text.hpp"
#include "omniroute/url_query.hpp"
#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

class Outbound : public ::testing::Test {
 protected:
  Outbound()
      : port(free_port()),
        daemon("server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  public_url: http://127.0.0.1:" +
                   std::to_string(port) + "\n  threads: 2\n  admin_token: " + kAdmin + "\nredis:\n  url: " + redis.url() +
                   "\n  workspace: it\noutbound:\n  timeout: 500ms\n  retry_base: 100ms\n  retry_max: 400ms\n"
                   "  max_attempts: 3\nchannels:\n"
                   "  - { id: api, kind: webhook, secret: " + std::string(kApiSecret) + ", reply_url: \"" +
                   crm.url() + "/replies\" }\n"
                   "  - { id: sms, kind: twilio_sms, account_sid: AC0123, auth_token: tw-token, from: \"+15005550006\","
                   " api_base: \"" + twilio.url() + "\" }\n"
                   "queues:\n  - { id: general, channels: [api, sms] }\n"
                   "agents:\n  - { id: asha, token: " + kAsha + ", capacity: { chat: 5, sms: 5 } }\n",
               port) {
    auto r = http_request(port, "PUT", "/v1/agents/me/status", auth(), R"({"status":"available"})");
    EXPECT_EQ(r.status, 200);
  }

  Headers auth() { return {{"Authorization", std::string("Bearer ") + kAsha}, {"Content-Type", "application/json"}}; }

  /// An SMS from `phone` (signed as Twilio signs), assigned to asha; its conversation id.
  std::string sms_from(const std::string& sid, const std::string& phone) {
    FormFields fields = {{"MessageSid", sid}, {"From", phone}, {"Body", "hi"}};
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms";
    EXPECT_EQ(http_request(port, "POST", "/webhooks/sms",
                           {{"X-Twilio-Signature", channels::twilio_signature("tw-token", url, fields)}},
                           form_encode(fields)).status, 200);
    return redis.one({"GET", it_keys().thread("sms", phone)});
  }

  /// A conversation from cust-1 on the generic channel, assigned to asha, and her reply to it.
  std::string reply_on_api(const std::string& text) {
    EXPECT_EQ(post_message(port, "in-1", "cust-1", "hello").status, 200);
    std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
    auto r = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", auth(), json::serialize(json::object{{"text", text}}));
    EXPECT_EQ(r.status, 202) << r.body;
    return conv;
  }

  /// The reply's delivery object once its status is `want` (bounded wait), else the last seen.
  json::object delivery_when(const std::string& conv, const std::string& want) {
    json::object last;
    eventually([&] {
      auto r = http_request(port, "GET", "/v1/conversations/" + conv, auth());
      auto msgs = json::parse(r.body).at("messages").as_array();
      last = msgs.back().at("delivery").as_object();
      return last.at("status") == want.c_str();
    }, 5'000);
    return last;
  }

  FakeProvider crm, twilio;
  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(Outbound, ReplyIsPostedToReplyUrlSignedLikeInbound) {
  crm.script({{200, "{}"}});
  std::string conv = reply_on_api("धन्यवाद! మీ ఆర్డర్ వస్తోంది 📦");
  ASSERT_TRUE(crm.wait_for(1));
  auto req = crm.received()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/replies");
  EXPECT_EQ(req.headers["x-omniroute-signature"], "sha256=" + hmac_sha256_hex(kApiSecret, req.body));
  auto body = json::parse(req.body).as_object();
  EXPECT_EQ(body.at("to"), "cust-1");
  EXPECT_EQ(body.at("conversation_id").as_string(), conv);
  EXPECT_EQ(body.at("text"), "धन्यवाद! మీ ఆర్డర్ వస్తోంది 📦");
  auto d = delivery_when(conv, "sent");
  EXPECT_EQ(d.at("status"), "sent");
  EXPECT_EQ(d.at("attempts"), 1);
  auto m = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(m.find("omniroute_messages_sent_total{channel=\"api\",result=\"sent\"} 1\n"), std::string::npos) << m;
}

TEST_F(Outbound, ProviderFailingTwiceWith500IsDeliveredOnceOnTheThirdTry) {
  crm.script({{500, "oops"}, {500, "oops"}, {200, "{}"}});
  std::string conv = reply_on_api("hello");
  auto d = delivery_when(conv, "sent");
  EXPECT_EQ(d.at("status"), "sent");
  EXPECT_EQ(d.at("attempts"), 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(crm.received().size(), 3u);
}

TEST_F(Outbound, A400IsNotRetriedAndItsReasonIsShown) {
  crm.script({{400, R"({"error":"unknown recipient"})"}});
  std::string conv = reply_on_api("hello");
  auto d = delivery_when(conv, "failed");
  EXPECT_EQ(d.at("status"), "failed");
  EXPECT_NE(std::string(d.at("reason").as_string()).find("HTTP 400"), std::string::npos);
  EXPECT_FALSE(crm.wait_for(2, 800)) << "a 4xx answer was retried";
}

TEST_F(Outbound, AProvidersHindiErrorIsKeptWholeCharactersAndTheFailedReplyShowsFailedEverywhere) {
  // 250 bytes of Devanagari (3 bytes a letter) after a 1-byte prefix: any cut at 200 bytes not on a
  // character boundary leaves half a letter; and the body is long, so it is cut.
  std::string hindi = "x";
  while (hindi.size() < 600) hindi += "त्रुटि: प्राप्तकर्ता अमान्य है। ";
  crm.script({{503, hindi}, {503, hindi}, {503, hindi}});
  std::string conv = reply_on_api("नमस्ते");
  auto d = delivery_when(conv, "failed");
  ASSERT_EQ(d.at("status"), "failed") << json::serialize(d);
  const std::string reason(d.at("reason").as_string());
  EXPECT_TRUE(is_valid_utf8(reason)) << reason;
  EXPECT_NE(reason.find("त्रुटि"), std::string::npos) << reason;
  ASSERT_TRUE(eventually([&] { return redis.one({"XLEN", it_keys().dead_letters()}) == "1"; }));
  auto channels = as_bearer(port, kAdmin, "GET", "/v1/channels");
  ASSERT_EQ(channels.status, 200);
  EXPECT_TRUE(is_valid_utf8(channels.body));
  auto dead = as_bearer(port, kAdmin, "GET", "/v1/outbox/dead");
  ASSERT_EQ(dead.status, 200);
  EXPECT_TRUE(is_valid_utf8(dead.body));
  const std::string dead_reason(json::parse(dead.body).at("dead_letters").at(0).at("reason").as_string());
  EXPECT_NE(dead_reason.find("त्रुटि"), std::string::npos) << dead.body;
  // The transcript the agent reads says failed too, never queued.
  auto view = json::parse(http_request(port, "GET", "/v1/conversations/" + conv, auth()).body);
  EXPECT_EQ(view.at("messages").as_array().back().at("delivery").at("status"), "failed");
}

TEST_F(Outbound, AHangingProviderTimesOutAndIsRetried) {
  crm.script({{.hang = true}, {200, "{}"}});
  std::string conv = reply_on_api("hello");
  auto d = delivery_when(conv, "sent");
  EXPECT_EQ(d.at("status"), "sent");
  EXPECT_EQ(d.at("attempts"), 2);
}

TEST_F(Outbound, ADeadLetterRetriedByTheAdminIsDeliveredOnceAndTheChannelSaysWhatHappened) {
  crm.script({{503, "busy"}, {503, "busy"}, {503, "busy"}}, {200, "{}"});
  std::string conv = reply_on_api("ఒకసారి మాత్రమే — once only");
  ASSERT_EQ(delivery_when(conv, "failed").at("status"), "failed");
  ASSERT_TRUE(eventually([&] { return redis.one({"XLEN", it_keys().dead_letters()}) == "1"; }));
  auto listed = as_bearer(port, kAdmin, "GET", "/v1/outbox/dead");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto dead = json::parse(listed.body).at("dead_letters").as_array();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].at("text"), "ఒకసారి మాత్రమే — once only");
  EXPECT_NE(std::string(dead[0].at("reason").as_string()).find("gave up"), std::string::npos) << listed.body;
  auto health = json::parse(as_bearer(port, kAdmin, "GET", "/v1/channels").body).at("channels").as_array();
  const auto& api = health[0].as_object();
  EXPECT_EQ(api.at("id"), "api");
  EXPECT_EQ(api.at("outbound").at("dead"), 1);
  EXPECT_FALSE(api.at("last_inbound_at").is_null());
  EXPECT_NE(std::string(api.at("last_error").at("message").as_string()).find("gave up"), std::string::npos);

  const std::string id(dead[0].at("id").as_string());
  EXPECT_EQ(as_bearer(port, kAsha, "POST", "/v1/outbox/dead/" + id + "/retry").status, 401);
  EXPECT_EQ(as_bearer(port, kAdmin, "POST", "/v1/outbox/dead/" + id + "/retry").status, 200);
  EXPECT_EQ(as_bearer(port, kAdmin, "POST", "/v1/outbox/dead/" + id + "/retry").status, 404);  // once
  EXPECT_EQ(delivery_when(conv, "sent").at("status"), "sent");
  EXPECT_EQ(redis.one({"XLEN", it_keys().dead_letters()}), "0");
  EXPECT_EQ(crm.received().size(), 4u);  // three refused, then the retried one, once
}

TEST_F(Outbound, AfterMaxAttemptsTheMessageIsDeadLettered) {
  crm.script({}, {503, "busy"});
  std::string conv = reply_on_api("hello");
  auto d = delivery_when(conv, "failed");
  EXPECT_EQ(d.at("status"), "failed");
  EXPECT_NE(std::string(d.at("reason").as_string()).find("gave up after 3 attempts"), std::string::npos);
  EXPECT_EQ(redis.one({"XLEN", it_keys().dead_letters()}), "1");
  EXPECT_EQ(crm.received().size(), 3u);
}

TEST_F(Outbound, TwilioRepliesGoThroughTheMessagesApiWithBasicAuth) {
  twilio.script({{201, R"({"sid":"SM0123456789","status":"queued"})"}});
  FormFields fields = {{"MessageSid", "SM1"}, {"From", "+919876543210"}, {"Body", "नमस्ते"}};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms";
  auto in = http_request(port, "POST", "/webhooks/sms",
                         {{"X-Twilio-Signature", channels::twilio_signature("tw-token", url, fields)}},
                         "MessageSid=SM1&From=%2B919876543210&Body=%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87");
  ASSERT_EQ(in.status, 200) << in.body;
  std::string conv = redis.one({"GET", it_keys().thread("sms", "+919876543210")});
  auto r = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", auth(), R"({"text":"नमस्ते जी"})");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(twilio.wait_for(1));
  auto req = twilio.received()[0];
  EXPECT_EQ(req.target, "/2010-04-01/Accounts/AC0123/Messages.json");
  EXPECT_EQ(req.headers["authorization"], "Basic QUMwMTIzOnR3LXRva2Vu");  // base64("AC0123:tw-token")
  EXPECT_EQ(req.body, "To=%2B919876543210&From=%2B15005550006&Body=%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87%20%E0%A4%9C%E0%A5%80");
  auto d = delivery_when(conv, "sent");
  EXPECT_EQ(d.at("provider_id"), "SM0123456789");
  EXPECT_EQ(d.at("encoding"), "UCS-2");  // Hindi: what the reply cost
  EXPECT_EQ(d.at("segments"), 1);
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_sms_segments_total{channel=\"sms\",encoding=\"UCS-2\"} 1"), std::string::npos) << metrics;

  // Twilio's status callbacks move it on: delivered, then (a carrier's late word) undelivered.
  auto callback = [&](const std::string& status, const std::string& error) {
    FormFields f = {{"MessageSid", "SM0123456789"}, {"MessageStatus", status}, {"AccountSid", "AC0123"}};
    if (!error.empty()) f.push_back({"ErrorCode", error});
    return http_request(port, "POST", "/webhooks/sms",
                        {{"X-Twilio-Signature", channels::twilio_signature("tw-token", url, f)},
                         {"Content-Type", "application/x-www-form-urlencoded"}},
                        form_encode(f));
  };
  ASSERT_EQ(callback("delivered", "").status, 200);
  EXPECT_EQ(delivery_when(conv, "delivered").at("status"), "delivered");
  ASSERT_EQ(callback("sent", "").status, 200);  // out of order: ignored
  ASSERT_EQ(callback("undelivered", "30007").status, 200);
  auto failed = delivery_when(conv, "failed");
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_EQ(failed.at("reason"), "Twilio undelivered (error 30007)");
}

TEST_F(Outbound, AnSmsReplyOverTheProvidersLimitGoesAsNumberedPartsCutBetweenWords) {
  twilio.script({}, {201, R"({"sid":"SM1","status":"queued"})"});
  std::string conv = sms_from("SM9", "+919876543210");
  // About 3,400 characters of Telugu and English words: Twilio takes at most 1,600 per message.
  std::string text;
  for (int i = 0; text.size() < 9000; ++i) text += "మీ రీఫండ్ ప్రాసెస్ అవుతోంది, order " + std::to_string(i) + ". ";
  text.pop_back();
  auto r = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", auth(),
                        json::serialize(json::object{{"text", text}}));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto parts = json::parse(r.body).at("messages").as_array();
  ASSERT_EQ(parts.size(), 3u) << r.body;
  ASSERT_TRUE(twilio.wait_for(3));
  std::map<std::string, std::string> bodies;  // by their "(i/3) " number: delivery order is not guaranteed
  for (const auto& req : twilio.received()) {
    auto form = parse_form(req.body);
    ASSERT_TRUE(form);
    const std::string body = *form_value(*form, "Body");
    // At most 1,600 UTF-16 units (these are all in the BMP: one unit per code point).
    std::size_t units = 0;
    for (unsigned char c : body) units += (c & 0xC0) != 0x80;
    EXPECT_LE(units, 1600u);
    bodies[body.substr(0, 6)] = body.substr(6);
  }
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies.begin()->first, "(1/3) ");
  // Cut at white space: put back together with one space between parts, the reply is whole.
  EXPECT_EQ(bodies["(1/3) "] + " " + bodies["(2/3) "] + " " + bodies["(3/3) "], text);
  // The transcript shows what the customer got, part by part.
  auto view = json::parse(http_request(port, "GET", "/v1/conversations/" + conv, auth()).body);
  EXPECT_EQ(view.at("messages").as_array().size(), 4u);
}

TEST_F(Outbound, AReplyTooLongEvenInPartsIsRefusedNamingTheLimitAndNothingIsQueued) {
  std::string conv = reply_on_api("first");  // on the generic channel, which takes any length
  // Delivered first: its outbox entry goes away when it is, which would move the count under our feet.
  ASSERT_EQ(delivery_when(conv, "sent").at("status"), "sent");
  std::string sms_conv = sms_from("SM8", "+919800000000");
  const std::string outbox_before = redis.one({"XLEN", it_keys().outbox()});
  auto r = http_request(port, "POST", "/v1/conversations/" + sms_conv + "/messages", auth(),
                        json::serialize(json::object{{"text", std::string(300 * 1024, 'a')}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"error\":\"reply_too_long\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("1600"), std::string::npos) << r.body;
  EXPECT_EQ(redis.one({"XLEN", it_keys().outbox()}), outbox_before);
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(sms_conv), "message_count"}), "1");
}

}  // namespace
}  // namespace omniroute::testing
