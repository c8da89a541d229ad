// The ingest and resolve scripts against a real redis-server, through the store's own API.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "config/values.hpp"
#include "omniroute/clock.hpp"
#include "store/conversation_store.hpp"
#include "store/conversations.hpp"
#include "support/loop.hpp"
#include "support/redis_server.hpp"

namespace omniroute::store {
namespace {

using testing::run_until_set;

class ConversationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg.url = redis.url();
    cfg.endpoint = *config::parse_redis_url(cfg.url);
    cfg.workspace = "t";
    client = std::make_shared<RedisClient>(ctx.get_executor(), cfg);
    client->start();
    while (!client->connected()) ctx.run_one_for(std::chrono::milliseconds(50)), ctx.restart();
    store = std::make_unique<ConversationStore>(*client, cfg);
  }
  void TearDown() override { client->stop(); }

  Message message(const std::string& provider_id, const std::string& handle, const std::string& text) {
    Message m;
    m.channel_id = "api";
    m.channel_kind = "webhook";
    m.provider_id = provider_id;
    m.handle_kind = "api";
    m.contact_handle = handle;
    m.thread_key = handle;
    m.text = text;
    m.received_time_ms = now_ms();
    return m;
  }

  IngestOutcome ingest(const Message& m, config::Priority priority = config::Priority::normal) {
    std::optional<Expected<IngestOutcome, RedisError>> result;
    IngestPlan plan;
    plan.queue = "general";
    plan.priority = priority;
    plan.first_response_due_ms = m.received_time_ms + 60'000;
    boost::asio::co_spawn(
        ctx, [&]() -> boost::asio::awaitable<void> { result = co_await store->ingest(m, Medium::chat, plan); },
        boost::asio::detached);
    EXPECT_TRUE(run_until_set(ctx, result));
    EXPECT_TRUE(*result) << result->error().message;
    return **result;
  }

  ResolveOutcome resolve(const std::string& id, const std::string& by = "system") {
    std::optional<StoreResult<ResolveOutcome>> result;
    Conversations conversations(*client, store->keys());
    boost::asio::co_spawn(
        ctx, [&]() -> boost::asio::awaitable<void> { result = co_await conversations.resolve(id, by, now_ms()); },
        boost::asio::detached);
    EXPECT_TRUE(run_until_set(ctx, result));
    return **result;
  }

  const Keys keys{"t"};
  testing::RedisServer redis;
  boost::asio::io_context ctx;
  config::RedisConfig cfg;
  std::shared_ptr<RedisClient> client;
  std::unique_ptr<ConversationStore> store;
};

TEST_F(ConversationStoreTest, KeepsHindiTeluguAndEmojiByteForByte) {
  const std::string text = "मेरा ऑर्डर कहाँ है? నా ఆర్డర్ ఎక్కడ? 📦🙏🏽";
  auto out = ingest(message("p1", "u1", text));
  auto entries = redis.command({"XRANGE", keys.transcript(out.conversation_id), "-", "+"});
  auto it = std::find(entries.begin(), entries.end(), "text");
  ASSERT_NE(it, entries.end());
  EXPECT_EQ(*(it + 1), text);
}

TEST_F(ConversationStoreTest, RefusesAMessageWithoutAReceivedTimeAndStoresNothing) {
  Message m = message("p1", "u1", "hello");
  m.received_time_ms = 0;  // it would be filed in 1970: first in every queue, breached for decades
  std::optional<Expected<IngestOutcome, RedisError>> result;
  IngestPlan plan;
  plan.queue = "general";
  boost::asio::co_spawn(
        ctx, [&]() -> boost::asio::awaitable<void> { result = co_await store->ingest(m, Medium::chat, plan); },
        boost::asio::detached);
  ASSERT_TRUE(run_until_set(ctx, result));
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().failure, RedisFailure::refused);
  EXPECT_EQ(redis.one({"EXISTS", keys.dedupe("api", "p1")}), "0");
  EXPECT_EQ(redis.one({"ZCARD", keys.queue("general")}), "0");
}

TEST_F(ConversationStoreTest, SameProviderMessageTwiceIsStoredOnce) {
  auto first = ingest(message("p1", "u1", "hello"));
  auto again = ingest(message("p1", "u1", "hello"));
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.conversation_id, first.conversation_id);
  EXPECT_EQ(again.message_id, first.message_id);
  EXPECT_EQ(redis.one({"XLEN", keys.transcript(first.conversation_id)}), "1");
}

TEST_F(ConversationStoreTest, TwoMessagesFromOneCustomerShareAConversation) {
  auto a = ingest(message("p1", "u1", "hello"));
  auto b = ingest(message("p2", "u1", "anyone there?"));
  EXPECT_EQ(a.conversation_id, b.conversation_id);
  EXPECT_NE(a.message_id, b.message_id);
  EXPECT_EQ(redis.one({"XLEN", keys.transcript(a.conversation_id)}), "2");
  EXPECT_EQ(redis.one({"HGET", keys.conversation(a.conversation_id), "message_count"}), "2");
  EXPECT_EQ(redis.one({"ZCARD", keys.queue("general")}), "1");
}

TEST_F(ConversationStoreTest, AfterResolveANewMessageOpensANewConversationForTheSameContact) {
  auto a = ingest(message("p1", "u1", "hello"));
  EXPECT_EQ(resolve(a.conversation_id), ResolveOutcome::resolved);
  EXPECT_EQ(resolve(a.conversation_id), ResolveOutcome::already_resolved);
  EXPECT_EQ(redis.one({"ZCARD", keys.queue("general")}), "0");
  EXPECT_EQ(redis.one({"ZCARD", keys.sla()}), "0");
  auto b = ingest(message("p2", "u1", "one more thing"));
  EXPECT_NE(b.conversation_id, a.conversation_id);
  EXPECT_EQ(redis.one({"HGET", keys.conversation(b.conversation_id), "state"}), "queued");
  EXPECT_EQ(redis.one({"HGET", keys.conversation(a.conversation_id), "contact"}),
            redis.one({"HGET", keys.conversation(b.conversation_id), "contact"}));
}

TEST_F(ConversationStoreTest, AnAgentCannotResolveAConversationThatIsNotTheirs) {
  auto a = ingest(message("p1", "u1", "hello"));
  EXPECT_EQ(resolve(a.conversation_id, "asha"), ResolveOutcome::forbidden);
  EXPECT_EQ(redis.one({"HGET", keys.conversation(a.conversation_id), "state"}), "queued");
}

TEST_F(ConversationStoreTest, ResolvingAnUnknownConversationSaysSo) {
  EXPECT_EQ(resolve("v404"), ResolveOutcome::not_found);
}

TEST_F(ConversationStoreTest, DifferentCustomersGetDifferentContactsAndConversations) {
  auto a = ingest(message("p1", "u1", "hi"));
  auto b = ingest(message("p2", "u2", "hi"));
  EXPECT_NE(a.conversation_id, b.conversation_id);
  EXPECT_NE(redis.one({"HGET", keys.conversation(a.conversation_id), "contact"}),
            redis.one({"HGET", keys.conversation(b.conversation_id), "contact"}));
}

TEST_F(ConversationStoreTest, QueueOrdersByPriorityThenAge) {
  auto old_normal = ingest(message("p1", "u1", "first"), config::Priority::normal);
  auto urgent = ingest(message("p2", "u2", "second"), config::Priority::urgent);
  auto new_normal = ingest(message("p3", "u3", "third"), config::Priority::normal);
  auto order = redis.command({"ZRANGE", keys.queue("general"), "0", "-1"});
  EXPECT_EQ(order, (std::vector<std::string>{urgent.conversation_id, old_normal.conversation_id,
                                             new_normal.conversation_id}));
}

TEST_F(ConversationStoreTest, NewConversationGetsAFirstResponseDeadlineAndEvents) {
  auto a = ingest(message("p1", "u1", "hi"));
  EXPECT_NE(redis.one({"ZSCORE", keys.sla(), "first_response:" + a.conversation_id}), "(nil)");
  ingest(message("p2", "u1", "again"));  // joins the open conversation: its event opens nothing
  auto events = redis.command({"XRANGE", keys.events(), "-", "+"});
  EXPECT_EQ(std::count(events.begin(), events.end(), "message.created"), 2);
  // The message that opened the conversation says so (and in which queue) in its own event.
  auto opened = std::find(events.begin(), events.end(), "opened");
  ASSERT_NE(opened, events.end());
  EXPECT_EQ(*(opened + 1), "1");
  EXPECT_EQ(std::count(events.begin(), events.end(), "opened"), 1);
  auto queue = std::find(opened, events.end(), "queue");
  ASSERT_NE(queue, events.end());
  EXPECT_EQ(*(queue + 1), "general");
}

}  // namespace
}  // namespace omniroute::store
