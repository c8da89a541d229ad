#include "common/context_calls.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;

asio::awaitable<HttpReply> provider_call(ChannelContext& ctx, const HttpCall& call) { co_return co_await ctx.http(call); }

asio::awaitable<std::optional<std::optional<std::string>>> load_state(ChannelContext& ctx, const std::string& field) {
  co_return co_await ctx.state->get(field);
}

asio::awaitable<bool> save_state(ChannelContext& ctx, const std::string& field, const std::string& value) {
  co_return co_await ctx.state->set(field, value);
}

asio::awaitable<IngestOutcome> store_message(ChannelContext& ctx, Message message) {
  co_return co_await ctx.sink->ingest(std::move(message));
}

}  // namespace omniroute::channels
