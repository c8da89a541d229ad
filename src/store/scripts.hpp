#pragma once
// The Lua scripts (src/store/lua/*.lua, embedded at build time), called by
// SHA with a fallback to EVAL when the server has not seen them (NOSCRIPT).

#include <boost/asio/async_result.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis_client.hpp"
#include "store/script_table.hpp"  // generated: one getter per src/store/lua/*.lua

namespace omniroute::store {

/// One embedded script and its SHA-1.
struct Script {
  std::string_view name;
  std::string source;  // with the libraries it uses (--! uses:) and its named bindings prepended
  std::string sha;
};

/// Builds a Script from its full source (libraries and bindings included); the generated table uses it.
Script make_script(std::string_view name, std::string source);


/// Runs `script` with `keys` and `args`; EVALSHA first, EVAL when the server answers NOSCRIPT.
void eval_script(RedisClient& client, const Script& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, RedisClient::Callback done);

/// Awaitable eval_script: `co_await async_eval(client, script, keys, args, use_awaitable)`.
template <typename Token>
auto async_eval(RedisClient& client, const Script& script, std::vector<std::string> keys,
                std::vector<std::string> args, Token&& token) {
  return boost::asio::async_initiate<Token, void(RedisResult)>(
      [&client, &script](auto handler, std::vector<std::string> k, std::vector<std::string> a) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        eval_script(client, script, std::move(k), std::move(a), [h](RedisResult r) { std::move(*h)(std::move(r)); });
      },
      token, std::move(keys), std::move(args));
}

}  // namespace omniroute::store
