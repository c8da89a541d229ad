// twilio_sms: X-Twilio-Signature and inbound SMS/MMS parsing.

#include <gtest/gtest.h>

#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::channels {
namespace {

// Twilio's published example (https://www.twilio.com/docs/usage/security).
const FormFields kExampleFields = {{"CallSid", "CA1234567890ABCDE"},
                                   {"Caller", "+14158675309"},
                                   {"Digits", "1234"},
                                   {"From", "+14158675309"},
                                   {"To", "+18005551212"}};
constexpr const char* kExampleSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

std::unique_ptr<Channel> make_channel() {
  ChannelSettings s;
  s.id = "sms";
  s.kind = "twilio_sms";
  s.values = {{"auth_token", "12345"}, {"account_sid", "AC1"}, {"from", "+15005550006"}};
  return twilio_sms_kind().create(s);
}

WebhookResult deliver(const Channel& ch, const std::string& body, const std::string& signature,
                      const std::string& target = "/myapp.php?foo=1&bar=2") {
  InboundRequest r;
  r.method = "POST";
  r.target = target;
  r.body = body;
  r.public_url = "https://mycompany.com";
  r.headers = {{"X-Twilio-Signature", signature}};
  return ch.on_webhook(r);
}

TEST(TwilioSignature, MatchesTwilioPublishedExample) {
  EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", kExampleFields),
            kExampleSignature);
}

TEST(TwilioSignature, FieldOrderInTheBodyDoesNotMatter) {
  FormFields shuffled(kExampleFields.rbegin(), kExampleFields.rend());
  EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", shuffled), kExampleSignature);
}

TEST(TwilioSignature, ChannelAcceptsThePublishedExampleRequest) {
  auto ch = make_channel();
  FormFields fields = kExampleFields;
  fields.push_back({"MessageSid", "SM0001"});
  fields.push_back({"Body", "hello"});
  std::string sig = twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", fields);
  auto r = deliver(*ch, form_encode(fields), sig);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->content_type, "text/xml; charset=utf-8");
  EXPECT_NE(r->body.find("<Response/>"), std::string::npos);
}

TEST(TwilioSignature, RejectsTamperedBody) {
  auto ch = make_channel();
  FormFields fields = {{"MessageSid", "SM1"}, {"From", "+14158675309"}, {"Body", "refund please"}};
  std::string sig = twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", fields);
  fields[2].second = "refund NOW";
  auto r = deliver(*ch, form_encode(fields), sig);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
  EXPECT_EQ(r.error().code, "bad_signature");
}

TEST(TwilioSignature, RejectsMissingSignature) {
  auto ch = make_channel();
  auto r = deliver(*ch, form_encode({{"MessageSid", "SM1"}, {"From", "+1415"}}), "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
}

TEST(TwilioSignature, SignsParametersTwilioAddsWithoutNotice) {
  auto ch = make_channel();
  FormFields fields = {{"MessageSid", "SM1"}, {"From", "+14158675309"}, {"Body", "hi"}, {"BrandNewParam", "x"}};
  std::string without_new = twilio_signature("12345", "https://mycompany.com/w", {fields.begin(), fields.end() - 1});
  EXPECT_FALSE(deliver(*ch, form_encode(fields), without_new, "/w"));
  EXPECT_TRUE(deliver(*ch, form_encode(fields), twilio_signature("12345", "https://mycompany.com/w", fields), "/w"));
}

TEST(TwilioInbound, ParsesTeluguSmsAndMmsMediaAsAttachments) {
  FormFields fields = {{"MessageSid", "MM42"},
                       {"From", "+919876543210"},
                       {"To", "+15005550006"},
                       {"Body", "నమస్కారం, నా ఆర్డర్ ఎక్కడ ఉంది?"},
                       {"NumMedia", "2"},
                       {"MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM42/Media/ME1"},
                       {"MediaContentType0", "image/jpeg"},
                       {"MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM42/Media/ME2"},
                       {"MediaContentType1", "application/pdf"}};
  auto m = parse_twilio_inbound(fields, "sms");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->provider_id, "MM42");
  EXPECT_EQ(m->contact_handle, "+919876543210");
  EXPECT_EQ(m->handle_kind, "phone");
  EXPECT_EQ(m->text, "నమస్కారం, నా ఆర్డర్ ఎక్కడ ఉంది?");
  ASSERT_EQ(m->attachments.size(), 2u);
  EXPECT_EQ(m->attachments[0].content_type, "image/jpeg");
  EXPECT_EQ(m->attachments[1].name, "ME2");
}

TEST(TwilioInbound, TheSenderIsOneE164HandleWhateverFormItCameIn) {
  auto wa = parse_twilio_inbound({{"MessageSid", "SM7"}, {"From", "whatsapp:+919876543210"}, {"Body", "hi"}}, "sms");
  ASSERT_TRUE(wa);
  EXPECT_EQ(wa->contact_handle, "+919876543210");     // the same contact as the SMS sender
  EXPECT_EQ(wa->thread_key, "whatsapp:+919876543210");  // replies go back the way it came
  auto national = parse_twilio_inbound({{"MessageSid", "SM8"}, {"From", "098765 43210"}, {"Body", "hi"}}, "sms", "IN");
  EXPECT_EQ(national->contact_handle, "+919876543210");
  auto brand = parse_twilio_inbound({{"MessageSid", "SM9"}, {"From", "ACMEBANK"}, {"Body", "hi"}}, "sms", "IN");
  EXPECT_EQ(brand->contact_handle, "ACMEBANK");  // not a number: kept as given
}

TEST(TwilioInbound, MissingFromIsABadRequest) {
  auto m = parse_twilio_inbound({{"MessageSid", "SM1"}, {"Body", "x"}}, "sms");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().status, 400);
  EXPECT_EQ(m.error().code, "missing_field");
}

TEST(TwilioInbound, StatusCallbackIsAcceptedWithoutAMessage) {
  auto ch = make_channel();
  FormFields fields = {{"MessageSid", "SM9"}, {"MessageStatus", "delivered"}, {"To", "+14158675309"}};
  auto r = deliver(*ch, form_encode(fields), twilio_signature("12345", "https://mycompany.com/s", fields), "/s");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->messages.empty());
}

}  // namespace
}  // namespace omniroute::channels
