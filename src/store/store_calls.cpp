#include "store/store_calls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace omniroute::store::detail {

namespace asio = boost::asio;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

StoreError unexpected_reply(const Reply& r, std::string_view what) {
  return StoreError{RedisFailure::closed, std::string(what) + ": unexpected reply from Redis" +
                                              (r.is_error() ? ": " + r.str : std::string())};
}

asio::awaitable<StoreResult<Reply>> run(RedisClient& client, const Script& script, std::vector<std::string> keys,
                                        std::vector<std::string> args) {
  auto [r] = co_await async_eval(client, script, std::move(keys), std::move(args), kAwait);
  if (!r) co_return unexpected(r.error());
  if (r->is_error()) co_return unexpected(unexpected_reply(*r, script.name));
  co_return std::move(*r);
}

asio::awaitable<StoreResult<Reply>> command(RedisClient& client, std::vector<std::string> args) {
  std::string verb = args.empty() ? std::string() : args.front();
  auto [r] = co_await client.async_command(std::move(args), kAwait);
  if (!r) co_return unexpected(r.error());
  if (r->is_error()) co_return unexpected(unexpected_reply(*r, verb));
  co_return std::move(*r);
}

asio::awaitable<StoreResult<std::vector<StreamEntry>>> read_group(RedisClient& client, const std::string& stream,
                                                                  const std::string& group,
                                                                  const std::string& consumer, int count,
                                                                  std::optional<std::int64_t> reclaim_idle_ms) {
  std::vector<std::string> cmd;
  if (reclaim_idle_ms) {
    cmd = {"XAUTOCLAIM", stream, group, consumer, std::to_string(*reclaim_idle_ms), "0-0", "COUNT",
           std::to_string(count)};
  } else {
    cmd = {"XREADGROUP", "GROUP", group, consumer, "COUNT", std::to_string(count), "STREAMS", stream, ">"};
  }
  auto r = co_await command(client, std::move(cmd));
  if (!r) co_return unexpected(r.error());
  // XREADGROUP: [[stream, [entries]]] (nil when nothing is new); XAUTOCLAIM: [next, [entries], …].
  // An entry claimed but deleted meanwhile has no fields: skipped.
  if (!reclaim_idle_ms) co_return first_stream_entries(*r);
  auto claimed = reply_as<std::tuple<std::string, ReplyRef>>(*r);
  if (!claimed) co_return std::vector<StreamEntry>{};
  co_return entries_of(*std::get<1>(*claimed));
}


std::vector<std::string> strings_of(const Reply& r) {
  std::vector<std::string> out;
  out.reserve(r.elements.size());
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

}  // namespace omniroute::store::detail
