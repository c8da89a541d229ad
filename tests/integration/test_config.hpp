#pragma once
// What the integration tests run the daemon with, and how they sign requests.

#include <cstdint>
#include <functional>
#include <string>

#include "integration/config_builder.hpp"
#include "store/keys.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {

/// The integration tests' workspace ("it"): key names come from the store's own builder.
inline const store::Keys& it_keys() {
  static const store::Keys keys("it");
  return keys;
}

inline constexpr const char* kApiSecret = "integration-secret";
inline constexpr const char* kTwilioToken = "twilio-test-token";

/// A config with a generic `api` channel and a Twilio `sms` channel (auth token from ${TEST_TWILIO_TOKEN}) in
/// queue `general` (first response 15 m), short read and Redis timeouts; add to it with ConfigBuilder's calls.
ConfigBuilder standard_config(std::uint16_t port, const std::string& redis_url);

/// standard_config's text.
std::string daemon_config(std::uint16_t port, const std::string& redis_url);

/// A generic-webhook body from `handle` with message id `id`.
std::string webhook_body(const std::string& id, const std::string& handle, const std::string& text);

/// Headers carrying the body's X-Omniroute-Signature.
Headers signed_headers(const std::string& body);

/// POSTs a signed generic-webhook message; returns the answer.
HttpResult post_message(std::uint16_t port, const std::string& id, const std::string& handle, const std::string& text);

/// A request with `Authorization: Bearer <token>` (and a JSON body when `body` is not empty).
HttpResult as_bearer(std::uint16_t port, const std::string& token, const std::string& method, const std::string& path,
                     const std::string& body = "");

/// The page origin of the daemon on `port` ("http://127.0.0.1:<port>").
std::string origin_of(std::uint16_t port);

/// Signs in with `token` as the console does (same-origin POST /v1/session): the session cookie
/// ("omniroute_session=…"), or "" when refused.
std::string sign_in_cookie(std::uint16_t port, const std::string& token);

/// The open conversation of `handle` on generic channel `api` in workspace `it` ("(nil)" when none).
std::string conversation_of(const RedisServer& redis, const std::string& handle);


/// How many keys hold customer data (dedupe marks, contacts, conversations): 0 when nothing was stored.
int stored_keys(const RedisServer& redis);

}  // namespace omniroute::testing
