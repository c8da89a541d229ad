// Channel checks and registration through the real daemon, against providers played by real servers on
// loopback that read what they are asked as the documented APIs do: Twilio's REST API (Basic auth, the
// account, its IncomingPhoneNumbers), Telegram's Bot API (getMe, getWebhookInfo, setWebhook,
// deleteWebhook), the Graph API (debug_token, the app's subscriptions, subscribed_apps — and the
// verification handshake Meta makes against our webhook when subscribing), a real Dovecot and an SMTP
// server with AUTH, and a webhook receiver. Each passes, and fails at each step in the provider's words.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "integration/config_builder.hpp"
#include "integration/test_config.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/url_query.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/dovecot_server.hpp"
#include "support/fake_provider.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"
#include "support/smtp_server.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdmin = "checks-admin-token-0123456789";
constexpr const char* kPublic = "https://support.example.in";

Headers admin() { return {{"Authorization", std::string("Bearer ") + kAdmin}}; }

struct Steps {
  int status = 0;
  bool ok = false;
  std::vector<std::tuple<std::string, bool, std::string>> steps;  // name, ok, detail
  std::string body;
  /// The step called `name`'s detail ("<none>" when there is no such step).
  std::string detail(const std::string& name) const {
    for (const auto& [n, ok, d] : steps) {
      if (n == name) return d;
    }
    return "<none>";
  }
  bool passed(const std::string& name) const {
    for (const auto& [n, ok, d] : steps) {
      if (n == name) return ok;
    }
    return false;
  }
};

Steps call(std::uint16_t port, const std::string& channel, const std::string& what) {
  auto r = http_request(port, "POST", "/v1/channels/" + channel + "/" + what, admin(), "", 30'000);
  Steps out;
  out.status = r.status;
  out.body = r.body;
  if (r.status != 200) return out;
  json::value v = json::parse(r.body);
  out.ok = v.at("ok").as_bool();
  for (const auto& s : v.at("steps").as_array()) {
    out.steps.emplace_back(std::string(s.at("name").as_string()), s.at("ok").as_bool(),
                           std::string(s.at("detail").as_string()));
  }
  return out;
}

std::string field(const std::string& target_or_body, const std::string& name) {
  auto fields = target_or_body.find('?') != std::string::npos || target_or_body.starts_with("/")
                    ? query_fields(target_or_body)
                    : parse_form(target_or_body);
  if (!fields) return "";
  const std::string* v = form_value(*fields, name);
  return v ? *v : "";
}

// ---------------------------------------------------------------------------------------------- Twilio

/// Twilio's REST API for one account (AC0001, token tok-good) holding one number.
struct FakeTwilio {
  FakeProvider server;
  std::mutex mu;
  std::string sms_url = "https://old-helpdesk.example.com/sms";
  std::string status_callback;
  FakeTwilio() {
    server.respond_with([this](const ReceivedRequest& r) -> ScriptedAnswer {
      auto auth = r.headers.find("authorization");
      if (auth == r.headers.end() || auth->second != "Basic QUMwMDAxOnRvay1nb29k") {
        return {401, R"({"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate",)"
                     R"("more_info":"https://www.twilio.com/docs/errors/20003","status":401})"};
      }
      std::lock_guard lock(mu);
      const std::string path = r.target.substr(0, r.target.find('?'));
      if (r.method == "GET" && path == "/2010-04-01/Accounts/AC0001.json") {
        return {200, R"({"sid":"AC0001","friendly_name":"Kirana Support","status":"active","type":"Full"})"};
      }
      auto number = [this] {
        return json::object{{"sid", "PN77"}, {"phone_number", "+918040001234"}, {"friendly_name", "Kirana SMS"},
                            {"sms_url", sms_url}, {"sms_method", "POST"}, {"status_callback", status_callback}};
      };
      if (r.method == "GET" && path == "/2010-04-01/Accounts/AC0001/IncomingPhoneNumbers.json") {
        json::array numbers;
        if (field(r.target, "PhoneNumber") == "+918040001234") numbers.push_back(number());
        return {200, json::serialize(json::object{{"incoming_phone_numbers", numbers}, {"page", 0}})};
      }
      if (r.method == "POST" && path == "/2010-04-01/Accounts/AC0001/IncomingPhoneNumbers/PN77.json") {
        sms_url = field(r.body, "SmsUrl");
        status_callback = field(r.body, "StatusCallback");
        return {200, json::serialize(number())};
      }
      return {404, R"({"code":20404,"message":"The requested resource was not found","status":404})"};
    });
  }
};

TEST(ChannelChecks, TwilioAccountNumberAndWebhookAreCheckedAndRegisteredInTwiliosWords) {
  RedisServer redis;
  FakeTwilio twilio;
  std::uint16_t port = free_port();
  const std::string base = "api_base: \"" + twilio.server.url() + "\"";
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", kPublic)
      .channel("{ id: sms, kind: twilio_sms, account_sid: AC0001, auth_token: tok-good, from: \"+918040001234\", " + base + " }")
      .channel("{ id: sms-wrong-token, kind: twilio_sms, account_sid: AC0001, auth_token: tok-typo, from: \"+918040001234\", " + base + " }")
      .channel("{ id: sms-other-number, kind: twilio_sms, account_sid: AC0001, auth_token: tok-good, from: \"+919900011122\", " + base + " }")
      .queue("{ id: general, channels: [sms, sms-wrong-token, sms-other-number] }");
  DaemonProcess daemon(cfg.yaml(), port);

  // The webhook points at the old helpdesk: said, with both addresses; nothing is changed by a check.
  Steps first = call(port, "sms", "check");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_FALSE(first.ok);
  EXPECT_TRUE(first.passed("account")) << first.detail("account");
  EXPECT_NE(first.detail("account").find("Kirana Support"), std::string::npos);
  EXPECT_TRUE(first.passed("number"));
  EXPECT_FALSE(first.passed("webhook"));
  EXPECT_NE(first.detail("webhook").find("https://old-helpdesk.example.com/sms"), std::string::npos) << first.detail("webhook");
  EXPECT_NE(first.detail("webhook").find(std::string(kPublic) + "/webhooks/sms"), std::string::npos);
  for (const auto& r : twilio.server.received()) EXPECT_EQ(r.method, "GET") << r.target;

  // A wrong token: Twilio's own words, and no step after it.
  Steps wrong = call(port, "sms-wrong-token", "check");
  EXPECT_FALSE(wrong.ok);
  ASSERT_EQ(wrong.steps.size(), 1u) << wrong.body;
  EXPECT_NE(wrong.detail("account").find("Authenticate"), std::string::npos) << wrong.detail("account");
  EXPECT_NE(wrong.detail("account").find("20003"), std::string::npos);
  EXPECT_EQ(wrong.body.find("tok-typo"), std::string::npos);

  // A number of another account.
  Steps other = call(port, "sms-other-number", "check");
  EXPECT_TRUE(other.passed("account"));
  EXPECT_FALSE(other.passed("number"));
  EXPECT_NE(other.detail("number").find("+919900011122 is not a number of account AC0001"), std::string::npos);

  // Register: the number's SMS URL and status callback become ours; the check then passes whole.
  Steps reg = call(port, "sms", "register");
  ASSERT_TRUE(reg.ok) << reg.body;
  {
    std::lock_guard lock(twilio.mu);
    EXPECT_EQ(twilio.sms_url, std::string(kPublic) + "/webhooks/sms");
    EXPECT_EQ(twilio.status_callback, std::string(kPublic) + "/webhooks/sms");
  }
  Steps after = call(port, "sms", "check");
  EXPECT_TRUE(after.ok) << after.body;
  EXPECT_EQ(after.steps.size(), 3u);

  // Registration is audited (by the admin token); checks are not.
  auto audit = json::parse(http_request(port, "GET", "/v1/audit?action=channel.registered", admin()).body);
  ASSERT_EQ(audit.at("entries").as_array().size(), 1u) << audit;
  const auto& entry = audit.at("entries").at(0);
  EXPECT_EQ(entry.at("actor"), "token");
  EXPECT_EQ(entry.at("target").at("id"), "sms");
  EXPECT_EQ(entry.at("after").at("ok"), true);
  auto all = json::parse(http_request(port, "GET", "/v1/audit", admin()).body);
  EXPECT_EQ(all.at("entries").as_array().size(), 1u);

  // A channel with nothing to register, an unknown channel.
  EXPECT_EQ(http_request(port, "POST", "/v1/channels/nope/check", admin()).status, 404);

  // The same from the command line: every step, and exit 1 because two channels fail.
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> env{std::string("OMNIROUTE_ADMIN_TOKEN=") + kAdmin};
  auto one = run_to_end(omnictl_binary(), {"--url", url, "channels", "check", "sms"}, env);
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("ok      number: +918040001234 belongs to the account"), std::string::npos) << one.output;
  auto every = run_to_end(omnictl_binary(), {"--url", url, "channels", "check"}, env);
  EXPECT_EQ(every.exit_code, 1) << every.output;
  EXPECT_NE(every.output.find("FAILED  account: Twilio refused account AC0001: Authenticate"), std::string::npos) << every.output;
  EXPECT_NE(every.output.find("FAILED  number: +919900011122 is not a number of account AC0001"), std::string::npos);
  auto list = run_to_end(omnictl_binary(), {"--url", url, "channels", "list"}, env);
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("sms-wrong-token"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("twilio_sms  file"), std::string::npos) << list.output;
}

// -------------------------------------------------------------------------------------------- Telegram

/// The Bot API for bot token 123:GOOD; its webhook state kept as Telegram keeps it.
struct FakeTelegram {
  FakeProvider server;
  std::mutex mu;
  std::string url;
  std::string secret;
  std::string allowed;
  int pending = 0;
  std::string last_error;
  FakeTelegram() {
    server.respond_with([this](const ReceivedRequest& r) -> ScriptedAnswer {
      const std::string prefix = "/bot123:GOOD/";
      if (!r.target.starts_with(prefix)) return {401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"};
      const std::string method = r.target.substr(prefix.size());
      std::lock_guard lock(mu);
      if (method == "getMe") {
        return {200, R"({"ok":true,"result":{"id":123,"is_bot":true,"first_name":"Kirana Help","username":"kirana_help_bot"}})"};
      }
      if (method == "getWebhookInfo") {
        json::object result{{"url", url}, {"has_custom_certificate", false}, {"pending_update_count", pending}};
        if (!last_error.empty()) result["last_error_date"] = 1796000000, result["last_error_message"] = last_error;
        return {200, json::serialize(json::object{{"ok", true}, {"result", result}})};
      }
      if (method == "setWebhook") {
        json::value body = json::parse(r.body);
        url = std::string(body.at("url").as_string());
        secret = std::string(body.at("secret_token").as_string());
        allowed = json::serialize(body.at("allowed_updates"));
        last_error.clear();
        return {200, R"({"ok":true,"result":true,"description":"Webhook was set"})"};
      }
      if (method == "deleteWebhook") {
        url.clear();
        return {200, R"({"ok":true,"result":true,"description":"Webhook was deleted"})"};
      }
      return {404, R"({"ok":false,"error_code":404,"description":"Not Found"})"};
    });
  }
};

TEST(ChannelChecks, TelegramWebhookAndPollingModesAreCheckedAndRegistered) {
  RedisServer redis;
  FakeTelegram telegram;
  std::uint16_t port = free_port();
  const std::string base = "api_base: \"" + telegram.server.url() + "\"";
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", kPublic)
      .channel("{ id: tg, kind: telegram, bot_token: \"123:GOOD\", secret_token: tg-secret-0123, " + base + " }")
      .channel("{ id: tg-poll, kind: telegram, bot_token: \"123:GOOD\", mode: polling, " + base + " }")
      .channel("{ id: tg-typo, kind: telegram, bot_token: \"123:G00D\", secret_token: tg-secret-0123, " + base + " }")
      .queue("{ id: general, channels: [tg, tg-poll, tg-typo] }");
  {
    // The polling channel starts at once: give it a webhook to trip over only after it is up.
    DaemonProcess daemon(cfg.yaml(), port);
    Steps typo = call(port, "tg-typo", "check");
    EXPECT_FALSE(typo.ok);
    EXPECT_EQ(typo.steps.size(), 1u);
    EXPECT_NE(typo.detail("bot").find("Unauthorized"), std::string::npos) << typo.body;
    EXPECT_EQ(typo.body.find("G00D"), std::string::npos);

    Steps unset = call(port, "tg", "check");
    EXPECT_TRUE(unset.passed("bot"));
    EXPECT_NE(unset.detail("bot").find("@kirana_help_bot"), std::string::npos);
    EXPECT_FALSE(unset.passed("webhook"));
    EXPECT_NE(unset.detail("webhook").find("not set"), std::string::npos) << unset.detail("webhook");

    Steps reg = call(port, "tg", "register");
    ASSERT_TRUE(reg.ok) << reg.body;
    {
      std::lock_guard lock(telegram.mu);
      EXPECT_EQ(telegram.url, std::string(kPublic) + "/webhooks/tg");
      EXPECT_EQ(telegram.secret, "tg-secret-0123");
      EXPECT_EQ(telegram.allowed, R"(["message","edited_message"])");
    }
    EXPECT_TRUE(call(port, "tg", "check").ok);

    // Telegram could not deliver (our proxy answered 502) and updates pile up: its words.
    {
      std::lock_guard lock(telegram.mu);
      telegram.pending = 14;
      telegram.last_error = "Wrong response from the webhook: 502 Bad Gateway";
    }
    Steps failing = call(port, "tg", "check");
    EXPECT_FALSE(failing.ok);
    EXPECT_NE(failing.detail("webhook").find("14 update(s) waiting"), std::string::npos) << failing.detail("webhook");
    EXPECT_NE(failing.detail("webhook").find("Wrong response from the webhook: 502 Bad Gateway"), std::string::npos);

    // The polling channel with that webhook set: getUpdates would get nothing. Register deletes it.
    Steps poll = call(port, "tg-poll", "check");
    EXPECT_FALSE(poll.passed("webhook"));
    EXPECT_NE(poll.detail("webhook").find("stops getUpdates"), std::string::npos) << poll.detail("webhook");
    ASSERT_TRUE(call(port, "tg-poll", "register").ok);
    {
      std::lock_guard lock(telegram.mu);
      EXPECT_EQ(telegram.url, "");
    }
    EXPECT_TRUE(call(port, "tg-poll", "check").ok);
  }
}

// ------------------------------------------------------------------------------------------- Graph API

/// A Graph request's path (without its query) and the token it carries as a Bearer ("" none).
std::string path_of(const ReceivedRequest& r) { return r.target.substr(0, r.target.find('?')); }
std::string bearer_of(const ReceivedRequest& r) {
  auto a = r.headers.find("authorization");
  return a == r.headers.end() ? std::string() : a->second.substr(7);
}

/// The Graph API for app 4242 (secret app-secret-4242) and WhatsApp business account WABA77.
struct FakeGraph {
  FakeProvider server;
  std::mutex mu;
  std::uint16_t daemon_port = 0;
  std::string callback_url;  // the app's whatsapp_business_account subscription ("" none)
  std::string fields;
  bool app_subscribed = false;  // WABA77's subscribed_apps
  std::string challenge_answer;  // what our webhook answered Meta's verification
  std::int64_t soon_expiry_s = 0;
  FakeGraph() {
    server.respond_with([this](const ReceivedRequest& r) -> ScriptedAnswer {
      const std::string path = path_of(r);
      auto bearer = [&] { return bearer_of(r); };
      if (path == "/debug_token") {
        const std::string token = field(r.target, "input_token");
        if (token == "EAAG-expired") {
          return {400, R"({"error":{"message":"Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.",)"
                       R"("type":"OAuthException","code":190,"error_subcode":463}})"};
        }
        std::int64_t expires = token == "EAAG-soon" ? soon_expiry_s : 0;
        if (token != "EAAG-good" && token != "EAAG-soon") {
          return {400, R"({"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190}})"};
        }
        json::object data{{"app_id", "4242"}, {"type", "SYSTEM_USER"}, {"is_valid", true}, {"expires_at", expires},
                          {"granular_scopes", json::array{json::object{{"scope", "whatsapp_business_messaging"},
                                                                      {"target_ids", json::array{"WABA77"}}}}}};
        return {200, json::serialize(json::object{{"data", data}})};
      }
      std::unique_lock lock(mu);
      if (path == "/PHONE55" && bearer() == "EAAG-good") {
        return {200, R"({"display_phone_number":"+91 80 4000 1234","verified_name":"Kirana Stores","id":"PHONE55"})"};
      }
      if (path == "/4242/subscriptions") {
        const std::string app_token = r.method == "GET" ? field(r.target, "access_token") : field(r.body, "access_token");
        if (app_token != "4242|app-secret-4242") {
          return {400, R"({"error":{"message":"Invalid OAuth access token signature.","type":"OAuthException","code":190}})"};
        }
        if (r.method == "GET") {
          json::array data;
          if (!callback_url.empty()) {
            json::array f;
            for (size_t at = 0; at < fields.size();) {
              size_t comma = fields.find(',', at);
              f.push_back(json::object{{"name", fields.substr(at, comma - at)}, {"version", "v19.0"}});
              at = comma == std::string::npos ? fields.size() : comma + 1;
            }
            data.push_back(json::object{{"object", "whatsapp_business_account"}, {"callback_url", callback_url},
                                        {"active", true}, {"fields", f}});
          }
          return {200, json::serialize(json::object{{"data", data}})};
        }
        // Meta verifies the callback before it subscribes: GET with hub.challenge, answered with the challenge.
        const std::string url = field(r.body, "callback_url");
        const std::string local = "http://127.0.0.1:" + std::to_string(daemon_port) + "/webhooks/wa";
        lock.unlock();
        auto verify = http_request(daemon_port, "GET",
                                   "/webhooks/wa?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" +
                                       field(r.body, "verify_token"));
        lock.lock();
        challenge_answer = verify.body;
        if (url != local || verify.status != 200 || verify.body != "1158201444") {
          return {400, R"({"error":{"message":"(#2200) Callback verification failed with the following errors: HTTP Status Code = 403",)"
                       R"("type":"OAuthException","code":2200}})"};
        }
        callback_url = url;
        fields = field(r.body, "fields");
        return {200, R"({"success":true})"};
      }
      if (path == "/WABA77/subscribed_apps" && bearer() == "EAAG-good") {
        if (r.method == "POST") {
          app_subscribed = true;
          return {200, R"({"success":true})"};
        }
        json::array data;
        if (app_subscribed) data.push_back(json::object{{"whatsapp_business_api_data", json::object{{"id", "4242"}, {"name", "Kirana app"}}}});
        return {200, json::serialize(json::object{{"data", data}})};
      }
      return {400, R"({"error":{"message":"Unsupported request","type":"GraphMethodException","code":100}})"};
    });
  }
};

TEST(ChannelChecks, WhatsAppTokenNumberAndSubscriptionsAreCheckedAndRegisteredWithMetasHandshake) {
  RedisServer redis;
  FakeGraph graph;
  std::uint16_t port = free_port();
  graph.daemon_port = port;
  graph.soon_expiry_s = now_ms() / 1000 + 2LL * 86'400;
  const std::string common = "app_secret: app-secret-4242, verify_token: wa-verify-77, phone_number_id: PHONE55, api_base: \"" +
                             graph.server.url() + "\"";
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", "http://127.0.0.1:" + std::to_string(port))
      .channel("{ id: wa, kind: whatsapp, access_token: EAAG-good, " + common + " }")
      .channel("{ id: wa-expired, kind: whatsapp, access_token: EAAG-expired, " + common + " }")
      .channel("{ id: wa-soon, kind: whatsapp, access_token: EAAG-soon, " + common + " }")
      .queue("{ id: general, channels: [wa, wa-expired, wa-soon] }");
  DaemonProcess daemon(cfg.yaml(), port);

  Steps expired = call(port, "wa-expired", "check");
  EXPECT_FALSE(expired.ok);
  EXPECT_EQ(expired.steps.size(), 1u);
  EXPECT_NE(expired.detail("token").find("Session has expired"), std::string::npos) << expired.body;
  EXPECT_NE(expired.detail("token").find("190"), std::string::npos);

  Steps soon = call(port, "wa-soon", "check");
  EXPECT_FALSE(soon.passed("token"));
  EXPECT_NE(soon.detail("token").find("expires at " + format_rfc3339_ms(graph.soon_expiry_s * 1000)), std::string::npos)
      << soon.detail("token");

  Steps before = call(port, "wa", "check");
  EXPECT_TRUE(before.passed("token")) << before.body;
  EXPECT_TRUE(before.passed("phone number"));
  EXPECT_NE(before.detail("phone number").find("+91 80 4000 1234 (Kirana Stores)"), std::string::npos);
  EXPECT_FALSE(before.passed("webhook"));
  EXPECT_NE(before.detail("webhook").find("no whatsapp_business_account webhook subscription"), std::string::npos)
      << before.detail("webhook");
  EXPECT_FALSE(before.passed("subscribed app"));
  EXPECT_EQ(before.body.find("app-secret-4242"), std::string::npos);
  for (const auto& r : graph.server.received()) EXPECT_EQ(r.method, "GET") << r.target;

  // Register: Meta calls our verification handshake, which answers its challenge; then the business account.
  Steps reg = call(port, "wa", "register");
  ASSERT_TRUE(reg.ok) << reg.body;
  {
    std::lock_guard lock(graph.mu);
    EXPECT_EQ(graph.challenge_answer, "1158201444");
    EXPECT_EQ(graph.fields, "messages");
    EXPECT_TRUE(graph.app_subscribed);
  }
  Steps after = call(port, "wa", "check");
  EXPECT_TRUE(after.ok) << after.body;
  EXPECT_EQ(after.steps.size(), 4u);

  // The subscription is later narrowed in Meta's dashboard to another field: named.
  {
    std::lock_guard lock(graph.mu);
    graph.fields = "account_update";
  }
  Steps narrowed = call(port, "wa", "check");
  EXPECT_FALSE(narrowed.passed("webhook"));
  EXPECT_NE(narrowed.detail("webhook").find("not subscribed to the field(s) messages (subscribed: account_update)"),
            std::string::npos)
      << narrowed.detail("webhook");
}

TEST(ChannelChecks, AMessengerPageThatDoesNotAnswerToItsTokenAndAPageWithoutTheAppAreSaid) {
  RedisServer redis;
  FakeProvider graph;
  bool subscribed = false;
  std::mutex mu;
  graph.respond_with([&](const ReceivedRequest& r) -> ScriptedAnswer {
    const std::string path = path_of(r);
    const std::string bearer = bearer_of(r);
    std::lock_guard lock(mu);
    if (path == "/debug_token") {
      return {200, R"({"data":{"app_id":"4242","type":"PAGE","is_valid":true,"expires_at":0,"profile_id":"PAGE9"}})"};
    }
    if (path == "/PAGE9" && bearer == "EAAP-page") return {200, R"({"name":"किराना स्टोर्स","id":"PAGE9"})"};
    if (path == "/PAGE8") {
      return {400, R"({"error":{"message":"(#100) Object with ID 'PAGE8' does not exist, cannot be loaded due to missing permissions, or does not support this operation","type":"GraphMethodException","code":100}})"};
    }
    if (path == "/4242/subscriptions") {
      return {200, R"({"data":[{"object":"page","callback_url":"https://support.example.in/webhooks/fb","active":true,)"
                   R"("fields":[{"name":"messages","version":"v19.0"},{"name":"message_deliveries","version":"v19.0"}]}]})"};
    }
    if (path == "/PAGE9/subscribed_apps") {
      if (r.method == "POST") {
        subscribed = field(r.body, "subscribed_fields") == "messages,message_deliveries";
        return {200, R"({"success":true})"};
      }
      return {200, subscribed ? R"({"data":[{"id":"4242","name":"Kirana app","subscribed_fields":["messages","message_deliveries"]}]})"
                              : R"({"data":[]})"};
    }
    return {400, R"({"error":{"message":"Unsupported request","code":100}})"};
  });
  std::uint16_t port = free_port();
  const std::string common = "app_secret: app-secret-4242, verify_token: fb-verify, api_base: \"" + graph.url() + "\"";
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", kPublic)
      .channel("{ id: fb, kind: messenger, page_access_token: EAAP-page, page_id: PAGE9, " + common + " }")
      .channel("{ id: fb-other, kind: messenger, page_access_token: EAAP-page, page_id: PAGE8, " + common + " }")
      .queue("{ id: general, channels: [fb, fb-other] }");
  DaemonProcess daemon(cfg.yaml(), port);

  Steps other = call(port, "fb-other", "check");
  EXPECT_TRUE(other.passed("token"));
  EXPECT_FALSE(other.passed("page"));
  EXPECT_NE(other.detail("page").find("Object with ID 'PAGE8' does not exist"), std::string::npos) << other.body;

  Steps fb = call(port, "fb", "check");
  EXPECT_TRUE(fb.passed("page")) << fb.body;
  EXPECT_NE(fb.detail("page").find("किराना स्टोर्स"), std::string::npos);
  EXPECT_TRUE(fb.passed("webhook")) << fb.detail("webhook");
  EXPECT_FALSE(fb.passed("subscribed app"));
  EXPECT_NE(fb.detail("subscribed app").find("page PAGE9 has not subscribed app 4242"), std::string::npos);
  // Registering subscribes the page to the fields the channel reads (the app's subscription is set again too).
  ASSERT_EQ(call(port, "fb", "register").status, 200);
  EXPECT_TRUE(call(port, "fb", "check").ok);
}

TEST(ChannelChecks, AnInstagramChannelNeedsTheAppsInstagramSubscriptionNotItsPageOne) {
  // The app already serves the business's Messenger page (object "page"); Instagram's messages come only with an
  // "instagram" subscription, which the check names as missing and Register makes (Meta verifying our webhook).
  RedisServer redis;
  FakeProvider graph;
  std::mutex mu;
  std::uint16_t port = free_port();
  const std::string ours = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/ig";
  json::array subscriptions{json::object{{"object", "page"}, {"callback_url", "https://support.example.in/webhooks/fb"},
                                         {"active", true}, {"fields", json::array{json::object{{"name", "messages"}}}}}};
  std::string page_fields;    // what PAGE7 subscribed the app to ("" none)
  std::string verify_answer;  // what our webhook answered Meta's verification
  graph.respond_with([&](const ReceivedRequest& r) -> ScriptedAnswer {
    const std::string path = path_of(r);
    const std::string bearer = bearer_of(r);
    std::unique_lock lock(mu);
    if (path == "/debug_token") {
      return {200, R"({"data":{"app_id":"4242","type":"PAGE","is_valid":true,"expires_at":0,"profile_id":"PAGE7"}})"};
    }
    if (path == "/PAGE7" && bearer == "EAAI-page") return {200, R"({"name":"Pochampally Sarees","id":"PAGE7"})"};
    if (path == "/4242/subscriptions" && r.method == "GET") {
      return {200, json::serialize(json::object{{"data", subscriptions}})};
    }
    if (path == "/4242/subscriptions" && r.method == "POST") {
      lock.unlock();
      auto verify = http_request(port, "GET", "/webhooks/ig?hub.mode=subscribe&hub.challenge=77120&hub.verify_token=" +
                                                  field(r.body, "verify_token"));
      lock.lock();
      verify_answer = verify.body;
      if (verify.body != "77120") return {400, R"({"error":{"message":"(#2200) Callback verification failed","code":2200}})"};
      json::array fields{json::object{{"name", field(r.body, "fields")}}};
      subscriptions.push_back(json::object{{"object", field(r.body, "object")}, {"callback_url", field(r.body, "callback_url")},
                                           {"active", true}, {"fields", fields}});
      return {200, R"({"success":true})"};
    }
    if (path == "/PAGE7/subscribed_apps" && bearer == "EAAI-page") {
      if (r.method == "POST") {
        page_fields = field(r.body, "subscribed_fields");
        return {200, R"({"success":true})"};
      }
      return {200, page_fields.empty() ? std::string(R"({"data":[]})")
                                       : R"({"data":[{"id":"4242","name":"Saree app","subscribed_fields":[")" + page_fields + R"("]}]})"};
    }
    return {400, R"({"error":{"message":"Unsupported request","code":100}})"};
  });
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", "http://127.0.0.1:" + std::to_string(port))
      .channel("{ id: ig, kind: instagram, page_access_token: EAAI-page, page_id: PAGE7, app_secret: app-secret-4242, "
               "verify_token: ig-verify-7, api_base: \"" + graph.url() + "\" }")
      .queue("{ id: general, channels: [ig] }");
  DaemonProcess daemon(cfg.yaml(), port);

  Steps before = call(port, "ig", "check");
  EXPECT_FALSE(before.ok);
  EXPECT_TRUE(before.passed("token")) << before.body;
  EXPECT_TRUE(before.passed("page"));
  EXPECT_NE(before.detail("page").find("Pochampally Sarees"), std::string::npos);
  EXPECT_FALSE(before.passed("webhook"));
  EXPECT_NE(before.detail("webhook").find("no instagram webhook subscription"), std::string::npos) << before.detail("webhook");
  EXPECT_FALSE(before.passed("subscribed app"));
  for (const auto& r : graph.received()) EXPECT_EQ(r.method, "GET") << "a check changes nothing: " << r.target;

  Steps reg = call(port, "ig", "register");
  ASSERT_TRUE(reg.ok) << reg.body;
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(verify_answer, "77120");
    EXPECT_EQ(page_fields, "messages");
    ASSERT_EQ(subscriptions.size(), 2u) << "the Messenger subscription is left as it was";
    EXPECT_EQ(subscriptions[0].at("object"), "page");
    EXPECT_EQ(subscriptions[1].at("object"), "instagram");
    EXPECT_EQ(subscriptions[1].at("callback_url").as_string(), ours);
  }
  Steps after = call(port, "ig", "check");
  EXPECT_TRUE(after.ok) << after.body;
  EXPECT_NE(after.detail("webhook").find("instagram events (messages) come to " + ours), std::string::npos) << after.body;
}

// ------------------------------------------------------------------------------------ e-mail and webhook

TEST(ChannelChecks, EmailLoginMailboxAndSmtpAuthAreCheckedWithoutChangingAnything) {
  RedisServer redis;
  DovecotServer imap("support", "imap-pass-1");
  SmtpServer smtp("support", "smtp-pass-1");
  std::uint16_t port = free_port();
  auto email = [&](const std::string& id, const std::string& mailbox, const std::string& imap_pass,
                   const std::string& smtp_pass) {
    return "{ id: " + id + ", kind: email, address: support@example.in, imap: { url: \"" + imap.url(mailbox) +
           "\", username: support, password: " + imap_pass + ", poll_interval: 1h }, smtp: { url: \"" + smtp.url() +
           "\", username: support, password: " + smtp_pass + " } }";
  };
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin)
      .channel(email("mail", "INBOX", "imap-pass-1", "smtp-pass-1"))
      .channel(email("mail-missing", "Support", "imap-pass-1", "smtp-pass-1"))
      .channel(email("mail-login", "INBOX", "imap-wrong", "smtp-pass-1"))
      .channel(email("mail-smtp", "INBOX", "imap-pass-1", "smtp-wrong"))
      .queue("{ id: general, channels: [mail, mail-missing, mail-login, mail-smtp] }");
  DaemonProcess daemon(cfg.yaml(), port);
  // Once the channels polled (hourly after the first), a customer's mail arrives: a check must not read it.
  eventually([&] {
    auto list = json::parse(http_request(port, "GET", "/v1/channels", admin()).body);
    return !list.at("channels").at(0).at("last_poll_at").is_null();
  }, 10'000);
  imap.append("INBOX", "From: Ravi <ravi@example.in>\r\nTo: support@example.in\r\nSubject: order\r\n"
                       "Message-ID: <c1@example.in>\r\n\r\nnamaste, mera order kahan hai?\r\n");

  Steps good = call(port, "mail", "check");
  EXPECT_TRUE(good.ok) << good.body;
  EXPECT_NE(good.detail("mailbox").find("INBOX exists"), std::string::npos) << good.detail("mailbox");
  EXPECT_NE(good.detail("smtp").find("AUTH as support"), std::string::npos);

  Steps missing = call(port, "mail-missing", "check");
  EXPECT_TRUE(missing.passed("imap login"));
  EXPECT_FALSE(missing.passed("mailbox"));
  EXPECT_NE(missing.detail("mailbox").find("Mailbox doesn't exist"), std::string::npos) << missing.detail("mailbox");

  Steps login = call(port, "mail-login", "check");
  EXPECT_FALSE(login.passed("imap login"));
  EXPECT_NE(login.detail("imap login").find("uthentication failed"), std::string::npos) << login.detail("imap login");
  EXPECT_EQ(login.body.find("imap-wrong"), std::string::npos);

  Steps refused = call(port, "mail-smtp", "check");
  EXPECT_TRUE(refused.passed("mailbox"));
  EXPECT_FALSE(refused.passed("smtp"));
  EXPECT_NE(refused.detail("smtp").find("535"), std::string::npos) << refused.detail("smtp");

  // Nothing was sent, and the customer's mail is still unread (EXAMINE, never SELECT; nothing fetched).
  EXPECT_TRUE(smtp.received().empty());
  EXPECT_EQ(imap.uids("INBOX", "UNSEEN").size(), 1u);
}

TEST(ChannelChecks, AWebhookChannelsReplyUrlGetsASignedPing) {
  RedisServer redis;
  FakeProvider receiver;
  receiver.script({{200, "{}"}, {503, R"({"message":"maintenance until 14:00 IST"})"}});
  std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin)
      .channel("{ id: crm, kind: webhook, secret: crm-secret-0123, reply_url: \"" + receiver.url() + "/replies\" }")
      .channel("{ id: inbound-only, kind: webhook, secret: crm-secret-0123 }")
      .channel("{ id: site, kind: webchat, secret: site-secret-0123, allowed_origins: [\"https://shop.example.in\"] }")
      .queue("{ id: general, channels: [crm, inbound-only, site] }");
  DaemonProcess daemon(cfg.yaml(), port);

  Steps ok = call(port, "crm", "check");
  EXPECT_TRUE(ok.ok) << ok.body;
  auto ping = receiver.received().at(0);
  EXPECT_EQ(ping.target, "/replies");
  EXPECT_EQ(ping.headers["x-omniroute-event"], "ping");
  EXPECT_EQ(ping.headers["x-omniroute-signature"], "sha256=" + hmac_sha256_hex("crm-secret-0123", ping.body));
  EXPECT_EQ(json::parse(ping.body).at("type"), "ping");

  Steps down = call(port, "crm", "check");
  EXPECT_FALSE(down.ok);
  EXPECT_NE(down.detail("reply_url").find("maintenance until 14:00 IST (HTTP 503)"), std::string::npos) << down.body;

  Steps none = call(port, "inbound-only", "check");
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.detail("reply_url").find("no reply_url"), std::string::npos);

  EXPECT_TRUE(call(port, "site", "check").ok);
  // The file's channel as GET shows it: read-only, secrets "set", a list as a list.
  auto site = json::parse(http_request(port, "GET", "/v1/channels/site", admin()).body);
  EXPECT_EQ(site.at("source"), "file");
  EXPECT_EQ(site.at("settings").at("secret"), "set");
  EXPECT_EQ(site.at("settings").at("allowed_origins"), json::array{"https://shop.example.in"});
  auto not_registrable = http_request(port, "POST", "/v1/channels/crm/register", admin());
  EXPECT_EQ(not_registrable.status, 409);
  EXPECT_NE(not_registrable.body.find("not_registrable"), std::string::npos);

  // GET /v1/channels says which channels Register applies to.
  auto list = json::parse(http_request(port, "GET", "/v1/channels", admin()).body);
  for (const auto& c : list.at("channels").as_array()) EXPECT_EQ(c.at("registers"), false) << c;
}

}  // namespace
}  // namespace omniroute::testing
