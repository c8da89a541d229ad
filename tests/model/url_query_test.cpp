// Targets, queries and form bodies are read by Boost.URL: percent-decoded,
// '+' a space only in forms, malformed escapes refused, views never overrun.

#include <gtest/gtest.h>

#include <string>

#include "omniroute/url_query.hpp"

namespace omniroute {
namespace {

TEST(QueryValue, DecodesWhatABrowsersEncodeUriComponentWrote) {
  EXPECT_EQ(query_value("/v1/reports/response_times?tz=Asia%2FKolkata&group_by=agent", "tz"), "Asia/Kolkata");
  EXPECT_EQ(query_value("from=2026-12-01T00%3A00%3A00%2B05%3A30", "from"), "2026-12-01T00:00:00+05:30");
  EXPECT_EQ(query_value("label=%E0%A4%B0%E0%A4%BF%E0%A4%AB%E0%A4%82%E0%A4%A1", "label"), "रिफंड");
}

TEST(QueryValue, KeepsAPlusSignAsAPlusSign) {
  // An RFC 3339 offset written by hand in a URL keeps its sign.
  EXPECT_EQ(query_value("from=2026-12-01T00:00:00+05:30", "from"), "2026-12-01T00:00:00+05:30");
}

TEST(QueryValue, NeverReadsPastTheViewItIsGiven) {
  // A request target is a view into the request line: what follows it is not part of the query.
  const std::string line = "from=2026-12-03&tz=Asia/Kolkata&group_by=queue HTTP/1.1\r\n";
  std::string_view query(line.data(), line.find(' '));
  EXPECT_EQ(query_value(query, "group_by"), "queue");
  EXPECT_EQ(query_value(query, "tz"), "Asia/Kolkata");
}

TEST(QueryValue, AbsentOrMalformedIsNullopt) {
  EXPECT_EQ(query_value("/v1/sla", "limit"), std::nullopt);
  EXPECT_EQ(query_value("a=1&b=2", "c"), std::nullopt);
  EXPECT_EQ(query_value("tz=Asia%2", "tz"), std::nullopt);
  EXPECT_EQ(query_value("tz=%ZZ", "tz"), std::nullopt);
  EXPECT_EQ(query_value("a&b=2", "a"), "");
}

TEST(ParseForm, DecodesPlusAsSpaceAndEveryScript) {
  auto f = parse_form("Body=%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87+ji&From=%2B919876543210");
  ASSERT_TRUE(f);
  EXPECT_EQ(*form_value(*f, "Body"), "नमस्ते ji");
  EXPECT_EQ(*form_value(*f, "From"), "+919876543210");
  EXPECT_FALSE(parse_form("Body=%E0%A4"  "%"));
  EXPECT_FALSE(parse_form("Body=%G0"));
}

TEST(ParseForm, RoundTripsWhatFormEncodeWrote) {
  FormFields fields{{"Body", "తెలుగు 🙏 & more = 100%"}, {"To", "+14155550100"}};
  auto back = parse_form(form_encode(fields));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, fields);
}

TEST(ParseTarget, SplitsAndDecodesThePath) {
  auto t = parse_target("/v1/labels/%E0%A4%B0%E0%A4%BF%E0%A4%AB%E0%A4%82%E0%A4%A1?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/labels/रिफंड");
  EXPECT_EQ(t->query, "x=1");
}

TEST(ParseTarget, RefusesEncodedSlashesNulsAndBadEscapes) {
  EXPECT_FALSE(parse_target("/v1/conversations/v1%2Fmessages"));
  EXPECT_FALSE(parse_target("/v1/conversations/v1%00"));
  EXPECT_FALSE(parse_target("/v1/conversations/%zz"));
  EXPECT_FALSE(parse_target("v1/no-leading-slash"));
}

TEST(PercentDecoded, DecodesOneComponentOrRefuses) {
  EXPECT_EQ(percent_decoded("p%40ss%3Aw0rd"), "p@ss:w0rd");
  EXPECT_EQ(percent_decoded("%E0%A4%87%E0%A4%A8%E0%A4%AC%E0%A5%89%E0%A4%95%E0%A5%8D%E0%A4%B8"), "इनबॉक्स");
  EXPECT_EQ(percent_decoded("bad%2"), std::nullopt);
}

}  // namespace
}  // namespace omniroute
