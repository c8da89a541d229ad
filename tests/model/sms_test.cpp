// SMS cost: GSM-7 or UCS-2, and the segments a carrier bills.

#include <gtest/gtest.h>

#include "omniroute/sms.hpp"

namespace omniroute {
namespace {

TEST(SmsCost, PlainEnglishIsGsm7UpTo160PerSegment) {
  EXPECT_EQ(sms_cost("Your order ships today.").segments, 1);
  EXPECT_EQ(sms_cost("Your order ships today.").encoding(), "GSM-7");
  EXPECT_EQ(sms_cost(std::string(160, 'a')).segments, 1);
  EXPECT_EQ(sms_cost(std::string(161, 'a')).segments, 2);  // 153 per part once split
  EXPECT_EQ(sms_cost(std::string(306, 'a')).segments, 2);
  EXPECT_EQ(sms_cost(std::string(307, 'a')).segments, 3);
  EXPECT_EQ(sms_cost("").segments, 0);
}

TEST(SmsCost, ExtensionCharactersTakeTwoSeptets) {
  auto c = sms_cost("Refund: 20€ {ref}");
  EXPECT_TRUE(c.gsm7);
  EXPECT_EQ(c.units, 20);  // 17 characters, three of them doubled
  EXPECT_EQ(sms_cost(std::string(79, 'a') + std::string(40, '[')).units, 159);
}

TEST(SmsCost, HindiTeluguAndEmojiAreUcs2At70PerSegment) {
  auto te = sms_cost("మీ ఆర్డర్ రేపు వస్తుంది");
  EXPECT_EQ(te.encoding(), "UCS-2");
  EXPECT_EQ(te.segments, 1);
  std::string long_hindi;
  for (int i = 0; i < 15; ++i) long_hindi += "नमस्ते ";  // 7 code units each: 105
  EXPECT_EQ(sms_cost(long_hindi).units, 105);
  EXPECT_EQ(sms_cost(long_hindi).segments, 2);  // 67 per part
  EXPECT_EQ(sms_cost("OK 👍").units, 5);        // the emoji is a surrogate pair
  EXPECT_EQ(sms_cost("Ok, é and ü are GSM").encoding(), "GSM-7");
  EXPECT_EQ(sms_cost("but ú is not").encoding(), "UCS-2");
}

}  // namespace
}  // namespace omniroute
