#include "integration/test_config.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

namespace omniroute::testing {

std::string daemon_config(std::uint16_t port, const std::string& redis_url, const std::string& extra_server,
                          const std::string& extra_redis) {
  std::string p = std::to_string(port);
  return "server:\n  listen: 127.0.0.1:" + p + "\n  public_url: http://127.0.0.1:" + p +
         "\n  threads: 2\n  read_timeout: 1s\n  body_limit: 65536\n  header_limit: 8192\n" + extra_server +
         "redis:\n  url: " + redis_url + "\n  workspace: it\n  command_timeout: 500ms\n  connect_timeout: 500ms\n" +
         extra_redis +
         "channels:\n"
         "  - id: api\n    kind: webhook\n    secret: " + kApiSecret + "\n"
         "  - id: sms\n    kind: twilio_sms\n    account_sid: AC00000000000000000000000000000000\n"
         "    auth_token: ${TEST_TWILIO_TOKEN}\n    from: \"+15005550006\"\n"
         "queues:\n  - id: general\n    channels: [api, sms]\n    sla:\n      first_response: 15m\n";
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

std::string conversation_of(const RedisServer& redis, const std::string& handle) {
  return redis.one({"GET", it_keys().thread("api", handle)});
}

int stored_keys(const RedisServer& redis) {
  int n = 0;
  for (const char* pattern : {"or:{it}:dedupe:*", "or:{it}:conv:*", "or:{it}:contact:*", "or:{it}:handle:*"}) {
    n += static_cast<int>(redis.command({"KEYS", pattern}).size());
  }
  return n;
}

}  // namespace omniroute::testing
