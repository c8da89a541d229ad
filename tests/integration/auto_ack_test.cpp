// Auto-acknowledgement: a new conversation's customer is told, in their
// language, when to expect an answer — from the queue's recent first-response
// times (seeded here as the queue's known history) and how many wait ahead.
// Sent once per conversation through the channel (a real HTTP server plays
// the customer's side), and never counted as a first response.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdmin = "admin-token-0123456789";

std::string ack_config(std::uint16_t port, const std::string& redis_url, const std::string& reply_url) {
  return "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n  threads: 2\n  admin_token: " + kAdmin + "\n"
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n"
         "  - id: api\n    kind: webhook\n    secret: " + kApiSecret + "\n    reply_url: \"" + reply_url + "/replies\"\n"
         "    auto_ack:\n"
         "      en: \"Thanks for writing! A person will reply {eta}.\"\n"
         "      te: \"రాసినందుకు ధన్యవాదాలు! {eta} ఒకరు సమాధానం ఇస్తారు.\"\n"
         "queues:\n  - { id: general, channels: [api], sla: { first_response: 1h } }\n"
         "agents:\n  - { id: asha, token: asha-token-0123456789, capacity: { chat: 5 } }\n";
}

std::string text_sent(const ReceivedRequest& r) { return std::string(json::parse(r.body).at("text").as_string()); }

TEST(AutoAck, TheEstimateComesFromTheQueuesHistoryAndWhoWaitsAhead) {
  RedisServer redis;
  FakeProvider customer;
  // Known history: the last five first responses took 5, 7, 8, 10 and 150 minutes (median 8).
  for (long minutes : {150, 10, 8, 7, 5}) redis.one({"LPUSH", it_keys().first_response_times("general"), std::to_string(minutes * 60'000)});
  std::uint16_t port = free_port();
  DaemonProcess daemon(ack_config(port, redis.url(), customer.url()), port);

  // Nobody ahead, no agent free: one round of the median.
  ASSERT_EQ(post_message(port, "m1", "cust-te", "నమస్కారం, నా ఆర్డర్ ఇంకా రాలేదు").status, 200);
  ASSERT_TRUE(customer.wait_for(1, 10'000));
  EXPECT_EQ(text_sent(customer.received()[0]), "రాసినందుకు ధన్యవాదాలు! సుమారు 8 నిమిషాల్లో ఒకరు సమాధానం ఇస్తారు.");
  EXPECT_EQ(json::parse(customer.received()[0].body).at("to"), "cust-te");
  // One waits ahead: two rounds, 16 minutes, promised as 20.
  ASSERT_EQ(post_message(port, "m2", "cust-en", "Hello, I was charged twice for my order last week").status, 200);
  ASSERT_TRUE(customer.wait_for(2, 10'000));
  EXPECT_EQ(text_sent(customer.received()[1]), "Thanks for writing! A person will reply in about 20 minutes.");
  // A language without its own template gets the English one.
  ASSERT_EQ(post_message(port, "m3", "cust-hi", "नमस्ते, मेरा रिफंड कब आएगा?").status, 200);
  ASSERT_TRUE(customer.wait_for(3, 10'000));
  EXPECT_EQ(text_sent(customer.received()[2]), "Thanks for writing! A person will reply in about 25 minutes.");

  // Once per conversation: the customer writing again gets no second acknowledgement.
  ASSERT_EQ(post_message(port, "m4", "cust-te", "దయచేసి త్వరగా చెప్పండి").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(customer.received().size(), 3u);

  // Not a response: no first_response_at, the SLA clock still runs; the transcript shows it as automatic.
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-te")});
  EXPECT_EQ(redis.one({"HGET", it_keys().conversation(conv), "first_response_at"}), "");
  EXPECT_NE(redis.one({"ZSCORE", it_keys().sla(), "first_response:" + conv}), "");
  auto view = http_request(port, "GET", "/v1/conversations?state=queued", {{"Authorization", std::string("Bearer ") + kAdmin}});
  ASSERT_EQ(view.status, 200);
  json::value listed = json::parse(view.body);
  ASSERT_EQ(listed.at("conversations").as_array().size(), 3u);
  for (const auto& c : listed.at("conversations").as_array()) EXPECT_TRUE(c.at("first_response_at").is_null());
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_auto_acks_total{channel=\"api\"} 3"), std::string::npos) << metrics;
}

TEST(AutoAck, TheEstimateCountsTheAgentsOnDutyNotOnlyThoseWithRoomThisInstant) {
  RedisServer redis;
  FakeProvider customer;
  for (int i = 0; i < 5; ++i) redis.one({"LPUSH", it_keys().first_response_times("general"), std::to_string(2 * 60'000)});  // median 2 min
  std::uint16_t port = free_port();
  std::string cfg = ack_config(port, redis.url(), customer.url());
  cfg.replace(cfg.find("agents:"), std::string::npos,
              "agents:\n  - { id: asha, token: asha-token-0123456789, capacity: { chat: 1 } }\n"
              "  - { id: ravi, token: ravi-token-0123456789, capacity: { chat: 1 } }\n");
  DaemonProcess daemon(cfg, port);
  for (const char* token : {"asha-token-0123456789", "ravi-token-0123456789"}) {
    auto r = http_request(port, "PUT", "/v1/agents/me/status",
                          {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}},
                          R"({"status":"available"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Two conversations take both agents; six more wait. Nobody has room now, but two are on duty.
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(post_message(port, "m" + std::to_string(i), "cust-" + std::to_string(i), "Hello, where is my order?").status, 200);
    ASSERT_TRUE(customer.wait_for(i + 1, 10'000));
  }
  // The last waits behind five: 5 / 2 agents + 1 = 3 rounds of 2 minutes (with one agent counted: 12 minutes).
  EXPECT_EQ(text_sent(customer.received()[7]), "Thanks for writing! A person will reply in about 6 minutes.");
}

TEST(AutoAck, WithoutHistoryTheFirstResponseTargetIsPromised) {
  RedisServer redis;
  FakeProvider customer;
  std::uint16_t port = free_port();
  DaemonProcess daemon(ack_config(port, redis.url(), customer.url()), port);
  ASSERT_EQ(post_message(port, "m1", "cust-1", "Where is my parcel? It was due on Monday.").status, 200);
  ASSERT_TRUE(customer.wait_for(1, 10'000));
  EXPECT_EQ(text_sent(customer.received()[0]), "Thanks for writing! A person will reply in about 60 minutes.");
}

}  // namespace
}  // namespace omniroute::testing
