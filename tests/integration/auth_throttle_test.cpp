// Token guessing is slowed: failed authentications are limited per client
// address (429 with Retry-After, before the token is looked up) and per token
// prefix (after it: the right token is never refused by that rule); the
// right token from another client is never slowed; nothing logs a token.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "integration/daemon_fixture.hpp"
#include "support/ws_client.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

class AuthThrottle : public DaemonTest {
 protected:
  AuthThrottle() {
    start(config()
              .server("admin_token", kAdmin)
              .api_channel()
              .queue("{ id: general, channels: [api] }")
              .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }"));
  }

  static std::string guess(int i) { return "guess-" + std::to_string(100000 + i) + "-abcdefghij"; }
};

TEST_F(AuthThrottle, WrongBearerTokensFromOneAddressAreRefusedWithRetryAfter) {
  HttpConnection attacker(port, "127.0.0.3");
  int unauthorized = 0, throttled = 0;
  std::string retry_after;
  for (int i = 0; i < 200; ++i) {
    auto r = attacker.request("GET", "/v1/agents/me/conversations", {{"Authorization", "Bearer " + guess(i)}});
    if (r.status == 401) ++unauthorized;
    if (r.status == 429) {
      ++throttled;
      retry_after = r.headers["retry-after"];
      EXPECT_EQ(json::parse(r.body).at("error"), "too_many_failures");
    }
  }
  EXPECT_LE(unauthorized, 25) << "at most the burst is looked up";
  EXPECT_GE(throttled, 170);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GE(std::atoi(retry_after.c_str()), 1);
  // The right token from another client is not slowed.
  HttpConnection agent(port, "127.0.0.4");
  EXPECT_EQ(agent.request("GET", "/v1/agents/me/conversations", {{"Authorization", std::string("Bearer ") + kAsha}}).status,
            200);
  // Counted, and said once without the token.
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_auth_throttled_total{by=\"address\"}"), std::string::npos);
  const std::string log = daemon->log();
  EXPECT_NE(log.find("too many failed tokens from 127.0.0.3"), std::string::npos) << log;
  EXPECT_EQ(log.find("guess-"), std::string::npos) << "a token was logged";
}

TEST_F(AuthThrottle, SignInsAndSocketTokensCountToo) {
  HttpConnection attacker(port);  // from 127.0.0.1, where the socket below comes from too
  int throttled = 0;
  for (int i = 0; i < 60; ++i) {
    auto r = attacker.request("POST", "/v1/session", {{"Content-Type", "application/json"}},
                              json::serialize(json::object{{"token", guess(i)}}));
    throttled += r.status == 429 ? 1 : 0;
  }
  EXPECT_GE(throttled, 30);
  // Over budget, a socket's ?token= from the same address is refused before it is looked up.
  WsClient ws(port, std::string("/v1/agents/me/events?token=") + guess(999));
  EXPECT_FALSE(ws.ok());
  EXPECT_EQ(ws.status(), 429);
}

TEST_F(AuthThrottle, TheBudgetComesBackWithTime) {
  HttpConnection attacker(port, "127.0.0.6");
  for (int i = 0; i < 30; ++i) attacker.request("GET", "/v1/agents/me/offers", {{"Authorization", "Bearer " + guess(i)}});
  EXPECT_EQ(attacker.request("GET", "/v1/agents/me/offers", {{"Authorization", std::string("Bearer ") + kAsha}}).status, 429);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(attacker.request("GET", "/v1/agents/me/offers", {{"Authorization", std::string("Bearer ") + kAsha}}).status, 200);
}

TEST_F(AuthThrottle, WrongTokensSharingOnePrefixAreLimitedAcrossAddressesButTheRightOneIsNot) {
  // A guesser spreading "asha-t…" guesses over many addresses: the prefix's budget runs out, wrong
  // guesses get 429, and asha herself (same prefix) still gets in.
  int throttled = 0;
  for (int from = 10; from < 30; ++from) {
    HttpConnection c(port, "127.0.1." + std::to_string(from));
    for (int i = 0; i < 8; ++i) {
      auto r = c.request("GET", "/v1/agents/me/offers", {{"Authorization", "Bearer asha-t" + guess(from * 10 + i)}});
      throttled += r.status == 429 ? 1 : 0;
    }
  }
  EXPECT_GE(throttled, 40);
  HttpConnection asha(port, "127.0.2.1");
  EXPECT_EQ(asha.request("GET", "/v1/agents/me/offers", {{"Authorization", std::string("Bearer ") + kAsha}}).status, 200);
}

}  // namespace
}  // namespace omniroute::testing
