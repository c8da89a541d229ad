// Telegram updates to Messages: the pure part of the channel (fuzzed on its own).

#include <algorithm>
#include <boost/json.hpp>

#include "telegram/telegram_channel.hpp"
#include "common/json_fields.hpp"

#include "omniroute/clock.hpp"
#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace json = boost::json;

namespace {

/// One update's customer message, or nullopt (a bot-added event, a callback, …).
std::optional<Message> message_of(const json::object& update, std::string_view channel_id) {
  const json::object* m = &obj_at(update, "message");
  if (m->empty()) m = &obj_at(update, "edited_message");
  if (m->empty()) return std::nullopt;
  const auto& from = obj_at(*m, "from");
  const auto& chat = obj_at(*m, "chat");
  const std::string chat_id = str(chat, "id"), message_id = str(*m, "message_id");
  if (chat_id.empty() || message_id.empty() || from.empty()) return std::nullopt;
  Message out;
  out.text = nfc(str(*m, "text").empty() ? str(*m, "caption") : str(*m, "text"));
  if (auto it = m->find("photo"); it != m->end() && it->value().is_array() && !it->value().get_array().empty()) {
    const auto& largest = it->value().get_array().back();  // sizes come smallest first
    if (largest.is_object()) out.attachments.push_back({"photo", "image/jpeg", -1, "telegram-file:" + str(largest.get_object(), "file_id")});
  }
  for (const char* kind : {"document", "video", "voice", "audio"}) {
    const auto& f = obj_at(*m, kind);
    if (f.empty()) continue;
    Attachment a;
    a.name = str(f, "file_name").empty() ? kind : str(f, "file_name");
    a.content_type = str(f, "mime_type").empty() ? "application/octet-stream" : str(f, "mime_type");
    if (auto size = f.find("file_size"); size != f.end() && size->value().is_int64()) a.size = size->value().get_int64();
    a.url = "telegram-file:" + str(f, "file_id");
    out.attachments.push_back(std::move(a));
  }
  if (const auto& l = obj_at(*m, "location"); !l.empty()) {
    out.text = "📍 Location: (" + str(l, "latitude") + ", " + str(l, "longitude") + ")";
  }
  if (const auto& c = obj_at(*m, "contact"); !c.empty()) {
    out.text = "Shared contact: " + nfc(str(c, "first_name") + (str(c, "last_name").empty() ? "" : " " + str(c, "last_name"))) +
               " " + str(c, "phone_number");
  }
  if (out.text.empty() && out.attachments.empty()) return std::nullopt;  // a sticker, a poll, …
  out.channel_id = std::string(channel_id);
  out.channel_kind = "telegram";
  // An edit is a new message to the agent, with its own id: "<chat>:<message>:<edit date>".
  out.provider_id = chat_id + ":" + message_id + (m == &obj_at(update, "edited_message") ? ":" + str(*m, "edit_date") : "");
  out.contact_handle = str(from, "id");
  out.handle_kind = std::string(channel_id);  // Telegram user ids mean nothing outside this bot
  std::string name = str(from, "first_name") + (str(from, "last_name").empty() ? "" : " " + str(from, "last_name"));
  out.contact_name = nfc(name);
  out.thread_key = chat_id;  // replies go to the chat
  out.provider_time_ms = epoch_seconds_to_ms(str(*m, "date"));
  out.received_time_ms = now_ms();
  return out;
}

Unexpected<WebhookError> bad_request(std::string code, std::string message) {
  return unexpected(WebhookError{400, std::move(code), std::move(message)});
}

}  // namespace

Expected<TelegramUpdates, WebhookError> parse_telegram_updates(std::string_view json_array, std::string_view channel_id) {
  if (!is_valid_utf8(json_array)) return bad_request("invalid_utf8", "the body is not valid UTF-8");
  boost::system::error_code ec;
  json::value root = json::parse(json_array, ec);
  if (ec || !root.is_array()) return bad_request("invalid_json", "the body is not a Telegram update object");
  TelegramUpdates out;
  for (const auto& u : root.get_array()) {
    if (!u.is_object() || !u.get_object().contains("update_id") || !u.get_object().at("update_id").is_int64()) {
      return bad_request("invalid_field", "an update needs a numeric update_id");
    }
    out.last_update_id = std::max(out.last_update_id, u.get_object().at("update_id").get_int64());
    if (auto m = message_of(u.get_object(), channel_id)) out.messages.push_back(std::move(*m));
  }
  return out;
}

}  // namespace omniroute::channels
