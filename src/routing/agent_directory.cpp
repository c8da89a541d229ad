#include "routing/agent_directory.hpp"

#include "omniroute/digest.hpp"
#include "store/agents.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>


namespace omniroute::routing {

AgentDirectory::AgentDirectory(const config::Config& config) {
  for (const auto& a : config.agents) entries_.push_back({a.id, digest(a.token)});
  if (!config.server.admin_token.empty()) admin_ = digest(config.server.admin_token);
  for (const auto& a : config.admins) admins_.push_back({{a.id, a.role}, digest(a.token)});
}

std::optional<AgentDirectory::AdminAccount> AgentDirectory::admin_by(const Digest& given) const {
  const AdminEntry* match = nullptr;
  for (const auto& e : admins_) {  // no early exit: every account is compared
    if (CRYPTO_memcmp(e.token.data(), given.data(), given.size()) == 0) match = &e;
  }
  if (!match) return std::nullopt;
  return match->account;
}

std::optional<AgentDirectory::AdminAccount> AgentDirectory::admin_account(std::string_view bearer) const {
  if (bearer.empty()) return std::nullopt;
  return admin_by(digest(bearer));
}

std::optional<AgentDirectory::AdminAccount> AgentDirectory::admin_account_for_digest(std::string_view token_sha256) const {
  auto given = from_hex(token_sha256);
  if (!given) return std::nullopt;
  return admin_by(*given);
}

AgentDirectory::Digest AgentDirectory::digest(std::string_view token) {
  Digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

std::optional<std::string> AgentDirectory::authenticate(std::string_view bearer) const {
  if (bearer.empty()) return std::nullopt;
  return configured(digest(bearer));
}

std::optional<std::string> AgentDirectory::configured(const Digest& given) const {
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

std::optional<AgentDirectory::Digest> AgentDirectory::from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Digest d{};
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < d.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

boost::asio::awaitable<Expected<std::optional<std::string>, store::RedisError>> AgentDirectory::agent_for_digest(
    std::string token_sha256, store::ConversationStore& store) const {
  auto given = from_hex(token_sha256);
  if (!given) co_return std::optional<std::string>{};
  if (auto agent = configured(*given)) co_return agent;
  store::Agents agents(store.client(), store.keys());
  co_return co_await agents.agent_for_token(token_sha256);
}

bool AgentDirectory::is_admin_digest(std::string_view token_sha256) const {
  auto given = from_hex(token_sha256);
  if (!admin_ || !given) return false;
  return CRYPTO_memcmp(admin_->data(), given->data(), given->size()) == 0;
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
