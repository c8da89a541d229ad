#include "outbound/sender.hpp"

#include "omniroute/text.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <random>

#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "omniroute/spawn.hpp"
#include "store/chat_visitors.hpp"
#include "store/conversations.hpp"

namespace omniroute::outbound {

namespace asio = boost::asio;

/// The most of a provider's reason kept with a delivery (the channel's own excerpt is usually shorter).
constexpr std::size_t kMaxReasonBytes = 300;
namespace json = boost::json;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxInFlight = 64;
constexpr auto kIdlePoll = std::chrono::milliseconds(50);
constexpr auto kReclaimAfter = std::chrono::seconds(60);  // an entry unacknowledged this long belonged to a dead sender
/// How often replies whose e-mail copy is undecided are looked at; how long a visitor whose socket is open has
/// for their page to say it has a reply before it is e-mailed anyway; when an undecided one is let go.
constexpr auto kAwayPoll = std::chrono::milliseconds(500);
constexpr std::int64_t kAwayWaitsForOpenSocketMs = 20'000;
constexpr std::int64_t kAwayForgottenAfterMs = std::int64_t{10} * 60'000;

std::chrono::milliseconds retry_delay(const config::OutboundConfig& config, int attempt, int retry_after_s) {
  static thread_local std::minstd_rand rng(std::random_device{}());
  long long bound = config.retry_base.count();
  for (int i = 2; i < attempt && bound < config.retry_max.count(); ++i) bound *= 2;
  bound = std::min<long long>(bound, config.retry_max.count());
  auto wait = std::chrono::milliseconds(std::uniform_int_distribution<long long>(bound / 2, bound)(rng));
  if (retry_after_s > 0) wait = std::max(wait, std::chrono::milliseconds(retry_after_s * 1000LL));
  return wait;
}

Sender::Sender(const config::Config& config, const ChannelMap& channels, store::ConversationStore& store,
               metrics::Registry& metrics, std::string consumer, TaskGroup& tasks)
    : config_(config),
      channels_(channels),
      store_(store),
      outbox_(store.client(), store.keys()),
      tasks_(tasks),
      metrics_(metrics),
      consumer_(std::move(consumer)),
      http_(store.client().executor()) {
  for (const auto& [id, channel] : channels) {
    const SendPolicy policy = channel->send_policy();
    channel_limits_.emplace(id, RateLimiter(policy.per_second, static_cast<int>(policy.per_second)));
    if (policy.per_recipient_per_second > 0) chat_limits_.emplace(id, RateLimiter(policy.per_recipient_per_second, 1));
  }
}

asio::awaitable<void> Sender::pace(const std::string& channel, const std::string& recipient) {
  auto now = RateLimiter::Clock::now();
  RateLimiter::Clock::duration wait{};
  if (auto it = channel_limits_.find(channel); it != channel_limits_.end()) wait = it->second.reserve(channel, now);
  if (auto it = chat_limits_.find(channel); it != chat_limits_.end()) wait = std::max(wait, it->second.reserve(recipient, now));
  if (wait <= RateLimiter::Clock::duration::zero()) co_return;
  asio::steady_timer timer(store_.client().executor(), wait);
  co_await timer.async_wait(kAwait);
}

void Sender::start() {
  tasks_.spawn(run(), "outbox: reading");
  const bool away_mail = std::any_of(channels_.begin(), channels_.end(), [](const auto& c) {
    return c.second->settings().declares("offline_email") && !c.second->settings().get("offline_email").empty();
  });
  if (away_mail) tasks_.spawn(decide_away_replies(), "outbox: deciding e-mail copies for away visitors");
}

void Sender::stop() {
  stopped_ = true;
  http_.cancel_all();
}

metrics::Counter& Sender::sent_counter(const std::string& channel, const std::string& result) {
  auto& c = sent_[{channel, result}];
  if (!c) c = &metrics_.counter("omniroute_messages_sent_total", {{"channel", channel}, {"result", result}});
  return *c;
}

asio::awaitable<void> Sender::run() {
  asio::steady_timer wait(store_.client().executor());
  while (!stopped_) {
    if (!store_.client().connected()) {  // woken the moment it comes up
      co_await store_.client().async_wait_connected(std::chrono::seconds(1), asio::use_awaitable);
      continue;
    }
    if (co_await outbox_.ensure_group()) break;
    wait.expires_after(std::chrono::milliseconds(200));  // Redis answered but refused: retry shortly
    co_await wait.async_wait(kAwait);
  }
  auto last_reclaim = std::chrono::steady_clock::now() - kReclaimAfter;
  while (!stopped_) {
    bool reclaim = std::chrono::steady_clock::now() - last_reclaim > std::chrono::seconds(5);
    if (reclaim) last_reclaim = std::chrono::steady_clock::now();
    std::vector<Entry> entries;
    if (in_flight_ < kMaxInFlight && store_.client().connected()) {
      std::optional<std::int64_t> reclaim_idle;
      if (reclaim) reclaim_idle = std::chrono::duration_cast<std::chrono::milliseconds>(kReclaimAfter).count();
      if (auto read = co_await outbox_.read(consumer_, 16, reclaim_idle)) entries = std::move(*read);
    }
    for (auto& e : entries) {
      ++in_flight_;
      tasks_.spawn(deliver(std::move(e)), "outbox: delivering a reply");
    }
    if (entries.empty() && !reclaim) {
      wait.expires_after(kIdlePoll);
      co_await wait.async_wait(kAwait);
    }
  }
}

asio::awaitable<void> Sender::record(const Entry& entry, const std::string& status_json, bool final, bool dead,
                                     const std::string& status, const std::string& provider_id) {
  store::DeliveryRecord d;
  d.conversation = entry.conversation_id;
  d.message_id = entry.message_id;
  d.channel = entry.channel;
  d.entry_id = entry.entry;
  d.status = status;
  d.status_json = status_json;
  d.final = final;
  d.dead = dead;
  d.provider_id = provider_id;
  d.now_ms = now_ms();
  // Retried until Redis takes it: an unrecorded final outcome would send the message again.
  asio::steady_timer wait(store_.client().executor());
  for (int i = 0; i < 50 && !stopped_; ++i) {
    if (co_await outbox_.record(d)) co_return;
    wait.expires_after(std::chrono::milliseconds(200));
    co_await wait.async_wait(kAwait);
  }
}

asio::awaitable<void> Sender::decide_away_replies() {
  store::ChatVisitors visitors(store_.client(), store_.keys());
  asio::steady_timer wait(store_.client().executor());
  while (!stopped_) {
    wait.expires_after(kAwayPoll);
    co_await wait.async_wait(kAwait);
    if (stopped_ || !store_.client().connected()) continue;
    auto due = co_await visitors.due(now_ms(), 16);
    if (!due) continue;
    for (const auto& reply : *due) {
      if (stopped_) break;
      co_await decide_away(reply);
    }
  }
}

asio::awaitable<void> Sender::decide_away(store::AwayReply reply) {
  store::ChatVisitors visitors(store_.client(), store_.keys());
  auto chat = channels_.find(reply.channel);
  const bool offline = chat != channels_.end() && chat->second->settings().declares("offline_email");
  auto mail = offline ? channels_.find(chat->second->settings().get("offline_email")) : channels_.end();
  const std::int64_t now = now_ms();
  if (mail == channels_.end() || now - reply.delivered_ms > kAwayForgottenAfterMs) {
    co_await visitors.claim(reply);  // no longer e-mailed from this channel, or far too old to be judged
    co_return;
  }
  // Judged by whether their page said it has the reply (the widget's "shown", live or after the history a socket
  // is welcomed with), never by whether a socket happened to be open when it came: one closing just then, or a
  // phone's gone quiet, got nothing. While a socket of theirs is open, it may yet say so (up to 20 s). Cheap
  // questions first; the conversation is read only once it is to be mailed.
  store::Conversations conversations(store_.client(), store_.keys(), store_.history());
  const std::vector<std::string> asked{reply.conversation};  // built before the co_await (GCC 12)
  auto contacts = co_await conversations.contacts_of(asked);
  if (!contacts || contacts->size() != 1) co_return;  // Redis cannot say now: still due, looked at again
  const std::string contact_id = contacts->front();
  if (contact_id.empty()) {
    co_await visitors.claim(reply);  // the conversation is gone
    co_return;
  }
  auto shown = co_await visitors.shown_through(reply.channel, contact_id, reply.conversation);
  if (!shown) co_return;
  if (*shown >= store::message_number(reply.message)) {
    co_await visitors.claim(reply);
    co_return;
  }
  auto open = co_await visitors.open_at(reply.channel, contact_id, now);
  if (!open) co_return;
  if (*open && now - reply.delivered_ms < kAwayWaitsForOpenSocketMs) {
    co_await visitors.decide_at(reply, now + 1000, true);
    co_return;
  }
  auto view = co_await conversations.view(reply.conversation, true);
  if (!view) co_return;
  const StoredMessage* message = nullptr;
  if (*view) {
    for (const auto& m : (*view)->messages) {
      if (m.id == reply.message) message = &m;
    }
  }
  // A verified address (their e-mail handle) first, else the one they typed beside their first message.
  std::string address;
  if (*view) {
    const ContactSummary& contact = (*view)->contact;
    for (const auto& h : contact.handles) {
      if (h.starts_with("email:")) address = h.substr(6);
    }
    if (auto typed = contact.attributes.find("email"); address.empty() && typed != contact.attributes.end()) address = typed->second;
  }
  if (!message || address.empty()) {
    co_await visitors.claim(reply);  // gone, or nowhere to write to
    co_return;
  }
  auto claimed = co_await visitors.claim(reply);
  if (!claimed || !*claimed) co_return;  // another sender took it
  tasks_.spawn(email_away_reply(reply, address, message->text), "outbox: e-mailing a reply an away visitor was not shown");
}

asio::awaitable<void> Sender::email_away_reply(store::AwayReply reply, std::string address, std::string text) {
  auto chat = channels_.find(reply.channel);
  if (chat == channels_.end()) co_return;
  auto mail = channels_.find(chat->second->settings().get("offline_email"));
  if (mail == channels_.end()) co_return;
  OutboundMessage message{reply.conversation, reply.message, address, std::move(text), "", "Your chat with us", ""};
  auto call = mail->second->build_send(message);
  if (!call) co_return;
  call->timeout_ms = static_cast<int>(config_.outbound.timeout.count());
  asio::steady_timer wait(store_.client().executor());
  for (int attempt = 1; attempt <= 3 && !stopped_; ++attempt) {
    auto [answer] = co_await http_.async_perform(*call, kAwait);
    if (mail->second->read_send_answer(answer.status, answer.body).kind == SendResult::Kind::sent) {
      metrics_.counter("omniroute_webchat_offline_emails_total", {{"channel", reply.channel}, {"result", "sent"}}).inc();
      co_return;
    }
    wait.expires_after(retry_delay(config_.outbound, attempt + 1, 0));
    co_await wait.async_wait(kAwait);
  }
  metrics_.counter("omniroute_webchat_offline_emails_total", {{"channel", reply.channel}, {"result", "failed"}}).inc();
  log::warn("outbound: the e-mail copy of " + reply.message + " for an away visitor on " + reply.channel + " failed");
}

asio::awaitable<void> Sender::deliver(Entry entry) {
  struct Done {
    int& n;
    ~Done() { --n; }
  } done{in_flight_};
  if (entry.conversation_id.empty() || entry.message_id.empty()) co_return;
  const std::string channel_id = entry.channel;
  auto channel = channels_.find(channel_id);
  OutboundMessage message{entry.conversation_id, entry.message_id, entry.recipient,     entry.text,
                          entry.template_name,   entry.subject,    entry.reply_context};
  if (channel != channels_.end() && channel->second->delivers_in_place()) {
    // Web chat: the reply is in the conversation, where the visitor's connection reads it; nothing to call.
    sent_counter(channel_id, "sent").inc();
    std::string status = json::serialize(json::object{{"status", "sent"}, {"attempts", 1}, {"at", format_rfc3339_ms(now_ms())}});
    co_await record(entry, status, true, false, "sent");
    if (channel->second->settings().declares("offline_email") && !channel->second->settings().get("offline_email").empty()) {
      // Whether it is also e-mailed is decided in a second or so, by whichever sender gets to it (kept in Redis:
      // a reload or restart meanwhile does not lose the decision).
      store::ChatVisitors visitors(store_.client(), store_.keys());
      const std::int64_t now = now_ms();
      store::AwayReply away{channel_id, entry.conversation_id, entry.message_id, now};
      if (!co_await visitors.decide_at(away, now + 1000)) {
        log::warn("outbound: whether " + entry.message_id + " is e-mailed to an away visitor could not be kept; not e-mailed");
      }
    }
    co_return;
  }
  std::optional<HttpCall> call;
  if (channel != channels_.end()) call = channel->second->build_send(message);
  if (!call) {
    std::string reason = channel == channels_.end() ? "channel '" + channel_id + "' is no longer configured"
                                                     : "channel '" + channel_id + "' cannot send replies (" + channel->second->cannot_send_reason() + ")";
    sent_counter(channel_id, "failed").inc();
    // JSON built before each co_await: GCC 12 cannot keep initializer lists alive across one.
    std::string status = json::serialize(json::object{{"status", "failed"}, {"attempts", 0}, {"reason", reason}});
    co_await record(entry, status, true, true, "failed");
    co_return;
  }
  call->timeout_ms = static_cast<int>(config_.outbound.timeout.count());
  asio::steady_timer wait(store_.client().executor());
  for (int attempt = 1; !stopped_; ++attempt) {
    co_await pace(channel_id, message.recipient);
    if (stopped_) co_return;  // not recorded: reclaimed and sent later
    auto [answer] = co_await http_.async_perform(*call, kAwait);
    SendResult result = channel->second->read_send_answer(answer.status, answer.body);
    if (answer.status == 0) result.reason = "no answer: " + answer.error;
    // A provider's words are a stranger's bytes: stored and shown only as valid UTF-8, cut between characters.
    result.reason = text_excerpt(result.reason, kMaxReasonBytes);
    if (result.provider_id.empty()) result.provider_id = call->provider_id;
    if (result.retry_after_s == 0 && !answer.retry_after.empty()) result.retry_after_s = std::atoi(answer.retry_after.c_str());
    if (result.kind == SendResult::Kind::sent) {
      sent_counter(channel_id, "sent").inc();
      json::object sent{{"status", "sent"}, {"attempts", attempt}, {"provider_id", result.provider_id},
                        {"at", format_rfc3339_ms(now_ms())}};
      if (auto cost = channel->second->send_cost(message.text)) {
        // What the reply cost on its medium (SMS: encoding and segments), shown with its delivery.
        sent["encoding"] = cost->encoding;
        sent["segments"] = cost->segments;
        metrics_.counter("omniroute_sms_segments_total", {{"channel", channel_id}, {"encoding", cost->encoding}})
            .inc(static_cast<std::uint64_t>(cost->segments));
      }
      std::string status = json::serialize(sent);
      co_await record(entry, status, true, false, "sent", result.provider_id);
      co_return;
    }
    bool give_up = result.kind == SendResult::Kind::failed || attempt >= config_.outbound.max_attempts;
    if (give_up) {
      bool dead = result.kind == SendResult::Kind::retry;
      std::string reason = dead ? "gave up after " + std::to_string(attempt) + " attempts: " + result.reason : result.reason;
      sent_counter(channel_id, dead ? "dead_letter" : "failed").inc();
      log::warn(std::string("outbound: message ").append(message.message_id).append(" on ").append(channel_id).append(" failed: ").append(reason));
      std::string status = json::serialize(json::object{{"status", "failed"}, {"attempts", attempt}, {"reason", reason}});
      co_await record(entry, status, true, dead, "failed");
      co_return;
    }
    sent_counter(channel_id, "retry").inc();
    std::string status =
        json::serialize(json::object{{"status", "retrying"}, {"attempts", attempt}, {"reason", result.reason}});
    co_await record(entry, status, false, false, "retrying");
    wait.expires_after(retry_delay(config_.outbound, attempt + 1, result.retry_after_s));
    co_await wait.async_wait(kAwait);
  }
}

}  // namespace omniroute::outbound
