#include "telegram/telegram_channel.hpp"

#include "common/context_calls.hpp"
#include "common/json_fields.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <memory>

#include "common/signing.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "omniroute/text.hpp"
#include "omniroute/spawn.hpp"

#include "telegram/telegram_check.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr int kLongPollSeconds = 25;

class TelegramChannel final : public Channel {
 public:
  using Channel::Channel;

  WebhookResult on_webhook(const InboundRequest& request) const override {
    if (settings().get("mode") == "polling") {
      return unexpected(WebhookError{409, "polling_channel", "this Telegram channel reads updates with getUpdates"});
    }
    if (request.method != "POST") return unexpected(WebhookError{405, "method_not_allowed", "Telegram webhooks are POSTed"});
    const std::string& secret = settings().get("secret_token");
    if (secret.empty()) {  // never accept unauthenticated updates
      return unexpected(WebhookError{401, "bad_secret_token", "set secret_token on this channel (and in setWebhook)"});
    }
    if (!constant_time_equal(request.header("X-Telegram-Bot-Api-Secret-Token"), secret)) {
      return unexpected(WebhookError{401, "bad_secret_token", "X-Telegram-Bot-Api-Secret-Token is missing or wrong"});
    }
    // One update per delivery: parse it as a list of one.
    auto parsed = parse_telegram_updates("[" + std::string(request.body) + "]", id());
    if (!parsed) return unexpected(parsed.error());
    WebhookAccepted accepted;
    accepted.messages = std::move(parsed->messages);
    return accepted;
  }

  boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const override {
    return telegram_check(settings(), probe);
  }
  bool registers() const override { return true; }
  boost::asio::awaitable<std::vector<CheckStep>> register_at(const ProviderProbe& probe) const override {
    return telegram_register(settings(), probe);
  }

  /// Telegram's limits: about 30 messages a second per bot, one a second per chat.
  SendPolicy send_policy() const override {
    return {settings().get<Rate>("rate_limit").per_second, settings().get<Rate>("chat_rate_limit").per_second};
  }

  /// sendMessage takes 4,096 characters (UTF-16 units) of text; longer goes as parts.
  ReplyLimit reply_limit() const override { return {4096, true}; }

  std::optional<HttpCall> build_send(const OutboundMessage& m) const override {
    HttpCall call;
    call.url = settings().get("api_base") + "/bot" + settings().get("bot_token") + "/sendMessage";
    call.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    call.body = json::serialize(json::object{{"chat_id", m.recipient}, {"text", m.text}});
    return call;
  }

  SendResult read_send_answer(int status, std::string_view body) const override {
    SendResult r = default_send_result(status, body);
    auto answer = json_object_of(body);
    if (!answer) return r;
    const json::object& o = *answer;
    if (r.kind == SendResult::Kind::sent) {
      r.provider_id = str(obj_at(o, "result"), "message_id");
      return r;
    }
    r.reason = "Telegram " + str(o, "error_code") + ": " + str(o, "description");
    // 429 "Too Many Requests: retry after N": parameters.retry_after says how long.
    if (auto after = std::atoi(str(obj_at(o, "parameters"), "retry_after").c_str()); after > 0) r.retry_after_s = after;
    return r;
  }

  void start(ChannelContext& context) override {
    if (settings().get("mode") != "polling") return;
    stopped_ = std::make_shared<bool>(false);
    context.tasks->spawn(poll(context, stopped_), "telegram " + id() + ": polling");
  }

  void stop() override {
    if (stopped_) *stopped_ = true;
  }

 private:
  /// getUpdates in a loop: the saved offset first; each batch stored before the offset moves on.
  asio::awaitable<void> poll(ChannelContext& ctx, std::shared_ptr<bool> stopped) {
    constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer wait(ctx.executor);
    auto pause = [&](int attempt) -> asio::awaitable<void> {
      wait.expires_after(std::chrono::milliseconds(std::min(30'000, 500 << std::min(attempt, 6))));
      co_await wait.async_wait(kAwait);
    };
    std::int64_t offset = 0;
    for (int attempt = 0; !*stopped; ++attempt) {
      auto saved = co_await load_state(ctx, "offset");
      if (saved) {
        offset = *saved ? std::atoll((*saved)->c_str()) : 0;
        break;
      }
      co_await pause(attempt);
    }
    int failures = 0;
    while (!*stopped) {
      HttpCall call;
      call.url = settings().get("api_base") + "/bot" + settings().get("bot_token") + "/getUpdates";
      call.headers = {{"Content-Type", "application/json"}};
      call.body = json::serialize(json::object{{"offset", offset},
                                               {"timeout", kLongPollSeconds},
                                               {"allowed_updates", json::array{"message", "edited_message"}}});
      call.timeout_ms = (kLongPollSeconds + 10) * 1000;
      HttpReply reply = co_await provider_call(ctx, call);
      if (*stopped) co_return;
      boost::system::error_code ec;
      json::value v = reply.status == 200 ? json::parse(reply.body, ec) : json::value();
      const json::value* result = !ec && v.is_object() ? v.get_object().if_contains("result") : nullptr;
      if (!result || !result->is_array()) {
        log::warn("telegram " + id() + ": getUpdates " +
                  (reply.status ? "answered " + std::to_string(reply.status) : "failed: " + reply.error) + "; retrying");
        co_await pause(failures++);
        continue;
      }
      // The provider answered: the channel's health shows when it last polled (GET /v1/channels).
      co_await save_state(ctx, "last_poll_at", std::to_string(now_ms()));
      auto batch = parse_telegram_updates(json::serialize(*result), id());
      if (!batch) {
        log::warn("telegram " + id() + ": unreadable updates (" + batch.error().message + "); retrying");
        co_await pause(failures++);
        continue;
      }
      bool stored = true;
      for (auto& m : batch->messages) {
        IngestOutcome outcome = co_await store_message(ctx, m);
        if (!outcome.stored) {
          stored = false;
          break;
        }
      }
      if (!stored || *stopped) {  // fetched again next time; what was stored is deduplicated
        co_await pause(failures++);
        continue;
      }
      if (batch->last_update_id >= offset) {
        std::int64_t next = batch->last_update_id + 1;
        bool saved = co_await save_state(ctx, "offset", std::to_string(next));
        if (saved) offset = next;  // else asked again: getUpdates returns them, dedupe stores nothing twice
      }
      failures = 0;
    }
  }

  std::shared_ptr<bool> stopped_;
};

}  // namespace

ChannelKind telegram_kind() {
  ChannelKind k;
  k.name = "telegram";
  k.medium = Medium::chat;
  k.fields = {{.name = "bot_token", .type = FieldType::secret, .required = true},
              {.name = "secret_token", .type = FieldType::secret},
              {.name = "mode", .type = FieldType::choice, .default_value = "webhook", .choices = {"webhook", "polling"}},
              {.name = "api_base", .type = FieldType::url, .default_value = "https://api.telegram.org"},
              // Bot API limits: about 30 messages a second overall, 1 a second in one chat.
              {.name = "rate_limit", .type = FieldType::rate, .default_value = "30/s"},
              {.name = "chat_rate_limit", .type = FieldType::rate, .default_value = "1/s"}};
  k.create = [](ChannelSettings s) -> std::unique_ptr<Channel> { return std::make_unique<TelegramChannel>(std::move(s)); };
  return declared_kind(std::move(k));
}

}  // namespace omniroute::channels
