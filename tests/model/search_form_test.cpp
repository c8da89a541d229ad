// Search forms: the same words in Devanagari, Telugu and Latin letters meet in one form; text stays
// whole (no byte of a code point is cut), and any input gives an answer.

#include <gtest/gtest.h>

#include "omniroute/search_form.hpp"

namespace omniroute {
namespace {

TEST(SearchForm, HindiInItsScriptAndInLatinLettersSoundTheSame) {
  const auto devanagari = search_form("रिफंड कब आएगा");
  const auto latin = search_form("refund kab aayega");
  EXPECT_EQ(devanagari.latin, "riphanda kaba aega");
  EXPECT_EQ(latin.latin, "refund kab aayega");
  EXPECT_EQ(devanagari.sound, "rfnd kb ag");
  EXPECT_EQ(latin.sound, devanagari.sound);
}

TEST(SearchForm, TeluguInItsScriptAndInLatinLettersSoundTheSame) {
  EXPECT_EQ(search_form("నా ఆర్డర్").sound, search_form("naa order").sound);
  EXPECT_EQ(search_form("naa order").sound, "n ardr");
}

TEST(SearchForm, NuktaAndJoinersDoNotMakeAnotherWord) {
  // ज़रूर with a nukta, and with the precomposed letter; a ZWJ inside a conjunct.
  EXPECT_EQ(search_form("ज़रूर").latin, search_form("जरूर").latin);
  EXPECT_EQ(search_form("क्\u200Dष").latin, search_form("क्ष").latin);
}

TEST(SearchForm, NumbersAndEnglishStayReadable) {
  const auto f = search_form("Where is my ORDER #4521?");
  EXPECT_EQ(f.latin, "where is my order 4521");
  EXPECT_EQ(f.sound, "vr as my ardr 4521");
}

TEST(SearchForm, AnyBytesGiveAnAnswer) {
  EXPECT_EQ(search_form("").latin, "");
  EXPECT_EQ(search_form("\xff\xfe").sound, "");  // ill-formed: nothing indexable, no crash
  EXPECT_EQ(search_form("   ,,, ").latin, "");
}

using Words = std::vector<std::string>;

TEST(MatchedWords, LatinLettersMarkTheWordsInTheirOwnScript) {
  EXPECT_EQ(matched_words("मेरा रिफंड कब आएगा? बहुत देर हो गई", "refund kab aayega"), (Words{"रिफंड", "कब", "आएगा"}));
  EXPECT_EQ(matched_words("నా ఆర్డర్ ఇంకా రాలేదు", "naa order"), (Words{"నా", "ఆర్డర్"}));
}

TEST(MatchedWords, ATypoAndABeginningStillMark) {
  EXPECT_EQ(matched_words("Where is my refund, please?", "refnd"), (Words{"refund"}));
  EXPECT_EQ(matched_words("The parcel was delivered", "deliv"), (Words{"delivered"}));
  EXPECT_EQ(matched_words("the parcel was late", "xyzzy"), Words{});
}

TEST(MatchedWords, DigitsMarkTheNumberHoldingThem) {
  EXPECT_EQ(matched_words("Meena +919848022338", "98480 22338"), Words{"919848022338"});
}

TEST(MatchedWords, EachWordOnceAndNeverAPieceOfACodePoint) {
  const auto words = matched_words("कब कब कब", "kab");
  EXPECT_EQ(words, Words{"कब"});
  EXPECT_EQ(matched_words("\xff\xfe kab", "kab"), Words{"kab"});
}

}  // namespace
}  // namespace omniroute
