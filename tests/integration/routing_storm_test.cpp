// The invariants of routing under load, with two daemon instances on one
// Redis: conversations pour in through both while 20 agents flap their
// presence through both. Afterwards no conversation is held by two agents,
// no agent is over capacity, and none is lost.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

constexpr int kAgents = 20;
constexpr int kConversations = 1000;

std::string agent_token(int i) { return "storm-agent-token-" + std::to_string(1000 + i); }

std::string storm_config(std::uint16_t port, const std::string& redis_url, const std::string& queue_extra = "") {
  std::string cfg = "server:\n  listen: 127.0.0.1:" + std::to_string(port) +
                    "\n  threads: 2\nredis:\n  url: " + redis_url + "\n  workspace: it\n"
                    "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + " }\n"
                    "queues:\n  - { id: general, channels: [api]" + queue_extra + " }\nagents:\n";
  for (int i = 0; i < kAgents; ++i) {
    cfg += "  - { id: a" + std::to_string(i) + ", token: " + agent_token(i) + ", capacity: { chat: " +
           std::to_string(1 + i % 3) + " } }\n";
  }
  return cfg;
}

TEST(RoutingStorm, TwoDaemonsNeverDoubleAssignNorExceedCapacityNorLose) {
  RedisServer redis;
  std::uint16_t port_a = free_port(), port_b = free_port();
  DaemonProcess a(storm_config(port_a, redis.url()), port_a);
  DaemonProcess b(storm_config(port_b, redis.url()), port_b);
  const std::uint16_t ports[2] = {port_a, port_b};

  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {  // senders, alternating daemons
    threads.emplace_back([&, t] {
      HttpConnection conn(ports[t % 2]);
      for (int i = t; i < kConversations; i += 4) {
        std::string body = webhook_body("s" + std::to_string(i), "cust-" + std::to_string(i), "storm");
        if (conn.request("POST", "/webhooks/api", signed_headers(body), body).status == 200) ++accepted;
      }
    });
  }
  std::atomic<bool> stop{false};
  for (int t = 0; t < 2; ++t) {  // presence flappers and resolvers
    threads.emplace_back([&, t] {
      std::mt19937 rng(42 + t);
      const char* states[] = {"available", "away", "offline", "available"};
      while (!stop) {
        int agent = static_cast<int>(rng() % kAgents);
        Headers h{{"Authorization", "Bearer " + agent_token(agent)}, {"Content-Type", "application/json"}};
        std::string status = states[rng() % 4];
        http_request(ports[rng() % 2], "PUT", "/v1/agents/me/status", h, "{\"status\":\"" + status + "\"}");
      }
    });
  }
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop = true;
  for (size_t t = 4; t < threads.size(); ++t) threads[t].join();
  ASSERT_EQ(accepted, kConversations);

  // Everyone available: the sweep fills every free place.
  for (int i = 0; i < kAgents; ++i) {
    Headers h{{"Authorization", "Bearer " + agent_token(i)}, {"Content-Type", "application/json"}};
    ASSERT_EQ(http_request(ports[i % 2], "PUT", "/v1/agents/me/status", h, R"({"status":"available"})").status, 200);
  }
  // The sweep (once a second) fills every free place; wait for it, bounded.
  int total_places = 0;
  for (int i = 0; i < kAgents; ++i) total_places += 1 + i % 3;
  eventually([&] {
    int held = 0;
    for (int i = 0; i < kAgents; ++i) held += std::stoi(redis.one({"SCARD", it_keys().agent_conversations("a" + std::to_string(i))}));
    return held >= total_places;
  }, 10'000);

  std::map<std::string, std::string> holder;  // conversation → agent
  int total_capacity = 0;
  for (int i = 0; i < kAgents; ++i) {
    std::string id = "a" + std::to_string(i);
    auto convs = redis.command({"SMEMBERS", it_keys().agent_conversations(id)});
    int cap = 1 + i % 3;
    total_capacity += cap;
    EXPECT_LE(static_cast<int>(convs.size()), cap) << id << " is over capacity";
    EXPECT_EQ(redis.one({"HGET", it_keys().agent(id), "load:chat"}), std::to_string(convs.size())) << id;
    for (const auto& c : convs) {
      EXPECT_TRUE(holder.emplace(c, id).second) << c << " is held by " << holder[c] << " and " << id;
      EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "agent"}), id);
      EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "state"}), "assigned");
    }
  }
  auto queued = redis.command({"ZRANGE", it_keys().queue("general"), "0", "-1"});
  for (const auto& c : queued) {
    EXPECT_EQ(holder.count(c), 0u) << c << " is both queued and assigned";
    EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "state"}), "queued");
  }
  EXPECT_EQ(static_cast<int>(holder.size()), total_capacity) << "free places left while conversations wait";
  EXPECT_EQ(static_cast<int>(holder.size() + queued.size()), kConversations) << "conversations lost";
  EXPECT_EQ(redis.one({"ZCARD", it_keys().waiting("general", "chat")}), std::to_string(queued.size()));
}

// The same storm in offer mode, with agents accepting and rejecting offers through both daemons
// while their presence flaps: a held offer counts against capacity exactly like an assignment.
TEST(RoutingStorm, OfferModeKeepsEveryConversationWithOneAgentAtMostAndWithinCapacity) {
  RedisServer redis;
  std::uint16_t port_a = free_port(), port_b = free_port();
  DaemonProcess a(storm_config(port_a, redis.url(), ", offer_timeout: 60s"), port_a);
  DaemonProcess b(storm_config(port_b, redis.url(), ", offer_timeout: 60s"), port_b);
  const std::uint16_t ports[2] = {port_a, port_b};

  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      HttpConnection conn(ports[t % 2]);
      for (int i = t; i < kConversations; i += 2) {
        std::string body = webhook_body("o" + std::to_string(i), "cust-" + std::to_string(i), "storm");
        if (conn.request("POST", "/webhooks/api", signed_headers(body), body).status == 200) ++accepted;
      }
    });
  }
  std::atomic<bool> stop{false};
  threads.emplace_back([&] {  // presence flapper
    std::mt19937 rng(7);
    const char* states[] = {"available", "away", "available", "available"};
    while (!stop) {
      int agent = static_cast<int>(rng() % kAgents);
      Headers h{{"Authorization", "Bearer " + agent_token(agent)}, {"Content-Type", "application/json"}};
      http_request(ports[rng() % 2], "PUT", "/v1/agents/me/status", h,
                   std::string("{\"status\":\"") + states[rng() % 4] + "\"}");
    }
  });
  for (int t = 0; t < 2; ++t) {  // agents answering their offers, and resolving some of what they hold
    threads.emplace_back([&, t] {
      std::mt19937 rng(99 + t);
      while (!stop) {
        int agent = static_cast<int>(rng() % kAgents);
        Headers h{{"Authorization", "Bearer " + agent_token(agent)}};
        auto offers = http_request(ports[rng() % 2], "GET", "/v1/agents/me/offers", h);
        auto ids = redis.command({"SMEMBERS", it_keys().agent_offers("a" + std::to_string(agent))});
        for (const auto& id : ids) {
          const char* answer = rng() % 3 == 0 ? "/reject" : "/accept";
          http_request(ports[rng() % 2], "POST", "/v1/conversations/" + id + answer, h);
        }
        auto held = redis.command({"SMEMBERS", it_keys().agent_conversations("a" + std::to_string(agent))});
        if (!held.empty() && rng() % 4 == 0) {
          http_request(ports[rng() % 2], "POST", "/v1/conversations/" + held[0] + "/resolve", h);
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (size_t t = 2; t < threads.size(); ++t) threads[t].join();
  ASSERT_EQ(accepted, kConversations);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // requests in flight settle

  std::map<std::string, std::string> holder;  // conversation → agent (assigned or offered)
  for (int i = 0; i < kAgents; ++i) {
    std::string id = "a" + std::to_string(i);
    auto convs = redis.command({"SMEMBERS", it_keys().agent_conversations(id)});
    auto offers = redis.command({"SMEMBERS", it_keys().agent_offers(id)});
    EXPECT_LE(static_cast<int>(convs.size() + offers.size()), 1 + i % 3) << id << " is over capacity";
    EXPECT_EQ(redis.one({"HGET", it_keys().agent(id), "load:chat"}), std::to_string(convs.size() + offers.size()))
        << id;
    for (const auto& c : convs) {
      EXPECT_TRUE(holder.emplace(c, id).second) << c << " is held by " << holder[c] << " and " << id;
      EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "agent"}), id);
    }
    for (const auto& c : offers) {
      EXPECT_TRUE(holder.emplace(c, id).second) << c << " is offered to " << id << " and held by " << holder[c];
      EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "offered_to"}), id);
      EXPECT_EQ(redis.one({"HGET", it_keys().conversation(c), "state"}), "queued");
      EXPECT_EQ(redis.one({"ZSCORE", it_keys().waiting("general", "chat"), c}), "(nil)") << c << " offered and waiting";
    }
  }
  int resolved = std::stoi(redis.one({"ZCARD", it_keys().resolved()}));
  auto waiting = redis.command({"ZRANGE", it_keys().waiting("general", "chat"), "0", "-1"});
  for (const auto& c : waiting) EXPECT_EQ(holder.count(c), 0u) << c << " is both waiting and held";
  int assigned = 0;
  for (const auto& [c, agent] : holder) assigned += redis.one({"HGET", it_keys().conversation(c), "state"}) == "assigned";
  EXPECT_GT(resolved, 0) << "the storm never got as far as accepting and resolving";
  EXPECT_EQ(static_cast<int>(holder.size() + waiting.size()) + resolved, kConversations) << "conversations lost";
  EXPECT_EQ(std::stoi(redis.one({"ZCARD", it_keys().queue("general")})), kConversations - resolved - assigned);
}

}  // namespace
}  // namespace omniroute::testing
