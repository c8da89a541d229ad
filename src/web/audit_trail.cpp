#include "web/audit_trail.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "omniroute/log.hpp"
#include "omniroute/text.hpp"

namespace omniroute::web {

namespace asio = boost::asio;
namespace json = boost::json;
using verb = http::beast_http::verb;

std::optional<AuditedChange> audited_change(verb method, std::string_view p) {
  const bool put = method == verb::put || method == verb::patch;
  if (p == "/v1/agents" && method == verb::post) return AuditedChange{"agent.created", "agent", "", true};
  if (p == "/v1/agents/{id}" && put) return AuditedChange{"agent.updated", "agent", "id", true};
  if (p == "/v1/agents/{id}" && method == verb::delete_) return AuditedChange{"agent.removed", "agent", "id", true};
  if (p == "/v1/agents/{id}/token" && method == verb::post) return AuditedChange{"agent.token_rotated", "agent", "id", false};
  if (p == "/v1/admins" && method == verb::post) return AuditedChange{"admin.created", "admin", "", true};
  if (p == "/v1/admins/{id}" && put) return AuditedChange{"admin.updated", "admin", "id", true};
  if (p == "/v1/admins/{id}" && method == verb::delete_) return AuditedChange{"admin.removed", "admin", "id", true};
  if (p == "/v1/admins/{id}/token" && method == verb::post) return AuditedChange{"admin.token_rotated", "admin", "id", false};
  if (p == "/v1/channels/{id}" && method == verb::post) return AuditedChange{"channel.created", "channel", "id", true};
  if (p == "/v1/channels/{id}" && put) return AuditedChange{"channel.updated", "channel", "id", true};
  if (p == "/v1/channels/{id}" && method == verb::delete_) return AuditedChange{"channel.removed", "channel", "id", true};
  if (p == "/v1/channels/{id}/register" && method == verb::post) return AuditedChange{"channel.registered", "channel", "id", false};
  if (p == "/v1/labels/{name}" && method == verb::put) return AuditedChange{"label.changed", "label", "name", false};
  if (p == "/v1/labels/{name}" && method == verb::delete_) return AuditedChange{"label.removed", "label", "name", false};
  if (p == "/v1/canned_responses" && method == verb::post) return AuditedChange{"canned_response.changed", "canned_response", "", false};
  if (p == "/v1/canned_responses/{id}" && (put || method == verb::post)) {
    return AuditedChange{"canned_response.changed", "canned_response", "id", true};
  }
  if (p == "/v1/canned_responses/{id}" && method == verb::delete_) {
    return AuditedChange{"canned_response.removed", "canned_response", "id", true};
  }
  if (p == "/v1/conversations/{id}/transfer" && method == verb::post) {
    return AuditedChange{"conversation.reassigned", "conversation", "id", false};
  }
  // A contact's before and after are never kept: an erased person's name must not survive in the audit log.
  if (p == "/v1/contacts/{id}/merge" && method == verb::post) return AuditedChange{"contact.merged", "contact", "id", false};
  if (p == "/v1/contacts/{id}" && method == verb::delete_) return AuditedChange{"contact.erased", "contact", "id", false};
  if (p == "/v1/outbox/dead/{id}/retry" && method == verb::post) return AuditedChange{"dead_letter.retried", "dead_letter", "id", false};
  return std::nullopt;
}

namespace {
bool names_secret(std::string_view key) {
  const std::string k = ascii_lower(key);
  return k.find("token") != std::string::npos || k.find("secret") != std::string::npos || k.find("password") != std::string::npos;
}

void mask(json::value& v) {
  if (v.is_object()) {
    for (auto& [key, value] : v.as_object()) {
      if (names_secret(key) && !value.is_null()) value = "set";
      else mask(value);
    }
  } else if (v.is_array()) {
    for (auto& item : v.as_array()) mask(item);
  }
}
}  // namespace

std::string secrets_masked(std::string_view json_text) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec) return "null";
  mask(v);
  return json::serialize(v);
}

asio::awaitable<void> AuditTrail::record(store::AuditEntry entry) {
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (co_await log_.record(entry)) co_return;
    wait.expires_after(std::chrono::milliseconds(200));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  log::error("audit: the entry for " + entry.action + " of " + entry.target_type + " '" + entry.target_id + "' by '" +
             entry.actor + "' could not be written to Redis");
}

}  // namespace omniroute::web
