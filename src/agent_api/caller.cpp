#include "agent_api/caller.hpp"

#include "store/admin_accounts.hpp"

#include "agent_api/request_helpers.hpp"
#include "omniroute/digest.hpp"
#include "store/agents.hpp"

#include <openssl/crypto.h>

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace beast_http = http::beast_http;

std::string cookie_value(const http::Request& request, std::string_view name) {
  for (auto it = request.find(beast_http::field::cookie); it != request.end() && it->name() == beast_http::field::cookie;
       ++it) {
    std::string_view header = it->value();
    while (!header.empty()) {
      size_t end = std::min(header.find(';'), header.size());
      std::string_view pair = header.substr(0, end);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
      header.remove_prefix(std::min(end + 1, header.size()));
    }
  }
  return {};
}

CallerResolver::CallerResolver(const config::Config& config, const routing::AgentDirectory& directory,
                               store::ConversationStore& store, AuthThrottle* throttle)
    : config_(config), directory_(directory), store_(store), sessions_(store.client(), store.keys()), throttle_(throttle) {}

http::Response too_many_failures(const Caller& caller) {
  http::Response res = http::json_error(429, "too_many_failures",
                                        "too many wrong tokens; retry in " + std::to_string(caller.retry_after.count()) + " s");
  res.set(beast_http::field::retry_after, std::to_string(caller.retry_after.count()));
  return res;
}

asio::awaitable<Expected<Caller, store::StoreError>> CallerResolver::of_token(const std::string& token,
                                                                              const std::string& peer) {
  const bool counted = throttle_ && !peer.empty() && !token.empty();
  if (counted) {
    // An address that failed too often is not even looked up: guessing from it costs time, not Redis.
    if (auto wait = throttle_->address_wait(peer); wait.count() > 0) {
      Caller refused;
      refused.retry_after = wait;
      co_return refused;
    }
  }
  auto caller = co_await lookup(token);
  if (counted && caller && caller->kind == Caller::Kind::none) caller->retry_after = throttle_->failed(peer, token);
  co_return caller;
}

asio::awaitable<Expected<Caller, store::StoreError>> CallerResolver::lookup(const std::string& token) {
  Caller caller;
  if (token.empty()) co_return caller;
  if (directory_.is_admin(token)) {
    caller.kind = Caller::Kind::admin;
    caller.actor = "token";
    co_return caller;
  }
  if (auto account = directory_.admin_account(token)) {
    caller.kind = Caller::Kind::admin;
    caller.actor = account->id;
    caller.supervisor = account->role == "supervisor";
    co_return caller;
  }
  auto agent = co_await directory_.authenticate(token, store_);
  if (!agent) co_return unexpected(agent.error());
  if (*agent) {
    caller.kind = Caller::Kind::agent;
    caller.agent = **agent;
    co_return caller;
  }
  auto stored = co_await stored_admin(sha256_hex(token));
  if (!stored) co_return unexpected(stored.error());
  if (*stored) {
    caller.kind = Caller::Kind::admin;
    caller.actor = "token";
    co_return caller;
  }
  co_return co_await api_account(sha256_hex(token), caller);
}

asio::awaitable<Expected<Caller, store::StoreError>> CallerResolver::api_account(const std::string& token_sha256, Caller caller) {
  // An admin or supervisor added through the API (POST /v1/admins): known to every daemon from Redis.
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto account = co_await accounts.by_digest(token_sha256);
  if (!account) co_return unexpected(account.error());
  if (*account) {
    caller.kind = Caller::Kind::admin;
    caller.actor = (*account)->id;
    caller.supervisor = (*account)->role == "supervisor";
  }
  co_return caller;
}

asio::awaitable<Expected<Caller, store::StoreError>> CallerResolver::resolve(const http::Request& request,
                                                                             bool allow_query_token,
                                                                             const std::string& peer) {
  std::string token(routing::bearer_token(request[beast_http::field::authorization]));
  if (!token.empty()) co_return co_await of_token(token, peer);
  std::string secret = cookie_value(request, kSessionCookie);
  if (secret.empty()) {
    if (allow_query_token) co_return co_await of_token(query_param(request.target(), "token"), peer);
    co_return Caller{};
  }
  auto session = co_await sessions_.find(sha256_hex(secret), kSessionIdle);
  if (!session) co_return unexpected(session.error());
  Caller caller;
  caller.by_cookie = true;
  if (!*session) co_return caller;
  // The token signed in with must still be valid: rotating or removing it ends the session.
  if ((*session)->kind == store::SessionRecord::Kind::admin) {
    if (auto account = directory_.admin_account_for_digest((*session)->token_sha256)) {
      caller.kind = Caller::Kind::admin;
      caller.actor = account->id;
      caller.supervisor = account->role == "supervisor";
      co_return caller;
    }
    bool admin = directory_.is_admin_digest((*session)->token_sha256);
    if (!admin) {
      auto stored = co_await stored_admin((*session)->token_sha256);
      if (!stored) co_return unexpected(stored.error());
      admin = *stored;
    }
    if (admin) {
      caller.kind = Caller::Kind::admin;
      caller.actor = "token";
      co_return caller;
    }
    co_return co_await api_account((*session)->token_sha256, caller);
  }
  auto agent = co_await directory_.agent_for_digest((*session)->token_sha256, store_);
  if (!agent) co_return unexpected(agent.error());
  if (*agent) {
    caller.kind = Caller::Kind::agent;
    caller.agent = **agent;
  }
  co_return caller;
}

asio::awaitable<Expected<bool, store::StoreError>> CallerResolver::stored_admin(const std::string& token_sha256) {
  // Only when the configuration names no admin token (the embedded default's first run keeps one in Redis).
  if (!config_.server.admin_token.empty()) co_return false;
  store::Agents agents(store_.client(), store_.keys());
  auto kept = co_await agents.stored_admin_digest();
  if (!kept) co_return unexpected(kept.error());
  if (!*kept || (*kept)->size() != token_sha256.size()) co_return false;
  co_return CRYPTO_memcmp((*kept)->data(), token_sha256.data(), token_sha256.size()) == 0;
}

bool CallerResolver::same_origin(const http::Request& request) const {
  std::string_view origin = request[beast_http::field::origin];
  if (origin.empty() || origin == "null") return false;
  std::string_view host = request[beast_http::field::host];
  if (!host.empty() && (origin == "http://" + std::string(host) || origin == "https://" + std::string(host))) {
    return true;
  }
  // Behind a proxy the Host may differ: the configured public URL's origin (scheme://host[:port]).
  const std::string& url = config_.server.public_url;
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  size_t path = url.find('/', scheme + 3);
  return origin == std::string_view(url).substr(0, path);
}

}  // namespace omniroute::agent_api
