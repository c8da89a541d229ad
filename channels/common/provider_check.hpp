#pragma once
// What every channel's check and registration share: steps written the same way, and a provider's
// refusal read in its own words (Twilio's `message`, Telegram's `description`, Graph's
// `error.message`), never with the request's credentials.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

inline CheckStep passed(std::string name, std::string detail) { return {std::move(name), true, std::move(detail)}; }
inline CheckStep failed(std::string name, std::string detail) { return {std::move(name), false, std::move(detail)}; }

/// Why `reply` is not a success, as the provider put it: its JSON error message with its code, else the
/// HTTP status and the start of the body, else why no answer came (refused, timed out).
std::string provider_words(const HttpReply& reply);

/// A GET of `url` (JSON expected), with `bearer` as the Authorization when set.
HttpCall provider_get(std::string url, const std::string& bearer = "");

/// What a step needs to say when the daemon has no public URL to give the provider.
std::string no_public_url();

}  // namespace omniroute::channels
