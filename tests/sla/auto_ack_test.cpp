// The auto-acknowledgement's estimate and how it reads in English, Hindi and
// Telugu: from recent first-response times, the queue ahead and the agents
// free, across a weekend with a business calendar. Fixed instants, no clock.

#include <gtest/gtest.h>

#include <date/date.h>
#include <date/tz.h>

#include "sla/auto_ack.hpp"

namespace omniroute::sla {
namespace {

constexpr std::int64_t kMin = 60'000;

std::int64_t utc_ms(int y, unsigned m, unsigned d, int hh, int mm) {
  auto t = date::sys_days(date::year(y) / m / d) + std::chrono::hours(hh) + std::chrono::minutes(mm);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TEST(AutoAckEstimate, TheMedianOfRecentFirstResponsesPerRoundOfFreeAgents) {
  WaitInputs in;
  in.recent_ms = {12 * kMin, 4 * kMin, 8 * kMin, 100 * kMin, 6 * kMin};  // one outlier: the median ignores it
  in.available = 2;
  in.ahead = 0;
  EXPECT_EQ(estimate_work_ms(in), 8 * kMin);
  in.ahead = 1;  // both free agents take one each: still the first round
  EXPECT_EQ(estimate_work_ms(in), 8 * kMin);
  in.ahead = 5;  // rounds: 5 / 2 + 1 = 3
  EXPECT_EQ(estimate_work_ms(in), 24 * kMin);
  in.available = 0;  // nobody free: as if one agent, four rounds
  in.ahead = 3;
  EXPECT_EQ(estimate_work_ms(in), 32 * kMin);
  in.recent_ms = {4 * kMin, 6 * kMin};  // even count: the middle two averaged
  in.ahead = 0;
  EXPECT_EQ(estimate_work_ms(in), 5 * kMin);
}

TEST(AutoAckEstimate, WithoutHistoryTheSlaTargetOrFifteenMinutes) {
  WaitInputs in;
  in.fallback_ms = 60 * kMin;
  EXPECT_EQ(estimate_work_ms(in), 60 * kMin);
  in.fallback_ms = 0;
  EXPECT_EQ(estimate_work_ms(in), 15 * kMin);
  in.recent_ms = {2'000};  // answered in 2 s: never promise under a minute
  EXPECT_EQ(estimate_work_ms(in), kMin);
}

TEST(AutoAckPhrase, MinutesHoursAndAClockTimeInThreeLanguages) {
  const std::int64_t now = utc_ms(2026, 11, 23, 6, 0);
  EXPECT_EQ(eta_phrase("en", now, now + 8 * kMin, nullptr), "in about 8 minutes");
  EXPECT_EQ(eta_phrase("en", now, now + 40'000, nullptr), "in about a minute");  // never "1 minutes"
  EXPECT_EQ(eta_phrase("hi", now, now + 40'000, nullptr), "लगभग एक मिनट में");
  EXPECT_EQ(eta_phrase("te", now, now + kMin, nullptr), "సుమారు ఒక నిమిషంలో");
  EXPECT_EQ(eta_phrase("en", now, now + 61 * kMin, nullptr), "in about 65 minutes");
  EXPECT_EQ(eta_phrase("en", now, now + 121 * kMin, nullptr), "in about 3 hours");
  EXPECT_EQ(eta_phrase("en", now, now + 23 * kMin, nullptr), "in about 25 minutes");  // rounded up to 5 above 10
  EXPECT_EQ(eta_phrase("hi", now, now + 8 * kMin, nullptr), "लगभग 8 मिनट में");
  EXPECT_EQ(eta_phrase("te", now, now + 8 * kMin, nullptr), "సుమారు 8 నిమిషాల్లో");
  EXPECT_EQ(eta_phrase("en", now, now + 170 * kMin, nullptr), "in about 3 hours");
  EXPECT_EQ(eta_phrase("te", now, now + 170 * kMin, nullptr), "సుమారు 3 గంటల్లో");
  EXPECT_EQ(eta_phrase("es", now, now + 8 * kMin, nullptr), "in about 8 minutes");  // no Spanish phrases: English
  const date::time_zone* kolkata = date::locate_zone("Asia/Kolkata");
  const std::int64_t monday_0930_ist = utc_ms(2026, 11, 30, 4, 0);
  EXPECT_EQ(eta_phrase("en", now, monday_0930_ist, kolkata), "by 09:30 on 30 Nov");
  EXPECT_EQ(eta_phrase("hi", now, monday_0930_ist, kolkata), "30-11 को 09:30 तक");
  EXPECT_EQ(eta_phrase("te", now, monday_0930_ist, kolkata), "30-11 న 09:30 లోపు");
}

TEST(AutoAckPhrase, AFridayEveningMessageIsPromisedMondayMorningNotInHalfAnHour) {
  // Kolkata, Monday to Friday 09:00-18:00. Friday 27 Nov 17:50 IST; a 30-minute estimate of
  // working time: 10 minutes on Friday, 20 on Monday.
  std::array<DayHours, 7> week;
  for (int d = 1; d <= 5; ++d) ASSERT_TRUE(parse_day_hours("09:00-18:00", week[d]));
  BusinessCalendar cal(find_zone("Asia/Kolkata"), week, {});
  const std::int64_t friday_1750_ist = utc_ms(2026, 11, 27, 12, 20);
  WaitInputs in;
  in.recent_ms = {30 * kMin};
  in.available = 1;
  Instant at = cal.add(Instant(Millis(friday_1750_ist)), Millis(estimate_work_ms(in)));
  std::int64_t at_ms = at.time_since_epoch().count();
  EXPECT_EQ(at_ms, utc_ms(2026, 11, 30, 3, 50));  // Monday 09:20 IST
  EXPECT_EQ(eta_phrase("en", friday_1750_ist, at_ms, cal.zone()), "by 09:20 on 30 Nov");
  EXPECT_EQ(eta_phrase("te", friday_1750_ist, at_ms, cal.zone()), "30-11 న 09:20 లోపు");
}

TEST(AutoAckTemplate, TheCustomersLanguageThenEnglishThenAny) {
  std::map<std::string, std::string> t{{"en", "Thanks! We will reply {eta}."}, {"te", "ధన్యవాదాలు! మేము {eta} సమాధానం ఇస్తాము."}};
  EXPECT_EQ(pick_template(t, "te").second, t["te"]);
  EXPECT_EQ(pick_template(t, "hi").first, "en");  // and the eta phrase is then in English too
  std::map<std::string, std::string> hindi_only{{"hi", "धन्यवाद"}};
  EXPECT_EQ(pick_template(hindi_only, "fr").first, "hi");
  EXPECT_EQ(render_ack(t["te"], "సుమారు 8 నిమిషాల్లో", 8), "ధన్యవాదాలు! మేము సుమారు 8 నిమిషాల్లో సమాధానం ఇస్తాము.");
  EXPECT_EQ(render_ack("Reply within {minutes} min ({eta})", "in about 8 minutes", 8),
            "Reply within 8 min (in about 8 minutes)");
}

}  // namespace
}  // namespace omniroute::sla
