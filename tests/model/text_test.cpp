#include <gtest/gtest.h>

#include "omniroute/clock.hpp"
#include "omniroute/text.hpp"

namespace omniroute {
namespace {

TEST(Utf8, AcceptsEveryScriptAndEmoji) {
  EXPECT_TRUE(is_valid_utf8("hello"));
  EXPECT_TRUE(is_valid_utf8("नमस्ते"));
  EXPECT_TRUE(is_valid_utf8("నమస్కారం"));
  EXPECT_TRUE(is_valid_utf8("👍🏽 ok"));
  EXPECT_TRUE(is_valid_utf8(""));
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe0\xa4"));          // truncated
}

TEST(Nfc, ComposesDecomposedText) {
  EXPECT_EQ(*to_nfc("e\xcc\x81"), "\xc3\xa9");  // e + combining acute → é
}

TEST(Nfc, LeavesHindiAndTeluguInNfcUntouched) {
  for (std::string s : {"क्षमा करें, मेरा पैसा वापस करें", "దయచేసి నా డబ్బు తిరిగి ఇవ్వండి", "🙏🏼"}) {
    EXPECT_EQ(*to_nfc(s), s);
  }
}

TEST(Nfc, InvalidUtf8HasNoNormalForm) { EXPECT_FALSE(to_nfc("\xff")); }

TEST(Clock, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1795421295501), "2026-11-23T08:08:15.501Z");
}

}  // namespace
}  // namespace omniroute
