// Web chat (`kind: webchat`) through the real daemon: a visitor's socket from
// an allowed page, their Telugu message reaching the agent live, the agent's
// reply reaching the visitor live and counted as sent (never a dead letter), a
// drop that loses and doubles nothing, identity by a signed identifier, the
// rating once, and the origins, sizes and floods that are refused.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "integration/test_config.hpp"
#include "omniroute/digest.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/redis_server.hpp"
#include "support/smtp_server.hpp"
#include "support/ws_client.hpp"
#include "omniroute/url_query.hpp"
#include "twilio_sms/twilio_channel.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kChatSecret = "chat-secret-0123456789";
constexpr const char* kShop = "http://localhost:4321";  // the business's page that embeds the chat
constexpr const char* kVisitor = "visitor-0123456789abcdefABCDEF";

class Webchat : public ::testing::Test {
 protected:
  Webchat() : port(free_port()), daemon(config(), port) {}

  std::string config() const {
    std::string p = std::to_string(port);
    return "server:\n  listen: 127.0.0.1:" + p + "\n  public_url: http://127.0.0.1:" + p + "\n  threads: 2\n  admin_token: " +
           kAdmin + "\nredis:\n  url: " + redis.url() + "\n  workspace: it\n"
           "channels:\n"
           "  - { id: site, kind: webchat, secret: " + kChatSecret + ", allowed_origins: [\"" + kShop + "\"], csat: true,"
           " visitor_rate: 5/s, ip_conversation_rate: 1/s }\n"
           "  - { id: sms, kind: twilio_sms, account_sid: AC00000000000000000000000000000000, auth_token: " + kTwilioToken +
           ", from: \"+15005550006\" }\n"
           "queues:\n  - { id: general, channels: [site, sms] }\n"
           "agents:\n  - { id: asha, name: Asha Rao, token: " + kAsha + ", capacity: { chat: 5, sms: 5 } }\n";
  }

  void available() {
    auto r = as_bearer(port, kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})");
    ASSERT_EQ(r.status, 200);
  }

  std::unique_ptr<WsClient> visitor(const std::string& origin = kShop) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!origin.empty()) headers.emplace_back("Origin", origin);
    return std::make_unique<WsClient>(port, "/chat/site/socket", headers);
  }

  /// The next frame of `type` (others skipped); an empty object when none came.
  static json::object next_of(WsClient& ws, const std::string& type, int timeout_ms = 5000) {
    for (int i = 0; i < 30; ++i) {
      auto frame = ws.next(timeout_ms);
      if (!frame) break;
      auto o = json::parse(*frame).as_object();
      if (o.at("type") == type.c_str()) return o;
    }
    return {};
  }

  static json::object hello(WsClient& ws, const std::string& visitor = kVisitor, const std::string& identifier = "",
                            const std::string& hash = "") {
    ws.send(json::serialize(json::object{{"type", "hello"}, {"visitor", visitor}, {"identifier", identifier},
                                         {"identifier_hash", hash}}));
    return next_of(ws, "welcome");
  }

  static void say(WsClient& ws, const std::string& id, const std::string& text, const std::string& name = "") {
    ws.send(json::serialize(json::object{{"type", "message"}, {"id", id}, {"text", text}, {"name", name}}));
  }

  json::object conversation(const std::string& id) {
    auto r = as_bearer(port, kAdmin, "GET", "/v1/conversations/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }

  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

TEST_F(Webchat, AVisitorsTeluguMessageReachesTheAgentAndTheReplyReachesTheVisitorLive) {
  WsClient agent(port, "/v1/agents/me/events", kAsha);
  ASSERT_TRUE(agent.ok());
  available();
  auto ws = visitor();
  ASSERT_TRUE(ws->ok()) << ws->status();
  auto welcome = hello(*ws);
  ASSERT_FALSE(welcome.empty());
  EXPECT_TRUE(welcome.at("conversations").as_array().empty());

  say(*ws, "c-000000001", "నమస్కారం, నా ఆర్డర్ ఎక్కడ ఉంది?", "Lakshmi");
  auto accepted = next_of(*ws, "accepted");
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(accepted.at("id"), "c-000000001");
  const std::string conv(accepted.at("conversation_id").as_string());
  auto assigned = next_of(agent, "conversation.assigned");
  ASSERT_FALSE(assigned.empty());
  EXPECT_EQ(assigned.at("conversation").at("id").as_string(), conv);
  EXPECT_EQ(assigned.at("conversation").at("channel"), "site");
  EXPECT_EQ(assigned.at("conversation").at("contact").at("name"), "Lakshmi");

  auto reply = as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"మీ ఆర్డర్ రేపు వస్తుంది"})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  auto live = next_of(*ws, "message");
  ASSERT_FALSE(live.empty());
  EXPECT_EQ(live.at("conversation_id").as_string(), conv);
  EXPECT_EQ(live.at("message").at("direction"), "out");
  EXPECT_EQ(live.at("message").at("text"), "మీ ఆర్డర్ రేపు వస్తుంది");
  EXPECT_EQ(live.at("message").at("author"), "Asha Rao");

  // Delivered in place: the reply is sent, never dead-lettered.
  ASSERT_TRUE(eventually([&] {
    auto c = conversation(conv);
    const auto& messages = c.at("messages").as_array();
    return messages.size() == 2 && messages[1].at("delivery").at("status") == "sent";
  }));
  EXPECT_EQ(redis.one({"XLEN", it_keys().dead_letters()}), "0");

  // A note never reaches the visitor; the agent's typing and viewing do.
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":"private: VIP"})").status, 201);
  agent.send(json::serialize(json::object{{"type", "typing"}, {"conversation_id", conv}}));
  auto typing = next_of(*ws, "typing");
  ASSERT_FALSE(typing.empty());
  EXPECT_EQ(typing.at("author"), "Asha Rao");
  // The visitor's typing reaches the agent, said to be the customer's.
  ws->send(R"({"type":"typing"})");
  bool customer_typing = false;
  for (int i = 0; i < 10 && !customer_typing; ++i) {
    auto o = next_of(agent, "conversation.presence");
    if (o.empty()) break;
    customer_typing = o.contains("by") && o.at("by") == "customer" && o.at("conversation_id").as_string() == conv;
  }
  EXPECT_TRUE(customer_typing);
  for (int i = 0; i < 5; ++i) {
    auto frame = ws->next(300);
    if (!frame) break;
    EXPECT_EQ(frame->find("private: VIP"), std::string::npos) << *frame;
  }
}

TEST_F(Webchat, AfterADropTheVisitorGetsWhatTheyMissedAndAMessageSentAgainIsStoredOnce) {
  available();
  std::string conv;
  {
    auto ws = visitor();
    ASSERT_FALSE(hello(*ws).empty());
    say(*ws, "c-000000001", "मेरा ऑर्डर कहाँ है?", "Ravi");
    auto accepted = next_of(*ws, "accepted");
    ASSERT_FALSE(accepted.empty());
    conv = std::string(accepted.at("conversation_id").as_string());
    ws->close();  // the network drops
  }
  ASSERT_TRUE(eventually([&] { return conversation(conv).at("agent") == "asha"; }));
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"कल पहुँचेगा"})").status, 202);

  auto again = visitor();
  auto welcome = hello(*again);
  ASSERT_EQ(welcome.at("conversations").as_array().size(), 1u);
  const auto& shown = welcome.at("conversations").as_array()[0].as_object();
  EXPECT_EQ(shown.at("id").as_string(), conv);
  ASSERT_EQ(shown.at("messages").as_array().size(), 2u);
  EXPECT_EQ(shown.at("messages").as_array()[0].at("text"), "मेरा ऑर्डर कहाँ है?");
  EXPECT_EQ(shown.at("messages").as_array()[1].at("text"), "कल पहुँचेगा");
  // The widget did not hear "accepted" before the drop: it sends the same message (same id) again.
  say(*again, "c-000000001", "मेरा ऑर्डर कहाँ है?", "Ravi");
  auto accepted = next_of(*again, "accepted");
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(accepted.at("conversation_id").as_string(), conv);
  EXPECT_EQ(conversation(conv).at("messages").as_array().size(), 2u);
}

TEST_F(Webchat, PagesOfOtherOriginsAndSocketsWithoutAnOriginAreRefused) {
  EXPECT_EQ(visitor("http://localhost:9999")->status(), 403);
  EXPECT_EQ(visitor("https://evil.example")->status(), 403);
  EXPECT_EQ(visitor("")->status(), 403);
  EXPECT_EQ(visitor("null")->status(), 403);
  // Our own page (public_url's origin) and the listed one are let in.
  EXPECT_EQ(visitor(origin_of(port))->status(), 101);
  EXPECT_EQ(visitor(kShop)->status(), 101);
  // The page may be framed only by the allowed origins.
  auto page = http_request(port, "GET", "/chat/site", {}, "");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors 'self' http://127.0.0.1:" + std::to_string(port) + " " + kShop),
            std::string::npos)
      << page.headers["content-security-policy"];
  EXPECT_EQ(http_request(port, "GET", "/chat/nope", {}, "").status, 404);
  auto script = http_request(port, "GET", "/chat/site/widget.js", {}, "");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
}

TEST_F(Webchat, AnIdentifiedVisitorIsTheContactHoldingTheirPhoneNumberAndAForgedHashIsNot) {
  // The customer wrote by SMS before.
  FormFields fields = {{"MessageSid", "SM1"}, {"From", "+919876543210"}, {"To", "+15005550006"}, {"Body", "hello"}};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/sms";
  ASSERT_EQ(http_request(port, "POST", "/webhooks/sms",
                         {{"Content-Type", "application/x-www-form-urlencoded"},
                          {"X-Twilio-Signature", channels::twilio_signature(kTwilioToken, url, fields)}},
                         form_encode(fields)).status, 200);
  const std::string sms_contact = redis.one({"GET", it_keys().handle("phone", "+919876543210")});
  ASSERT_NE(sms_contact, "(nil)");

  const std::string identifier = "+91 98765 43210";
  auto signed_in = visitor();
  ASSERT_FALSE(hello(*signed_in, "device-one-0123456789abcdef", identifier, hmac_sha256_hex(kChatSecret, identifier)).empty());
  say(*signed_in, "c-000000001", "it's me again, from the website");
  auto accepted = next_of(*signed_in, "accepted");
  ASSERT_FALSE(accepted.empty());
  auto mine = conversation(std::string(accepted.at("conversation_id").as_string()));
  EXPECT_EQ(mine.at("contact").at("id").as_string(), sms_contact);

  // Someone claiming the same number with a wrong hash stays anonymous: sees none of it, joins nobody.
  auto forged = visitor();
  auto welcome = hello(*forged, "device-two-0123456789abcdef", identifier, std::string(64, 'a'));
  ASSERT_FALSE(welcome.empty());
  EXPECT_TRUE(welcome.at("conversations").as_array().empty());
  EXPECT_FALSE(welcome.at("identified").as_bool());
  say(*forged, "c-000000002", "give me their order");
  auto theirs = next_of(*forged, "accepted");
  ASSERT_FALSE(theirs.empty());
  EXPECT_NE(conversation(std::string(theirs.at("conversation_id").as_string())).at("contact").at("id").as_string(), sms_contact);
  // The identified visitor on another device sees their conversation.
  auto other_device = visitor();
  auto again = hello(*other_device, "device-three-0123456789abcdef", identifier, hmac_sha256_hex(kChatSecret, identifier));
  ASSERT_EQ(again.at("conversations").as_array().size(), 1u);
  EXPECT_TRUE(again.at("identified").as_bool());
}

TEST_F(Webchat, AResolvedConversationIsRatedOnceAndTheRatingIsOnTheConversation) {
  available();
  auto ws = visitor();
  ASSERT_FALSE(hello(*ws).empty());
  say(*ws, "c-000000001", "thanks, all good");
  auto accepted = next_of(*ws, "accepted");
  ASSERT_FALSE(accepted.empty());
  const std::string conv(accepted.at("conversation_id").as_string());
  ASSERT_TRUE(eventually([&] { return conversation(conv).at("agent") == "asha"; }));
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/resolve", "").status, 200);
  auto resolved = next_of(*ws, "resolved");
  ASSERT_FALSE(resolved.empty());
  EXPECT_TRUE(resolved.at("rate").as_bool());
  const std::string rate = json::serialize(json::object{{"type", "rate"}, {"conversation_id", conv}, {"score", 4}});
  ws->send(rate);
  ws->send(rate);  // a double click
  auto rated = next_of(*ws, "rated");
  ASSERT_FALSE(rated.empty());
  EXPECT_EQ(rated.at("score"), 4);
  ASSERT_TRUE(eventually([&] { return conversation(conv).contains("csat") && conversation(conv).at("csat") == 4; }));
  // Another score later is refused: rated once.
  ws->send(json::serialize(json::object{{"type", "rate"}, {"conversation_id", conv}, {"score", 1}}));
  auto later = next_of(*ws, "rated");
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later.at("score"), 4);
  EXPECT_EQ(conversation(conv).at("csat"), 4);
  // The rating opened no conversation, and the transcript holds no "4" for the agent to answer.
  EXPECT_EQ(redis.one({"GET", it_keys().thread("site", "site:v:" + sha256_hex(kVisitor).substr(0, 32))}), "(nil)");
  // The visitor id is their secret: agents see only its digest.
  EXPECT_EQ(json::serialize(conversation(conv)).find(kVisitor), std::string::npos);
}

TEST_F(Webchat, OversizedEmptyAndFloodingMessagesAreRefusedWithAReason) {
  auto ws = visitor();
  ASSERT_FALSE(hello(*ws).empty());
  say(*ws, "c-000000001", std::string(4001, 'a'));
  auto too_long = next_of(*ws, "error");
  ASSERT_FALSE(too_long.empty());
  EXPECT_EQ(too_long.at("error"), "too_long");
  EXPECT_EQ(too_long.at("id"), "c-000000001");
  say(*ws, "c-000000002", "   ");
  EXPECT_EQ(next_of(*ws, "error").at("error"), "invalid_message");
  // visitor_rate 5/s with a burst of 10: a flood is cut with rate_limited, never silently.
  int accepted = 0, limited = 0;
  for (int i = 0; i < 30; ++i) say(*ws, "f-00000000" + std::to_string(10 + i), "flood " + std::to_string(i));
  for (int i = 0; i < 30; ++i) {
    auto frame = ws->next(3000);
    if (!frame) break;
    auto o = json::parse(*frame).as_object();
    if (o.at("type") == "accepted") ++accepted;
    if (o.at("type") == "error" && o.at("error") == "rate_limited") ++limited;
  }
  EXPECT_GE(accepted, 10);
  EXPECT_GT(limited, 0);
  EXPECT_EQ(accepted + limited, 30);
  // Hostile text is stored as text, byte for byte.
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the visitor's bucket fills again (5/s)
  say(*ws, "h-000000001", "<img src=x onerror=alert(1)>");
  json::object hostile;
  for (int i = 0; i < 20 && hostile.empty(); ++i) {
    auto o = next_of(*ws, "accepted", 3000);
    if (o.empty()) break;
    if (o.at("id") == "h-000000001") hostile = o;
  }
  ASSERT_FALSE(hostile.empty());
  EXPECT_EQ(hostile.at("message").at("text"), "<img src=x onerror=alert(1)>");
}

TEST_F(Webchat, AVisitorMustSayHelloWithAWellFormedIdFirst) {
  auto ws = visitor();
  ws->send(R"({"type":"message","id":"c-000000001","text":"hi"})");
  EXPECT_EQ(next_of(*ws, "error").at("error"), "hello_first");
  ws->send(R"({"type":"hello","visitor":"short"})");
  EXPECT_EQ(next_of(*ws, "error").at("error"), "invalid_visitor");
  EXPECT_FALSE(ws->next(2000).has_value());  // then closed
}

TEST_F(Webchat, AVisitorsImageIsKeptForTheAgentAndOtherFilesAreRefusedWithAReason) {
  available();
  auto ws = visitor();
  ASSERT_FALSE(hello(*ws).empty());
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(2000, '\x01');
  ws->send(R"({"type":"attachment","id":"f-00000001","file_name":"../../etc/రసీదు.png","size":2008,"text":"my receipt","name":"Ravi"})");
  ws->send_binary(png);
  auto accepted = next_of(*ws, "accepted");
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(accepted.at("id"), "f-00000001");
  EXPECT_EQ(accepted.at("message").at("attachments").at(0).at("name"), "రసీదు.png");
  auto c = conversation(std::string(accepted.at("conversation_id").as_string()));
  EXPECT_EQ(c.at("contact").at("name"), "Ravi");
  const auto& file = c.at("messages").at(0).at("attachments").at(0);
  EXPECT_EQ(file.at("type"), "image/png");
  EXPECT_EQ(file.at("size"), 2008);
  EXPECT_EQ(c.at("messages").at(0).at("text"), "my receipt");
  auto bytes = as_bearer(port, kAdmin, "GET", std::string(file.at("url").as_string()));
  ASSERT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, png);
  EXPECT_EQ(as_bearer(port, "not-a-token-0000000000", "GET", std::string(file.at("url").as_string())).status, 401);

  // A program named like a picture: refused by its bytes.
  ws->send(R"({"type":"attachment","id":"f-00000002","file_name":"photo.png","size":6})");
  ws->send_binary(std::string("MZ\x90\x00\x03\x00", 6));
  auto refused = next_of(*ws, "error");
  EXPECT_EQ(refused.at("error"), "unsupported_file");
  EXPECT_EQ(refused.at("id"), "f-00000002");
  // Over max_attachment (5MB by default): refused before any byte is sent.
  ws->send(R"({"type":"attachment","id":"f-00000003","file_name":"big.pdf","size":6000000})");
  EXPECT_EQ(next_of(*ws, "error").at("error"), "too_large");
  // Bytes nobody announced.
  ws->send_binary("%PDF-1.4");
  EXPECT_EQ(next_of(*ws, "error").at("error"), "unexpected_file");
}

TEST(WebchatLimits, AnAddressHoldsAtMostIpSocketsChatSocketsAndGetsOneBackWhenItCloses) {
  RedisServer redis;
  std::uint16_t port = free_port();
  std::string p = std::to_string(port);
  DaemonProcess daemon("server:\n  listen: 127.0.0.1:" + p + "\nredis:\n  url: " + redis.url() + "\n  workspace: it\nchannels:\n"
                       "  - { id: site, kind: webchat, secret: s, allowed_origins: [\"" + std::string(kShop) + "\"], ip_sockets: 2 }\n"
                       "queues:\n  - { id: general, channels: [site] }\n", port);
  std::vector<std::pair<std::string, std::string>> origin{{"Origin", kShop}};
  auto one = std::make_unique<WsClient>(port, "/chat/site/socket", origin);
  WsClient two(port, "/chat/site/socket", origin);
  ASSERT_TRUE(one->ok());
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(WsClient(port, "/chat/site/socket", origin).status(), 429);
  one.reset();  // closed: its place is free again
  EXPECT_TRUE(eventually([&] { return WsClient(port, "/chat/site/socket", origin).status() == 101; }));
}

/// A web chat whose replies its visitors' pages never had go by e-mail (offline_email) through `smtp`; Asha answers.
std::string offline_email_config(std::uint16_t port, const RedisServer& redis, const SmtpServer& smtp) {
  const std::string p = std::to_string(port);
  return "server:\n  listen: 127.0.0.1:" + p + "\n  public_url: http://127.0.0.1:" + p + "\nredis:\n  url: " + redis.url() +
         "\n  workspace: it\nchannels:\n"
         "  - { id: site, kind: webchat, secret: " + std::string(kChatSecret) + ", allowed_origins: [\"" + kShop +
         "\"], offline_email: mail }\n"
         "  - { id: mail, kind: email, address: help@shop.example, webhook_signing_key: mail-key-0123456789, smtp: { url: \"" +
         smtp.url() + "\" } }\n"
         "queues:\n  - { id: general, channels: [site, mail] }\n"
         "agents:\n  - { id: asha, name: Asha Rao, token: " + kAsha + ", capacity: { chat: 5, email: 5 } }\n";
}

TEST(WebchatOffline, AReplyToAVisitorWhoLeftIsEmailedToTheAddressTheyGaveAndWaitsInTheChat) {
  RedisServer redis;
  SmtpServer smtp;
  std::uint16_t port = free_port();
  DaemonProcess daemon(offline_email_config(port, redis, smtp), port);
  ASSERT_EQ(as_bearer(port, kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  std::string conv, reply_id;
  auto next_of = [](WsClient& ws, const std::string& type) {
    for (int i = 0; i < 20; ++i) {
      auto frame = ws.next();
      if (!frame) break;
      auto o = json::parse(*frame).as_object();
      if (o.at("type") == type.c_str()) return o;
    }
    return json::object{};
  };
  {
    WsClient ws(port, "/chat/site/socket", {{"Origin", kShop}});
    ws.send(R"({"type":"hello","visitor":"offline-visitor-0123456789abc"})");
    ASSERT_FALSE(next_of(ws, "welcome").empty());
    ws.send(R"({"type":"message","id":"c-00000001","name":"Lakshmi","contact":"Lakshmi@Example.com","text":"నా రిఫండ్ ఎప్పుడు?"})");
    auto accepted = next_of(ws, "accepted");
    ASSERT_FALSE(accepted.empty());
    conv = std::string(accepted.at("conversation_id").as_string());
    ASSERT_TRUE(eventually([&] {
      auto r = as_bearer(port, kAsha, "GET", "/v1/conversations/" + conv);
      return r.body.find("\"agent\":\"asha\"") != std::string::npos;
    }));
    // While they are here, the reply reaches their page (which says so, as the widget does) and is not e-mailed.
    ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"ఈ రోజే"})").status, 202);
    auto reply = next_of(ws, "message");
    ASSERT_FALSE(reply.empty());
    reply_id = std::string(reply.at("message").at("id").as_string());
    // A page claiming more than it was sent is held to what it was sent (the next reply is still judged).
    ws.send(R"({"type":"shown","conversations":{")" + conv + R"(":"m999999"}})");
    ws.close();
  }
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"మీ రిఫండ్ పంపాము"})").status, 202);
  ASSERT_TRUE(smtp.wait_for(1)) << daemon.log();
  auto mails = smtp.received();
  ASSERT_EQ(mails.size(), 1u) << "only the reply sent while they were away";
  EXPECT_EQ(mails[0].data.find("ఈ రోజే"), std::string::npos) << "the reply their page had: " << reply_id;
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"lakshmi@example.com"});
  EXPECT_NE(mails[0].data.find("Your chat with us"), std::string::npos);
  // Back on the site: the reply waits in the chat.
  WsClient again(port, "/chat/site/socket", {{"Origin", kShop}});
  again.send(R"({"type":"hello","visitor":"offline-visitor-0123456789abc"})");
  auto welcome = next_of(again, "welcome");
  ASSERT_EQ(welcome.at("conversations").as_array().size(), 1u);
  EXPECT_EQ(welcome.at("conversations").as_array()[0].at("messages").as_array().back().at("text"), "మీ రిఫండ్ పంపాము");
}

/// A visitor's first message on `ws` (hello, then the message with their name and e-mail address), answered
/// "accepted" and assigned to Asha: the conversation's id ("" when any of it did not happen).
std::string chat_assigned_to_asha(std::uint16_t port, WsClient& ws, const std::string& visitor, const std::string& message) {
  ws.send(R"({"type":"hello","visitor":")" + visitor + R"("})");
  if (!ws.next()) return "";  // welcome
  ws.send(message);
  std::string conv;
  for (int i = 0; i < 5 && conv.empty(); ++i) {
    auto frame = ws.next();
    if (!frame) break;
    auto o = json::parse(*frame).as_object();
    if (o.at("type") == "accepted") conv = std::string(o.at("conversation_id").as_string());
  }
  const bool assigned = !conv.empty() && eventually([&] {
    return as_bearer(port, kAsha, "GET", "/v1/conversations/" + conv).body.find("\"agent\":\"asha\"") != std::string::npos;
  });
  return assigned ? conv : "";
}

TEST(WebchatOffline, AReplyWrittenToASocketWhosePageNeverSaidItHadItIsEmailedAfterTheWait) {
  // A phone gone into a tunnel: the daemon's socket is open and takes the reply into its buffers, but the page
  // never gets it (never says "shown"). Only the page's word counts; after the wait the reply is e-mailed.
  RedisServer redis;
  SmtpServer smtp;
  std::uint16_t port = free_port();
  DaemonProcess daemon(offline_email_config(port, redis, smtp), port);
  ASSERT_EQ(as_bearer(port, kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  WsClient ws(port, "/chat/site/socket", {{"Origin", kShop}});
  const std::string conv = chat_assigned_to_asha(
      port, ws, "tunnel-visitor-0123456789abcd",
      R"({"type":"message","id":"c-00000001","name":"Ravi","contact":"ravi@example.com","text":"Order 4411 kab aayega?"})");
  ASSERT_FALSE(conv.empty());
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"Kal tak pahunch jayega"})").status, 202);
  // The socket stays open and silent; the mail comes once the wait for the page's word is over (20 s).
  ASSERT_TRUE(smtp.wait_for(1, 40'000)) << daemon.log();
  EXPECT_GE(std::chrono::steady_clock::now() - sent, std::chrono::seconds(15)) << "not while the socket was open and waited for";
  auto mails = smtp.received();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"ravi@example.com"});
  EXPECT_NE(mails[0].data.find("Kal tak pahunch jayega"), std::string::npos);
}

TEST(WebchatOffline, AReloadWhileAReplyIsBeingJudgedStillEmailsItOnce) {
  // Whether a reply is e-mailed is decided over seconds (up to 20 while a socket of the visitor is open but
  // silent); the decision is kept in Redis, so a SIGHUP (or an admin's channel change) meanwhile does not lose
  // it, and the two generations do not both send it.
  RedisServer redis;
  SmtpServer smtp;
  std::uint16_t port = free_port();
  DaemonProcess daemon(offline_email_config(port, redis, smtp), port);
  ASSERT_EQ(as_bearer(port, kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  WsClient ws(port, "/chat/site/socket", {{"Origin", kShop}});
  const std::string conv = chat_assigned_to_asha(
      port, ws, "reload-visitor-0123456789abcd",
      R"({"type":"message","id":"c-00000001","name":"Anjali","contact":"anjali@example.com","text":"Refund status?"})");
  ASSERT_FALSE(conv.empty());
  ASSERT_EQ(as_bearer(port, kAsha, "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"Refund sent today"})").status, 202);
  // Their socket is open and silent: the reply waits to be said shown. The daemon reloads meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(smtp.received().empty()) << "not while their socket is open";
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return daemon.log().find("SIGHUP: configuration reloaded") != std::string::npos; }, 10'000))
      << daemon.log();
  ASSERT_TRUE(smtp.wait_for(1, 40'000)) << daemon.log();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a second sender, had both kept it, would have sent by now
  auto mails = smtp.received();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].data.find("Refund sent today"), std::string::npos);
}

}  // namespace
}  // namespace omniroute::testing
