#include "twilio_sms/twilio_check.hpp"

#include "common/json_fields.hpp"
#include "common/provider_check.hpp"
#include "omniroute/url_query.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string account_url(const ChannelSettings& s) {
  return s.get("api_base") + "/2010-04-01/Accounts/" + s.get("account_sid");
}

HttpCall authorised(HttpCall call, const ChannelSettings& s) {
  call.basic_auth = s.get("account_sid") + ":" + s.get("auth_token");
  return call;
}

/// The account step; false when the rest cannot be asked.
asio::awaitable<bool> account_step(const ChannelSettings& s, const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  HttpReply a = co_await probe.http(authorised(provider_get(account_url(s) + ".json"), s));
  if (a.status != 200) {
    steps.push_back(failed("account", "Twilio refused account " + s.get("account_sid") + ": " + provider_words(a)));
    co_return false;
  }
  auto o = json_object_of(a.body).value_or(json::object{});
  const std::string status = str(o, "status");
  if (!status.empty() && status != "active") {
    steps.push_back(failed("account", "the account \"" + str(o, "friendly_name") + "\" is " + status));
    co_return false;
  }
  steps.push_back(passed("account", "\"" + str(o, "friendly_name") + "\" answers with these credentials"));
  co_return true;
}

/// The account's IncomingPhoneNumber for `from` (its JSON), after the number step; nullopt when there is none.
asio::awaitable<std::optional<json::object>> number_step(const ChannelSettings& s, const ProviderProbe& probe,
                                                        std::vector<CheckStep>& steps) {
  const std::string& from = s.get("from");
  HttpCall find = provider_get(account_url(s) + "/IncomingPhoneNumbers.json?" + form_encode({{"PhoneNumber", from}}));
  HttpReply r = co_await probe.http(authorised(std::move(find), s));
  if (r.status != 200) {
    steps.push_back(failed("number", "Twilio did not list the account's numbers: " + provider_words(r)));
    co_return std::nullopt;
  }
  auto o = json_object_of(r.body).value_or(json::object{});
  for (const auto& n : arr_at(o, "incoming_phone_numbers")) {
    if (!n.is_object() || str(n.get_object(), "phone_number") != from) continue;
    steps.push_back(passed("number", from + " belongs to the account (" + str(n.get_object(), "sid") + ")"));
    co_return n.get_object();
  }
  steps.push_back(failed("number", from + " is not a number of account " + s.get("account_sid")));
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<std::vector<CheckStep>> twilio_check(const ChannelSettings& s, const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (!co_await account_step(s, probe, steps)) co_return steps;
  auto number = co_await number_step(s, probe, steps);
  if (!number) co_return steps;
  const std::string sms_url = str(*number, "sms_url");
  const std::string method = str(*number, "sms_method");
  if (probe.webhook_url.empty()) {
    steps.push_back(failed("webhook", no_public_url() + "; the number's SMS webhook points at " +
                                          (sms_url.empty() ? std::string("nothing") : sms_url)));
  } else if (sms_url != probe.webhook_url) {
    steps.push_back(failed("webhook", "the number's SMS webhook points at " +
                                          (sms_url.empty() ? std::string("nothing") : sms_url) + ", not " +
                                          probe.webhook_url));
  } else if (!method.empty() && method != "POST") {
    steps.push_back(failed("webhook", "the number's SMS webhook is called with " + method + "; it must be POST"));
  } else {
    steps.push_back(passed("webhook", "messages to the number are POSTed to " + probe.webhook_url));
  }
  co_return steps;
}

asio::awaitable<std::vector<CheckStep>> twilio_register(const ChannelSettings& s, const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (probe.webhook_url.empty()) {
    steps.push_back(failed("webhook", no_public_url()));
    co_return steps;
  }
  if (!co_await account_step(s, probe, steps)) co_return steps;
  auto number = co_await number_step(s, probe, steps);
  if (!number) co_return steps;
  HttpCall set;
  set.url = account_url(s) + "/IncomingPhoneNumbers/" + str(*number, "sid") + ".json";
  set.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  // Delivery reports come to the same URL (the channel reads MessageStatus there).
  set.body = form_encode({{"SmsUrl", probe.webhook_url},
                          {"SmsMethod", "POST"},
                          {"StatusCallback", probe.webhook_url},
                          {"StatusCallbackMethod", "POST"}});
  HttpReply r = co_await probe.http(authorised(std::move(set), s));
  if (r.status / 100 != 2) {
    steps.push_back(failed("webhook", "Twilio did not change the number: " + provider_words(r)));
  } else {
    auto o = json_object_of(r.body).value_or(json::object{});
    steps.push_back(passed("webhook", "messages to " + s.get("from") + " are now POSTed to " + str(o, "sms_url")));
  }
  co_return steps;
}

}  // namespace omniroute::channels
