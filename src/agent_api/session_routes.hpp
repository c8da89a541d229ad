#pragma once
// Browser sign-in (CONTRACT.md "Sessions"): POST /v1/session exchanges an
// agent or admin token for an HttpOnly, SameSite=Strict session cookie (Secure
// when public_url is https); GET /v1/session says who is signed in;
// DELETE /v1/session signs out. The token itself is never kept, logged, or put
// in a URL: the session names who signed in by the token's digest.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>

#include "agent_api/caller.hpp"
#include "config/config.hpp"
#include "http/types.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::agent_api {

class SessionRoutes {
 public:
  SessionRoutes(const config::Config& config, CallerResolver& callers, store::ConversationStore& store);

  /// Answers /v1/session (any method).
  boost::asio::awaitable<http::Response> handle(const http::Request& request, const std::string& peer);

 private:
  /// Records an admin's or supervisor's sign-in or sign-out in the audit log.
  boost::asio::awaitable<void> audit_session(const Caller& caller, const char* action);
  boost::asio::awaitable<http::Response> sign_in(const http::Request& request, const std::string& peer);
  boost::asio::awaitable<http::Response> sign_out(const http::Request& request);
  boost::asio::awaitable<http::Response> whoami(const http::Request& request, const std::string& peer);
  /// The Set-Cookie value carrying `secret` (an empty secret with Max-Age=0 clears it; no max age: until the
  /// browser closes, the server ending it after 12 h without use).
  std::string cookie(const std::string& secret, std::optional<std::chrono::seconds> max_age) const;

  const config::Config& config_;
  CallerResolver& callers_;
  store::ConversationStore& store_;
};

}  // namespace omniroute::agent_api
