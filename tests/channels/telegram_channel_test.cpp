// Telegram updates, from fixtures written after the Bot API documentation:
// text in Telugu, edits, photos and documents as attachments, location and
// contacts as text, updates with nothing for an agent skipped; the secret
// token header; sendMessage and its error answers.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "telegram/telegram_channel.hpp"

namespace omniroute::channels {
namespace {

namespace json = boost::json;

std::unique_ptr<Channel> make(const std::string& mode = "webhook") {
  ChannelSettings s;
  s.id = "tg";
  s.kind = "telegram";
  s.values = {{"bot_token", "123456:ABC-DEF"}, {"secret_token", "tg-secret-0123"}, {"mode", mode},
              {"api_base", "https://api.telegram.org"}};
  return telegram_kind().create(s);
}

const std::string kText = R"({"update_id":900001,"message":{"message_id":44,"from":{"id":777000111,"is_bot":false,
  "first_name":"Lakshmi","last_name":"Devi","language_code":"te"},"chat":{"id":777000111,"type":"private",
  "first_name":"Lakshmi"},"date":1795000000,"text":"నా డెలివరీ ఎప్పుడు వస్తుంది?"}})";

WebhookResult deliver(const Channel& ch, const std::string& body, const std::string& token = "tg-secret-0123") {
  InboundRequest r;
  r.method = "POST";
  r.body = body;
  r.headers = {{"X-Telegram-Bot-Api-Secret-Token", token}};
  return ch.on_webhook(r);
}

TEST(TelegramWebhook, ATeluguTextWithTheRightSecretToken) {
  auto tg = make();
  auto r = deliver(*tg, kText);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->messages.size(), 1u);
  const Message& m = r->messages[0];
  EXPECT_EQ(m.text, "నా డెలివరీ ఎప్పుడు వస్తుంది?");
  EXPECT_EQ(m.contact_name, "Lakshmi Devi");
  EXPECT_EQ(m.contact_handle, "777000111");
  EXPECT_EQ(m.handle_kind, "tg");
  EXPECT_EQ(m.thread_key, "777000111");
  EXPECT_EQ(m.provider_id, "777000111:44");
  EXPECT_EQ(m.provider_time_ms, 1'795'000'000'000);
  EXPECT_EQ(deliver(*tg, kText, "wrong").error().status, 401);
  EXPECT_EQ(deliver(*tg, kText, "").error().code, "bad_secret_token");
  EXPECT_EQ(make("polling")->on_webhook(InboundRequest{}).error().status, 409);
}

TEST(TelegramUpdates, MediaLocationContactsEditsAndSkippedKinds) {
  const std::string updates = R"([
    {"update_id":10,"message":{"message_id":1,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000001,
      "photo":[{"file_id":"small","width":90,"height":90},{"file_id":"large","width":1280,"height":960}],"caption":"Damaged box"}},
    {"update_id":11,"message":{"message_id":2,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000002,
      "document":{"file_id":"doc1","file_name":"రసీదు.pdf","mime_type":"application/pdf","file_size":48213}}},
    {"update_id":12,"message":{"message_id":3,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000003,
      "location":{"latitude":17.385,"longitude":78.4867}}},
    {"update_id":13,"message":{"message_id":4,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000004,
      "contact":{"phone_number":"+919876500000","first_name":"Priya"}}},
    {"update_id":14,"edited_message":{"message_id":1,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000001,
      "edit_date":1795000100,"text":"Damaged box, please replace"}},
    {"update_id":15,"message":{"message_id":5,"from":{"id":5,"first_name":"Ravi"},"chat":{"id":5,"type":"private"},"date":1795000005,
      "sticker":{"file_id":"st","emoji":"😀"}}},
    {"update_id":16,"my_chat_member":{"chat":{"id":5},"from":{"id":5},"date":1795000006}}
  ])";
  auto r = parse_telegram_updates(updates, "tg");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->last_update_id, 16);
  ASSERT_EQ(r->messages.size(), 5u);
  EXPECT_EQ(r->messages[0].text, "Damaged box");
  EXPECT_EQ(r->messages[0].attachments[0].url, "telegram-file:large");
  EXPECT_EQ(r->messages[1].attachments[0].name, "రసీదు.pdf");
  EXPECT_EQ(r->messages[1].attachments[0].size, 48213);
  EXPECT_EQ(r->messages[2].text, "📍 Location: (17.385, 78.4867)");
  EXPECT_EQ(r->messages[3].text, "Shared contact: Priya +919876500000");
  EXPECT_EQ(r->messages[4].provider_id, "5:1:1795000100");  // an edit is not a duplicate of the original
  EXPECT_FALSE(parse_telegram_updates(R"([{"message":{}}])", "tg"));
  EXPECT_FALSE(parse_telegram_updates("{}", "tg"));
}

TEST(TelegramSend, SendMessageAndItsErrors) {
  auto tg = make();
  auto call = tg->build_send({"v1", "m1", "777000111", "రేపు వస్తుంది"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->url, "https://api.telegram.org/bot123456:ABC-DEF/sendMessage");
  EXPECT_EQ(json::parse(call->body).at("text"), "రేపు వస్తుంది");
  EXPECT_EQ(tg->read_send_answer(200, R"({"ok":true,"result":{"message_id":45,"chat":{"id":777000111}}})").provider_id, "45");
  auto slow = tg->read_send_answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
  EXPECT_EQ(slow.kind, SendResult::Kind::retry);
  EXPECT_EQ(slow.retry_after_s, 7);
  auto blocked = tg->read_send_answer(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  EXPECT_EQ(blocked.kind, SendResult::Kind::failed);
  EXPECT_EQ(blocked.reason, "Telegram 403: Forbidden: bot was blocked by the user");
}

}  // namespace
}  // namespace omniroute::channels
