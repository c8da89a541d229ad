#pragma once
// Telegram bots: updates by webhook (checked by X-Telegram-Bot-Api-Secret-Token)
// or by getUpdates long polling, whose offset is kept in Redis and moved on
// only after the updates are stored, so a restart neither loses nor repeats
// one. Replies through sendMessage.

#include <string_view>

#include "omniroute/channel.hpp"

namespace omniroute::channels {

ChannelKind telegram_kind();

/// The customer messages in a list of Telegram updates (a JSON array), and the highest update_id
/// seen (-1 for none). Updates that carry no customer message are skipped.
struct TelegramUpdates {
  std::vector<Message> messages;
  std::int64_t last_update_id = -1;
};
Expected<TelegramUpdates, WebhookError> parse_telegram_updates(std::string_view json_array, std::string_view channel_id);

}  // namespace omniroute::channels
