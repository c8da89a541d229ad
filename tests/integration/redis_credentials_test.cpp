// What an operator sees when Redis refuses us: at start, omnirouted exits non-zero with one line naming
// the cause (a certificate that fails verification, WRONGPASS); later (a password rotated on the
// server), /readyz answers 503 with the same reason. No password ever appears in either.

#include <gtest/gtest.h>

#include "integration/daemon_fixture.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/test_ca.hpp"

namespace omniroute::testing {
namespace {

/// Lines of `log` that are errors.
std::vector<std::string> error_lines(const std::string& log) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(start, end - start);
    if (line.find(" error ") != std::string::npos) out.push_back(line);
    start = end + 1;
  }
  return out;
}

/// Waits until /readyz answers 503 naming `reason` (the daemon reconnects on its own); the last answer.
HttpResult readyz_comes_to_say(std::uint16_t port, const std::string& reason) {
  HttpResult ready;
  EXPECT_TRUE(eventually([&] {
    ready = http_request(port, "GET", "/readyz");
    return ready.status == 503 && ready.body.find(reason) != std::string::npos;
  })) << ready.status << " " << ready.body;
  return ready;
}

RunResult run_daemon_with(const TempDir& dir, const ConfigBuilder& cfg) {
  std::string path = dir.write("omniroute.yaml", cfg.yaml());
  return run_to_end(daemon_binary(), {"--config", path}, {"TEST_TWILIO_TOKEN=t"});
}

TEST(RedisCredentials, ACertificateFromAnotherCaStopsTheDaemonAtStartWithOneLine) {
  TestCa ca, other("another CA");
  const std::uint16_t redis_port = free_port();
  RedisServer redis(redis_tls_args(redis_port, ca.issue("redis", {"127.0.0.1"}), ca.ca_file()), redis_port);
  TempDir dir;
  ConfigBuilder cfg = standard_config(free_port(), "rediss://127.0.0.1:" + std::to_string(redis_port) + "/0");
  cfg.section("redis", "{url: rediss://127.0.0.1:" + std::to_string(redis_port) + "/0, workspace: it, tls: {ca_file: " +
                           other.ca_file() + "}}");
  auto r = run_daemon_with(dir, cfg);
  EXPECT_NE(r.exit_code, 0) << r.output;
  auto errors = error_lines(r.output);
  ASSERT_EQ(errors.size(), 1u) << r.output;
  EXPECT_NE(errors[0].find("certificate verify failed"), std::string::npos) << errors[0];

  // With the right CA it starts and serves.
  const std::uint16_t port = free_port();
  ConfigBuilder good = standard_config(port, "rediss://127.0.0.1:" + std::to_string(redis_port) + "/0");
  good.redis("tls", "{ca_file: " + ca.ca_file() + "}");
  DaemonProcess daemon(good.yaml(), port, {"TEST_TWILIO_TOKEN=t"});
  EXPECT_EQ(post_message(port, "tls-1", "cust-1", "TLS पर नमस्ते").status, 200);
  EXPECT_EQ(redis.one({"EXISTS", it_keys().dedupe("api", "tls-1")}), "1");
}

TEST(RedisCredentials, AnExpiredCertificateLaterMakesReadyzSayWhy) {
  TestCa ca;
  const std::uint16_t redis_port = free_port();
  RedisServer redis(redis_tls_args(redis_port, ca.issue("redis", {"127.0.0.1"}), ca.ca_file()), redis_port);
  const std::uint16_t port = free_port();
  ConfigBuilder cfg = standard_config(port, "rediss://127.0.0.1:" + std::to_string(redis_port) + "/0");
  cfg.redis("tls", "{ca_file: " + ca.ca_file() + "}");
  DaemonProcess daemon(cfg.yaml(), port, {"TEST_TWILIO_TOKEN=t"});
  EXPECT_EQ(post_message(port, "tls-before", "cust-1", "hello").status, 200);
  // The server starts presenting an expired certificate, and our connections are cut.
  CertFiles expired = ca.issue("expired", {"127.0.0.1"}, {}, true);
  ASSERT_EQ(redis.one({"CONFIG", "SET", "tls-cert-file", expired.cert, "tls-key-file", expired.key}), "OK");
  redis.command({"CLIENT", "KILL", "TYPE", "normal"});
  readyz_comes_to_say(port, "certificate has expired");
  EXPECT_EQ(post_message(port, "tls-after", "cust-1", "hello again").status, 503);
}

TEST(RedisCredentials, AWrongPasswordStopsTheDaemonAtStartAndARotatedOneMakesReadyzSayWhy) {
  RedisServer redis;
  ASSERT_EQ(redis.one({"ACL", "SETUSER", "omniroute", "on", ">first-secret", "~*", "+@all"}), "OK");
  const std::string base = "redis://omniroute:";
  const std::string at = "@127.0.0.1:" + std::to_string(redis.port()) + "/0";

  TempDir dir;
  auto wrong = run_daemon_with(dir, standard_config(free_port(), base + "not-the-secret" + at));
  EXPECT_NE(wrong.exit_code, 0) << wrong.output;
  auto errors = error_lines(wrong.output);
  ASSERT_EQ(errors.size(), 1u) << wrong.output;
  EXPECT_NE(errors[0].find("WRONGPASS"), std::string::npos) << errors[0];
  EXPECT_EQ(wrong.output.find("not-the-secret"), std::string::npos) << "a password in the output";

  const std::uint16_t port = free_port();
  DaemonProcess daemon(standard_config(port, base + "first-secret" + at).yaml(), port, {"TEST_TWILIO_TOKEN=t"});
  EXPECT_EQ(post_message(port, "acl-1", "cust-1", "hello").status, 200);
  // The password is rotated on the server and our connections are cut: the daemon cannot get back in.
  ASSERT_EQ(redis.one({"ACL", "SETUSER", "omniroute", "resetpass", ">second-secret"}), "OK");
  redis.command({"CLIENT", "KILL", "USER", "omniroute"});
  HttpResult ready = readyz_comes_to_say(port, "WRONGPASS");
  EXPECT_EQ(ready.body.find("secret"), std::string::npos) << ready.body;
  EXPECT_EQ(post_message(port, "acl-2", "cust-1", "hello again").status, 503);
  EXPECT_EQ(daemon.log().find("first-secret"), std::string::npos);
}

}  // namespace
}  // namespace omniroute::testing
