// Sentinel fail-over under load, with real processes: a master, a replica and three sentinels. The
// daemon finds the master through the sentinels, and when the master is killed (-9) it follows the
// promoted replica without a restart: webhooks answer 503 while nothing can be written durably, never
// 500. With replicas_ack: 1 the promoted replica has no replica of its own until the old master comes
// back (the sentinels make it one): 503 until then, 2xx after, and every acknowledged message is on the
// new master.

#include <gtest/gtest.h>

#include <iostream>

#include "integration/daemon_fixture.hpp"
#include "integration/webhook_load.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

namespace omniroute::testing {
namespace {

std::vector<std::string> sentinel_args(std::uint16_t master_port) {
  const std::string m = std::to_string(master_port);
  return {"--sentinel",
          "--sentinel", "monitor", "main", "127.0.0.1", m, "2",
          "--sentinel", "down-after-milliseconds", "main", "1000",
          "--sentinel", "failover-timeout", "main", "5000",
          "--sentinel", "parallel-syncs", "main", "1"};
}

class RedisSentinel : public ::testing::Test {
 protected:
  RedisSentinel()
      : master({"--repl-diskless-sync-delay", "0"}),
        replica({"--replicaof", "127.0.0.1", std::to_string(master.port())}),
        port(free_port()) {
    for (int i = 0; i < 3; ++i) sentinels.push_back(std::make_unique<RedisServer>(sentinel_args(master.port())));
    // The sentinels must know the replica (and each other) before a fail-over can promote it.
    EXPECT_TRUE(eventually([&] {
      for (auto& s : sentinels) {
        auto r = s->command({"SENTINEL", "replicas", "main"});
        if (r.empty()) return false;
        auto others = s->command({"SENTINEL", "sentinels", "main"});
        if (others.size() < 2 * 2) return false;  // flattened fields of two other sentinels
      }
      return true;
    }, 30'000));
  }

  ~RedisSentinel() override {
    daemon.reset();
  }

  /// True when every sentinel gives `port` as the master's address.
  bool sentinels_name_as_master(std::uint16_t port) const {
    for (const auto& s : sentinels) {
      auto addr = s->command({"SENTINEL", "get-master-addr-by-name", "main"});
      if (addr.size() != 2 || addr[1] != std::to_string(port)) return false;
    }
    return true;
  }

  std::string sentinel_list() const {
    std::string out = "[";
    for (size_t i = 0; i < sentinels.size(); ++i) out += (i ? ", " : "") + std::string("127.0.0.1:") + std::to_string(sentinels[i]->port());
    return out + "]";
  }

  void start_daemon(int replicas_ack) {
    ConfigBuilder cfg = standard_config(port, "redis://ignored:1/0");
    cfg.redis("sentinels", sentinel_list()).redis("master_name", "main").redis("replicas_ack", std::to_string(replicas_ack));
    cfg.redis("command_timeout", "1s").redis("connect_timeout", "1s");
    daemon.emplace(cfg.yaml(), port, std::vector<std::string>{"TEST_TWILIO_TOKEN=t"});
  }

  RedisServer master;
  RedisServer replica;
  std::vector<std::unique_ptr<RedisServer>> sentinels;
  std::uint16_t port;
  std::optional<DaemonProcess> daemon;
};

  /// True once the replica has synced with the master.
bool replica_in_sync(RedisServer& r, int timeout_ms = 20'000) {
  return eventually([&] {
    auto role = r.command({"ROLE"});
    return role.size() >= 4 && role[0] == "slave" && role[3] == "connected";
  }, timeout_ms);
}

TEST_F(RedisSentinel, AKilledMasterIsFollowedAndEveryAcknowledgedMessageIsOnTheNewOne) {
  ASSERT_TRUE(replica_in_sync(replica));
  start_daemon(1);
  WebhookLoad load(port, "s", 3, 40, "नमस्ते");
  ASSERT_TRUE(eventually([&] { return load.acked() >= 300; }, 60'000));
  const std::uint16_t old_master = master.port();
  master.kill_hard();
  load.mark();
  // The replica is promoted; with no replica of its own, nothing is acknowledged.
  ASSERT_TRUE(eventually([&] { return replica.one({"ROLE"}) == "master"; }, 60'000));
  const int acked_at_promotion = load.acked(), refused_at_promotion = load.refused();
  ASSERT_TRUE(eventually([&] { return load.refused() >= refused_at_promotion + 30; }, 60'000));
  const int acked_without_replica = load.acked() - acked_at_promotion;
  // The old master comes back empty, as an operator brings it back: once every sentinel names the new
  // master. (Before that, a fail-over that overran failover-timeout on a loaded machine is aborted, and
  // the sentinels would make the promoted node a replica of the empty one: Redis's documented hazard
  // of restarting a master without persistence.) The sentinels make it the new master's replica.
  ASSERT_TRUE(eventually([&] { return sentinels_name_as_master(replica.port()); }, 90'000));
  master.start();
  // (the sentinels convert it once they see it again: seconds, more on a loaded machine)
  bool followed = replica_in_sync(master, 90'000) &&
                  eventually([&] { return load.acked_after() >= acked_without_replica + 200; }, 60'000);
  load.stop();
  ASSERT_TRUE(followed) << "statuses so far: " << load.summary() << "\n" << daemon->log();
  EXPECT_EQ(replica.one({"ROLE"}), "master");
  EXPECT_EQ(acked_without_replica, 0) << "acknowledged while no replica could confirm";
  for (const auto& [status, count] : load.statuses()) {
    EXPECT_TRUE(status == 200 || status == 503) << count << " answers with status " << status;
  }
  size_t missing = 0;
  const auto acked = load.all();
  for (const auto& id : acked) {
    if (replica.one({"EXISTS", it_keys().dedupe("api", id)}) != "1") ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged messages, the old master was :" << old_master;
  // The daemon said where it went.
  EXPECT_NE(daemon->log().find("127.0.0.1:" + std::to_string(replica.port())), std::string::npos) << daemon->log();
}

TEST_F(RedisSentinel, WithoutReplicasAckOnlyWhatWasAcknowledgedBeforeTheCrashCanBeLost) {
  // replicas_ack: 0 (the default): what docs/production-redis.md says may be lost is messages acknowledged
  // before the master died that had not reached the replica. Everything sent after the crash and
  // acknowledged is on the new master; nothing is ever answered 500.
  ASSERT_TRUE(replica_in_sync(replica));
  start_daemon(0);
  WebhookLoad load(port, "z", 3, 40, "ప్రతిస్పందన");
  ASSERT_TRUE(eventually([&] { return load.acked() >= 500; }, 60'000));
  master.kill_hard();
  load.mark();
  bool followed = eventually([&] { return load.acked_after() >= 200; }, 60'000);
  load.stop();
  ASSERT_TRUE(followed) << load.summary() << "\n" << daemon->log();
  for (const auto& [status, count] : load.statuses()) {
    EXPECT_TRUE(status == 200 || status == 503) << count << " answers with status " << status;
  }
  size_t lost_after = 0, lost_before = 0;
  for (const auto& id : load.after()) lost_after += replica.one({"EXISTS", it_keys().dedupe("api", id)}) != "1";
  for (const auto& id : load.before()) lost_before += replica.one({"EXISTS", it_keys().dedupe("api", id)}) != "1";
  EXPECT_EQ(lost_after, 0u) << "of " << load.after().size() << " acknowledged after the crash";
  // The documented window: what was acknowledged just before the crash (recorded, not bounded).
  ::testing::Test::RecordProperty("acknowledged_before_crash", static_cast<int>(load.before().size()));
  ::testing::Test::RecordProperty("lost_of_those", static_cast<int>(lost_before));
  std::cout << "replicas_ack 0: " << lost_before << " of " << load.before().size()
            << " messages acknowledged before the master was killed are not on the new master\n";
}

TEST_F(RedisSentinel, WithoutEnoughReplicasWebhooksAnswer503AndNothingIsAcknowledged) {
  ASSERT_TRUE(replica_in_sync(replica));
  start_daemon(2);  // one replica exists: two can never confirm
  std::string body = webhook_body("only-one-replica", "cust-1", "హలో");
  auto r = http_request(port, "POST", "/webhooks/api", signed_headers(body), body);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(daemon->log().find("only 1 of 2 replicas confirmed"), std::string::npos) << daemon->log();
  // The message may be on the master (Redis cannot un-write it), but it was not acknowledged: the
  // provider retries, and the retry is stored once.
  start_daemon(1);
  auto again = http_request(port, "POST", "/webhooks/api", signed_headers(body), body);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(master.one({"EXISTS", it_keys().dedupe("api", "only-one-replica")}), "1");
}

}  // namespace
}  // namespace omniroute::testing
