#pragma once
// Meta's messaging platforms: WhatsApp Cloud API, Messenger and Instagram.
// One webhook shape family: a GET verification handshake (hub.mode,
// hub.verify_token, hub.challenge), POSTs signed with X-Hub-Signature-256
// (HMAC-SHA256 of the raw body with the app secret), batched entries that
// carry messages and status updates. Replies go out through the Graph API.

#include <string_view>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

ChannelKind whatsapp_kind();
ChannelKind messenger_kind();
ChannelKind instagram_kind();

/// The customer messages in a WhatsApp webhook body (unknown types are skipped), and into
/// `statuses` (when given) the delivery reports on what we sent.
Expected<std::vector<Message>, WebhookError> parse_whatsapp(std::string_view body, std::string_view channel_id,
                                                            std::vector<DeliveryUpdate>* statuses = nullptr);

/// The customer messages in a Messenger or Instagram webhook body (`kind` is the channel kind;
/// echoes of our own sends are skipped), and into `statuses` (when given) deliveries of ours.
Expected<std::vector<Message>, WebhookError> parse_page_messaging(std::string_view body, std::string_view channel_id,
                                                                  std::string_view kind,
                                                                  std::vector<DeliveryUpdate>* statuses = nullptr);

}  // namespace omniroute::channels
