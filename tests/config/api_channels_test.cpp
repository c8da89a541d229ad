// Channels given through the API: read as the file's entries are, problems named by field; secrets sealed
// with libsodium's secretbox and opened only with the same key; kept channels merged into their queues,
// and those that no longer fit left out with the reason.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "config/api_channels.hpp"
#include "config/loader.hpp"

namespace omniroute::config {
namespace {

namespace json = boost::json;

constexpr const char* kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

ChannelRegistry& kinds() {
  static ChannelRegistry registry = [] {
    ChannelRegistry r;
    register_builtin_channels(r);
    return r;
  }();
  return registry;
}

Config base() {
  return load_config_text("server: { public_url: \"https://support.example.in\" }\n"
                          "channels:\n  - { id: api, kind: webhook, secret: s3cret-0123 }\n"
                          "  - { id: mail, kind: email, address: help@example.in, imap: { url: \"imaps://imap.example.in/INBOX\","
                          " username: help, password: p }, smtp: { url: \"smtps://smtp.example.in\" } }\n"
                          "queues:\n  - { id: general, channels: [api, mail] }\n  - { id: vip, channels: [] }\n",
                          "omniroute.yaml", kinds());
}

std::map<std::string, std::string> fields_of(const std::vector<FieldProblem>& problems) {
  std::map<std::string, std::string> out;
  for (const auto& p : problems) out[p.field] = p.message;
  return out;
}

TEST(SecretBox, SealsWithAFreshNonceAndOpensOnlyWithTheSameKey) {
  auto box = SecretBox::from_key_text(std::string(kKey) + "\n");
  ASSERT_TRUE(box);
  const std::string plain = "EAAG-टोकन-తెలుగు";
  std::string a = box->seal(plain), b = box->seal(plain);
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("sb1:"));
  EXPECT_EQ(a.find("EAAG"), std::string::npos);
  EXPECT_EQ(box->open(a), plain);
  auto other = SecretBox::from_key_text(SecretBox::new_key_text());
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->open(a));
  std::string tampered = a;
  tampered[tampered.size() - 1] = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(box->open(tampered));
  EXPECT_FALSE(box->open("plain-text"));
  EXPECT_FALSE(SecretBox::from_key_text("too-short"));
  EXPECT_FALSE(SecretBox::from_key_text(std::string(kKey).replace(0, 1, "z")));
}

TEST(ApiChannels, ProblemsAreNamedByFieldNestedKeysIncluded) {
  Config cfg = base();
  auto tg = read_api_channel("tg", json::parse(R"({"kind":"telegram","mode":"sideways","colour":"red"})").as_object(), cfg, kinds());
  ASSERT_FALSE(tg);
  auto f = fields_of(tg.error());
  EXPECT_EQ(f["bot_token"], "required");
  EXPECT_EQ(f["mode"], "'sideways' is not one of webhook, polling");
  EXPECT_TRUE(f.count("colour"));
  auto mail = read_api_channel("m2", json::parse(R"({"kind":"email","address":"a@b.in","imap":{"url":"ftp://x","username":"u","password":"p","colur":1},"smtp":{"url":"smtps://s"}})").as_object(),
                               cfg, kinds());
  ASSERT_FALSE(mail);
  f = fields_of(mail.error());
  EXPECT_TRUE(f.count("imap.url")) << mail.error().front().field;
  EXPECT_TRUE(f.count("imap.colur"));
  auto env = read_api_channel("w", json::parse(R"({"kind":"webhook","secret":"${HOME}"})").as_object(), cfg, kinds());
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().front().field, "secret");
  auto chat = read_api_channel("site", json::parse(R"({"kind":"webchat","secret":"s3cret-0123","allowed_origins":["https://shop.example.in"],"offline_email":"api"})").as_object(),
                               cfg, kinds());
  ASSERT_FALSE(chat);
  EXPECT_EQ(chat.error().front().field, "offline_email");
  auto good = read_api_channel("site", json::parse(R"({"kind":"webchat","secret":"s3cret-0123","allowed_origins":["https://shop.example.in"],"offline_email":"mail"})").as_object(),
                               cfg, kinds());
  ASSERT_TRUE(good) << good.error().front().message;
  EXPECT_TRUE(good->from_api);
  EXPECT_EQ(good->settings.get("offline_email"), "mail");
}

TEST(ApiChannels, AutoAcknowledgementsAndRatingsAreReadAsTheFilesAreWithTheirProblemsByField) {
  Config cfg = base();
  auto sms = read_api_channel("sms2", json::parse(R"({"kind":"twilio_sms","account_sid":"AC0123456789abcdef0123456789abcdef",)"
                                                  R"("auth_token":"t0ken","from":"+919812345678",)"
                                                  R"("auto_ack":{"en":"Thanks! We reply in about {eta}.","hi":"धन्यवाद! लगभग {eta} में जवाब देंगे।"},)"
                                                  R"("csat":{"window":"2h","templates":{"te":"మా సేవ ఎలా ఉంది? 1-5 పంపండి"}}})")
                                           .as_object(),
                              cfg, kinds());
  ASSERT_TRUE(sms) << sms.error().front().field << ": " << sms.error().front().message;
  EXPECT_EQ(sms->auto_ack.at("hi"), "धन्यवाद! लगभग {eta} में जवाब देंगे।");
  ASSERT_TRUE(sms->csat);
  EXPECT_EQ(sms->csat->window.count(), 2 * 3600 * 1000);
  EXPECT_EQ(sms->csat->templates.at("te"), "మా సేవ ఎలా ఉంది? 1-5 పంపండి");
  auto chat = read_api_channel("site2", json::parse(R"({"kind":"webchat","secret":"s3cret-0123","allowed_origins":["https://shop.example.in"],"csat":true})").as_object(),
                               cfg, kinds());
  ASSERT_TRUE(chat) << chat.error().front().message;
  EXPECT_TRUE(chat->csat);
  auto bad = read_api_channel("w2", json::parse(R"({"kind":"webhook","secret":"s","auto_ack":{"en":""},"csat":{"window":"2h"}})").as_object(),
                              cfg, kinds());
  ASSERT_FALSE(bad);
  auto f = fields_of(bad.error());
  EXPECT_EQ(f["auto_ack.en"], "a template is 1 to 1000 bytes");
  EXPECT_TRUE(f.count("csat.templates")) << bad.error().front().field;
  auto renamed = read_api_channel("w3", json::parse(R"({"kind":"webhook","secret":"s","id":"other"})").as_object(), cfg, kinds());
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().front().field, "id");
}

TEST(ApiChannels, KeptChannelsJoinTheirQueuesAndThoseThatNoLongerFitAreSaid) {
  Config cfg = base();
  auto box = SecretBox::from_key_text(kKey);
  cfg.server.secrets = std::make_shared<const SecretBox>(*box);
  ApiChannelDocument tg{"telegram", "vip", true, json::object{{"bot_token", box->seal("1:abc")}, {"secret_token", box->seal("tg-secret")}}};
  ApiChannelDocument off{"webhook", "vip", false, json::object{{"secret", box->seal("s")}}};
  ApiChannelDocument lost{"webhook", "gone", true, json::object{{"secret", box->seal("s")}}};
  ApiChannelDocument shadow{"webhook", "vip", true, json::object{{"secret", box->seal("s")}}};
  auto other = SecretBox::from_key_text(SecretBox::new_key_text());
  ApiChannelDocument rekeyed{"webhook", "vip", true, json::object{{"secret", other->seal("s")}}};
  std::vector<std::string> skipped;
  Config merged = with_api_channels(cfg, {{"tg", serialize(tg)}, {"off", serialize(off)}, {"lost", serialize(lost)},
                                          {"api", serialize(shadow)}, {"rekeyed", serialize(rekeyed)}},
                                    "7", kinds(), &skipped);
  EXPECT_EQ(merged.api_channels_version, "7");
  ASSERT_EQ(merged.channels.size(), 3u);
  EXPECT_EQ(merged.channels.back().settings.id, "tg");
  EXPECT_EQ(merged.channels.back().settings.get("bot_token"), "1:abc");
  EXPECT_EQ(merged.default_queue("tg")->id, "vip");
  ASSERT_EQ(skipped.size(), 3u);
  EXPECT_EQ(skipped[0], "api: the configuration file defines a channel with this id");
  EXPECT_EQ(skipped[1], "lost: its queue 'gone' is not in the configuration");
  EXPECT_NE(skipped[2].find("rekeyed: its secrets do not open"), std::string::npos);
}

}  // namespace
}  // namespace omniroute::config
