#include "meta/meta_channel.hpp"

#include <boost/json.hpp>

#include "omniroute/url_query.hpp"
#include "common/json_fields.hpp"
#include "common/signing.hpp"
#include "meta/meta_check.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace json = boost::json;

namespace {

constexpr size_t kMaxMessagesPerDelivery = 1000;

Unexpected<WebhookError> bad_request(std::string code, std::string message) {
  return unexpected(WebhookError{400, std::move(code), std::move(message)});
}

/// The body as a JSON object, after the UTF-8 check every webhook gets.
Expected<json::object, WebhookError> parse_object(std::string_view body) {
  if (!is_valid_utf8(body)) return bad_request("invalid_utf8", "the body is not valid UTF-8");
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) return bad_request("invalid_json", "the body is not valid JSON: " + ec.message());
  if (!root.is_object()) return bad_request("invalid_json", "the body must be a JSON object");
  return std::move(root.get_object());
}

/// A WhatsApp message of any type as text an agent can read, plus its media as attachments;
/// nullopt for types that carry nothing for an agent (reactions to our messages, unknown types).
std::optional<std::string> whatsapp_text(const json::object& m, std::vector<Attachment>& attachments) {
  const std::string type = str(m, "type");
  if (type == "text") return str(obj_at(m, "text"), "body");
  if (type == "image" || type == "video" || type == "audio" || type == "document" || type == "sticker") {
    const auto& media = obj_at(m, type);
    Attachment a;
    a.name = str(media, "filename").empty() ? type : str(media, "filename");
    a.content_type = str(media, "mime_type").empty() ? "application/octet-stream" : str(media, "mime_type");
    a.url = "whatsapp-media:" + str(media, "id");  // fetched from the Graph API by its id
    attachments.push_back(std::move(a));
    return str(media, "caption");
  }
  if (type == "location") {
    const auto& l = obj_at(m, "location");
    std::string where = str(l, "name");
    if (!str(l, "address").empty()) where += (where.empty() ? "" : ", ") + str(l, "address");
    return "📍 Location: " + (where.empty() ? "" : where + " ") + "(" + str(l, "latitude") + ", " + str(l, "longitude") + ")";
  }
  if (type == "contacts") {
    std::string out = "Shared contact:";
    for (const auto& c : arr_at(m, "contacts")) {
      if (!c.is_object()) continue;
      out += " " + str(obj_at(c.get_object(), "name"), "formatted_name");
      for (const auto& p : arr_at(c.get_object(), "phones")) {
        if (p.is_object()) out += " " + str(p.get_object(), "phone");
      }
      out += ";";
    }
    return out;
  }
  if (type == "button") return str(obj_at(m, "button"), "text");
  if (type == "interactive") {
    const auto& i = obj_at(m, "interactive");
    std::string reply = str(obj_at(i, "button_reply"), "title");
    return reply.empty() ? str(obj_at(i, "list_reply"), "title") : reply;
  }
  return std::nullopt;  // reaction, unsupported, system, ephemeral …: accepted, nothing to route
}

/// The GET handshake Meta makes when the webhook is configured.
WebhookResult handshake(const InboundRequest& request, const std::string& verify_token) {
  auto fields = query_fields(request.target);
  if (!fields) return bad_request("invalid_query", "the query string is malformed");
  const std::string* mode = form_value(*fields, "hub.mode");
  const std::string* token = form_value(*fields, "hub.verify_token");
  const std::string* challenge = form_value(*fields, "hub.challenge");
  if (!mode || *mode != "subscribe" || !challenge) {
    return bad_request("invalid_handshake", "expected hub.mode=subscribe with hub.challenge");
  }
  if (!token || !constant_time_equal(*token, verify_token)) {
    return unexpected(WebhookError{403, "bad_verify_token", "hub.verify_token does not match the configured verify_token"});
  }
  WebhookAccepted ok;
  ok.content_type = "text/plain; charset=utf-8";
  ok.body = *challenge;
  return ok;
}

enum class Flavor { whatsapp, messenger, instagram };

class MetaChannel final : public Channel {
 public:
  MetaChannel(ChannelSettings s, Flavor flavor) : Channel(std::move(s)), flavor_(flavor), platform_(platform_of(flavor)) {}

  WebhookResult on_webhook(const InboundRequest& request) const override {
    if (request.method == "GET") return handshake(request, settings().get("verify_token"));
    if (request.method != "POST") {
      return unexpected(WebhookError{405, "method_not_allowed", "Meta webhooks are a GET handshake and POSTs"});
    }
    if (!webhook_signature_valid(settings().get("app_secret"), request.body, request.header("X-Hub-Signature-256"))) {
      return unexpected(WebhookError{401, "bad_signature", "X-Hub-Signature-256 is missing or does not match the body"});
    }
    WebhookAccepted accepted;
    auto messages = flavor_ == Flavor::whatsapp ? parse_whatsapp(request.body, id(), &accepted.statuses)
                                                : parse_page_messaging(request.body, id(), settings().kind, &accepted.statuses);
    if (!messages) return unexpected(messages.error());
    accepted.messages = std::move(*messages);
    return accepted;
  }

  boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const override {
    return meta_check(settings(), platform_, probe);
  }
  bool registers() const override { return true; }
  boost::asio::awaitable<std::vector<CheckStep>> register_at(const ProviderProbe& probe) const override {
    return meta_register(settings(), platform_, probe);
  }

  /// Meta's customer-service window: free-form replies within 24 hours of the customer's last
  /// message. WhatsApp can go on with an approved template (window_template); Messenger and
  /// Instagram cannot (their message tags are not ours to choose).
  ReplyWindow reply_window() const override {
    constexpr std::int64_t kDay = 24LL * 3600 * 1000;
    if (flavor_ == Flavor::whatsapp) {
      return {kDay, settings().get("window_template"), "whatsapp_window_closed",
              "WhatsApp accepts free-form replies only within 24 hours of the customer's last message; "
              "the customer has to write again first"};
    }
    const std::string name = flavor_ == Flavor::instagram ? "Instagram" : "Messenger";
    return {kDay, "", "reply_window_closed",
            name + " accepts replies only within 24 hours of the customer's last message; the customer has to "
                   "write again first"};
  }

  /// WhatsApp text bodies take 4,096 characters, Messenger 2,000, Instagram 1,000; longer goes as parts.
  ReplyLimit reply_limit() const override {
    if (flavor_ == Flavor::whatsapp) return {4096, true};
    return {flavor_ == Flavor::instagram ? 1000u : 2000u, true};
  }

  std::optional<HttpCall> build_send(const OutboundMessage& m) const override {
    HttpCall call;
    if (flavor_ == Flavor::whatsapp) {
      call.url = settings().get("api_base") + "/" + settings().get("phone_number_id") + "/messages";
      call.headers = {{"Authorization", "Bearer " + settings().get("access_token")}};
      json::object body{{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", m.recipient}};
      if (!m.template_name.empty()) {
        // Outside the 24-hour window only an approved template may go; the agent's text fills its {{1}}.
        body["type"] = "template";
        body["template"] = json::object{
            {"name", m.template_name},
            {"language", json::object{{"code", settings().get("template_language")}}},
            {"components", json::array{json::object{
                {"type", "body"}, {"parameters", json::array{json::object{{"type", "text"}, {"text", m.text}}}}}}}};
      } else {
        body["type"] = "text";
        body["text"] = json::object{{"preview_url", false}, {"body", m.text}};
      }
      call.body = json::serialize(body);
    } else {
      call.url = settings().get("api_base") + "/" + settings().get("page_id") + "/messages";
      call.headers = {{"Authorization", "Bearer " + settings().get("page_access_token")}};
      call.body = json::serialize(json::object{{"recipient", json::object{{"id", m.recipient}}},
                                               {"messaging_type", "RESPONSE"},
                                               {"message", json::object{{"text", m.text}}}});
    }
    call.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
    return call;
  }

  SendResult read_send_answer(int status, std::string_view body) const override {
    SendResult r = default_send_result(status, body);
    auto answer = json_object_of(body);
    if (!answer) return r;
    const json::object& o = *answer;
    if (r.kind == SendResult::Kind::sent) {
      // WhatsApp: {"messages":[{"id":"wamid…"}]}; Messenger/Instagram: {"message_id":"m_…"}.
      const auto& msgs = arr_at(o, "messages");
      r.provider_id = !msgs.empty() && msgs[0].is_object() ? str(msgs[0].get_object(), "id") : str(o, "message_id");
      return r;
    }
    const auto& err = obj_at(o, "error");
    std::string code = str(err, "code");
    r.reason = "Graph API error " + code + ": " + str(err, "message");
    // Throttling (WhatsApp 130429, 131056 pair rate; Graph 4, 17, 32, 613): retried with the
    // outbound backoff (Meta sends no Retry-After), never dropped.
    if (code == "130429" || code == "131056" || code == "4" || code == "17" || code == "32" || code == "613") {
      r.kind = SendResult::Kind::retry;
    }
    return r;
  }

 private:
  static MetaPlatform platform_of(Flavor flavor) {
    switch (flavor) {
      case Flavor::whatsapp:
        return {"WhatsApp", "whatsapp_business_account", "access_token", "phone_number_id", "phone number", {"messages"}};
      case Flavor::messenger:
        return {"Messenger", "page", "page_access_token", "page_id", "page", {"messages", "message_deliveries"}};
      case Flavor::instagram:
        break;
    }
    return {"Instagram", "instagram", "page_access_token", "page_id", "page", {"messages"}};
  }

  Flavor flavor_;
  MetaPlatform platform_;
};

std::vector<FieldSpec> common_fields() {
  return {{.name = "app_secret", .type = FieldType::secret, .required = true},
          {.name = "verify_token", .type = FieldType::secret, .required = true},
          {.name = "api_base", .type = FieldType::url, .default_value = "https://graph.facebook.com/v19.0"}};
}

ChannelKind meta_kind(std::string name, Flavor flavor, std::vector<FieldSpec> extra, std::string rate) {
  ChannelKind k;
  k.name = std::move(name);
  k.medium = Medium::chat;
  k.fields = common_fields();
  k.fields.insert(k.fields.end(), extra.begin(), extra.end());
  k.fields.push_back({.name = "rate_limit", .type = FieldType::rate, .default_value = std::move(rate)});
  k.create = [flavor](ChannelSettings s) -> std::unique_ptr<Channel> {
    return std::make_unique<MetaChannel>(std::move(s), flavor);
  };
  return declared_kind(std::move(k));
}

}  // namespace

namespace {

/// A change's `statuses`: what became of messages we sent.
void read_whatsapp_statuses(const json::object& value, std::vector<DeliveryUpdate>* statuses) {
  if (!statuses) return;
  for (const auto& sv : arr_at(value, "statuses")) {
    if (!sv.is_object()) continue;
    const auto& st = sv.get_object();
    DeliveryUpdate u{str(st, "id"), str(st, "status"), "", epoch_seconds_to_ms(str(st, "timestamp"))};
    const auto& errors = arr_at(st, "errors");
    if (!errors.empty() && errors[0].is_object()) {
      u.reason = "WhatsApp error " + str(errors[0].get_object(), "code") + ": " + str(errors[0].get_object(), "title");
    }
    if (!u.provider_id.empty()) statuses->push_back(std::move(u));
  }
}

/// One WhatsApp message as ours; nullopt inside for a kind we do not keep (reactions …).
Expected<std::optional<Message>, WebhookError> whatsapp_message(const json::object& m,
                                                                const std::map<std::string, std::string>& names,
                                                                std::string_view channel_id, std::int64_t now) {
  std::vector<Attachment> attachments;
  auto text = whatsapp_text(m, attachments);
  const std::string from = str(m, "from"), id = str(m, "id");
  if (!text || from.empty() || id.empty()) return std::optional<Message>();
  if (from.find_first_not_of("0123456789") != std::string::npos || from.size() > 15) {
    return bad_request("invalid_field", "a message's 'from' must be a WhatsApp id (digits)");
  }
  Message msg;
  msg.channel_id = std::string(channel_id);
  msg.channel_kind = "whatsapp";
  msg.provider_id = id;
  msg.contact_handle = "+" + from;  // wa_id is the number in international form: the same person as on SMS
  msg.handle_kind = "phone";
  auto name = names.find(from);
  msg.contact_name = nfc(name == names.end() ? std::string() : name->second);
  msg.thread_key = from;            // and where replies go
  msg.text = nfc(*text);
  msg.attachments = std::move(attachments);
  msg.provider_time_ms = epoch_seconds_to_ms(str(m, "timestamp"));
  msg.received_time_ms = now;
  return std::optional<Message>(std::move(msg));
}

}  // namespace

Expected<std::vector<Message>, WebhookError> parse_whatsapp(std::string_view body, std::string_view channel_id,
                                                            std::vector<DeliveryUpdate>* statuses) {
  auto root = parse_object(body);
  if (!root) return unexpected(root.error());
  if (str(*root, "object") != "whatsapp_business_account") {
    return bad_request("invalid_field", "'object' must be whatsapp_business_account");
  }
  std::vector<Message> out;
  const std::int64_t now = now_ms();
  for (const auto& entry : arr_at(*root, "entry")) {
    if (!entry.is_object()) continue;
    for (const auto& change : arr_at(entry.get_object(), "changes")) {
      if (!change.is_object()) continue;
      const auto& value = obj_at(change.get_object(), "value");
      read_whatsapp_statuses(value, statuses);
      // Names come in `contacts`, keyed by wa_id.
      std::map<std::string, std::string> names;
      for (const auto& c : arr_at(value, "contacts")) {
        if (c.is_object()) names[str(c.get_object(), "wa_id")] = str(obj_at(c.get_object(), "profile"), "name");
      }
      for (const auto& mv : arr_at(value, "messages")) {
        if (!mv.is_object()) continue;
        auto msg = whatsapp_message(mv.get_object(), names, channel_id, now);
        if (!msg) return unexpected(msg.error());
        if (!*msg) continue;
        if (out.size() >= kMaxMessagesPerDelivery) return bad_request("too_many_messages", "at most 1000 per delivery");
        out.push_back(std::move(**msg));
      }
    }
  }
  return out;
}

namespace {

/// A messaging event's delivery receipts for messages we sent.
void read_page_deliveries(const json::object& e, std::vector<DeliveryUpdate>* statuses) {
  const auto& d = obj_at(e, "delivery");
  if (!statuses || d.empty()) return;
  for (const auto& mid : arr_at(d, "mids")) {
    if (mid.is_string()) statuses->push_back({std::string(mid.get_string()), "delivered", "", epoch_ms(str(e, "timestamp"))});
  }
}

/// A message's attachments, and a shared location as a line of its text.
void read_page_attachments(const json::object& m, Message& msg) {
  for (const auto& av : arr_at(m, "attachments")) {
    if (!av.is_object()) continue;
    const auto& a = av.get_object();
    Attachment att;
    att.name = str(a, "type");
    att.content_type = str(a, "type") == "image" ? "image/*" : "application/octet-stream";
    att.url = str(obj_at(a, "payload"), "url");
    const auto& coords = obj_at(obj_at(a, "payload"), "coordinates");
    if (str(a, "type") == "location" && !coords.empty()) {
      msg.text += (msg.text.empty() ? "" : "\n") + std::string("📍 Location: (") + str(coords, "lat") + ", " +
                  str(coords, "long") + ")";
      continue;
    }
    msg.attachments.push_back(std::move(att));
  }
}

}  // namespace

Expected<std::vector<Message>, WebhookError> parse_page_messaging(std::string_view body, std::string_view channel_id,
                                                                  std::string_view kind,
                                                                  std::vector<DeliveryUpdate>* statuses) {
  auto root = parse_object(body);
  if (!root) return unexpected(root.error());
  const std::string object = str(*root, "object");
  if (object != "page" && object != "instagram") return bad_request("invalid_field", "'object' must be page or instagram");
  std::vector<Message> out;
  const std::int64_t now = now_ms();
  for (const auto& entry : arr_at(*root, "entry")) {
    if (!entry.is_object()) continue;
    for (const auto& ev : arr_at(entry.get_object(), "messaging")) {
      if (!ev.is_object()) continue;
      const auto& e = ev.get_object();
      read_page_deliveries(e, statuses);
      const auto& m = obj_at(e, "message");
      if (m.empty() || m.contains("is_echo")) continue;  // delivery, read, postback … or our own send echoed
      const std::string sender = str(obj_at(e, "sender"), "id"), id = str(m, "mid");
      if (sender.empty() || id.empty()) continue;
      Message msg;
      msg.channel_id = std::string(channel_id);
      msg.channel_kind = std::string(kind);
      msg.provider_id = id;
      msg.contact_handle = sender;              // page-scoped id: means nothing outside this channel
      msg.handle_kind = std::string(channel_id);
      msg.thread_key = sender;
      msg.text = nfc(str(m, "text"));
      read_page_attachments(m, msg);
      if (msg.text.empty() && msg.attachments.empty()) continue;
      if (out.size() >= kMaxMessagesPerDelivery) return bad_request("too_many_messages", "at most 1000 per delivery");
      msg.provider_time_ms = epoch_ms(str(e, "timestamp"));
      msg.received_time_ms = now;
      out.push_back(std::move(msg));
    }
  }
  return out;
}

ChannelKind whatsapp_kind() {
  return meta_kind("whatsapp", Flavor::whatsapp,
                   {{.name = "access_token", .type = FieldType::secret, .required = true},
                    {.name = "phone_number_id", .type = FieldType::text, .required = true},
                    // An approved template with one body parameter: replies outside the 24-hour window go as it.
                    {.name = "window_template", .type = FieldType::text},
                    {.name = "template_language", .type = FieldType::text, .default_value = "en"}},
                   "80/s");  // Cloud API: 80 messages a second per business number
}

ChannelKind messenger_kind() {
  return meta_kind("messenger", Flavor::messenger,
                   {{.name = "page_access_token", .type = FieldType::secret, .required = true},
                    {.name = "page_id", .type = FieldType::text, .required = true}},
                   "40/s");
}

ChannelKind instagram_kind() {
  return meta_kind("instagram", Flavor::instagram,
                   {{.name = "page_access_token", .type = FieldType::secret, .required = true},
                    {.name = "page_id", .type = FieldType::text, .required = true}},
                   "40/s");
}

}  // namespace omniroute::channels
