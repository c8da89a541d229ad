#pragma once
// An e-mail channel's check, changing nothing on either server: IMAP login and the mailbox opened
// read-only (EXAMINE, never SELECT: that could clear \Recent), and SMTP's EHLO, STARTTLS and AUTH followed
// by NOOP instead of a mail.

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

boost::asio::awaitable<std::vector<CheckStep>> email_check(const ChannelSettings& settings, const ProviderProbe& probe);

}  // namespace omniroute::channels
