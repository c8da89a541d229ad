#include "store/api_channels.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "omniroute/spawn.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::string>> ApiChannels::version() {
  std::vector<std::string> get{"GET", keys_.api_channels_version()};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  co_return r->str.empty() ? std::string("0") : r->str;
}

asio::awaitable<StoreResult<std::map<std::string, std::string>>> ApiChannels::all() {
  std::vector<std::string> get{"HGETALL", keys_.api_channels()};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) out[r->elements[i].str] = r->elements[i + 1].str;
  co_return out;
}

asio::awaitable<StoreResult<std::string>> ApiChannels::get(const std::string& id) {
  std::vector<std::string> get{"HGET", keys_.api_channels(), id};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  co_return r->str;
}

asio::awaitable<StoreResult<ChannelChange>> ApiChannels::change(const std::string& op, const std::string& id,
                                                                const std::string& document) {
  ApiChannelChangeCall call;
  call.channels = keys_.api_channels();
  call.version = keys_.api_channels_version();
  call.op = op;
  call.id = id;
  call.document = document;
  auto r = co_await detail::run_declared<ApiChannelChangeResult>(client_, api_channel_change_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->status == ApiChannelChangeResult::Status::exists) co_return ChannelChange::exists;
  if (r->status == ApiChannelChangeResult::Status::not_found) co_return ChannelChange::not_found;
  co_return ChannelChange::done;
}

std::optional<KeptChannels> kept_channels_at_start(const config::RedisConfig& config, std::chrono::milliseconds max) {
  asio::io_context ctx;
  auto client = std::make_shared<RedisClient>(ctx.get_executor(), config);
  client->quiet();
  client->start();
  const Keys keys(config.workspace);
  std::optional<KeptChannels> out;
  bool done = false;
  asio::co_spawn(
      ctx,
      [&]() -> asio::awaitable<void> {
        if (co_await client->async_wait_connected(max, asio::use_awaitable)) {
          ApiChannels kept(*client, keys);
          auto version = co_await kept.version();
          if (version) {
            auto documents = co_await kept.all();
            if (documents) out = KeptChannels{*version, std::move(*documents)};
          }
        }
        done = true;
      },
      logged("channels: reading those kept through the API at start"));
  const auto deadline = std::chrono::steady_clock::now() + max + std::chrono::seconds(1);
  while (!done && std::chrono::steady_clock::now() < deadline) ctx.run_for(std::chrono::milliseconds(10));
  // Stopped from inside the loop (see RedisClient::refusal_at_start).
  asio::post(ctx, [client] { client->stop(); });
  ctx.run_for(std::chrono::milliseconds(50));
  return done ? out : std::nullopt;
}

}  // namespace omniroute::store
