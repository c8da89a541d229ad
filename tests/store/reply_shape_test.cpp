// Raw command replies read by their declared shape: a reply of another shape is refused (nullopt), never
// read out of range; text stays whole.

#include <gtest/gtest.h>

#include "store/reply_shape.hpp"
#include "store/resp.hpp"

namespace omniroute::store {
namespace {

/// A bulk string in RESP, its length counted in bytes.
std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

Reply parsed(const std::string& bytes) {
  RespReader reader;
  reader.feed(bytes);
  auto r = reader.next();
  EXPECT_TRUE(r.has_value()) << bytes;
  return r ? std::move(*r) : Reply{};
}

TEST(ReplyShape, AnHmgetWithAMissingFieldReadsItAsAbsent) {
  // HMGET agent:asha name status, no status yet
  auto r = parsed("*2\r\n" + bulk("आशा") + "$-1\r\n");
  auto fields = reply_as<std::tuple<std::optional<std::string>, std::optional<std::string>>>(r);
  ASSERT_TRUE(fields);
  EXPECT_EQ(std::get<0>(*fields), std::optional<std::string>("आशा"));
  EXPECT_FALSE(std::get<1>(*fields).has_value());
}

TEST(ReplyShape, ATupleNeedsAtLeastItsElementsAndReadsOnlyThose) {
  auto role = parsed("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6379\r\n$9\r\nconnected\r\n:100\r\n");
  auto first = reply_as<std::tuple<std::string>>(role);
  ASSERT_TRUE(first);
  EXPECT_EQ(std::get<0>(*first), "slave");
  auto addr = reply_as<std::tuple<std::string, std::string, long long, std::string, long long, std::string>>(role);
  EXPECT_FALSE(addr) << "six elements asked of five";
  EXPECT_FALSE((reply_as<std::tuple<std::string>>(parsed("*0\r\n"))));
  EXPECT_FALSE((reply_as<std::tuple<std::string>>(parsed("-ERR no\r\n")))) << "an error is no array";
}

TEST(ReplyShape, NumbersComeAsIntegersOrTheirTextAndNothingElse) {
  EXPECT_EQ(reply_as<long long>(parsed(":42\r\n")), 42);
  EXPECT_EQ(reply_as<long long>(parsed("$13\r\n1733450000000\r\n")), 1733450000000LL);
  EXPECT_FALSE(reply_as<long long>(parsed("$3\r\n4x2\r\n")));
  EXPECT_FALSE(reply_as<long long>(parsed("$0\r\n\r\n")));
  EXPECT_FALSE(reply_as<long long>(parsed("$-1\r\n")));
  EXPECT_EQ(reply_as<double>(parsed("$14\r\n31733450000000\r\n")), 31733450000000.0);
  EXPECT_EQ(reply_as<double>(parsed("$3\r\n2.5\r\n")), 2.5);
}

TEST(ReplyShape, PairsAreReadInOrderAndAnOddListIsRefused) {
  auto counts = reply_as<Pairs<long long>>(parsed("*4\r\n" + bulk("billing") + bulk("3") + bulk("तेलुगु") + ":7\r\n"));
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->items.size(), 2u);
  EXPECT_EQ(counts->items[0], (std::pair<std::string, long long>{"billing", 3}));
  EXPECT_EQ(counts->items[1], (std::pair<std::string, long long>{"तेलुगु", 7}));
  EXPECT_FALSE(reply_as<Pairs<long long>>(parsed("*3\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n")));
  EXPECT_FALSE(reply_as<Pairs<long long>>(parsed("*2\r\n$1\r\na\r\n$2\r\nno\r\n")));
}

TEST(ReplyShape, StreamEntriesNestAndOneBadEntryRefusesTheList) {
  // XRANGE: [[id, [field, value, …]], …]
  using Entry = std::tuple<std::string, Pairs<std::string>>;
  auto good = parsed("*1\r\n*2\r\n" + bulk("1-0") + "*2\r\n" + bulk("text") + bulk("నమస్కారం"));
  auto entries = reply_as<std::vector<Entry>>(good);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(std::get<0>(entries->front()), "1-0");
  EXPECT_EQ(std::get<1>(entries->front()).items.at(0).second, "నమస్కారం");
  auto deleted = parsed("*1\r\n*2\r\n$3\r\n1-0\r\n$-1\r\n");  // an entry deleted after delivery
  EXPECT_FALSE(reply_as<std::vector<Entry>>(deleted));
  auto nil = parsed("*-1\r\n");  // XREAD with nothing new
  auto streams = reply_as<std::optional<std::vector<std::tuple<std::string, ReplyRef>>>>(nil);
  ASSERT_TRUE(streams);
  EXPECT_FALSE(streams->has_value());
}

}  // namespace
}  // namespace omniroute::store
