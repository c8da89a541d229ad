#include "integration/test_config.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

namespace omniroute::testing {

ConfigBuilder standard_config(std::uint16_t port, const std::string& redis_url) {
  ConfigBuilder cfg(port, redis_url);
  cfg.server("public_url", "http://127.0.0.1:" + std::to_string(port))
      .server("read_timeout", "1s")
      .server("body_limit", "65536")
      .server("header_limit", "8192")
      .redis("command_timeout", "500ms")
      .redis("connect_timeout", "500ms")
      .api_channel()
      .channel(R"({ id: sms, kind: twilio_sms, account_sid: AC00000000000000000000000000000000,
                   auth_token: "${TEST_TWILIO_TOKEN}", from: "+15005550006" })")
      .queue("{ id: general, channels: [api, sms], sla: { first_response: 15m } }");
  return cfg;
}

std::string daemon_config(std::uint16_t port, const std::string& redis_url) {
  return standard_config(port, redis_url).yaml();
}

std::string webhook_body(const std::string& id, const std::string& handle, const std::string& text) {
  boost::json::object o{{"id", id}, {"from", {{"handle", handle}}}, {"text", text}};
  return boost::json::serialize(o);
}

Headers signed_headers(const std::string& body) {
  return {{"Content-Type", "application/json"}, {"X-Omniroute-Signature", "sha256=" + hmac_sha256_hex(kApiSecret, body)}};
}

HttpResult post_message(std::uint16_t port, const std::string& id, const std::string& handle, const std::string& text) {
  std::string body = webhook_body(id, handle, text);
  return http_request(port, "POST", "/webhooks/api", signed_headers(body), body);
}

HttpResult as_bearer(std::uint16_t port, const std::string& token, const std::string& method, const std::string& path,
                     const std::string& body) {
  Headers h{{"Authorization", "Bearer " + token}};
  if (!body.empty()) h.push_back({"Content-Type", "application/json"});
  return http_request(port, method, path, h, body);
}

std::string origin_of(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

std::string sign_in_cookie(std::uint16_t port, const std::string& token) {
  auto r = http_request(port, "POST", "/v1/session", {{"Content-Type", "application/json"}, {"Origin", origin_of(port)}},
                        boost::json::serialize(boost::json::object{{"token", token}}));
  if (r.status != 204) return "";
  const std::string& set = r.headers["set-cookie"];
  return set.substr(0, set.find(';'));
}

std::string conversation_of(const RedisServer& redis, const std::string& handle) {
  return redis.one({"GET", it_keys().thread("api", handle)});
}

int stored_keys(const RedisServer& redis) {
  int n = 0;
  for (const char* kind : {"dedupe:*", "conv:*", "contact:*", "handle:*"}) {
    n += static_cast<int>(redis.command({"KEYS", it_keys().prefix() + kind}).size());
  }
  return n;
}

}  // namespace omniroute::testing
