// WhatsApp, Messenger and Instagram webhooks, from fixtures written after
// Meta's documentation (tests/fixtures/meta): the verification handshake,
// X-Hub-Signature-256, batched entries, media, location and shared contacts
// as text, status-only deliveries and unknown types accepted with nothing to
// route, echoes of our own sends skipped; and the Graph API send requests.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "common/signing.hpp"
#include "meta/meta_channel.hpp"

namespace omniroute::channels {
namespace {

namespace json = boost::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/tests/fixtures/meta/" + name);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

std::unique_ptr<Channel> make(const ChannelKind& kind, const std::string& id) {
  ChannelSettings s;
  s.id = id;
  s.kind = kind.name;
  s.values = {{"app_secret", "meta-app-secret"}, {"verify_token", "verify-me-please"},
              {"access_token", "EAAG-wa"}, {"phone_number_id", "106540352242922"},
              {"page_access_token", "EAAG-page"}, {"page_id", "113322554466"},
              {"api_base", "https://graph.facebook.com/v19.0"}};
  return kind.create(s);
}

WebhookResult post(const Channel& ch, const std::string& body, const std::string& secret = "meta-app-secret") {
  static std::string signature;
  signature = "sha256=" + hmac_sha256_hex(secret, body);
  InboundRequest r;
  r.method = "POST";
  r.target = "/webhooks/" + ch.id();
  r.body = body;
  r.headers = {{"X-Hub-Signature-256", signature}};
  return ch.on_webhook(r);
}

WebhookResult get(const Channel& ch, const std::string& target) {
  InboundRequest r;
  r.method = "GET";
  r.target = target;
  return ch.on_webhook(r);
}

TEST(MetaHandshake, TheRightVerifyTokenGetsTheChallengeBackTheWrongOne403) {
  auto wa = make(whatsapp_kind(), "wa");
  auto ok = get(*wa, "/webhooks/wa?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me-please");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "1158201444");
  EXPECT_TRUE(ok->messages.empty());
  auto wrong = get(*wa, "/webhooks/wa?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().status, 403);
  EXPECT_EQ(wrong.error().code, "bad_verify_token");
  EXPECT_EQ(get(*wa, "/webhooks/wa").error().status, 400);
}

TEST(MetaSignature, BadOrMissingSignaturesAre401) {
  auto wa = make(whatsapp_kind(), "wa");
  std::string body = fixture("whatsapp_text.json");
  EXPECT_TRUE(post(*wa, body));
  EXPECT_EQ(post(*wa, body, "another-secret").error().status, 401);
  InboundRequest unsigned_request;
  unsigned_request.method = "POST";
  unsigned_request.body = body;
  EXPECT_EQ(wa->on_webhook(unsigned_request).error().code, "bad_signature");
}

TEST(WhatsAppInbound, ATeluguTextIsOneMessageFromTheE164Number) {
  auto wa = make(whatsapp_kind(), "wa");
  auto r = post(*wa, fixture("whatsapp_text.json"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->messages.size(), 1u);
  const Message& m = r->messages[0];
  EXPECT_EQ(m.channel_kind, "whatsapp");
  EXPECT_EQ(m.contact_handle, "+919876543210");  // the same handle Twilio gives this person
  EXPECT_EQ(m.handle_kind, "phone");
  EXPECT_EQ(m.contact_name, "రవి తేజ");
  EXPECT_EQ(m.thread_key, "919876543210");
  EXPECT_EQ(m.text, "నమస్కారం, నా ఆర్డర్ #4512 ఇంకా రాలేదు");
  EXPECT_EQ(m.provider_time_ms, 1'795'000'000'000);
}

TEST(WhatsAppInbound, ATimestampNoClockCouldShowIsUnknownNotAnOverflow) {
  // Found by fuzz_social_bodies under UBSan: seconds × 1000 overflowed for a huge "timestamp".
  auto wa = make(whatsapp_kind(), "wa");
  std::string body = fixture("whatsapp_text.json");
  const std::string real = "\"1795000000\"";
  ASSERT_NE(body.find(real), std::string::npos);
  body.replace(body.find(real), real.size(), "\"99999999999999999\"");
  auto r = post(*wa, body);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_EQ(r->messages[0].provider_time_ms, 0);  // unknown, as when there is none
}

TEST(WhatsAppInbound, BatchedEntriesGiveEveryMessageAndSkipStatuses) {
  auto wa = make(whatsapp_kind(), "wa");
  auto r = post(*wa, fixture("whatsapp_batched.json"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->messages.size(), 3u);
  EXPECT_EQ(r->messages[0].text, "मेरा रिफंड कब आएगा?");
  EXPECT_EQ(r->messages[0].contact_name, "Asha");
  EXPECT_EQ(r->messages[1].contact_handle, "+16315551181");
  EXPECT_EQ(r->messages[2].provider_id, "wamid.batch.3");
}

TEST(WhatsAppInbound, MediaLocationAndContactsReadAsText) {
  auto wa = make(whatsapp_kind(), "wa");
  auto r = post(*wa, fixture("whatsapp_media.json"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->messages.size(), 4u);
  EXPECT_EQ(r->messages[0].text, "The box arrived crushed");
  ASSERT_EQ(r->messages[0].attachments.size(), 1u);
  EXPECT_EQ(r->messages[0].attachments[0].content_type, "image/jpeg");
  EXPECT_EQ(r->messages[0].attachments[0].url, "whatsapp-media:1234567890");
  EXPECT_EQ(r->messages[1].attachments[0].name, "invoice-4512.pdf");
  EXPECT_EQ(r->messages[2].text, "📍 Location: Charminar, Hyderabad, Telangana (17.385, 78.4867)");
  EXPECT_EQ(r->messages[3].text, "Shared contact: Priya Sharma +91 98765 00000;");
}

TEST(WhatsAppInbound, StatusOnlyAndUnknownTypesAreAcceptedWithNothingToRoute) {
  auto wa = make(whatsapp_kind(), "wa");
  for (const char* name : {"whatsapp_status_only.json", "whatsapp_unknown.json"}) {
    auto r = post(*wa, fixture(name));
    ASSERT_TRUE(r) << name << ": " << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->messages.empty()) << name;
  }
  EXPECT_EQ(post(*wa, R"({"object":"page","entry":[]})").error().code, "invalid_field");
  EXPECT_EQ(post(*wa, "{not json").error().code, "invalid_json");
  EXPECT_EQ(post(*wa, "\xff\xfe").error().code, "invalid_utf8");
}

TEST(MessengerInbound, TextAndAttachmentsNotEchoesDeliveriesOrReads) {
  auto fb = make(messenger_kind(), "fb");
  auto r = post(*fb, fixture("messenger_text.json"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[0].text, "Hola! ¿Dónde está mi pedido?");
  EXPECT_EQ(r->messages[0].contact_handle, "6543210987654321");
  EXPECT_EQ(r->messages[0].handle_kind, "fb");  // page-scoped: means nothing outside this channel
  EXPECT_EQ(r->messages[0].channel_kind, "messenger");
  ASSERT_EQ(r->messages[1].attachments.size(), 1u);
  EXPECT_EQ(r->messages[1].attachments[0].url, "https://scontent.example/photo.jpg");
}

TEST(InstagramInbound, ATeluguDirectMessage) {
  auto ig = make(instagram_kind(), "ig");
  auto r = post(*ig, fixture("instagram_text.json"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_EQ(r->messages[0].text, "ఈ చీర ఇంకా స్టాక్‌లో ఉందా?");
  EXPECT_EQ(r->messages[0].channel_kind, "instagram");
}

TEST(MetaOutbound, GraphApiRequestsAndTheirAnswers) {
  auto wa = make(whatsapp_kind(), "wa");
  auto call = wa->build_send({"v1", "m9", "919876543210", "మీ ఆర్డర్ రేపు వస్తుంది"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->url, "https://graph.facebook.com/v19.0/106540352242922/messages");
  auto body = json::parse(call->body);
  EXPECT_EQ(body.at("to"), "919876543210");
  EXPECT_EQ(body.at("text").at("body"), "మీ ఆర్డర్ రేపు వస్తుంది");
  EXPECT_EQ(call->headers[0].second, "Bearer EAAG-wa");
  auto sent = wa->read_send_answer(200, R"({"messaging_product":"whatsapp","contacts":[{"input":"919876543210","wa_id":"919876543210"}],"messages":[{"id":"wamid.out.9"}]})");
  EXPECT_EQ(sent.kind, SendResult::Kind::sent);
  EXPECT_EQ(sent.provider_id, "wamid.out.9");
  auto throttled = wa->read_send_answer(400, R"({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"fbtrace_id":"A"}})");
  EXPECT_EQ(throttled.kind, SendResult::Kind::retry);  // even as a 400: throttling, not a bad request
  auto window = wa->read_send_answer(400, R"({"error":{"message":"Re-engagement message","code":131047}})");
  EXPECT_EQ(window.kind, SendResult::Kind::failed);
  EXPECT_NE(window.reason.find("131047"), std::string::npos);

  auto fb = make(messenger_kind(), "fb");
  auto page = fb->build_send({"v2", "m10", "6543210987654321", "Hola"});
  EXPECT_EQ(page->url, "https://graph.facebook.com/v19.0/113322554466/messages");
  EXPECT_EQ(json::parse(page->body).at("recipient").at("id"), "6543210987654321");
  EXPECT_EQ(fb->read_send_answer(200, R"({"recipient_id":"6543210987654321","message_id":"m_out_1"})").provider_id, "m_out_1");
}

}  // namespace
}  // namespace omniroute::channels
