#include "meta/meta_check.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "common/json_fields.hpp"
#include "common/provider_check.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/url_query.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct TokenFacts {
  std::string app_id;
  std::string business_account;  // WhatsApp: the business account the token manages, when it says
};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::string app_token(const ChannelSettings& s, const TokenFacts& facts) {
  return facts.app_id + "|" + s.get("app_secret");
}

/// debug_token: valid, not expiring within kTokenWarningDays; the app it belongs to.
asio::awaitable<std::optional<TokenFacts>> token_step(const ChannelSettings& s, const MetaPlatform& p,
                                                      const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  const std::string& token = s.get(p.token_key);
  const HttpCall debug =
      provider_get(s.get("api_base") + "/debug_token?" + form_encode({{"input_token", token}, {"access_token", token}}));
  HttpReply r = co_await probe.http(debug);
  auto o = json_object_of(r.body);
  if (r.status != 200 || !o) {
    steps.push_back(failed("token", "Graph API: " + provider_words(r)));
    co_return std::nullopt;
  }
  const json::object& data = obj_at(*o, "data");
  const auto valid = data.find("is_valid");
  if (valid == data.end() || !valid->value().is_bool() || !valid->value().get_bool()) {
    std::string why = str(obj_at(data, "error"), "message");
    if (why.empty()) why = "Graph API says is_valid false";
    steps.push_back(failed("token", p.token_key + " is not valid: " + why));
    co_return std::nullopt;
  }
  TokenFacts facts;
  facts.app_id = str(data, "app_id");
  for (const auto& scope : arr_at(data, "granular_scopes")) {
    if (!scope.is_object() || !str(scope.get_object(), "scope").starts_with("whatsapp_business")) continue;
    const auto& ids = arr_at(scope.get_object(), "target_ids");
    if (!ids.empty() && ids[0].is_string()) facts.business_account = std::string(ids[0].get_string());
  }
  const std::string expires = str(data, "expires_at");
  std::int64_t expires_at = expires.empty() ? 0 : std::atoll(expires.c_str());
  if (expires_at == 0) {
    steps.push_back(passed("token", "valid for app " + facts.app_id + "; it does not expire"));
  } else if (expires_at * 1000 < probe.now_ms + kTokenWarningDays * 86'400'000) {
    const bool gone = expires_at * 1000 <= probe.now_ms;
    steps.push_back(failed("token", p.token_key + std::string(gone ? " expired at " : " expires at ") +
                                        format_rfc3339_ms(expires_at * 1000) + ": replace it before replies stop"));
    co_return std::nullopt;
  } else {
    steps.push_back(passed("token", "valid for app " + facts.app_id + " until " + format_rfc3339_ms(expires_at * 1000)));
  }
  co_return facts;
}

asio::awaitable<bool> target_step(const ChannelSettings& s, const MetaPlatform& p, const ProviderProbe& probe,
                                  std::vector<CheckStep>& steps) {
  const std::string& id = s.get(p.target_key);
  const std::string fields = p.target_key == "phone_number_id" ? "display_phone_number,verified_name" : "name";
  HttpReply r = co_await probe.http(provider_get(s.get("api_base") + "/" + id + "?fields=" + fields, s.get(p.token_key)));
  auto o = json_object_of(r.body);
  if (r.status != 200 || !o) {
    steps.push_back(failed(p.target_name, p.target_key + " " + id + ": " + provider_words(r)));
    co_return false;
  }
  std::string shown = p.target_key == "phone_number_id" ? str(*o, "display_phone_number") + " (" + str(*o, "verified_name") + ")"
                                                        : str(*o, "name");
  steps.push_back(passed(p.target_name, shown + " answers to the token"));
  co_return true;
}

/// The app's webhook subscription for the platform's object: our URL and every field we read.
asio::awaitable<void> subscription_step(const ChannelSettings& s, const MetaPlatform& p, const TokenFacts& facts,
                                        const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  const HttpCall list = provider_get(s.get("api_base") + "/" + facts.app_id + "/subscriptions?" +
                                     form_encode({{"access_token", app_token(s, facts)}}));
  HttpReply r = co_await probe.http(list);
  auto o = json_object_of(r.body);
  if (r.status != 200 || !o) {
    steps.push_back(failed("webhook", "the app's subscriptions: " + provider_words(r)));
    co_return;
  }
  for (const auto& entry : arr_at(*o, "data")) {
    if (!entry.is_object() || str(entry.get_object(), "object") != p.object) continue;
    const json::object& sub = entry.get_object();
    std::vector<std::string> have;
    for (const auto& f : arr_at(sub, "fields")) {
      if (f.is_object()) have.push_back(str(f.get_object(), "name"));
      else if (f.is_string()) have.emplace_back(f.get_string());
    }
    std::vector<std::string> missing;
    for (const auto& want : p.fields) {
      if (std::find(have.begin(), have.end(), want) == have.end()) missing.push_back(want);
    }
    const std::string url = str(sub, "callback_url");
    if (const auto active = sub.find("active"); active != sub.end() && active->value().is_bool() && !active->value().get_bool()) {
      steps.push_back(failed("webhook", "the app's " + p.object + " subscription is not active"));
    } else if (probe.webhook_url.empty() || url != probe.webhook_url) {
      steps.push_back(failed("webhook", "the app's " + p.object + " webhook points at " + url + ", not " +
                                            (probe.webhook_url.empty() ? no_public_url() : probe.webhook_url)));
    } else if (!missing.empty()) {
      steps.push_back(failed("webhook", "the app is not subscribed to the field(s) " + joined(missing) +
                                            " (subscribed: " + joined(have) + ")"));
    } else {
      steps.push_back(passed("webhook", p.object + " events (" + joined(p.fields) + ") come to " + url));
    }
    co_return;
  }
  steps.push_back(failed("webhook", "the app has no " + p.object + " webhook subscription"));
}

/// Where the app must be subscribed besides its own settings: the page, or the WhatsApp business account.
std::string subscriber(const ChannelSettings& s, const MetaPlatform& p, const TokenFacts& facts) {
  return p.target_key == "page_id" ? s.get("page_id") : facts.business_account;
}

asio::awaitable<void> subscribed_apps_step(const ChannelSettings& s, const MetaPlatform& p, const TokenFacts& facts,
                                           const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  const std::string who = subscriber(s, p, facts);
  if (who.empty()) co_return;  // a WhatsApp token that names no business account: nothing to ask
  HttpReply r = co_await probe.http(provider_get(s.get("api_base") + "/" + who + "/subscribed_apps", s.get(p.token_key)));
  auto o = json_object_of(r.body);
  const std::string what = p.target_key == "page_id" ? "page " + who : "business account " + who;
  if (r.status != 200 || !o) {
    steps.push_back(failed("subscribed app", what + ": " + provider_words(r)));
    co_return;
  }
  for (const auto& app : arr_at(*o, "data")) {
    if (!app.is_object()) continue;
    const json::object& a = app.get_object();
    std::string id = str(a, "id");
    if (id.empty()) id = str(obj_at(a, "whatsapp_business_api_data"), "id");
    if (id == facts.app_id) {
      steps.push_back(passed("subscribed app", what + " sends its events to app " + facts.app_id));
      co_return;
    }
  }
  steps.push_back(failed("subscribed app", what + " has not subscribed app " + facts.app_id + " (Register does it)"));
}

}  // namespace

asio::awaitable<std::vector<CheckStep>> meta_check(const ChannelSettings& s, const MetaPlatform& p,
                                                   const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  auto facts = co_await token_step(s, p, probe, steps);
  if (!facts) co_return steps;
  if (!co_await target_step(s, p, probe, steps)) co_return steps;
  co_await subscription_step(s, p, *facts, probe, steps);
  co_await subscribed_apps_step(s, p, *facts, probe, steps);
  co_return steps;
}

asio::awaitable<std::vector<CheckStep>> meta_register(const ChannelSettings& s, const MetaPlatform& p,
                                                      const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (probe.webhook_url.empty()) {
    steps.push_back(failed("webhook", no_public_url()));
    co_return steps;
  }
  auto facts = co_await token_step(s, p, probe, steps);
  if (!facts) co_return steps;
  // Meta calls our verify handshake (GET with hub.verify_token) before it answers.
  HttpCall subscribe;
  subscribe.url = s.get("api_base") + "/" + facts->app_id + "/subscriptions";
  subscribe.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  subscribe.body = form_encode({{"object", p.object},
                                {"callback_url", probe.webhook_url},
                                {"fields", joined(p.fields)},
                                {"verify_token", s.get("verify_token")},
                                {"access_token", app_token(s, *facts)}});
  HttpReply r = co_await probe.http(subscribe);
  if (r.status / 100 != 2) {
    steps.push_back(failed("webhook", "Graph API did not subscribe the app: " + provider_words(r)));
    co_return steps;
  }
  steps.push_back(passed("webhook", p.object + " events (" + joined(p.fields) + ") now come to " + probe.webhook_url));
  const std::string who = subscriber(s, p, *facts);
  if (who.empty()) co_return steps;
  HttpCall app;
  app.url = s.get("api_base") + "/" + who + "/subscribed_apps";
  app.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Bearer " + s.get(p.token_key)}};
  app.body = p.target_key == "page_id" ? form_encode({{"subscribed_fields", joined(p.fields)}}) : std::string();
  HttpReply a = co_await probe.http(app);
  if (a.status / 100 != 2) steps.push_back(failed("subscribed app", who + ": " + provider_words(a)));
  else steps.push_back(passed("subscribed app", who + " now sends its events to app " + facts->app_id));
  co_return steps;
}

}  // namespace omniroute::channels
