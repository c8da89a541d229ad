#include "common/context_calls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace omniroute::channels {

namespace asio = boost::asio;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}  // namespace

asio::awaitable<HttpReply> provider_call(ChannelContext& ctx, const HttpCall& call) {
  auto [reply] = co_await asio::async_initiate<decltype(kAwait), void(HttpReply)>(
      [&ctx, &call](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        ctx.http(call, [h](HttpReply r) { std::move(*h)(std::move(r)); });
      },
      kAwait);
  co_return reply;
}

asio::awaitable<std::optional<std::optional<std::string>>> load_state(ChannelContext& ctx, const std::string& field) {
  auto [ok, value] = co_await asio::async_initiate<decltype(kAwait), void(bool, std::optional<std::string>)>(
      [&ctx, &field](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        ctx.state->get(field, [h](bool ok, std::optional<std::string> v) { std::move(*h)(ok, std::move(v)); });
      },
      kAwait);
  if (!ok) co_return std::nullopt;
  co_return std::optional<std::optional<std::string>>(std::move(value));
}

asio::awaitable<bool> save_state(ChannelContext& ctx, const std::string& field, const std::string& value) {
  auto [ok] = co_await asio::async_initiate<decltype(kAwait), void(bool)>(
      [&ctx, &field, &value](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        ctx.state->set(field, value, [h](bool ok) { std::move(*h)(ok); });
      },
      kAwait);
  co_return ok;
}

asio::awaitable<IngestOutcome> store_message(ChannelContext& ctx, Message message) {
  auto [outcome] = co_await asio::async_initiate<decltype(kAwait), void(IngestOutcome)>(
      [&ctx, &message](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        ctx.sink->ingest(std::move(message), [h](IngestOutcome o) { std::move(*h)(std::move(o)); });
      },
      kAwait);
  co_return outcome;
}

}  // namespace omniroute::channels
