// The Channel pattern for polling channels: a channel started by the daemon's
// loop hands messages to its IngestSink and keeps its offset in ChannelState,
// so a restart continues where it stopped, neither losing nor repeating.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "config/values.hpp"
#include "daemon/worker.hpp"
#include "store/keys.hpp"
#include "support/eventually.hpp"
#include "support/redis_server.hpp"

namespace omniroute {
namespace {

/// A provider that hands out numbered messages; the channel polls it twice per start.
class NumberedPoller final : public Channel {
 public:
  using Channel::Channel;
  std::atomic<int> polls_done{0};
  std::atomic<bool> stopped{false};

  void start(ChannelContext& ctx) override {
    ctx_ = &ctx;
    boost::asio::co_spawn(ctx.executor, poll_twice(), boost::asio::detached);
  }
  void stop() override { stopped = true; }

 private:
  boost::asio::awaitable<void> poll_twice() {
    while (polls_done < 2) {
      auto offset = co_await ctx_->state->get("offset");
      EXPECT_TRUE(offset);
      if (!offset) co_return;
      int next = *offset ? std::stoi(**offset) : 0;
      Message m;
      m.channel_id = id();
      m.channel_kind = "numbered";
      m.provider_id = "n" + std::to_string(next);
      m.handle_kind = id();
      m.contact_handle = "customer";
      m.thread_key = "customer";
      m.text = "update " + std::to_string(next);
      IngestOutcome out = co_await ctx_->sink->ingest(m);
      EXPECT_TRUE(out.stored) << out.error;
      if (!out.stored) co_return;
      // Only once the message is durable does the offset move on.
      bool saved = co_await ctx_->state->set("offset", std::to_string(next + 1));
      EXPECT_TRUE(saved);
      if (!saved) co_return;
      ++polls_done;
    }
  }
  ChannelContext* ctx_ = nullptr;
};

config::Config make_config(const testing::RedisServer& redis) {
  config::Config c;
  c.redis.url = redis.url();
  c.redis.endpoint = *config::parse_redis_url(c.redis.url);
  c.redis.workspace = "poll";
  config::ChannelConfig ch;
  ch.settings.id = "numbers";
  ch.settings.kind = "numbered";
  c.channels.push_back(ch);
  config::QueueConfig q;
  q.id = "general";
  q.channels = {"numbers"};
  c.queues.push_back(q);
  return c;
}

/// Runs one daemon loop with a fresh NumberedPoller until it polled twice; returns it.
void run_once(const config::Config& cfg, metrics::Registry& registry, ingest::IngestMetrics& im) {
  ChannelMap channels;
  ChannelSettings s;
  s.id = "numbers";
  s.kind = "numbered";
  auto poller = std::make_unique<NumberedPoller>(s);
  NumberedPoller* p = poller.get();
  channels.emplace("numbers", std::move(poller));
  routing::AgentDirectory directory(cfg);
  std::atomic<bool> routing_ready{false};
  store::LoopClients loops;
  agent_api::AuthThrottle throttle(registry);
  archive::HistoryStatus history;
  webchat::ChatLimits chat_limits;
  ChannelRegistry kinds;  // the channel here is the test's own; no kind is looked up
  daemon::Worker worker(cfg, channels, kinds, registry, im, directory, routing_ready, loops, nullptr, throttle, chat_limits, history);
  worker.start();
  worker.start_channels(channels);
  testing::eventually([&] { return p->polls_done >= 2; }, 10'000);
  EXPECT_EQ(p->polls_done, 2);
  worker.drain(std::chrono::seconds(1));
  worker.join();
  EXPECT_TRUE(p->stopped);
}

TEST(PollingChannel, RestartContinuesFromTheSavedOffset) {
  testing::RedisServer redis;
  config::Config cfg = make_config(redis);
  metrics::Registry registry;
  ingest::IngestMetrics im(registry, cfg);
  run_once(cfg, registry, im);
  run_once(cfg, registry, im);
  const store::Keys keys(cfg.redis.workspace);
  std::string conv = redis.one({"GET", keys.thread("numbers", "customer")});
  auto texts = redis.command({"XRANGE", keys.transcript(conv), "-", "+"});
  std::vector<std::string> got;
  for (size_t i = 0; i + 1 < texts.size(); ++i) {
    if (texts[i] == "text") got.push_back(texts[i + 1]);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"update 0", "update 1", "update 2", "update 3"}));
  EXPECT_EQ(redis.one({"HGET", keys.channel_state("numbers"), "offset"}), "4");
}

}  // namespace
}  // namespace omniroute
