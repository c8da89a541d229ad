// Redis Cluster with real processes: three masters made by the fixture (redis-cli --cluster create).
// Each workspace lives in one slot ({workspace} hash tag): two daemons with workspaces on different
// shards both work, and a workspace's slot moved by redis-cli --cluster reshard under load loses
// nothing acknowledged (MOVED, ASK and TRYAGAIN followed; 503 at worst, never 500).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "integration/daemon_fixture.hpp"
#include "store/keys.hpp"
#include "store/redis_topology.hpp"
#include "integration/webhook_load.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

namespace omniroute::testing {
namespace {

std::uint16_t workspace_slot(const std::string& ws) { return store::hash_slot(store::Keys(ws).prefix()); }

/// The first workspace name "ws<n>" whose slot is in [from, to].
std::string workspace_in(std::uint16_t from, std::uint16_t to) {
  for (int i = 0;; ++i) {
    std::string ws = "ws" + std::to_string(i);
    auto slot = workspace_slot(ws);
    if (slot >= from && slot <= to) return ws;
  }
}

/// A free port whose cluster bus port (+10000) is free too, both below the kernel's ephemeral range (32768 on),
/// where an outgoing connection could take the bus port before the node binds it.
std::uint16_t cluster_port() {
  for (;;) {
    std::uint16_t p = free_port();
    if (p + 10000 >= 32768) continue;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(p + 10000));
    const bool bus_free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (bus_free) return p;
  }
}

class RedisCluster : public ::testing::Test {
 protected:
  RedisCluster() {
    for (int i = 0; i < 3; ++i) {
      nodes.push_back(std::make_unique<RedisServer>(std::vector<std::string>{
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000"},
          cluster_port()));
    }
    std::vector<std::string> create{"--cluster", "create"};
    for (auto& n : nodes) create.push_back("127.0.0.1:" + std::to_string(n->port()));
    for (std::string a : {"--cluster-replicas", "0", "--cluster-yes"}) create.push_back(a);
    auto made = run_to_end("/usr/bin/redis-cli", create);
    EXPECT_EQ(made.exit_code, 0) << made.output;
    EXPECT_TRUE(eventually([&] {
      for (auto& n : nodes) {
        auto info = n->one({"CLUSTER", "INFO"});
        if (info.find("cluster_state:ok") == std::string::npos) return false;
      }
      return true;
    }, 30'000));
  }

  ~RedisCluster() override {
    for (auto& d : daemons) d.reset();
  }

  std::string seeds() const {
    // One seed is enough to find the rest; two in case one is down.
    return "[127.0.0.1:" + std::to_string(nodes[0]->port()) + ", 127.0.0.1:" + std::to_string(nodes[1]->port()) + "]";
  }

  DaemonProcess& start_daemon(const std::string& workspace) {
    std::uint16_t port = free_port();
    ConfigBuilder cfg = standard_config(port, "redis://ignored:1/0");
    cfg.redis("cluster", seeds()).redis("workspace", workspace);
    daemons.push_back(std::make_unique<DaemonProcess>(cfg.yaml(), port, std::vector<std::string>{"TEST_TWILIO_TOKEN=t"}));
    return *daemons.back();
  }

  /// The node serving `slot` now.
  RedisServer& owner_of(std::uint16_t slot) {
    std::string id = node_id_for(slot);
    for (auto& n : nodes) {
      if (n->one({"CLUSTER", "MYID"}) == id) return *n;
    }
    throw std::runtime_error("no node serves slot " + std::to_string(slot));
  }

  /// The id of the node serving `slot`, as the first node sees the cluster.
  std::string node_id_for(std::uint16_t slot) {
    // CLUSTER NODES: "<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <state> <slots…>"
    std::istringstream lines(nodes[0]->one({"CLUSTER", "NODES"}));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::vector<std::string> f;
      for (std::string w; fields >> w;) f.push_back(w);
      for (size_t i = 8; i < f.size(); ++i) {
        if (f[i].front() == '[') continue;  // a slot being migrated
        auto dash = f[i].find('-');
        long from = std::stol(f[i].substr(0, dash));
        long to = dash == std::string::npos ? from : std::stol(f[i].substr(dash + 1));
        if (slot >= from && slot <= to) return f[0];
      }
    }
    return "";
  }

  std::vector<std::unique_ptr<RedisServer>> nodes;
  std::vector<std::unique_ptr<DaemonProcess>> daemons;
};

TEST_F(RedisCluster, TwoDaemonsWithWorkspacesOnDifferentShardsBothWork) {
  const std::string first = workspace_in(0, 5000);       // the first node's slots
  const std::string second = workspace_in(6000, 10000);  // the second's
  ASSERT_NE(node_id_for(workspace_slot(first)), node_id_for(workspace_slot(second)));
  DaemonProcess& a = start_daemon(first);
  DaemonProcess& b = start_daemon(second);
  for (auto [daemon, ws] : {std::pair{&a, first}, std::pair{&b, second}}) {
    std::string body = webhook_body("m-" + ws, "cust-" + ws, "నమస్కారం from " + ws);
    auto r = http_request(daemon->port(), "POST", "/webhooks/api", signed_headers(body), body);
    EXPECT_EQ(r.status, 200) << r.body << daemon->log();
    // Stored once, on the node owning the workspace's slot, with the text intact.
    RedisServer& owner = owner_of(workspace_slot(ws));
    EXPECT_EQ(owner.one({"EXISTS", store::Keys(ws).dedupe("api", "m-" + ws)}), "1");
    EXPECT_EQ(http_request(daemon->port(), "POST", "/webhooks/api", signed_headers(body), body).status, 200);
    EXPECT_EQ(http_request(daemon->port(), "GET", "/readyz").status, 200);
  }
  EXPECT_NE(&owner_of(workspace_slot(first)), &owner_of(workspace_slot(second)));
}

TEST_F(RedisCluster, AWorkspaceWhoseSlotIsReshardedUnderLoadLosesNothingAcknowledged) {
  // redis-cli reshard moves a source node's lowest slots first: a workspace among the first 64.
  const std::string ws = workspace_in(0, 63);
  const std::uint16_t slot = workspace_slot(ws);
  DaemonProcess& daemon = start_daemon(ws);
  RedisServer& source = owner_of(slot);
  const std::string source_id = source.one({"CLUSTER", "MYID"});
  RedisServer* target = nullptr;
  for (auto& n : nodes) {
    if (n.get() != &source) target = n.get();
  }
  const std::string target_id = target->one({"CLUSTER", "MYID"});

  WebhookLoad load(daemon.port(), "r", 3, 200, "message — धन्यवाद");
  ASSERT_TRUE(eventually([&] { return load.acked() >= 1500; }, 60'000));
  auto moved = run_to_end("/usr/bin/redis-cli", {"--cluster", "reshard", "127.0.0.1:" + std::to_string(source.port()),
                                                 "--cluster-from", source_id, "--cluster-to", target_id,
                                                 "--cluster-slots", "64", "--cluster-yes", "--cluster-pipeline", "20"});
  load.mark();
  bool after = eventually([&] { return load.acked_after() >= 500; }, 60'000);
  load.stop();
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  ASSERT_TRUE(after) << load.summary() << "\n" << daemon.log();
  EXPECT_EQ(node_id_for(slot), target_id) << "the workspace's slot did not move";
  for (const auto& [status, count] : load.statuses()) {
    EXPECT_TRUE(status == 200 || status == 503) << count << " answers with status " << status;
  }
  size_t missing = 0;
  const auto acked = load.all();
  for (const auto& id : acked) {
    if (target->one({"EXISTS", store::Keys(ws).dedupe("api", id)}) != "1") ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged messages";
  EXPECT_EQ(source.one({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}), "0");
  EXPECT_NE(daemon.log().find("slot moved"), std::string::npos) << "MOVED was not seen (nor followed)";
}

}  // namespace
}  // namespace omniroute::testing
