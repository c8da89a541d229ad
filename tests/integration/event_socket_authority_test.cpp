// What an events socket may do, tried as an attacker and a careless user would:
// a signed-out cookie or a rotated token stops it at once (on any daemon), a
// resume from an old cursor costs no more than the live bound, presence is
// only about conversations its agent may read, and sockets never crowd out
// /healthz.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <thread>

#include "integration/daemon_fixture.hpp"
#include "support/ws_client.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kRavi = "ravi-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

class EventSocketAuthority : public DaemonTest {
 protected:
  EventSocketAuthority() { start(base()); }

  ConfigBuilder base() const {
    return config()
        .server("admin_token", kAdmin)
        .server("public_url", "http://127.0.0.1:" + std::to_string(port))
        .api_channel()
        .queue("{ id: general, channels: [api] }")
        .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }")
        .agent(std::string("{ id: ravi, token: ") + kRavi + ", capacity: { chat: 5 } }");
  }

  std::string origin() const { return origin_of(port); }
  std::string sign_in(const std::string& token) { return sign_in_cookie(port, token); }

  /// Every frame until the socket closes or `ms` pass without one; the texts of messages among them.
  std::vector<std::string> message_texts(WsClient& ws, int ms) {
    std::vector<std::string> texts;
    while (auto frame = ws.next(ms)) {
      auto e = json::parse(*frame).as_object();
      if (e.at("type") == "message.created") texts.emplace_back(e.at("message").at("text").as_string());
    }
    return texts;
  }

  json::object next_of(WsClient& ws, const std::string& type, int ms = 5000) {
    for (int i = 0; i < 50; ++i) {
      auto frame = ws.next(ms);
      if (!frame) break;
      auto o = json::parse(*frame).as_object();
      if (o.at("type") == type.c_str()) return o;
    }
    return {};
  }

  /// A customer writes; the conversation is `agent`'s once they are available.
  std::string assigned_to(const char* token, const std::string& agent, const std::string& handle) {
    EXPECT_EQ(as(token, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
    EXPECT_EQ(post_message(port, "m-" + handle, handle, "नमस्ते").status, 200);
    std::string conv = conversation_of(handle);
    EXPECT_TRUE(eventually([&] { return field(conv, "agent") == agent; }));
    return conv;
  }
};

TEST_F(EventSocketAuthority, SigningOutClosesTheSocketsOpenedWithThatCookie) {
  std::string conv = assigned_to(kAsha, "asha", "cust-card");
  std::string cookie = sign_in(kAsha);
  ASSERT_FALSE(cookie.empty());
  WsClient ws(port, "/v1/agents/me/events", {{"Cookie", cookie}, {"Origin", origin()}});
  ASSERT_TRUE(ws.ok());
  std::string admin_cookie = sign_in(kAdmin);
  WsClient board(port, "/v1/events", {{"Cookie", admin_cookie}, {"Origin", origin()}});
  ASSERT_TRUE(board.ok());

  auto out = http_request(port, "DELETE", "/v1/session", {{"Cookie", cookie}, {"Origin", origin()}});
  ASSERT_EQ(out.status, 204);
  auto board_out = http_request(port, "DELETE", "/v1/session", {{"Cookie", admin_cookie}, {"Origin", origin()}});
  ASSERT_EQ(board_out.status, 204);
  ASSERT_EQ(post_message(port, "m-card-2", "cust-card", "my card ends 4242").status, 200);

  EXPECT_EQ(message_texts(ws, 3000), std::vector<std::string>{}) << "a signed-out cookie kept reading";
  EXPECT_FALSE(ws.ok());
  EXPECT_EQ(ws.close_code(), 1008);
  std::vector<std::string> board_saw;
  while (auto frame = board.next(3000)) board_saw.push_back(*frame);
  for (const auto& f : board_saw) EXPECT_EQ(f.find(conv), std::string::npos) << f;
  EXPECT_EQ(board.close_code(), 1008);
}

TEST_F(EventSocketAuthority, RotatingATokenClosesSocketsOpenedWithTheOldOne) {
  auto created = as(kAdmin, "POST", "/v1/agents", R"({"id":"meera","token":"meera-token-0123456789","capacity":{"chat":5}})");
  ASSERT_EQ(created.status, 201) << created.body;
  WsClient bearer(port, "/v1/agents/me/events", "meera-token-0123456789");
  ASSERT_TRUE(bearer.ok()) << bearer.status();
  WsClient query(port, "/v1/agents/me/events?token=meera-token-0123456789");
  ASSERT_TRUE(query.ok()) << query.status();
  std::string conv = assigned_to("meera-token-0123456789", "meera", "cust-rotate");
  ASSERT_FALSE(next_of(bearer, "conversation.assigned").empty());
  ASSERT_FALSE(next_of(query, "conversation.assigned").empty());

  auto rotated = as(kAdmin, "POST", "/v1/agents/meera/token");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  ASSERT_EQ(post_message(port, "m-rot-2", "cust-rotate", "my card ends 4242").status, 200);

  EXPECT_EQ(message_texts(bearer, 3000), std::vector<std::string>{});
  EXPECT_EQ(message_texts(query, 3000), std::vector<std::string>{});
  EXPECT_EQ(bearer.close_code(), 1008);
  EXPECT_EQ(query.close_code(), 1008);
  // The new token opens a socket that does get the next message.
  std::string token(json::parse(rotated.body).at("token").as_string());
  WsClient fresh(port, "/v1/agents/me/events", token);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(post_message(port, "m-rot-3", "cust-rotate", "hello again").status, 200);
  EXPECT_EQ(message_texts(fresh, 2000), std::vector<std::string>{"hello again"})
      << "state " << field(conv, "state") << " agent " << field(conv, "agent") << "\n" << daemon->log();
}

TEST_F(EventSocketAuthority, AnApiAdminsBoardSocketClosesAtOnceWhenTheirTokenIsRotatedOrTheyAreRemoved) {
  auto added = as(kAdmin, "POST", "/v1/admins", R"({"id":"priya","role":"supervisor"})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string token(json::parse(added.body).at("token").as_string());
  auto added2 = as(kAdmin, "POST", "/v1/admins", R"({"id":"dev","role":"admin"})");
  ASSERT_EQ(added2.status, 201) << added2.body;
  const std::string token2(json::parse(added2.body).at("token").as_string());
  WsClient rotated(port, "/v1/events", token);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  WsClient removed(port, "/v1/events", token2);
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(as(kAdmin, "POST", "/v1/admins/priya/token").status, 200);
  ASSERT_EQ(as(kAdmin, "DELETE", "/v1/admins/dev").status, 204);
  // Closed by the credential.changed event, not the periodic re-check (15 s): reading stops after 4 s of silence,
  // so a socket still open then has no close code.
  ASSERT_EQ(post_message(port, "m-adm-1", "cust-admins", "after the change").status, 200);
  while (rotated.next(4000)) {
  }
  while (removed.next(4000)) {
  }
  EXPECT_EQ(rotated.close_code(), 1008);
  EXPECT_EQ(removed.close_code(), 1008);
}

TEST_F(EventSocketAuthority, ASecondDaemonsSocketsAreClosedBySignOutOnTheFirst) {
  std::uint16_t other_port = free_port();
  DaemonProcess other(base().server("listen", "127.0.0.1:" + std::to_string(other_port))
                          .server("public_url", "http://127.0.0.1:" + std::to_string(other_port))
                          .yaml(),
                      other_port);
  assigned_to(kAsha, "asha", "cust-two-daemons");
  std::string cookie = sign_in(kAsha);
  ASSERT_FALSE(cookie.empty());
  WsClient ws(other_port, "/v1/agents/me/events",
              {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(other_port)}});
  ASSERT_TRUE(ws.ok());
  ASSERT_EQ(http_request(port, "DELETE", "/v1/session", {{"Cookie", cookie}, {"Origin", origin()}}).status, 204);
  ASSERT_EQ(post_message(port, "m-two-2", "cust-two-daemons", "my card ends 4242").status, 200);
  EXPECT_EQ(message_texts(ws, 3000), std::vector<std::string>{});
  EXPECT_EQ(ws.close_code(), 1008);
}

TEST_F(EventSocketAuthority, PresenceIsOnlyAboutConversationsTheAgentMayRead) {
  // ravi holds v1; asha may not read it (GET answers 403), so her signals about it go nowhere and she is
  // told nothing of ravi's typing on it.
  std::string conv = assigned_to(kRavi, "ravi", "cust-private");
  ASSERT_EQ(as(kAsha, "GET", "/v1/conversations/" + conv).status, 403);
  WsClient ravi(port, "/v1/agents/me/events", kRavi);
  WsClient asha(port, "/v1/agents/me/events", kAsha);
  ASSERT_TRUE(ravi.ok() && asha.ok());
  ASSERT_TRUE(asha.send(R"({"type":"viewing","conversation_id":")" + conv + R"("})"));
  ASSERT_TRUE(ravi.send(R"({"type":"typing","conversation_id":")" + conv + R"("})"));
  EXPECT_TRUE(next_of(ravi, "conversation.presence", 2000).empty()) << "asha's viewing was announced to ravi";
  EXPECT_TRUE(next_of(asha, "conversation.presence", 2000).empty()) << "ravi's typing was told to asha";
  // Nothing of asha's was recorded either (ravi's typing was: he holds it).
  auto events = redis.command({"XRANGE", it_keys().events(), "-", "+"});
  EXPECT_EQ(std::count(events.begin(), events.end(), "asha"), 0);
}

TEST_F(EventSocketAuthority, PresenceStillReachesTheAgentsOnAConversation) {
  // The rule is the REST API's: a conversation waiting in a queue asha serves is hers to read.
  ASSERT_EQ(post_message(port, "m-wait", "cust-wait", "anyone?").status, 200);
  std::string conv = conversation_of("cust-wait");
  ASSERT_EQ(as(kAsha, "GET", "/v1/conversations/" + conv).status, 200);
  WsClient asha(port, "/v1/agents/me/events", kAsha);
  WsClient board(port, "/v1/events", kAdmin);
  ASSERT_TRUE(asha.ok() && board.ok());
  ASSERT_TRUE(asha.send(R"({"type":"viewing","conversation_id":")" + conv + R"("})"));
  auto seen = next_of(board, "conversation.presence", 3000);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.at("agent"), "asha");
}

TEST_F(EventSocketAuthority, AnOldCursorIsAnsweredWithReloadAndCostsNoMoreThanTheLiveBound) {
  // 60,000 events in the stream (written straight into Redis: what months of work leave behind).
  std::string script =
      "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'type', 'message.created', "
      "'conversation_id', 'v999', 'message_id', 'x' .. i, 'entry', '0-1') end return 1";
  for (int batch = 0; batch < 5; ++batch) redis.one({"EVAL", script, "1", it_keys().events(), "10000"});
  const std::string before_last_batch = redis.command({"XREVRANGE", it_keys().events(), "+", "-", "COUNT", "1"}).front();
  redis.one({"EVAL", script, "1", it_keys().events(), "10000"});
  const long rss_before = daemon->rss_kb();
  WsClient asha(port, "/v1/agents/me/events", {{"Authorization", std::string("Bearer ") + kAsha}, {"Last-Event-ID", "0-0"}});
  ASSERT_TRUE(asha.ok());
  auto first = json::parse(asha.next(5000).value_or("{}")).as_object();
  EXPECT_EQ(first["type"], "reload");
  WsClient board(port, "/v1/events", {{"Authorization", std::string("Bearer ") + kAdmin}, {"Last-Event-ID", "0-0"}});
  ASSERT_TRUE(board.ok());
  auto board_first = json::parse(board.next(5000).value_or("{}")).as_object();
  EXPECT_EQ(board_first["type"], "reload");
  // A recent cursor with more missed events than a socket may hold: reload too, not 10,000 frames.
  WsClient again(port, "/v1/events",
                 {{"Authorization", std::string("Bearer ") + kAdmin}, {"Last-Event-ID", before_last_batch}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(json::parse(again.next(5000).value_or("{}")).as_object()["type"], "reload");
  // Live again afterwards.
  std::string conv = assigned_to(kAsha, "asha", "cust-after-reload");
  EXPECT_FALSE(next_of(asha, "conversation.assigned").empty());
  // The daemon did not load the stream into memory (it was ~1 GB for 300,000 events before).
  EXPECT_LT(daemon->rss_kb() - rss_before, 50'000) << "RSS grew by " << (daemon->rss_kb() - rss_before) << " kB";
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
}

TEST_F(EventSocketAuthority, AShortGapIsReplayedEventByEvent) {
  std::string conv = assigned_to(kAsha, "asha", "cust-gap");
  std::string cursor = redis.command({"XREVRANGE", it_keys().events(), "+", "-", "COUNT", "1"}).front();
  ASSERT_EQ(post_message(port, "m-gap-2", "cust-gap", "दूसरा संदेश").status, 200);
  ASSERT_EQ(post_message(port, "m-gap-3", "cust-gap", "మూడవ సందేశం").status, 200);
  WsClient ws(port, "/v1/agents/me/events", {{"Authorization", std::string("Bearer ") + kAsha}, {"Last-Event-ID", cursor}});
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(message_texts(ws, 1500), (std::vector<std::string>{"दूसरा संदेश", "మూడవ సందేశం"}));
}

class EventSocketShedding : public DaemonTest {
 protected:
  EventSocketShedding() {
    start(config().server("admin_token", kAdmin).server("max_connections", "40").api_channel().queue(
        "{ id: general, channels: [api] }"));
  }
};

TEST_F(EventSocketShedding, SocketsNeverTakeTheConnectionsHealthAndWebhooksNeed) {
  std::vector<std::unique_ptr<WsClient>> sockets;
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto ws = std::make_unique<WsClient>(port, "/v1/events", kAdmin);
    if (ws->ok()) sockets.push_back(std::move(ws));
    else refused += ws->status() == 503 ? 1 : 0;
  }
  EXPECT_GE(sockets.size(), 30u);
  EXPECT_GT(refused, 0) << "all 40 sockets were let in";
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  EXPECT_EQ(post_message(port, "m-shed", "cust-shed", "still there?").status, 200);
}

}  // namespace
}  // namespace omniroute::testing
