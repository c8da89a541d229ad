#pragma once
// A Telegram channel's check (getMe; in webhook mode getWebhookInfo: our URL, updates waiting, Telegram's
// last delivery error; in polling mode no webhook, which would silently stop getUpdates) and registration
// (setWebhook with the secret token and the updates we read, or deleteWebhook for polling).

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

boost::asio::awaitable<std::vector<CheckStep>> telegram_check(const ChannelSettings& settings, const ProviderProbe& probe);
boost::asio::awaitable<std::vector<CheckStep>> telegram_register(const ChannelSettings& settings,
                                                                 const ProviderProbe& probe);

}  // namespace omniroute::channels
