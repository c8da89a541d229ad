#include "routing/agent_directory.hpp"

#include "omniroute/digest.hpp"
#include "store/agents.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>


namespace omniroute::routing {

AgentDirectory::AgentDirectory(const config::Config& config) {
  for (const auto& a : config.agents) entries_.push_back({a.id, digest(a.token)});
  if (!config.server.admin_token.empty()) admin_ = digest(config.server.admin_token);
}

AgentDirectory::Digest AgentDirectory::digest(std::string_view token) {
  Digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

std::optional<std::string> AgentDirectory::authenticate(std::string_view bearer) const {
  if (bearer.empty()) return std::nullopt;
  Digest given = digest(bearer);
  const Entry* match = nullptr;
  for (const auto& e : entries_) {  // no early exit: every agent is compared
    bool equal = CRYPTO_memcmp(e.token.data(), given.data(), given.size()) == 0;
    if (equal) match = &e;
  }
  if (!match) return std::nullopt;
  return match->agent;
}

std::string AgentDirectory::digest_hex(std::string_view token) {
  return sha256_hex(token);
}

boost::asio::awaitable<Expected<std::optional<std::string>, store::RedisError>> AgentDirectory::authenticate(
    std::string bearer, store::ConversationStore& store) const {
  if (bearer.empty()) co_return std::optional<std::string>{};
  if (auto configured = authenticate(std::string_view(bearer))) co_return configured;
  store::Agents agents(store.client(), store.keys());
  co_return co_await agents.agent_for_token(digest_hex(bearer));
}

bool AgentDirectory::is_admin(std::string_view bearer) const {
  if (!admin_ || bearer.empty()) return false;
  Digest given = digest(bearer);
  return CRYPTO_memcmp(admin_->data(), given.data(), given.size()) == 0;
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size()) return {};
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != std::tolower(static_cast<unsigned char>(kPrefix[i]))) return {};
  }
  return authorization.substr(kPrefix.size());
}

}  // namespace omniroute::routing
