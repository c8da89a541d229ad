#pragma once
// What a polling channel asks of its ChannelContext, as coroutines: a
// provider request, its saved state, and storing a message. Each resumes on
// the channel's executor.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

/// Makes `call` through the context's HTTP (or mail) client.
boost::asio::awaitable<HttpReply> provider_call(ChannelContext& ctx, const HttpCall& call);

/// The saved value of `field`: nullopt when Redis failed; an empty optional inside when never set.
boost::asio::awaitable<std::optional<std::optional<std::string>>> load_state(ChannelContext& ctx, const std::string& field);

/// Saves `field`; false when Redis failed.
boost::asio::awaitable<bool> save_state(ChannelContext& ctx, const std::string& field, const std::string& value);

/// Hands `message` to the core; the outcome once it is durable or failed.
boost::asio::awaitable<IngestOutcome> store_message(ChannelContext& ctx, Message message);

}  // namespace omniroute::channels
