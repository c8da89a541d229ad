// The pure parts of the Redis transport: RESP in and out (hiredis underneath), cluster hash slots, and
// the redirections and fail-over messages the client follows. No I/O.

#include <gtest/gtest.h>

#include "store/keys.hpp"
#include "store/redis_topology.hpp"
#include "store/resp.hpp"
#include "store/sentinel_watch.hpp"

namespace omniroute::store {
namespace {

TEST(RedisWire, CommandsAreFormattedBinarySafe) {
  std::string out;
  append_command(out, {"SET", "k", std::string("a\r\n\0b", 5)});
  static const char expected[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\n\0b\r\n";
  EXPECT_EQ(out, std::string(expected, sizeof expected - 1));
}

TEST(RedisWire, RepliesArriveWholeHoweverTheBytesAreSplit) {
  const std::string bytes = "+OK\r\n:42\r\n$-1\r\n*2\r\n$6\r\nनम\r\n-ERR bad\r\n";
  RespReader reader;
  std::vector<Reply> replies;
  for (char c : bytes) {  // one byte at a time
    reader.feed(std::string_view(&c, 1));
    while (auto r = reader.next()) replies.push_back(std::move(*r));
  }
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].type, Reply::Type::status);
  EXPECT_EQ(replies[1].integer, 42);
  EXPECT_EQ(replies[2].type, Reply::Type::nil);
  ASSERT_EQ(replies[3].elements.size(), 2u);
  EXPECT_EQ(replies[3].elements[0].str, "नम");
  EXPECT_TRUE(replies[3].elements[1].is_error());
  EXPECT_FALSE(reader.failed());
}

TEST(RedisWire, GarbageIsAProtocolErrorNotAReply) {
  RespReader reader;
  reader.feed("\x15\x03\x03 not RESP at all");  // a TLS alert, say
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.failed());
  EXPECT_NE(reader.error().find("protocol error"), std::string::npos);
}

TEST(RedisWire, HashSlotsAreRedisClusters) {
  EXPECT_EQ(hash_slot("123456789"), 12739);  // the CRC16 check value of the cluster specification
  EXPECT_EQ(hash_slot("{user1000}.following"), hash_slot("{user1000}.followers"));
  EXPECT_EQ(hash_slot("{user1000}.following"), hash_slot("user1000"));
  EXPECT_EQ(hash_slot("foo{}{bar}"), hash_slot(std::string_view("foo{}{bar}")));  // an empty tag hashes the whole key
  EXPECT_NE(hash_slot("foo{}{bar}"), hash_slot("bar"));
  // Every key of a workspace is in its one slot.
  Keys keys("acme");
  const auto slot = hash_slot(keys.prefix());
  EXPECT_EQ(slot, hash_slot("acme"));
  for (const std::string& k : {keys.dedupe("sms", "SM1"), keys.conversation("v1"), keys.sla(), keys.events(),
                               keys.responses("2026-12-01T09"), keys.rollup("d:UTC:2026-12-01", "queue")}) {
    EXPECT_EQ(hash_slot(k), slot) << k;
  }
}

TEST(RedisWire, RedirectionsNameTheirNode) {
  auto moved = redirect_target("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->host, "127.0.0.1");
  EXPECT_EQ(moved->port, 6381);
  auto ask = redirect_target("ASK 3999 [::1]:7000");
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->host, "::1");
  EXPECT_EQ(ask->port, 7000);
  EXPECT_FALSE(redirect_target("ERR unknown command"));
  EXPECT_FALSE(redirect_target("MOVED 3999 nowhere"));
}

TEST(RedisWire, SwitchMasterIsFollowedOnlyForOurMaster) {
  auto to = switched_master("main 10.0.0.1 6379 10.0.0.2 6380", "main");
  ASSERT_TRUE(to);
  EXPECT_EQ(to->text(), "10.0.0.2:6380");
  EXPECT_FALSE(switched_master("other 10.0.0.1 6379 10.0.0.2 6380", "main"));
  EXPECT_FALSE(switched_master("main 10.0.0.1 6379 10.0.0.2", "main"));
  EXPECT_FALSE(switched_master("main 10.0.0.1 6379 10.0.0.2 99999", "main"));
}

}  // namespace
}  // namespace omniroute::store
