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

TEST(Utf8Prefix, CutsOnlyBetweenCharactersAtEveryByteOffset) {
  // Every byte offset of text mixing 1-, 2-, 3- and 4-byte characters: the prefix is valid UTF-8, as long as
  // possible, and a prefix of the original.
  const std::string text = "a é नमस्ते తెలుగు 🙏🏼 ok";
  for (std::size_t cut = 0; cut <= text.size() + 1; ++cut) {
    std::string_view p = utf8_prefix(text, cut);
    EXPECT_TRUE(is_valid_utf8(p)) << cut;
    EXPECT_LE(p.size(), cut);
    EXPECT_EQ(text.compare(0, p.size(), p), 0);
    EXPECT_GT(p.size() + 4, std::min(cut, text.size())) << "dropped more than one character at " << cut;
  }
}

TEST(TextExcerpt, IsValidUtf8AndWithinItsBoundWhateverTheBytes) {
  const std::string text = "त्रुटि \xff\xfe प्राप्तकर्ता \xe0\xa4 అమాన్య 🙏";
  for (std::size_t bound = 4; bound <= text.size() + 8; ++bound) {
    std::string e = text_excerpt(text, bound);
    EXPECT_TRUE(is_valid_utf8(e)) << bound;
    EXPECT_LE(e.size(), bound) << bound;
  }
  EXPECT_EQ(text_excerpt("short", 200), "short");
  EXPECT_EQ(text_excerpt("\xff", 10), "\ufffd");
  EXPECT_EQ(text_excerpt("नमस्ते", 10), "नम\u2026");  // 3 + 3 bytes, then the ellipsis
}

TEST(Clock, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1795421295501), "2026-11-23T08:08:15.501Z");
}

}  // namespace
}  // namespace omniroute
