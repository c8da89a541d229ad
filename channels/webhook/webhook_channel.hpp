#pragma once
// The generic signed-JSON channel (`kind: webhook`): any system that can
// POST JSON and compute an HMAC can bring customers in.

#include <string_view>

#include "common/signing.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::channels {

/// The kind's schema and factory, for the registry.
ChannelKind webhook_kind();

/// Parses one delivery body into a Message for `channel_id`. Pure.
Expected<Message, WebhookError> parse_webhook_body(std::string_view body, std::string_view channel_id);

}  // namespace omniroute::channels
