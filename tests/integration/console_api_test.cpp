// What the console stands on, through the real daemon: browser sessions (cookie,
// CSRF, sign-out, a rotated token ends them), private notes, labels, canned
// responses, supervisors reading any conversation, and the console's own files
// (CSP, ETag).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/daemon_fixture.hpp"
#include "support/fake_provider.hpp"
#include "support/ws_client.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kRavi = "ravi-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";

class ConsoleApi : public DaemonTest {
 protected:
  ConsoleApi() {
    start(config()
              .server("admin_token", kAdmin)
              .server("public_url", "http://127.0.0.1:" + std::to_string(port))
              .api_channel()
              .queue("{ id: general, channels: [api], sla: { first_response: 15m } }")
              .queue("{ id: billing, sla: { first_response: 7m } }")
              .agent(std::string("{ id: asha, name: Asha Rao, token: ") + kAsha + ", capacity: { chat: 5 } }")
              .agent(std::string("{ id: ravi, name: Ravi Kumar, token: ") + kRavi + ", capacity: { chat: 5 } }"));
  }

  std::string field_of_agent(const std::string& agent, const std::string& name) {
    return redis.one({"HGET", it_keys().agent(agent), name});
  }

  std::string origin() const { return origin_of(port); }
  std::string sign_in(const std::string& token) { return sign_in_cookie(port, token); }

  HttpResult with_cookie(const std::string& cookie, const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& from = "same") {
    Headers h{{"Cookie", cookie}};
    if (from == "same") h.push_back({"Origin", origin()});
    else if (!from.empty()) h.push_back({"Origin", from});
    if (!body.empty()) h.push_back({"Content-Type", "application/json"});
    return http_request(port, method, path, h, body);
  }

  /// A customer writes; the conversation is asha's once she is available.
  std::string assigned_to_asha(const std::string& id, const std::string& handle, const std::string& text) {
    EXPECT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
    EXPECT_EQ(post_message(port, id, handle, text).status, 200);
    std::string conv = conversation_of(handle);
    EXPECT_TRUE(eventually([&] { return field(conv, "agent") == "asha"; }));
    return conv;
  }
};

TEST_F(ConsoleApi, ATokenBecomesAnHttpOnlyStrictSessionCookieThatTheAgentApiAccepts) {
  auto r = http_request(port, "POST", "/v1/session", {{"Content-Type", "application/json"}}, R"({"token":"nope-nope-nope-nope"})");
  EXPECT_EQ(r.status, 401);
  auto ok = http_request(port, "POST", "/v1/session", {{"Content-Type", "application/json"}},
                         json::serialize(json::object{{"token", kAsha}}));
  ASSERT_EQ(ok.status, 204) << ok.body;
  const std::string& set = ok.headers["set-cookie"];
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "public_url is http: " << set;
  EXPECT_EQ(set.find(kAsha), std::string::npos) << "the cookie is not the token";
  std::string cookie = set.substr(0, set.find(';'));

  auto me = with_cookie(cookie, "GET", "/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body).at("agent").at("name"), "Asha Rao");
  EXPECT_EQ(with_cookie(cookie, "GET", "/v1/agents/me/conversations").status, 200);
  EXPECT_EQ(with_cookie(cookie, "PUT", "/v1/agents/me/status", R"({"status":"away"})").status, 200);
  EXPECT_EQ(field_of_agent("asha", "status"), "away");
  EXPECT_EQ(daemon->log().find(kAsha), std::string::npos) << "the token is never logged";
}

TEST_F(ConsoleApi, ACookieChangeFromAnotherOriginOrWithNoOriginIsRefused) {
  std::string cookie = sign_in(kAsha);
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(with_cookie(cookie, "PUT", "/v1/agents/me/status", R"({"status":"away"})", "https://evil.example").status, 403);
  EXPECT_EQ(with_cookie(cookie, "PUT", "/v1/agents/me/status", R"({"status":"away"})", "").status, 403);
  EXPECT_EQ(field_of_agent("asha", "status"), "offline");  // never changed
  // Reading is harmless (and a cross-site page cannot read the answer): allowed.
  EXPECT_EQ(with_cookie(cookie, "GET", "/v1/agents/me/conversations", "", "https://evil.example").status, 200);
  // Bearer requests carry no ambient credential: no origin check.
  EXPECT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"away"})").status, 200);
  // The events socket with a cookie from another page's origin: refused before the upgrade.
  std::string handshake = "GET /v1/agents/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\nCookie: " + cookie + "\r\n";
  EXPECT_NE(raw_exchange(port, handshake + "Origin: https://evil.example\r\n\r\n", 2000).find(" 403 "), std::string::npos);
  EXPECT_NE(raw_exchange(port, handshake + "Origin: " + origin() + "\r\n\r\n", 1000).find(" 101 "), std::string::npos);
}

TEST_F(ConsoleApi, TheEventsSocketTakesATokenAsTheFirstQueryParameter) {
  // Found while building the console: a query parameter was only seen when it was not the first one.
  WsClient ws(port, std::string("/v1/agents/me/events?token=") + kAsha);
  EXPECT_TRUE(ws.ok());
  WsClient wrong(port, "/v1/agents/me/events?token=not-a-token-at-all");
  EXPECT_FALSE(wrong.ok());
}

TEST_F(ConsoleApi, SigningOutOrRotatingTheTokenEndsTheSession) {
  std::string cookie = sign_in(kAsha);
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(with_cookie(cookie, "DELETE", "/v1/session").status, 204);
  EXPECT_EQ(with_cookie(cookie, "GET", "/v1/agents/me/conversations").status, 401);

  // An agent added through the admin API, signed in, then given a new token: the old session names no one.
  auto created = as(kAdmin, "POST", "/v1/agents", R"({"id":"meera","token":"meera-token-0123456789","capacity":{"chat":1}})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string meera = sign_in("meera-token-0123456789");
  ASSERT_FALSE(meera.empty());
  EXPECT_EQ(with_cookie(meera, "GET", "/v1/agents/me/conversations").status, 200);
  auto rotated = as(kAdmin, "POST", "/v1/agents/meera/token");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_EQ(with_cookie(meera, "GET", "/v1/agents/me/conversations").status, 401);
}

TEST_F(ConsoleApi, ANoteIsInTheTranscriptNeverSentAndNeverAFirstResponse) {
  std::string conv = assigned_to_asha("n1", "cust-note", "మా బిల్లు తప్పుగా ఉంది");
  auto note = as(kAsha, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":"ग्राहक VIP है — बिलिंग से पूछें"})");
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(json::parse(note.body).at("message").at("kind"), "note");
  auto view = json::parse(as(kAsha, "GET", "/v1/conversations/" + conv).body);
  const auto& last = view.at("messages").as_array().back();
  EXPECT_EQ(last.at("kind"), "note");
  EXPECT_EQ(last.at("text"), "ग्राहक VIP है — बिलिंग से पूछें");
  EXPECT_FALSE(last.as_object().contains("delivery"));
  EXPECT_TRUE(view.at("first_response_at").is_null());
  EXPECT_EQ(redis.one({"XLEN", it_keys().outbox()}), "0");
  // Another agent's conversation is not theirs to annotate; the admin may.
  EXPECT_EQ(as(kRavi, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":"x"})").status, 403);
  EXPECT_EQ(as(kAdmin, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":"supervisor here"})").status, 201);
  EXPECT_EQ(as(kAsha, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":""})").status, 400);
}

TEST_F(ConsoleApi, LabelsAreAddedRemovedAndFilterTheLists) {
  std::string a = assigned_to_asha("l1", "cust-l1", "first");
  std::string b = assigned_to_asha("l2", "cust-l2", "second");
  auto put = as(kAsha, "PUT", "/v1/conversations/" + a + "/labels/refund");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json::parse(put.body).at("labels").as_array().size(), 1u);
  ASSERT_EQ(as(kAsha, "PUT", "/v1/conversations/" + a + "/labels/vip").status, 200);
  auto mine = json::parse(as(kAsha, "GET", "/v1/agents/me/conversations?label=refund").body).at("conversations").as_array();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].at("id"), a.c_str());
  EXPECT_EQ(mine[0].at("labels"), (json::array{"refund", "vip"}));
  auto listed = as(kAdmin, "GET", "/v1/conversations?state=assigned&label=vip");
  auto admin = json::parse(listed.body).at("conversations").as_array();
  ASSERT_EQ(admin.size(), 1u) << listed.body;
  ASSERT_EQ(as(kAsha, "DELETE", "/v1/conversations/" + a + "/labels/refund").status, 200);
  EXPECT_TRUE(json::parse(as(kAsha, "GET", "/v1/agents/me/conversations?label=refund").body).at("conversations").as_array().empty());
  EXPECT_EQ(as(kAsha, "PUT", "/v1/conversations/" + b + "/labels/" + std::string(50, 'x')).status, 400);
  EXPECT_EQ(as(kAsha, "PUT", "/v1/conversations/" + b + "/labels/has%20space").status, 400);
  EXPECT_EQ(as(kRavi, "PUT", "/v1/conversations/" + b + "/labels/mine").status, 403);
}

TEST_F(ConsoleApi, CannedResponsesAreTheAdminsToChangeAndEveryonesToRead) {
  const std::string body = R"({"shortcut":"hello","variants":{"en":"Hello {contact.name}!","te":"నమస్తే {contact.name}!","hi":"नमस्ते {contact.name}!"}})";
  EXPECT_EQ(as(kAsha, "PUT", "/v1/canned_responses/hello", body).status, 403);
  auto created = as(kAdmin, "POST", "/v1/canned_responses", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(as(kAdmin, "POST", "/v1/canned_responses", body).status, 409);
  auto list = json::parse(as(kAsha, "GET", "/v1/canned_responses").body).at("canned_responses").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("variants").at("te"), "నమస్తే {contact.name}!");
  ASSERT_EQ(as(kAdmin, "PUT", "/v1/canned_responses/hello", R"({"shortcut":"hello","variants":{"en":"Hi!"}})").status, 200);
  EXPECT_EQ(json::parse(as(kAsha, "GET", "/v1/canned_responses/hello").body).at("variants").at("en"), "Hi!");
  EXPECT_EQ(as(kAdmin, "PUT", "/v1/canned_responses/x", R"({"shortcut":"x","variants":{}})").status, 400);
  EXPECT_EQ(as(kAdmin, "PUT", "/v1/canned_responses/x", R"({"shortcut":"x","variants":{"EN!":"a"}})").status, 400);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/canned_responses/hello").status, 204);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/canned_responses/hello").status, 404);
  EXPECT_EQ(http_request(port, "GET", "/v1/canned_responses").status, 401);
}

TEST_F(ConsoleApi, TheLabelCatalogueIsTheAdminsToManageAndStaysOffConversationsHistory) {
  EXPECT_EQ(as(kAsha, "PUT", "/v1/labels/refund", R"({"description":"money back"})").status, 403);
  auto saved = as(kAdmin, "PUT", "/v1/labels/refund", R"({"description":"पैसे वापस / డబ్బు వాపసు","color":"orange"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  ASSERT_EQ(as(kAdmin, "PUT", "/v1/labels/vip", R"({"color":"purple"})").status, 200);
  auto list = json::parse(as(kAsha, "GET", "/v1/labels").body).at("labels").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("name"), "refund");
  EXPECT_EQ(list[0].at("description"), "पैसे वापस / డబ్బు వాపసు");
  EXPECT_EQ(list[0].at("color"), "orange");
  EXPECT_EQ(list[1].at("color"), "purple");
  // Bad input: a clear 400.
  EXPECT_EQ(as(kAdmin, "PUT", "/v1/labels/x", R"({"color":"chartreuse"})").status, 400);
  EXPECT_EQ(as(kAdmin, "PUT", "/v1/labels/a%20b", R"({})").status, 400);
  EXPECT_EQ(as(kAdmin, "PUT", "/v1/labels/x", R"({"colour":"red"})").status, 400);
  // A label removed from the catalogue stays on the conversation that carries it.
  std::string conv = assigned_to_asha("l1", "cust-label", "refund please");
  ASSERT_EQ(as(kAsha, "PUT", "/v1/conversations/" + conv + "/labels/refund").status, 200);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/labels/refund").status, 204);
  EXPECT_EQ(as(kAdmin, "DELETE", "/v1/labels/refund").status, 404);
  EXPECT_EQ(json::parse(as(kAsha, "GET", "/v1/conversations/" + conv).body).at("labels").as_array().size(), 1u);
  EXPECT_EQ(json::parse(as(kAsha, "GET", "/v1/labels").body).at("labels").as_array().size(), 1u);
  EXPECT_EQ(http_request(port, "GET", "/v1/labels").status, 401);
}

TEST_F(ConsoleApi, TheAdminReadsAnyConversationWithItsTranscript) {
  std::string conv = assigned_to_asha("s1", "cust-sup", "సహాయం కావాలి");
  EXPECT_EQ(as(kRavi, "GET", "/v1/conversations/" + conv).status, 403);
  auto r = as(kAdmin, "GET", "/v1/conversations/" + conv);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("messages").as_array()[0].at("text"), "సహాయం కావాలి");
  std::string admin_cookie = sign_in(kAdmin);
  ASSERT_FALSE(admin_cookie.empty());
  EXPECT_EQ(with_cookie(admin_cookie, "GET", "/v1/conversations/" + conv).status, 200);
  EXPECT_EQ(with_cookie(admin_cookie, "GET", "/v1/queues").status, 200);
}

TEST_F(ConsoleApi, TheAdminReassignsAConversationAndFollowsTheWholeWorkspaceOnItsSocket) {
  WsClient board(port, "/v1/events", kAdmin);
  ASSERT_TRUE(board.ok());
  WsClient not_admin(port, "/v1/events", kAsha);
  EXPECT_FALSE(not_admin.ok());
  std::string conv = assigned_to_asha("r1", "cust-reassign", "please help");
  ASSERT_EQ(as(kRavi, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  auto moved = as(kAdmin, "POST", "/v1/conversations/" + conv + "/transfer", R"({"agent":"ravi"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(field(conv, "agent"), "ravi");
  // The board's socket saw it all, in order, including the reassignment.
  bool saw_transfer = false;
  for (int i = 0; i < 20 && !saw_transfer; ++i) {
    auto frame = board.next(3000);
    if (!frame) break;
    auto e = json::parse(*frame);
    saw_transfer = e.at("type") == "conversation.transferred" && e.at("conversation_id") == conv.c_str();
  }
  EXPECT_TRUE(saw_transfer);
  // A queued conversation has nobody to take it from.
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + conv + "/transfer", R"({"queue":"general"})").status, 403);
  ASSERT_EQ(as(kAsha, "PUT", "/v1/agents/me/status", R"({"status":"away"})").status, 200);
  ASSERT_EQ(as(kRavi, "PUT", "/v1/agents/me/status", R"({"status":"away"})").status, 200);
  ASSERT_EQ(as(kRavi, "POST", "/v1/conversations/" + conv + "/transfer", R"({"queue":"billing"})").status, 200);
  EXPECT_EQ(as(kAdmin, "POST", "/v1/conversations/" + conv + "/transfer", R"({"agent":"asha"})").status, 409);
  auto alerts = as(kAdmin, "GET", "/v1/alerts");
  ASSERT_EQ(alerts.status, 200);
  EXPECT_TRUE(json::parse(alerts.body).at("alerts").is_array());
}

TEST_F(ConsoleApi, FirstResponseHistogramsHaveABucketEdgeAtTheQueuesTarget) {
  // billing promises a first response in 7 minutes: a bucket ends exactly there, so compliance is exact.
  std::string conv = assigned_to_asha("h1", "cust-hist", "my bill");
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + conv + "/transfer", R"({"queue":"billing"})").status, 200);
  ASSERT_TRUE(eventually([&] { return field(conv, "agent") == "asha"; }));  // back to her, in billing
  ASSERT_EQ(as(kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"checking"})").status, 202);
  auto m = http_request(port, "GET", "/metrics").body;
  // The edge is there (whatever fell under it: how long the reply took is not this test's business).
  EXPECT_NE(m.find("omniroute_first_response_seconds_bucket{channel=\"api\",queue=\"billing\",le=\"420\"}"),
            std::string::npos) << m.substr(m.find("omniroute_first_response_seconds"), 600);
}

TEST_F(ConsoleApi, TheConsoleIsServedUnderAStrictPolicyAndRevalidatedByItsETag) {
  auto page = http_request(port, "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  const std::string& csp = page.headers["content-security-policy"];
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
  auto app = http_request(port, "GET", "/console/app.js");
  ASSERT_EQ(app.status, 200);
  EXPECT_NE(app.headers["content-type"].find("javascript"), std::string::npos);
  const std::string etag = app.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(http_request(port, "GET", "/console/app.js", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(http_request(port, "GET", "/console/nothing.js").status, 404);
  EXPECT_EQ(http_request(port, "GET", "/console/../src/main.cpp").status, 404);
}

TEST(FirstRun, TheEmbeddedDefaultCreatesADemoAgentAndAnAdminTokenOnceAndPrintsThem) {
  RedisServer redis;
  std::uint16_t port = free_port();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> env{"OMNIROUTE_REDIS_URL=" + redis.url(), "OMNIROUTE_LISTEN=" + where,
                               "OMNIROUTE_PUBLIC_URL=http://" + where};
  auto token_after = [](const std::string& log, const std::string& label) {
    auto at = log.find(label);
    if (at == std::string::npos) return std::string();
    at += label.size();
    while (at < log.size() && log[at] == ' ') ++at;
    return log.substr(at, log.find_first_of(" \n", at) - at);
  };
  std::string admin, demo;
  {
    DaemonProcess first("", port, env);
    ASSERT_TRUE(eventually([&] { return first.log().find("agent console is at http://" + where + "/") != std::string::npos; }))
        << first.log();
    EXPECT_NE(first.log().find("customers' chat is at http://" + where + "/chat/demo"), std::string::npos) << first.log();
    admin = token_after(first.log(), "admin token:");
    demo = token_after(first.log(), "demo agent token:");
    ASSERT_EQ(admin.size(), 48u) << first.log();
    ASSERT_EQ(demo.size(), 48u) << first.log();
    EXPECT_EQ(as_bearer(port, admin, "GET", "/v1/queues").status, 200);
    EXPECT_EQ(as_bearer(port, demo, "GET", "/v1/agents/me/conversations").status, 200);
  }
  DaemonProcess second("", port, env);
  ASSERT_TRUE(eventually([&] { return second.log().find("agent console is at") != std::string::npos; })) << second.log();
  EXPECT_EQ(second.log().find("admin token:"), std::string::npos) << "printed once, never again";
  EXPECT_EQ(as_bearer(port, admin, "GET", "/v1/queues").status, 200) << "kept in Redis";
  EXPECT_EQ(as_bearer(port, demo, "GET", "/v1/agents/me/conversations").status, 200);
  EXPECT_EQ(as_bearer(port, "not-the-admin-token-at-all", "GET", "/v1/queues").status, 401);
}

/// The README's walkthrough on the embedded default: a customer writes in Hindi on /chat/demo, hears the
/// auto-acknowledgement, the demo agent answers, the customer sees it, the agent resolves, the customer rates it.
TEST(FirstRun, TheReadmeWalkthroughOnTheDemoChat) {
  RedisServer redis;
  std::uint16_t port = free_port();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  DaemonProcess daemon("", port, {"OMNIROUTE_REDIS_URL=" + redis.url(), "OMNIROUTE_LISTEN=" + where,
                                  "OMNIROUTE_PUBLIC_URL=http://" + where});
  ASSERT_TRUE(eventually([&] { return daemon.log().find("demo agent token:") != std::string::npos; })) << daemon.log();
  std::string log = daemon.log();
  auto at = log.find("demo agent token:") + 17;
  while (log[at] == ' ') ++at;
  const std::string demo = log.substr(at, 48);
  ASSERT_EQ(as_bearer(port, demo, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  EXPECT_EQ(http_request(port, "GET", "/chat/demo").status, 200);

  WsClient customer(port, "/chat/demo/socket", {{"Origin", "http://" + where}});
  ASSERT_TRUE(customer.ok()) << customer.status();
  // Frames in the order they came, each taken once: the auto-acknowledgement may come before "accepted".
  std::vector<boost::json::object> seen;
  auto next_of = [&](const std::string& type, auto&& also) {
    for (int i = 0; i < 20; ++i) {
      for (auto it = seen.begin(); it != seen.end(); ++it) {
        if (it->at("type") == type.c_str() && also(*it)) {
          auto o = std::move(*it);
          seen.erase(it);
          return o;
        }
      }
      auto frame = customer.next();
      if (!frame) break;
      seen.push_back(boost::json::parse(*frame).as_object());
    }
    return boost::json::object{};
  };
  auto any = [](const boost::json::object&) { return true; };
  customer.send(R"({"type":"hello","visitor":"first-run-visitor-0123456789"})");
  ASSERT_FALSE(next_of("welcome", any).empty()) << daemon.log();
  customer.send(R"({"type":"message","id":"c-00000001","name":"Priya","text":"नमस्ते, मेरा रिफंड कब आएगा?"})");
  auto accepted = next_of("accepted", any);
  ASSERT_FALSE(accepted.empty()) << daemon.log();
  const std::string conv(accepted.at("conversation_id").as_string());
  auto ack = next_of("message", [](const boost::json::object& o) { return o.at("message").as_object().contains("auto"); });
  ASSERT_FALSE(ack.empty()) << "the auto-acknowledgement with the expected wait\n" << daemon.log();
  EXPECT_NE(std::string(ack.at("message").at("text").as_string()).find("एजेंट"), std::string::npos) << "in Hindi";
  ASSERT_TRUE(eventually([&] {
    auto r = as_bearer(port, demo, "GET", "/v1/agents/me/conversations");
    return r.body.find(conv) != std::string::npos;
  }));
  ASSERT_EQ(as_bearer(port, demo, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"कल तक आ जाएगा"})").status, 202);
  auto reply = next_of("message", [](const boost::json::object& o) { return o.at("message").at("text") == "कल तक आ जाएगा"; });
  ASSERT_FALSE(reply.empty()) << daemon.log();
  EXPECT_EQ(reply.at("message").at("author"), "Demo Agent");
  ASSERT_EQ(as_bearer(port, demo, "POST", "/v1/conversations/" + conv + "/resolve").status, 200);
  ASSERT_FALSE(next_of("resolved", any).empty());
  customer.send(R"({"type":"rate","conversation_id":")" + conv + R"(","score":5})");
  auto rated = next_of("rated", any);
  ASSERT_FALSE(rated.empty());
  EXPECT_EQ(rated.at("score"), 5);
}

}  // namespace
}  // namespace omniroute::testing
