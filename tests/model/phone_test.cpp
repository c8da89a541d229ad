// One person, one number: the forms channels give a phone number, to E.164.

#include <gtest/gtest.h>

#include "omniroute/phone.hpp"

namespace omniroute {
namespace {

TEST(PhoneE164, InternationalFormsFromEveryChannel) {
  EXPECT_EQ(to_e164("+919876543210"), "+919876543210");           // Twilio SMS
  EXPECT_EQ(to_e164("whatsapp:+919876543210"), "+919876543210");  // WhatsApp through Twilio
  EXPECT_EQ(to_e164("+91 98765-43210"), "+919876543210");
  EXPECT_EQ(to_e164("00919876543210"), "+919876543210");
  EXPECT_EQ(to_e164("+1 (415) 555-0134"), "+14155550134");
  EXPECT_EQ(to_e164("+1234"), std::nullopt);        // too short
  EXPECT_EQ(to_e164("+1234567890123456"), std::nullopt);  // too long
  EXPECT_EQ(to_e164("support@example.com"), std::nullopt);
  EXPECT_EQ(to_e164("MyBrand"), std::nullopt);       // an alphanumeric sender
}

TEST(PhoneE164, NationalNumbersNeedADefaultRegion) {
  EXPECT_EQ(to_e164("098765 43210"), std::nullopt);
  EXPECT_EQ(to_e164("098765 43210", "IN"), "+919876543210");
  EXPECT_EQ(to_e164("98765 43210", "IN"), "+919876543210");
  EXPECT_EQ(to_e164("(415) 555-0134", "US"), "+14155550134");
  EXPECT_EQ(to_e164("1 415 555 0134", "US"), "+14155550134");
  EXPECT_EQ(to_e164("07700 900123", "GB"), "+447700900123");
  EXPECT_EQ(to_e164("12345", "IN"), std::nullopt);  // not an Indian number's length
  EXPECT_EQ(to_e164("098765 43210", "XX"), std::nullopt);
  EXPECT_TRUE(known_region("IN"));
  EXPECT_FALSE(known_region("XX"));
}

}  // namespace
}  // namespace omniroute
