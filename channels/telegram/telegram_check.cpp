#include "telegram/telegram_check.hpp"

#include <boost/json.hpp>

#include "common/json_fields.hpp"
#include "common/provider_check.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string method_url(const ChannelSettings& s, std::string_view method) {
  return s.get("api_base") + "/bot" + s.get("bot_token") + "/" + std::string(method);
}

/// Telegram's `result` when it answered ok, else nullopt with the step failed in its words.
asio::awaitable<std::optional<json::value>> ask(const ChannelSettings& s, const ProviderProbe& probe, HttpCall call,
                                               const std::string& step, std::vector<CheckStep>& steps) {
  HttpReply r = co_await probe.http(call);
  auto o = json_object_of(r.body);
  if (r.status != 200 || !o || !o->contains("ok") || !o->at("ok").is_bool() || !o->at("ok").as_bool()) {
    steps.push_back(failed(step, "Telegram: " + provider_words(r)));
    co_return std::nullopt;
  }
  co_return o->contains("result") ? o->at("result") : json::value(nullptr);
}

asio::awaitable<bool> bot_step(const ChannelSettings& s, const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  auto me = co_await ask(s, probe, provider_get(method_url(s, "getMe")), "bot", steps);
  if (!me) co_return false;
  const json::object empty;
  const json::object& bot = me->is_object() ? me->get_object() : empty;
  steps.push_back(passed("bot", "@" + str(bot, "username") + " (" + str(bot, "first_name") + ") answers to this token"));
  co_return true;
}

}  // namespace

asio::awaitable<std::vector<CheckStep>> telegram_check(const ChannelSettings& s, const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (!co_await bot_step(s, probe, steps)) co_return steps;
  auto info = co_await ask(s, probe, provider_get(method_url(s, "getWebhookInfo")), "webhook", steps);
  if (!info) co_return steps;
  const json::object empty;
  const json::object& w = info->is_object() ? info->get_object() : empty;
  const std::string url = str(w, "url");
  const std::string pending = str(w, "pending_update_count");
  const std::string last_error = str(w, "last_error_message");
  if (s.get("mode") == "polling") {
    if (url.empty()) steps.push_back(passed("webhook", "no webhook is set, so getUpdates receives the messages"));
    else steps.push_back(failed("webhook", "a webhook is set (" + url + "), which stops getUpdates: Register removes it"));
    co_return steps;
  }
  if (probe.webhook_url.empty()) {
    steps.push_back(failed("webhook", no_public_url() + "; Telegram's webhook is " + (url.empty() ? "not set" : url)));
  } else if (url != probe.webhook_url) {
    steps.push_back(failed("webhook", "Telegram's webhook is " + (url.empty() ? std::string("not set") : url) +
                                          ", not " + probe.webhook_url));
  } else if (!last_error.empty() && pending != "0" && !pending.empty()) {
    steps.push_back(failed("webhook", pending + " update(s) waiting; Telegram's last delivery failed: " + last_error));
  } else {
    steps.push_back(passed("webhook", "updates come to " + url + " (" + (pending.empty() ? "0" : pending) + " waiting)"));
  }
  if (s.get("secret_token").empty()) {
    steps.push_back(failed("secret token", "secret_token is not set: every update would be refused (401)"));
  }
  co_return steps;
}

asio::awaitable<std::vector<CheckStep>> telegram_register(const ChannelSettings& s, const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (!co_await bot_step(s, probe, steps)) co_return steps;
  HttpCall call;
  call.headers = {{"Content-Type", "application/json"}};
  if (s.get("mode") == "polling") {
    call.url = method_url(s, "deleteWebhook");
    call.body = "{}";
    if (co_await ask(s, probe, std::move(call), "webhook", steps)) {
      steps.push_back(passed("webhook", "the webhook is removed; getUpdates receives the messages"));
    }
    co_return steps;
  }
  if (probe.webhook_url.empty() || s.get("secret_token").empty()) {
    steps.push_back(failed("webhook", probe.webhook_url.empty() ? no_public_url()
                                                                : "set secret_token first: Telegram sends it with each update"));
    co_return steps;
  }
  call.url = method_url(s, "setWebhook");
  call.body = json::serialize(json::object{{"url", probe.webhook_url},
                                           {"secret_token", s.get("secret_token")},
                                           {"allowed_updates", json::array{"message", "edited_message"}}});
  if (co_await ask(s, probe, std::move(call), "webhook", steps)) {
    steps.push_back(passed("webhook", "Telegram now sends updates to " + probe.webhook_url));
  }
  co_return steps;
}

}  // namespace omniroute::channels
