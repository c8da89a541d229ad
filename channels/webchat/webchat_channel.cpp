#include "webchat/webchat_channel.hpp"

#include "omniroute/webchat.hpp"

namespace omniroute::channels {

namespace {

class WebchatChannel final : public Channel {
 public:
  using Channel::Channel;

  WebhookResult on_webhook(const InboundRequest& /*request*/) const override {
    return unexpected(WebhookError{404, "not_a_webhook",
                                   "channel '" + id() + "' is a web chat: visitors write at /chat/" + id()});
  }
  bool delivers_in_place() const override { return true; }
  /// The visitor's panel shows any length; the agent API's own body limit applies.
  ReplyLimit reply_limit() const override { return {0, false}; }
};

}  // namespace

ChannelKind webchat_kind() {
  ChannelKind k;
  k.name = "webchat";
  k.medium = Medium::chat;
  k.rates_in_panel = true;
  k.fields = {
      {.name = "secret", .type = FieldType::secret, .required = true},  // HMAC key of identified visitors
      {.name = "allowed_origins", .type = FieldType::list, .required = true,
       .check = [](const std::string& item) { return webchat::origin_setting_problem(item); }},
      // The e-mail channel that sends a reply to a visitor who left an address and is not connected.
      {.name = "offline_email", .type = FieldType::text},
      // Flood limits (per process): messages per visitor, messages per address, new conversations per address.
      {.name = "visitor_rate", .type = FieldType::rate, .default_value = "1/s"},
      {.name = "ip_rate", .type = FieldType::rate, .default_value = "20/s"},
      {.name = "ip_conversation_rate", .type = FieldType::rate, .default_value = "0.1/s"},
      // Open visitor sockets per address and process (0: no limit).
      {.name = "ip_sockets", .type = FieldType::text, .default_value = "1000",
       .check = [](const std::string& v) -> std::string {
         return v.find_first_not_of("0123456789") == std::string::npos && v.size() <= 7 ? "" : "expected a count such as 1000 (0: no limit), got '" + v + "'";
       }},
      {.name = "max_attachment", .type = FieldType::text, .default_value = "5MB",
       .check = [](const std::string& v) -> std::string {
         return webchat::parse_size_bytes(v) ? "" : "expected a size such as 5MB, 512kB or 1048576 (at most 100MB), got '" + v + "'";
       }},
  };
  k.create = [](ChannelSettings s) -> std::unique_ptr<Channel> {
    return std::make_unique<WebchatChannel>(std::move(s));
  };
  return declared_kind(std::move(k));
}

}  // namespace omniroute::channels
