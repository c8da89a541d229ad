#include "agent_api/session_routes.hpp"

#include <boost/json.hpp>

#include "omniroute/log.hpp"
#include "store/audit_log.hpp"

#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "store/agents.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;
using http::beast_http::verb;


SessionRoutes::SessionRoutes(const config::Config& config, CallerResolver& callers, store::ConversationStore& store)
    : config_(config), callers_(callers), store_(store) {}

std::string SessionRoutes::cookie(const std::string& secret, std::optional<std::chrono::seconds> max_age) const {
  // A browser-session cookie: the server ends it after 12 h without use (sliding), so a shift that keeps
  // working is never signed out mid-way by a fixed cookie lifetime.
  std::string c = std::string(kSessionCookie) + "=" + secret + "; Path=/; HttpOnly; SameSite=Strict";
  if (max_age) c += "; Max-Age=" + std::to_string(max_age->count());
  if (config_.server.public_url.starts_with("https://")) c += "; Secure";
  return c;
}

asio::awaitable<Response> SessionRoutes::handle(const http::Request& request, const std::string& peer) {
  const verb method = request.method();
  if (method == verb::post) co_return co_await sign_in(request, peer);
  if (method == verb::delete_) co_return co_await sign_out(request);
  if (method == verb::get) co_return co_await whoami(request, peer);
  co_return json_error(405, "method_not_allowed", "use POST, GET or DELETE on /v1/session");
}

asio::awaitable<Response> SessionRoutes::sign_in(const http::Request& request, const std::string& peer) {
  // A sign-in posted by another site's page would sign this browser in as someone else: refused.
  if (!request[http::beast_http::field::origin].empty() && !callers_.same_origin(request)) {
    co_return json_error(403, "cross_origin", "sign in from this server's own page");
  }
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string token = string_field(*body, "token");
  if (token.empty()) co_return json_error(400, "missing_field", "'token' is required");
  auto caller = co_await callers_.of_token(token, peer);
  if (!caller) co_return unavailable();
  if (caller->throttled()) co_return too_many_failures(*caller);
  if (caller->kind == Caller::Kind::none) co_return json_error(401, "unauthorized", "no agent or admin has this token");
  std::string secret = random_hex(32);
  if (secret.empty()) co_return json_error(503, "no_randomness", "no session could be made; retry");
  store::SessionRecord record{caller->is_admin() ? store::SessionRecord::Kind::admin : store::SessionRecord::Kind::agent,
                              sha256_hex(token)};
  auto saved = co_await callers_.sessions().create(sha256_hex(secret), record, kSessionIdle);
  if (!saved) co_return unavailable();
  if (caller->is_admin()) co_await audit_session(*caller, "session.signed_in");
  Response res = http::no_content();
  res.set(http::beast_http::field::set_cookie, cookie(secret, std::nullopt));
  co_return res;
}

asio::awaitable<void> SessionRoutes::audit_session(const Caller& caller, const char* action) {
  // Admins' and supervisors' sign-ins and sign-outs are in the audit log (agents' are their presence).
  store::AuditEntry entry;
  entry.at_ms = now_ms();
  entry.actor = caller.actor.empty() ? "token" : caller.actor;
  entry.action = action;
  entry.target_type = "session";
  entry.target_id = entry.actor;
  store::AuditLog log(store_.client(), store_.keys());
  if (!co_await log.record(entry)) log::warn(std::string("audit: ") + action + " of '" + entry.actor + "' not recorded: Redis unavailable");
}

asio::awaitable<Response> SessionRoutes::sign_out(const http::Request& request) {
  std::string secret = cookie_value(request, kSessionCookie);
  if (!secret.empty()) {
    if (!callers_.same_origin(request)) co_return json_error(403, "cross_origin", "sign out from this server's own page");
    auto who = co_await callers_.resolve(request, false, "");
    if (!co_await callers_.sessions().remove(sha256_hex(secret), now_ms())) co_return unavailable();
    if (who && who->is_admin()) co_await audit_session(*who, "session.signed_out");
  }
  Response res = http::no_content();
  res.set(http::beast_http::field::set_cookie, cookie("", std::chrono::seconds(0)));
  co_return res;
}

asio::awaitable<Response> SessionRoutes::whoami(const http::Request& request, const std::string& peer) {
  auto caller = co_await callers_.resolve(request, false, peer);
  if (!caller) co_return unavailable();
  if (caller->throttled()) co_return too_many_failures(*caller);
  if (caller->is_admin()) {
    // Who signed in on the admin side, and what they may do (the board shows a supervisor no admin controls).
    json::object who{{"kind", "admin"}, {"agent", nullptr}, {"id", caller->actor},
                     {"role", caller->supervisor ? "supervisor" : "admin"}};
    co_return json_response(200, json::serialize(who));
  }
  if (!caller->is_agent()) co_return json_error(401, "unauthorized", "not signed in");
  store::Agents agents(store_.client(), store_.keys());
  auto profile = co_await agents.profile(caller->agent);
  if (!profile) co_return unavailable();
  std::string name = profile->name;
  for (const auto& a : config_.agents) {
    if (a.id == caller->agent && !a.name.empty()) name = a.name;
  }
  if (name.empty()) name = caller->agent;
  const std::string status = profile->status.empty() ? "offline" : profile->status;
  co_return json_response(200, json::serialize(json::object{
                                   {"kind", "agent"},
                                   {"supervisor", config_.team_lead(caller->agent)},
                                   {"agent", json::object{{"id", caller->agent}, {"name", name}, {"status", status}}}}));
}

}  // namespace omniroute::agent_api
