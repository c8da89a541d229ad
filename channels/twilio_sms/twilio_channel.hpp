#pragma once
// Twilio Programmable Messaging (`kind: twilio_sms`): inbound SMS and MMS.

#include <string>
#include <string_view>

#include "omniroute/url_query.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::channels {

/// The kind's schema and factory, for the registry.
ChannelKind twilio_sms_kind();

/// X-Twilio-Signature for a POST to `url` with `fields`: base64 HMAC-SHA1 over
/// the URL followed by every field's name and value, sorted by name.
std::string twilio_signature(std::string_view auth_token, std::string_view url, FormFields fields);

/// Turns Twilio's inbound message fields into a Message; nullopt-like error when required ones lack.
/// `default_region` places national sender numbers (rare: Twilio sends E.164).
Expected<Message, WebhookError> parse_twilio_inbound(const FormFields& fields, std::string_view channel_id,
                                                     std::string_view default_region = "");

}  // namespace omniroute::channels
