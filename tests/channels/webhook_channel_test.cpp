// The generic signed-JSON channel: HMAC-SHA256 signature and body parsing.

#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "webhook/webhook_channel.hpp"

namespace omniroute::channels {
namespace {

std::unique_ptr<Channel> make_channel() {
  ChannelSettings s;
  s.id = "api";
  s.kind = "webhook";
  s.values = {{"secret", "topsecret"}};
  return webhook_kind().create(s);
}

WebhookResult deliver(const std::string& body, const std::string& signature) {
  auto ch = make_channel();
  InboundRequest r;
  r.method = "POST";
  r.target = "/webhooks/api";
  r.body = body;
  r.headers = {{"x-omniroute-signature", signature}};
  return ch->on_webhook(r);
}

std::string sign(const std::string& body) { return "sha256=" + testing::hmac_sha256_hex("topsecret", body); }

TEST(WebhookSignature, AcceptsHmacOfTheRawBody) {
  std::string body = R"({"id":"1","from":{"handle":"u1"},"text":"hello"})";
  EXPECT_TRUE(webhook_signature_valid("topsecret", body, sign(body)));
}

TEST(WebhookSignature, AcceptsUppercaseHex) {
  std::string body = "{}";
  std::string sig = sign(body);
  for (size_t i = 7; i < sig.size(); ++i) sig[i] = static_cast<char>(std::toupper(sig[i]));
  EXPECT_TRUE(webhook_signature_valid("topsecret", body, sig));
}

TEST(WebhookSignature, RejectsWrongSecretMissingPrefixAndTamperedBody) {
  std::string body = R"({"id":"1"})";
  EXPECT_FALSE(webhook_signature_valid("other", body, sign(body)));
  EXPECT_FALSE(webhook_signature_valid("topsecret", body, testing::hmac_sha256_hex("topsecret", body)));
  EXPECT_FALSE(webhook_signature_valid("topsecret", body + " ", sign(body)));
  EXPECT_FALSE(webhook_signature_valid("topsecret", body, ""));
}

TEST(WebhookChannel, UnsignedDeliveryIs401) {
  auto r = deliver(R"({"id":"1","from":{"handle":"u"},"text":"x"})", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 401);
}

TEST(WebhookChannel, ParsesAllFields) {
  std::string body =
      R"({"id":"abc","from":{"handle":"cust-7","name":"रवि"},"text":"मुझे मदद चाहिए","thread":"order-9","subject":"Order"})";
  auto r = deliver(body, sign(body));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->messages.size(), 1u);
  const Message& m = r->messages[0];
  EXPECT_EQ(m.provider_id, "abc");
  EXPECT_EQ(m.contact_handle, "cust-7");
  EXPECT_EQ(m.contact_name, "रवि");
  EXPECT_EQ(m.text, "मुझे मदद चाहिए");
  EXPECT_EQ(m.thread_key, "order-9");
  EXPECT_EQ(m.subject, "Order");
  EXPECT_EQ(m.channel_id, "api");
}

TEST(WebhookChannel, ThreadDefaultsToTheSender) {
  auto m = parse_webhook_body(R"({"id":"1","from":{"handle":"u1"},"text":"x"})", "api");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->thread_key, "u1");
}

struct BadBody {
  std::string body;
  std::string code;
};

class WebhookBadBody : public ::testing::TestWithParam<BadBody> {};

TEST_P(WebhookBadBody, IsA400WithItsCode) {
  auto m = parse_webhook_body(GetParam().body, "api");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().status, 400);
  EXPECT_EQ(m.error().code, GetParam().code);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WebhookBadBody,
    ::testing::Values(BadBody{"not json", "invalid_json"}, BadBody{"[1,2]", "invalid_json"},
                      BadBody{"{\"id\":\"1\",\"from\":{\"handle\":\"u\"},\"text\":\"\xff\xfe\"}", "invalid_utf8"},
                      BadBody{R"({"from":{"handle":"u"},"text":"x"})", "missing_field"},
                      BadBody{R"({"id":"","from":{"handle":"u"},"text":"x"})", "missing_field"},
                      BadBody{R"({"id":"1","text":"x"})", "missing_field"},
                      BadBody{R"({"id":"1","from":{"handle":""},"text":"x"})", "missing_field"},
                      BadBody{R"({"id":"1","from":{"handle":"u"}})", "missing_field"},
                      BadBody{R"({"id":7,"from":{"handle":"u"},"text":"x"})", "invalid_field"},
                      BadBody{R"({"id":"1","from":{"handle":"u"},"text":["x"]})", "invalid_field"}));

}  // namespace
}  // namespace omniroute::channels
