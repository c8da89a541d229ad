#include "webhook/webhook_channel.hpp"

#include <boost/json.hpp>

#include "common/signing.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/text.hpp"

#include "common/provider_check.hpp"
#include "omniroute/clock.hpp"

namespace omniroute::channels {

namespace json = boost::json;

namespace {

constexpr size_t kMaxIdLength = 256;
constexpr size_t kMaxHandleLength = 512;

Unexpected<WebhookError> bad_request(std::string code, std::string message) {
  return unexpected(WebhookError{400, std::move(code), std::move(message)});
}

/// The string at `key` of `obj`: absent → nullopt; present but not a string → error text set.
std::optional<std::string> optional_string(const json::object& obj, std::string_view key,
                                           std::string& error) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    error = "'" + std::string(key) + "' must be a string";
    return std::nullopt;
  }
  return std::string(it->value().get_string());
}

Expected<std::vector<Attachment>, WebhookError> parse_attachments(const json::object& obj) {
  std::vector<Attachment> out;
  auto it = obj.find("attachments");
  if (it == obj.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) return bad_request("invalid_field", "'attachments' must be a list");
  for (const auto& v : it->value().get_array()) {
    if (!v.is_object()) return bad_request("invalid_field", "each attachment must be an object");
    const auto& a = v.get_object();
    std::string err;
    Attachment att;
    att.name = optional_string(a, "name", err).value_or("");
    att.content_type = optional_string(a, "type", err).value_or("application/octet-stream");
    att.url = optional_string(a, "url", err).value_or("");
    if (auto s = a.find("size"); s != a.end() && s->value().is_int64()) att.size = s->value().get_int64();
    if (!err.empty()) return bad_request("invalid_field", "attachment " + err);
    out.push_back(std::move(att));
  }
  return out;
}

class WebhookChannel final : public Channel {
 public:
  using Channel::Channel;

  WebhookResult on_webhook(const InboundRequest& request) const override {
    if (request.method != "POST") {
      return unexpected(WebhookError{405, "method_not_allowed", "webhooks are POSTed"});
    }
    if (!webhook_signature_valid(settings().get("secret"), request.body,
                                 request.header("X-Omniroute-Signature"))) {
      return unexpected(WebhookError{401, "bad_signature",
                                     "X-Omniroute-Signature is missing or does not match the body"});
    }
    auto message = parse_webhook_body(request.body, id());
    if (!message) return unexpected(message.error());
    WebhookAccepted accepted;
    accepted.messages.push_back(std::move(*message));
    return accepted;
  }

  // Replies go to reply_url, signed exactly like inbound deliveries.
  /// The receiving system takes what the agent API accepted (its body limit); never split.
  ReplyLimit reply_limit() const override { return {0, false}; }

  std::string cannot_send_reason() const override { return "no reply_url is configured"; }

  /// A signed ping (`{"type":"ping",…}`, X-Omniroute-Event: ping) to reply_url must answer 2xx.
  boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const override {
    const std::string& url = settings().get("reply_url");
    if (url.empty()) co_return std::vector<CheckStep>{failed("reply_url", "no reply_url is configured: replies cannot be delivered")};
    HttpCall call;
    call.url = url;
    call.body = json::serialize(json::object{{"type", "ping"}, {"channel", id()}, {"at", format_rfc3339_ms(probe.now_ms)}});
    call.headers = {{"Content-Type", "application/json; charset=utf-8"},
                    {"X-Omniroute-Signature", "sha256=" + hmac_sha256_hex(settings().get("secret"), call.body)},
                    {"X-Omniroute-Event", "ping"}};
    HttpReply r = co_await probe.http(call);
    if (r.status / 100 == 2) co_return std::vector<CheckStep>{passed("reply_url", url + " answered a signed ping with " + std::to_string(r.status))};
    co_return std::vector<CheckStep>{failed("reply_url", url + " answered a signed ping with " + provider_words(r))};
  }

  std::optional<HttpCall> build_send(const OutboundMessage& m) const override {
    const std::string& url = settings().get("reply_url");
    if (url.empty()) return std::nullopt;
    HttpCall call;
    call.url = url;
    call.body = json::serialize(json::object{{"id", m.message_id},
                                             {"conversation_id", m.conversation_id},
                                             {"to", m.recipient},
                                             {"text", m.text}});
    call.headers = {{"Content-Type", "application/json; charset=utf-8"},
                    {"X-Omniroute-Signature", "sha256=" + hmac_sha256_hex(settings().get("secret"), call.body)},
                    {"Idempotency-Key", m.message_id}};
    return call;
  }
};

}  // namespace

Expected<Message, WebhookError> parse_webhook_body(std::string_view body, std::string_view channel_id) {
  if (!is_valid_utf8(body)) return bad_request("invalid_utf8", "the body is not valid UTF-8");
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) return bad_request("invalid_json", "the body is not valid JSON: " + ec.message());
  if (!root.is_object()) return bad_request("invalid_json", "the body must be a JSON object");
  const auto& obj = root.get_object();

  std::string err;
  Message m;
  m.channel_id = std::string(channel_id);
  m.channel_kind = "webhook";
  m.direction = Direction::inbound;
  auto id = optional_string(obj, "id", err);
  if (!err.empty()) return bad_request("invalid_field", err);
  if (!id || id->empty()) return bad_request("missing_field", "'id' (the sender's message id) is required");
  if (id->size() > kMaxIdLength) return bad_request("invalid_field", "'id' is longer than 256 bytes");
  m.provider_id = *id;

  auto from = obj.find("from");
  if (from == obj.end() || !from->value().is_object()) {
    return bad_request("missing_field", "'from' must be an object with a 'handle'");
  }
  auto handle = optional_string(from->value().get_object(), "handle", err);
  auto name = optional_string(from->value().get_object(), "name", err);
  if (!err.empty()) return bad_request("invalid_field", "from." + err.substr(0));
  if (!handle || handle->empty()) return bad_request("missing_field", "'from.handle' is required");
  if (handle->size() > kMaxHandleLength) return bad_request("invalid_field", "'from.handle' is too long");

  auto text = optional_string(obj, "text", err);
  auto thread = optional_string(obj, "thread", err);
  auto subject = optional_string(obj, "subject", err);
  if (!err.empty()) return bad_request("invalid_field", err);
  auto attachments = parse_attachments(obj);
  if (!attachments) return unexpected(attachments.error());
  if (!text && attachments->empty()) return bad_request("missing_field", "'text' is required");

  // The body was valid UTF-8, so every string in it is; NFC cannot fail here.
  m.contact_handle = to_nfc(*handle).value_or(*handle);
  m.contact_name = to_nfc(name.value_or("")).value_or("");
  m.text = to_nfc(text.value_or("")).value_or("");
  m.subject = to_nfc(subject.value_or("")).value_or("");
  m.handle_kind = std::string(channel_id);  // a sender's ids mean nothing outside its channel
  m.thread_key = thread && !thread->empty() ? *thread : m.contact_handle;
  m.attachments = std::move(*attachments);
  m.received_time_ms = now_ms();
  return m;
}

ChannelKind webhook_kind() {
  ChannelKind k;
  k.name = "webhook";
  k.medium = Medium::chat;
  k.fields = {
      {.name = "secret", .type = FieldType::secret, .required = true},
      {.name = "reply_url", .type = FieldType::url},
      {.name = "rate_limit", .type = FieldType::rate, .default_value = "0"},  // replies per second; 0: unlimited
  };
  k.create = [](ChannelSettings s) -> std::unique_ptr<Channel> {
    return std::make_unique<WebhookChannel>(std::move(s));
  };
  return declared_kind(std::move(k));
}

}  // namespace omniroute::channels
