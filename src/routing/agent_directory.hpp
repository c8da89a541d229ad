#pragma once
// Who holds which token. Tokens are kept only as SHA-256 digests. Agents of
// the configuration are compared in memory, in constant time against every
// one of them; agents added through the admin API are found in Redis by the
// digest of the token (or:{ws}:agent_tokens), so any daemon instance knows
// them at once. Looking a digest up leaks nothing useful: an attacker cannot
// steer a SHA-256.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "config/config.hpp"
#include "omniroute/expected.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::routing {

class AgentDirectory {
 public:
  explicit AgentDirectory(const config::Config& config);
  /// The configured agent whose token is `bearer`, or nullopt.
  std::optional<std::string> authenticate(std::string_view bearer) const;
  /// The agent whose token is `bearer` (configured, or added through the admin API), nullopt for
  /// none, or the Redis error that kept us from knowing.
  boost::asio::awaitable<Expected<std::optional<std::string>, store::RedisError>> authenticate(
      std::string bearer, store::ConversationStore& store) const;
  /// The agent whose token has SHA-256 `token_sha256` (lowercase hex): how a session names who signed in.
  boost::asio::awaitable<Expected<std::optional<std::string>, store::RedisError>> agent_for_digest(
      std::string token_sha256, store::ConversationStore& store) const;
  /// True when `token_sha256` is the admin token's digest (and one is configured).
  bool is_admin_digest(std::string_view token_sha256) const;
  /// The token's SHA-256 in lowercase hex: how Redis keeps it.
  static std::string digest_hex(std::string_view token);
  /// True when `bearer` is the admin token (and one is configured).
  bool is_admin(std::string_view bearer) const;

  /// A named admin or supervisor of the configuration (admins:).
  struct AdminAccount {
    std::string id;
    std::string role;  // admin | supervisor
  };
  /// The account whose token is `bearer`, compared in constant time against every one; nullopt for none.
  std::optional<AdminAccount> admin_account(std::string_view bearer) const;
  /// The same by the token's SHA-256 (lowercase hex): how a session names who signed in.
  std::optional<AdminAccount> admin_account_for_digest(std::string_view token_sha256) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view token);
  static std::optional<Digest> from_hex(std::string_view hex);
  std::optional<std::string> configured(const Digest& given) const;
  struct Entry {
    std::string agent;
    Digest token;
  };
  std::vector<Entry> entries_;
  std::optional<Digest> admin_;
  struct AdminEntry {
    AdminAccount account;
    Digest token;
  };
  std::vector<AdminEntry> admins_;
  std::optional<AdminAccount> admin_by(const Digest& given) const;
};

/// The token of an `Authorization: Bearer <token>` header, or "".
std::string_view bearer_token(std::string_view authorization);

}  // namespace omniroute::routing
