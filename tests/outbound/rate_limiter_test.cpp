// Outbound rate limits as arithmetic on given times: no sleeping.

#include <gtest/gtest.h>

#include "config/values.hpp"
#include "outbound/rate_limiter.hpp"

namespace omniroute::outbound {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, ABurstGoesAtOnceThenOneEveryInterval) {
  RateLimiter whatsapp(80, 80);
  Clock::time_point t0{};
  for (int i = 0; i < 80; ++i) EXPECT_EQ(whatsapp.reserve("wa", t0), Clock::duration::zero()) << i;
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(whatsapp.reserve("wa", t0)), 12500us);  // 1/80 s
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(whatsapp.reserve("wa", t0)), 25000us);
  // A second later the bucket is full again.
  EXPECT_EQ(whatsapp.reserve("wa", t0 + 2s), Clock::duration::zero());
}

TEST(RateLimiter, TelegramsOnePerSecondPerChatKeepsChatsApart) {
  RateLimiter per_chat(1, 1);
  Clock::time_point t0{};
  EXPECT_EQ(per_chat.reserve("tg|111", t0), Clock::duration::zero());
  EXPECT_EQ(per_chat.reserve("tg|111", t0), 1s);
  EXPECT_EQ(per_chat.reserve("tg|111", t0), 2s);
  EXPECT_EQ(per_chat.reserve("tg|222", t0), Clock::duration::zero());  // another chat is not held up
  EXPECT_EQ(per_chat.reserve("tg|111", t0 + 10s), Clock::duration::zero());
}

TEST(RateLimiter, ZeroIsUnlimitedAndRatesParse) {
  RateLimiter none(0, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(none.reserve("x", Clock::time_point{}), Clock::duration::zero());
  EXPECT_EQ(*config::parse_rate("80/s"), 80);
  EXPECT_EQ(*config::parse_rate("0.5/s"), 0.5);
  EXPECT_EQ(*config::parse_rate("30"), 30);
  EXPECT_FALSE(config::parse_rate("fast"));
  EXPECT_FALSE(config::parse_rate("-3/s"));
  EXPECT_FALSE(config::parse_rate("/s"));
}

}  // namespace
}  // namespace omniroute::outbound
