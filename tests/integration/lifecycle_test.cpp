// The process as an operator sees it: --check-config, signals, crash safety.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

TEST(CheckConfig, ValidFilePrintsNothingAndExits0) {
  TempDir dir;
  std::string path = dir.write("ok.yaml", daemon_config(8080, "redis://127.0.0.1:6379/0"));
  auto r = run_daemon_to_end({"--check-config", "--config", path}, {"TEST_TWILIO_TOKEN=t"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

TEST(CheckConfig, ProblemsArePrintedAsFileLineColumnAndExit2) {
  TempDir dir;
  std::string path = dir.write("bad.yaml",
                               "server:\n  listen: 127.0.0.1:8080\n  listne: x\nchannels:\n  - id: api\n"
                               "    kind: webhook\n    secret: ${NOT_SET_ANYWHERE}\nqueues:\n  - id: q\n"
                               "    channels: [api]\n");
  auto r = run_daemon_to_end({"--check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, path + ":3:3: unknown key 'listne' in server (did you mean 'listen'?)\n" + path +
                          ":7:13: channels[0].secret: environment variable NOT_SET_ANYWHERE is not set\n");
}

TEST(CheckConfig, MissingFileIsAProblemToo) {
  auto r = run_daemon_to_end({"--check-config", "--config", "/nonexistent/omniroute.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "/nonexistent/omniroute.yaml:1:1: cannot read the file\n");
}

TEST(CheckConfig, ShippedExampleIsValid) {
  auto r = run_daemon_to_end({"--check-config", "--config", std::string(OMNIROUTE_SOURCE_DIR) + "/config/omniroute.example.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(CheckConfig, EmbeddedDefaultIsValid) {
  auto r = run_daemon_to_end({"--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

class Lifecycle : public ::testing::Test {
 protected:
  Lifecycle() : port(free_port()), daemon(daemon_config(port, redis.url()), port, {"TEST_TWILIO_TOKEN=t"}) {}
  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(Lifecycle, SigtermExitsZero) {
  ASSERT_EQ(post_message(port, "1", "c", "hi").status, 200);
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
}

TEST_F(Lifecycle, SighupReloadsTheConfigAndKeepsTheOldOneWhenTheNewIsBroken) {
  ASSERT_EQ(post_message(port, "1", "c", "hi").status, 200);
  std::string body = webhook_body("2", "d", "నమస్కారం");
  EXPECT_EQ(http_request(port, "POST", "/webhooks/api2", signed_headers(body), body).status, 404);
  // A second channel, and a queue for it.
  ConfigBuilder reloaded = standard_config(port, redis.url());
  reloaded.channel(std::string("{ id: api2, kind: webhook, secret: ") + kApiSecret + " }")
      .queue("{ id: second, channels: [api2] }");
  daemon.rewrite_config(reloaded.yaml());
  daemon.signal(SIGHUP);
  int status = 404;
  eventually([&] {
    status = http_request(port, "POST", "/webhooks/api2", signed_headers(body), body).status;
    return status != 404;
  }, 5'000);
  EXPECT_EQ(status, 200) << daemon.log();
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(redis.one({"GET", it_keys().thread("api2", "d")})), "queue"}), "second");
  EXPECT_EQ(post_message(port, "3", "c", "still here").status, 200);  // the old channel too, its conversation kept
  EXPECT_NE(daemon.log().find("configuration reloaded"), std::string::npos) << daemon.log();

  // A broken file: said as FILE:LINE:COL, and the running configuration stays.
  daemon.rewrite_config(reloaded.yaml() + "bogus_section: 1\n");
  daemon.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return daemon.log().find("not reloaded") != std::string::npos; })) << daemon.log();
  EXPECT_TRUE(daemon.running());
  EXPECT_NE(daemon.log().find("omniroute.yaml:"), std::string::npos) << daemon.log();
  EXPECT_NE(daemon.log().find("unknown key 'bogus_section'"), std::string::npos) << daemon.log();
  EXPECT_NE(daemon.log().find("not reloaded"), std::string::npos) << daemon.log();
  std::string again = webhook_body("4", "e", "hello");
  EXPECT_EQ(http_request(port, "POST", "/webhooks/api2", signed_headers(again), again).status, 200);
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
}

TEST_F(Lifecycle, ReloadsUnderTrafficRefuseAndLoseNothing) {
  std::atomic<bool> done{false};
  std::vector<int> statuses;
  std::thread client([&] {
    for (int i = 0; i < 400; ++i) statuses.push_back(post_message(port, "r" + std::to_string(i), "c" + std::to_string(i % 50), "नमस्ते").status);
    done = true;
  });
  for (int i = 0; i < 4 && !done; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    daemon.signal(SIGHUP);
  }
  client.join();
  ASSERT_EQ(statuses.size(), 400u);
  for (size_t i = 0; i < statuses.size(); ++i) ASSERT_EQ(statuses[i], 200) << "message " << i << "\n" << daemon.log();
  int stored = 0;
  for (int i = 0; i < 50; ++i) {
    std::string conv = redis.one({"GET", it_keys().thread("api", "c" + std::to_string(i))});
    stored += std::atoi(redis.one({"HGET", it_keys().conversation(conv), "message_count"}).c_str());
  }
  EXPECT_EQ(stored, 400);
  EXPECT_TRUE(daemon.running());
  EXPECT_NE(daemon.log().find("configuration reloaded"), std::string::npos) << daemon.log();
}

TEST_F(Lifecycle, AReloadWhoseRedisIsUnreachableKeepsTheRunningConfiguration) {
  daemon.rewrite_config(daemon_config(port, "redis://127.0.0.1:" + std::to_string(free_port()) + "/0"));
  daemon.signal(SIGHUP);
  eventually([&] { return daemon.log().find("not reachable") != std::string::npos; }, 4'000);
  EXPECT_NE(daemon.log().find("Redis is not reachable; not reloaded"), std::string::npos) << daemon.log();
  EXPECT_EQ(post_message(port, "after", "c", "hi").status, 200);
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
}

TEST_F(Lifecycle, SigtermLetsAnInFlightRequestFinish) {
  // A hung Redis keeps the request in flight for the command timeout (500 ms).
  redis.pause();
  HttpResult in_flight;
  std::thread client([&] { in_flight = post_message(port, "slow", "c", "hi"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  daemon.signal(SIGTERM);
  client.join();
  redis.resume();
  EXPECT_EQ(in_flight.status, 503) << "the request was cut off instead of answered";
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
}

TEST_F(Lifecycle, EveryAcknowledgedMessageSurvivesSigkillUnderLoad) {
  std::atomic<bool> stop{false};
  std::atomic<int> acked_count{0};
  std::mutex mu;
  std::vector<std::string> acked;
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      try {
        HttpConnection conn(port);
        for (int i = 0; i < 5000 && !stop; ++i) {
          std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          std::string body = webhook_body(id, "cust-" + std::to_string(i % 50), "load " + id);
          auto r = conn.request("POST", "/webhooks/api", signed_headers(body), body);
          if (r.status == 0) break;  // the daemon is gone
          if (r.status == 200) {
            std::lock_guard lock(mu);
            acked.push_back(id);
            ++acked_count;
          }
        }
      } catch (const std::exception&) {
      }
    });
  }
  while (acked_count < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  daemon.kill_hard();
  stop = true;
  for (auto& s : senders) s.join();
  ASSERT_GE(acked.size(), 1000u);
  size_t missing = 0;
  for (const auto& id : acked) {
    if (redis.one({"EXISTS", it_keys().dedupe("api", id)}) != "1") ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged messages";
}

}  // namespace
}  // namespace omniroute::testing
