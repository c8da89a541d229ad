#pragma once
// Inside the store only: running a command or a script from a coroutine, with
// Redis's error replies turned into StoreError, so repositories see only
// replies of the shape they asked for.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/conversations.hpp"
#include "store/records.hpp"
#include "store/scripts.hpp"

namespace omniroute::store::detail {

StoreError unexpected_reply(const Reply& r, std::string_view what);

boost::asio::awaitable<StoreResult<Reply>> run(RedisClient& client, const Script& script, std::vector<std::string> keys,
                                               std::vector<std::string> args);

template <typename Call>
boost::asio::awaitable<StoreResult<Reply>> run(RedisClient& client, const Script& script, const Call& call) {
  return run(client, script, call.keys(), call.argv());
}

boost::asio::awaitable<StoreResult<Reply>> command(RedisClient& client, std::vector<std::string> args);

/// Runs a script whose reply is declared (--! status lines) and reads it as its generated Result; a reply
/// of another shape is an error (StoreError), never a guess.
template <typename Result, typename Call>
boost::asio::awaitable<StoreResult<Result>> run_declared(RedisClient& client, const Script& script, const Call& call) {
  auto r = co_await run(client, script, call.keys(), call.argv());
  if (!r) co_return unexpected(r.error());
  auto read = Result::from(*r);
  if (!read) co_return unexpected(unexpected_reply(*r, script.name));
  co_return std::move(*read);
}

/// The strings of an array reply.
std::vector<std::string> strings_of(const Reply& r);

/// Entries of `stream` for consumer `consumer` of `group`: new ones (XREADGROUP), or with `reclaim_idle_ms`
/// those another consumer took and left idle that long (XAUTOCLAIM). Entries deleted meanwhile are skipped.
boost::asio::awaitable<StoreResult<std::vector<StreamEntry>>> read_group(RedisClient& client, const std::string& stream,
                                                                         const std::string& group,
                                                                         const std::string& consumer, int count,
                                                                         std::optional<std::int64_t> reclaim_idle_ms);


}  // namespace omniroute::store::detail
