// The pure parts of delivery: how an answer is classified, how long a retry waits,
// and how Twilio's form body is encoded.

#include <gtest/gtest.h>

#include "omniroute/url_query.hpp"
#include "omniroute/channel.hpp"
#include "outbound/sender.hpp"

namespace omniroute {
namespace {

TEST(SendResult, SuccessRetryAndFailureByStatus) {
  EXPECT_EQ(default_send_result(200, "").kind, SendResult::Kind::sent);
  EXPECT_EQ(default_send_result(201, "").kind, SendResult::Kind::sent);
  for (int status : {0, 408, 429, 500, 502, 503}) {
    EXPECT_EQ(default_send_result(status, "").kind, SendResult::Kind::retry) << status;
  }
  for (int status : {400, 401, 403, 404, 422}) {
    EXPECT_EQ(default_send_result(status, "bad").kind, SendResult::Kind::failed) << status;
  }
  EXPECT_EQ(default_send_result(400, "unknown recipient").reason, "HTTP 400: unknown recipient");
}

TEST(RetryDelay, GrowsExponentiallyWithJitterAndIsCapped) {
  config::OutboundConfig c;
  c.retry_base = std::chrono::milliseconds(1000);
  c.retry_max = std::chrono::milliseconds(8000);
  for (int i = 0; i < 50; ++i) {
    auto second = outbound::retry_delay(c, 2, 0).count();
    EXPECT_GE(second, 500);
    EXPECT_LE(second, 1000);
    auto fourth = outbound::retry_delay(c, 4, 0).count();
    EXPECT_GE(fourth, 2000);
    EXPECT_LE(fourth, 4000);
    auto late = outbound::retry_delay(c, 20, 0).count();
    EXPECT_LE(late, 8000);
  }
}

TEST(RetryDelay, HonoursTheProvidersRetryAfter) {
  config::OutboundConfig c;
  EXPECT_GE(outbound::retry_delay(c, 2, 30).count(), 30'000);
}

TEST(FormEncode, PercentEncodesUtf8AndReservedCharacters) {
  EXPECT_EQ(form_encode({{"To", "+919876543210"}, {"Body", "a b&c=d"}}),
            "To=%2B919876543210&Body=a%20b%26c%3Dd");
  EXPECT_EQ(form_encode({{"Body", "नम"}}), "Body=%E0%A4%A8%E0%A4%AE");
  auto round_trip = parse_form(form_encode({{"Body", "తెలుగు 🙏 & more"}}));
  ASSERT_TRUE(round_trip);
  EXPECT_EQ((*round_trip)[0].second, "తెలుగు 🙏 & more");
}

}  // namespace
}  // namespace omniroute
