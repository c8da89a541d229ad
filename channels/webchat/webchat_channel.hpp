#pragma once
// Web chat (`kind: webchat`): the chat on the business's own website. Its
// visitors talk to omnirouted itself over a WebSocket (src/webchat/), so the
// channel has no provider: no webhook, and replies are delivered in place
// (the visitor's connection shows them from the conversation).

#include "omniroute/channel.hpp"

namespace omniroute::channels {

/// The kind's schema and factory, for the registry.
ChannelKind webchat_kind();

}  // namespace omniroute::channels
