#include <gtest/gtest.h>

#include "config/values.hpp"

namespace omniroute::config {
namespace {

TEST(ConfigValues, DurationsWithEverySuffix) {
  EXPECT_EQ(*parse_duration("250ms"), Millis(250));
  EXPECT_EQ(*parse_duration("90s"), Millis(90'000));
  EXPECT_EQ(*parse_duration("15m"), Millis(900'000));
  EXPECT_EQ(*parse_duration("2h"), Millis(7'200'000));
  EXPECT_EQ(*parse_duration("1d"), Millis(86'400'000));
}

TEST(ConfigValues, DurationsRejectedWithoutUnitOrNumber) {
  EXPECT_FALSE(parse_duration("15"));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("1.5h"));
  EXPECT_FALSE(parse_duration("99999999999999999999d"));
}

TEST(ConfigValues, RedisUrls) {
  auto tcp = parse_redis_url("redis://:p%40ss@redis.internal:6380/3");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->host, "redis.internal");
  EXPECT_EQ(tcp->port, 6380);
  EXPECT_EQ(tcp->db, 3);
  EXPECT_EQ(tcp->password, "p@ss");
  auto unix_socket = parse_redis_url("unix:///run/redis/redis.sock?db=2");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(unix_socket->db, 2);
  EXPECT_FALSE(parse_redis_url("redis://host:99999"));
  EXPECT_FALSE(parse_redis_url("unix://relative.sock"));
}

TEST(ConfigValues, ListenAddresses) {
  EXPECT_EQ(parse_listen("0.0.0.0:8080")->port, 8080);
  EXPECT_EQ(parse_listen("[::1]:9000")->host, "::1");
  EXPECT_FALSE(parse_listen("8080"));
  EXPECT_FALSE(parse_listen("host:http"));
}

TEST(ConfigValues, EnvExpansion) {
  EnvLookup env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "A") return "alpha";
    return std::nullopt;
  };
  EXPECT_EQ(*expand_env("x-${A}-y", env), "x-alpha-y");
  EXPECT_EQ(*expand_env("${B:-beta}", env), "beta");
  EXPECT_EQ(*expand_env("cost $$5", env), "cost $5");
  EXPECT_EQ(expand_env("${B}", env).error(), "environment variable B is not set");
  EXPECT_FALSE(expand_env("${A", env));
  EXPECT_FALSE(expand_env("${A B}", env));
}

}  // namespace
}  // namespace omniroute::config
