#pragma once
// A Meta channel's check and registration through the Graph API: the token is valid and not expiring
// soon (debug_token), the phone number or page answers to it, the app is subscribed to the platform's
// webhook with our callback URL and the fields we read (the app's /subscriptions, with the app token
// `<app id>|<app secret>`), and the page or WhatsApp business account has the app subscribed
// (/subscribed_apps). Registration creates those two subscriptions.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

/// What differs between WhatsApp, Messenger and Instagram here.
struct MetaPlatform {
  std::string name;          // "WhatsApp"
  std::string object;        // the app subscription's object: whatsapp_business_account, page, instagram
  std::string token_key;     // access_token or page_access_token
  std::string target_key;    // phone_number_id or page_id
  std::string target_name;   // "phone number", "page"
  std::vector<std::string> fields;  // the webhook fields the channel reads
};

/// A token within this many days of its end fails the check: it is about to stop replies.
inline constexpr std::int64_t kTokenWarningDays = 7;

boost::asio::awaitable<std::vector<CheckStep>> meta_check(const ChannelSettings& settings, const MetaPlatform& platform,
                                                          const ProviderProbe& probe);
boost::asio::awaitable<std::vector<CheckStep>> meta_register(const ChannelSettings& settings,
                                                             const MetaPlatform& platform, const ProviderProbe& probe);

}  // namespace omniroute::channels
