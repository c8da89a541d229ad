// The Redis transport over TLS and with ACL users, against a real redis-server with a CA the test makes:
// a verified connection works; a wrong CA, an expired or wrong-host certificate, a wrong password are
// refused with a reason a person can act on, and never retried into silence.

#include <gtest/gtest.h>

#include "config/values.hpp"
#include "store/redis_client.hpp"
#include "support/loop.hpp"
#include "support/redis_server.hpp"
#include "support/test_ca.hpp"

namespace omniroute::store {
namespace {

using testing::CertFiles;
using testing::free_port;
using testing::RedisServer;
using testing::run_until;
using testing::run_until_set;
using testing::TestCa;

config::RedisConfig tls_config(const std::string& url, const std::string& ca_file) {
  config::RedisConfig cfg;
  cfg.url = url;
  cfg.endpoint = *config::parse_redis_url(url);
  cfg.tls.ca_file = ca_file;
  cfg.command_timeout = std::chrono::milliseconds(2000);
  cfg.connect_timeout = std::chrono::milliseconds(2000);
  return cfg;
}

class RedisTls : public ::testing::Test {
 protected:
  RedisTls()
      : port(free_port()),
        server_cert(ca.issue("redis", {"127.0.0.1"}, {"localhost"})),
        redis(testing::redis_tls_args(port, server_cert, ca.ca_file()), port) {}

  std::string url(const std::string& credentials = "", const std::string& host = "127.0.0.1") const {
    return "rediss://" + credentials + host + ":" + std::to_string(port) + "/0";
  }

  /// Runs until connected or a failure was judged; true when connected.
  bool connect(RedisClient& client) {
    client.start();
    run_until(ctx, [&] { return client.connected() || !client.last_error().empty(); });
    return client.connected();
  }

  RedisResult run(RedisClient& client, std::vector<std::string> args) {
    std::optional<RedisResult> result;
    client.command(std::move(args), [&](RedisResult r) { result = std::move(r); });
    EXPECT_TRUE(run_until_set(ctx, result));
    return result ? std::move(*result) : RedisResult(unexpected(RedisError{}));
  }

  boost::asio::io_context ctx;
  TestCa ca;
  std::uint16_t port;
  CertFiles server_cert;
  RedisServer redis;
};

TEST_F(RedisTls, AVerifiedConnectionCarriesUtf8BothWays) {
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(url(), ca.ca_file()));
  ASSERT_TRUE(connect(*client)) << client->last_error();
  const std::string text = "नमस्ते — మీకు సహాయం కావాలా? 🙏";
  ASSERT_TRUE(run(*client, {"SET", "greeting", text}));
  // Read back over the unix socket: it really went through the TLS connection to this server.
  EXPECT_EQ(redis.one({"GET", "greeting"}), text);
  auto got = run(*client, {"GET", "greeting"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->str, text);
  client->stop();
}

TEST_F(RedisTls, AHostNameIsCheckedAgainstTheCertificateToo) {
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(url("", "localhost"), ca.ca_file()));
  ASSERT_TRUE(connect(*client)) << client->last_error();
  client->stop();
}

TEST_F(RedisTls, AnotherCaIsRefusedWithTheReason) {
  TestCa other("another CA");
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(url(), other.ca_file()));
  EXPECT_FALSE(connect(*client));
  EXPECT_TRUE(client->refused());
  EXPECT_NE(client->last_error().find("certificate verify failed"), std::string::npos) << client->last_error();
  auto r = run(*client, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().failure, RedisFailure::unavailable);
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
  client->stop();
}

TEST(RedisTlsCertificates, ExpiredAndWrongHostCertificatesAreRefusedByName) {
  boost::asio::io_context ctx;
  TestCa ca;
  struct Case {
    CertFiles cert;
    std::string reason;
  };
  std::vector<Case> cases{{ca.issue("expired", {"127.0.0.1"}, {}, true), "certificate has expired"},
                          {ca.issue("elsewhere", {"10.9.8.7"}, {"redis.example"}), "IP address mismatch"}};
  for (const auto& c : cases) {
    const std::uint16_t port = free_port();
    RedisServer redis(testing::redis_tls_args(port, c.cert, ca.ca_file()), port);
    const std::string url = "rediss://127.0.0.1:" + std::to_string(port) + "/0";
    auto client = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(url, ca.ca_file()));
    client->start();
    run_until(ctx, [&] { return !client->last_error().empty(); });
    EXPECT_FALSE(client->connected());
    EXPECT_TRUE(client->refused()) << c.reason;
    EXPECT_NE(client->last_error().find("certificate verify failed: " + c.reason), std::string::npos)
        << client->last_error();
    client->stop();
  }
}

TEST_F(RedisTls, AnAclUserWithItsPasswordWorksAndAWrongPasswordIsWrongpassWithoutThePassword) {
  ASSERT_EQ(redis.one({"ACL", "SETUSER", "omniroute", "on", ">s3cret-पासवर्ड", "~*", "+@all"}), "OK");
  auto good = std::make_shared<RedisClient>(ctx.get_executor(),
                                            tls_config(url("omniroute:s3cret-%E0%A4%AA%E0%A4%BE%E0%A4%B8%E0%A4%B5%E0%A4%B0%E0%A5%8D%E0%A4%A1@"),
                                                       ca.ca_file()));
  ASSERT_TRUE(connect(*good)) << good->last_error();
  auto who = run(*good, {"ACL", "WHOAMI"});
  ASSERT_TRUE(who);
  EXPECT_EQ(who->str, "omniroute");
  good->stop();

  auto bad = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(url("omniroute:not-it@"), ca.ca_file()));
  EXPECT_FALSE(connect(*bad));
  EXPECT_TRUE(bad->refused());
  EXPECT_NE(bad->last_error().find("WRONGPASS"), std::string::npos) << bad->last_error();
  EXPECT_EQ(bad->last_error().find("not-it"), std::string::npos) << "the password must not be repeated";
  bad->stop();
}

TEST_F(RedisTls, AClientCertificateIsSentWhenTheServerAsksForOne) {
  const std::uint16_t strict_port = free_port();
  RedisServer strict(testing::redis_tls_args(strict_port, server_cert, ca.ca_file(), true), strict_port);
  const std::string strict_url = "rediss://127.0.0.1:" + std::to_string(strict_port) + "/0";

  auto without = std::make_shared<RedisClient>(ctx.get_executor(), tls_config(strict_url, ca.ca_file()));
  EXPECT_FALSE(connect(*without)) << "the server requires a client certificate";
  without->stop();

  CertFiles mine = ca.issue("omniroute-client", {}, {"omniroute"});
  auto cfg = tls_config(strict_url, ca.ca_file());
  cfg.tls.cert_file = mine.cert;
  cfg.tls.key_file = mine.key;
  auto with = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
  ASSERT_TRUE(connect(*with)) << with->last_error();
  auto pong = run(*with, {"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->str, "PONG");
  with->stop();
}

TEST_F(RedisTls, PlainRedisAgainstATlsPortIsNotMistakenForAnAnswer) {
  config::RedisConfig cfg = tls_config("redis://127.0.0.1:" + std::to_string(port) + "/0", "");
  cfg.command_timeout = std::chrono::milliseconds(500);
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
  client->start();
  // TCP connects; the first command gets no RESP answer: it fails (within the command timeout) instead of
  // hanging, and is never mistaken for a reply.
  ASSERT_TRUE(run_until(ctx, [&] { return client->connected(); }));
  auto r = run(*client, {"PING"});
  EXPECT_FALSE(r);
  client->stop();
}

}  // namespace
}  // namespace omniroute::store
