#include "store/store_calls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace omniroute::store {

std::map<std::string, std::string> fields_of(const Reply& flat) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) out[flat.elements[i].str] = flat.elements[i + 1].str;
  return out;
}

}  // namespace omniroute::store

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

const std::string& status_of(const Reply& r) {
  static const std::string none;
  if (r.type == Reply::Type::array) return r.elements.empty() ? none : r.elements[0].str;
  return r.str;
}

std::vector<StreamEntry> entries_of(const Reply& r) {
  std::vector<StreamEntry> out;
  out.reserve(r.elements.size());
  for (const auto& e : r.elements) {
    if (e.elements.size() >= 2) out.push_back({e.elements[0].str, fields_of(e.elements[1])});
  }
  return out;
}

std::vector<std::string> strings_of(const Reply& r) {
  std::vector<std::string> out;
  out.reserve(r.elements.size());
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

}  // namespace omniroute::store::detail
