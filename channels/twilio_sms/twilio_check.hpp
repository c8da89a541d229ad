#pragma once
// A Twilio channel's check (the account answers with these credentials, `from` is one of its numbers,
// the number's SMS webhook points at us) and registration (the number's SMS URL and status callback
// set to our webhook), through Twilio's REST API (2010-04-01).

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

boost::asio::awaitable<std::vector<CheckStep>> twilio_check(const ChannelSettings& settings, const ProviderProbe& probe);
boost::asio::awaitable<std::vector<CheckStep>> twilio_register(const ChannelSettings& settings, const ProviderProbe& probe);

}  // namespace omniroute::channels
