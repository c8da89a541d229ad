// Replies longer than a provider message: cut into numbered parts between
// words, never inside a Telugu or Hindi syllable, counted as providers count.

#include <gtest/gtest.h>

#include "omniroute/reply_parts.hpp"

namespace omniroute {
namespace {

TEST(ReplyParts, AReplyThatFitsGoesAsItIs) {
  EXPECT_EQ(split_reply("నమస్తే, మీ ఆర్డర్ దారిలో ఉంది", 1600), std::vector<std::string>{"నమస్తే, మీ ఆర్డర్ దారిలో ఉంది"});
  EXPECT_EQ(split_reply("anything at all", 0), std::vector<std::string>{"anything at all"});  // no limit
}

TEST(ReplyParts, ALongerOneIsCutBetweenWordsAndNumbered) {
  auto parts = split_reply("one two three four five six", 16);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "(1/3) one two");
  EXPECT_EQ(parts[1], "(2/3) three four");
  EXPECT_EQ(parts[2], "(3/3) five six");
  for (const auto& p : parts) EXPECT_LE(utf16_units(p), 16u);
}

TEST(ReplyParts, AWordLongerThanAPartIsCutBetweenCharactersNeverBeforeAVowelSign) {
  // "కి" is క + ి (a combining vowel sign): a cut between them would split the syllable.
  std::string word;
  for (int i = 0; i < 10; ++i) word += "కి";
  auto parts = split_reply(word, 11);  // 5 units of text per part after "(n/N) "
  ASSERT_GE(parts.size(), 2u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(utf16_units(p), 11u) << p;
    std::string body = p.substr(p.find(") ") + 2);
    EXPECT_NE(body.substr(0, 3), "ి") << "a part starts with a vowel sign: " << p;
    joined += body;
  }
  EXPECT_EQ(joined, word);
}

TEST(ReplyParts, EmojiCountAsTwoUnitsAsProvidersCountThem) {
  EXPECT_EQ(utf16_units("🙏🏽"), 4u);
  EXPECT_EQ(utf16_units("नमस्ते"), 6u);
  auto parts = split_reply("🙏 🙏 🙏 🙏", 10);
  for (const auto& p : parts) EXPECT_LE(utf16_units(p), 10u) << p;
}

TEST(ReplyParts, MoreThanTenPartsIsNoReplyAtAll) {
  EXPECT_TRUE(split_reply(std::string(2000, 'a'), 160).empty());
  EXPECT_EQ(split_reply(std::string(1000, 'a'), 160).size(), 7u);
}

}  // namespace
}  // namespace omniroute
