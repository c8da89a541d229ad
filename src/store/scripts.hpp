#pragma once
// The Lua scripts (src/store/lua/*.lua, embedded at build time), called by
// SHA with a fallback to EVAL when the server has not seen them (NOSCRIPT).

#include <boost/asio/async_result.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis_client.hpp"

namespace omniroute::store {

/// One embedded script and its SHA-1.
struct Script {
  std::string_view name;
  std::string source;  // with lib_agent.lua prepended where the script uses it
  std::string sha;
};

const Script& ingest_script();
const Script& resolve_script();
const Script& route_script();
const Script& agent_sync_script();
const Script& agent_delete_script();
const Script& contact_attributes_script();
const Script& agents_overview_script();
const Script& contact_update_script();
const Script& offer_answer_script();
const Script& offers_expire_script();
const Script& sla_claim_script();
const Script& sla_starts_script();
const Script& sla_schedule_script();
const Script& sla_overview_script();
const Script& queue_check_script();
const Script& ack_inputs_script();
const Script& auto_ack_script();
const Script& presence_script();
const Script& reply_script();
const Script& transfer_script();
const Script& conversation_view_script();
const Script& delivery_script();
const Script& delivery_status_script();
const Script& contact_merge_script();
const Script& presence_sweep_script();
const Script& nonce_claim_script();
const Script& socket_claim_script();
const Script& attachment_read_script();

/// Runs `script` with `keys` and `args`; EVALSHA first, EVAL when the server answers NOSCRIPT.
void eval_script(RedisClient& client, const Script& script, std::vector<std::string> keys,
                 std::vector<std::string> args, RedisClient::Callback done);

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
