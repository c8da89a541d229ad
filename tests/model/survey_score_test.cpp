// What counts as an answer to the satisfaction survey, in the languages customers write.

#include <gtest/gtest.h>

#include "reports/csat.hpp"

namespace omniroute::reports {
namespace {

TEST(SurveyScore, DigitsInEnglishHindiAndTeluguStarsAndThumbs) {
  EXPECT_EQ(survey_score("5"), 5);
  EXPECT_EQ(survey_score(" 4. "), 4);
  EXPECT_EQ(survey_score("3/5"), 3);
  EXPECT_EQ(survey_score("2 / 5!"), 2);
  EXPECT_EQ(survey_score("५"), 5);
  EXPECT_EQ(survey_score("१"), 1);
  EXPECT_EQ(survey_score("౪"), 4);
  EXPECT_EQ(survey_score("౩/౫"), 3);
  EXPECT_EQ(survey_score("⭐⭐⭐"), 3);
  EXPECT_EQ(survey_score("⭐️⭐️⭐️⭐️⭐️"), 5);
  EXPECT_EQ(survey_score("👍"), 5);
  EXPECT_EQ(survey_score("👍🏽"), 5);
  EXPECT_EQ(survey_score("👎"), 1);
}

TEST(SurveyScore, AMessageIsNotAScore) {
  for (const char* text : {"", "0", "6", "10", "5 stars, thanks!", "1 more question", "हाँ", "ధన్యవాదాలు", "⭐⭐⭐⭐⭐⭐",
                           "👍 but the refund is late", "3/10", "५ रुपये", "hello 5"}) {
    EXPECT_EQ(survey_score(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace omniroute::reports
