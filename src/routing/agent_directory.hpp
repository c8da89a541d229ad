#pragma once
// Who holds which token. Tokens are kept only as SHA-256 digests and
// compared in constant time against every agent, so neither the token nor
// which agent matched leaks through timing.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace omniroute::routing {

class AgentDirectory {
 public:
  explicit AgentDirectory(const config::Config& config);
  /// The agent whose token is `bearer`, or nullopt.
  std::optional<std::string> authenticate(std::string_view bearer) const;
  /// True when `bearer` is the admin token (and one is configured).
  bool is_admin(std::string_view bearer) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view token);
  struct Entry {
    std::string agent;
    Digest token;
  };
  std::vector<Entry> entries_;
  std::optional<Digest> admin_;
};

/// The token of an `Authorization: Bearer <token>` header, or "".
std::string_view bearer_token(std::string_view authorization);

}  // namespace omniroute::routing
