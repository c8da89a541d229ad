#pragma once
// The audit trail of the admin side: which of the API's changes are recorded (`agent.created`, …), and how
// an entry is made from the call: who (the caller's account), the target (from the path, or the created
// object), and the target before and after (its own GET where it has one, else what was sent), every
// secret written "set". The Router records a change once it succeeded (2xx), on the daemon that made it.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "agent_api/api_route.hpp"
#include "store/audit_log.hpp"

namespace omniroute::web {

/// What one audited change is.
struct AuditedChange {
  std::string_view action;       // "agent.updated"
  std::string_view target_type;  // "agent"
  std::string_view id_param;     // the path parameter naming the target ("" : the created object's "id")
  bool snapshot = false;         // the target has a GET at the same path: read before and after
};

/// The audited change a call of `method` on route `pattern` makes, or nullopt when it is not one.
std::optional<AuditedChange> audited_change(http::beast_http::verb method, std::string_view pattern);

/// `json_text` with every value under a key naming a secret (token, secret, password) replaced by "set"
/// ("null" when it is not JSON).
std::string secrets_masked(std::string_view json_text);

class AuditTrail {
 public:
  explicit AuditTrail(store::AuditLog log) : log_(log) {}

  /// Records one change; retried briefly, then logged (the change itself stands).
  boost::asio::awaitable<void> record(store::AuditEntry entry);

 private:
  store::AuditLog log_;
};

}  // namespace omniroute::web
