#pragma once
// The Lua scripts (src/store/lua/*.lua, embedded at build time), called by
// SHA with a fallback to EVAL when the server has not seen them (NOSCRIPT).

#include <string>
#include <string_view>
#include <vector>

#include "store/redis_client.hpp"

namespace omniroute::store {

/// One embedded script and its SHA-1.
struct Script {
  std::string_view name;
  std::string_view source;
  std::string sha;
};

const Script& ingest_script();
const Script& resolve_script();

/// Runs `script` with `keys` and `args`; EVALSHA first, EVAL when the server answers NOSCRIPT.
void eval_script(RedisClient& client, const Script& script, std::vector<std::string> keys,
                 std::vector<std::string> args, RedisClient::Callback done);

}  // namespace omniroute::store
