#pragma once
// Who is calling: an agent or the admin, by `Authorization: Bearer <token>` or
// by the session cookie a browser got from POST /v1/session. Resolved once per
// request, before any API route runs; the routes only ask what the caller may do.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "agent_api/auth_throttle.hpp"
#include "config/config.hpp"
#include "http/types.hpp"
#include "omniroute/expected.hpp"
#include "routing/agent_directory.hpp"
#include "store/conversation_store.hpp"
#include "store/sessions.hpp"

namespace omniroute::agent_api {

struct Caller {
  enum class Kind { none, agent, admin };
  Kind kind = Kind::none;
  std::string agent;       // Kind::agent: the agent's id
  std::string actor;       // Kind::admin: the account's id ("token" for server.admin_token and the first run's)
  bool supervisor = false; // Kind::admin with role supervisor: reads everything, changes only what supervisors may
  bool by_cookie = false;  // authenticated by the session cookie (so subject to the same-origin check)
  std::chrono::seconds retry_after{0};  // Kind::none because too many tokens failed: answer 429, retry then

  bool throttled() const { return retry_after.count() > 0; }

  bool is_agent() const { return kind == Kind::agent; }
  /// This agent, on the admin side, as the supervisor a team lead is (actor: the agent's id).
  Caller as_supervisor() const {
    Caller c = *this;
    c.kind = Kind::admin;
    c.actor = agent;
    c.supervisor = true;
    return c;
  }
  /// The admin side: an admin or a supervisor (both read everything; Router refuses a supervisor's other changes).
  bool is_admin() const { return kind == Kind::admin; }
};

/// The session cookie's name.
inline constexpr const char* kSessionCookie = "omniroute_session";
/// How long a session lasts without being used (each use pushes its end this far again).
inline constexpr std::chrono::seconds kSessionIdle = std::chrono::hours(12);

class CallerResolver {
 public:
  /// `throttle` (may be null: nothing is limited) counts failed tokens across the process.
  CallerResolver(const config::Config& config, const routing::AgentDirectory& directory,
                 store::ConversationStore& store, AuthThrottle* throttle = nullptr);

  /// The caller of `request` from `peer` (the client's address; "" for a re-check, never throttled): Bearer
  /// first, else the session cookie, else (`allow_query_token`, WebSockets of non-browser clients) `?token=`.
  /// Kind::none when none of them names anyone (throttled() when tokens from `peer` or of that prefix failed
  /// too often); an error when Redis could not say.
  boost::asio::awaitable<Expected<Caller, store::StoreError>> resolve(const http::Request& request,
                                                                      bool allow_query_token, const std::string& peer);
  /// Who `token` from `peer` is (agent or admin), for signing in; Kind::none for nobody (throttled() as above).
  boost::asio::awaitable<Expected<Caller, store::StoreError>> of_token(const std::string& token,
                                                                       const std::string& peer);

  /// A cookie-authenticated request that changes state (or opens a WebSocket) must come from a page of this
  /// server: its Origin equals public_url's origin or http(s)://<Host>. Bearer requests need no such check.
  bool same_origin(const http::Request& request) const;

  store::Sessions& sessions() { return sessions_; }

 private:
  /// True when no admin token is configured and `token_sha256` is the one kept in Redis.
  boost::asio::awaitable<Expected<bool, store::StoreError>> stored_admin(const std::string& token_sha256);

  /// `caller` made the admin or supervisor account of the API whose token has this digest, if there is one.
  boost::asio::awaitable<Expected<Caller, store::StoreError>> api_account(const std::string& token_sha256, Caller caller);
  /// Who `token` is, with no throttling.
  boost::asio::awaitable<Expected<Caller, store::StoreError>> lookup(const std::string& token);

  const config::Config& config_;
  const routing::AgentDirectory& directory_;
  store::ConversationStore& store_;
  store::Sessions sessions_;
  AuthThrottle* throttle_;
};

/// 429 too_many_failures with the caller's Retry-After.
http::Response too_many_failures(const Caller& caller);

/// The value of cookie `name` in the request's Cookie header(s), or "".
std::string cookie_value(const http::Request& request, std::string_view name);

}  // namespace omniroute::agent_api
