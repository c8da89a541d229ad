#include "twilio_sms/twilio_channel.hpp"

#include <algorithm>
#include <map>
#include <boost/json.hpp>

#include "common/signing.hpp"
#include "twilio_sms/twilio_check.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/phone.hpp"
#include "omniroute/sms.hpp"
#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace {

constexpr std::string_view kEmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

Unexpected<WebhookError> bad_request(std::string code, std::string message) {
  return unexpected(WebhookError{400, std::move(code), std::move(message)});
}

class TwilioSmsChannel final : public Channel {
 public:
  using Channel::Channel;

  WebhookResult on_webhook(const InboundRequest& request) const override {
    if (request.method != "POST") {
      return unexpected(WebhookError{405, "method_not_allowed", "Twilio webhooks are POSTed"});
    }
    auto fields = parse_form(request.body);
    if (!fields) return bad_request("invalid_form", "the body is not valid form encoding");
    // Twilio signs the URL it called: our public URL plus the path and query it used.
    std::string url = std::string(request.public_url) + std::string(request.target);
    std::string expected = twilio_signature(settings().get("auth_token"), url, *fields);
    if (!constant_time_equal(expected, request.header("X-Twilio-Signature"))) {
      return unexpected(WebhookError{401, "bad_signature",
                                     "X-Twilio-Signature is missing or does not match"});
    }
    WebhookAccepted accepted;
    accepted.content_type = "text/xml; charset=utf-8";
    accepted.body = std::string(kEmptyTwiml);
    // A status callback (sent, delivered…) carries no customer text; issue #5 records it.
    const std::string* status = form_value(*fields, "MessageStatus");
    if (!status) status = form_value(*fields, "SmsStatus");
    if (status && *status != "received" && !form_value(*fields, "Body")) {
      // A status callback on a message we sent: sent, delivered, undelivered, failed, read.
      const std::string* sid = form_value(*fields, "MessageSid");
      if (!sid) sid = form_value(*fields, "SmsSid");
      static const std::map<std::string, std::string, std::less<>> kStatus{
          {"sent", "sent"}, {"delivered", "delivered"}, {"read", "read"}, {"undelivered", "failed"}, {"failed", "failed"}};
      auto mapped = kStatus.find(*status);
      if (sid && mapped != kStatus.end()) {
        const std::string* code = form_value(*fields, "ErrorCode");
        std::string reason = mapped->second == "failed" ? "Twilio " + *status + (code ? " (error " + *code + ")" : "") : "";
        accepted.statuses.push_back({*sid, mapped->second, reason, now_ms()});
      }
      return accepted;
    }
    auto message = parse_twilio_inbound(*fields, id(), settings().get("default_region"));
    if (!message) return unexpected(message.error());
    accepted.messages.push_back(std::move(*message));
    return accepted;
  }

  // Twilio's Messages API: form-encoded POST with Basic auth (account SID : auth token).
  /// An SMS is billed by segments: Hindi and Telugu are UCS-2, 70 characters a segment.
  std::optional<SendCost> send_cost(std::string_view text) const override {
    SmsCost cost = sms_cost(text);
    return SendCost{std::string(cost.encoding()), cost.segments};
  }

  /// Twilio's Messages API takes a Body of at most 1,600 characters; longer goes as parts.
  ReplyLimit reply_limit() const override { return {1600, true}; }

  std::optional<HttpCall> build_send(const OutboundMessage& m) const override {
    const std::string& sid = settings().get("account_sid");
    HttpCall call;
    call.url = settings().get("api_base") + "/2010-04-01/Accounts/" + sid + "/Messages.json";
    call.basic_auth = sid + ":" + settings().get("auth_token");
    call.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    call.body = form_encode({{"To", m.recipient}, {"From", settings().get("from")}, {"Body", m.text}});
    return call;
  }

  boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const override {
    return twilio_check(settings(), probe);
  }
  bool registers() const override { return true; }
  boost::asio::awaitable<std::vector<CheckStep>> register_at(const ProviderProbe& probe) const override {
    return twilio_register(settings(), probe);
  }

  SendResult read_send_answer(int status, std::string_view body) const override {
    SendResult r = default_send_result(status, body);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return r;
    const auto& o = v.get_object();
    if (r.kind == SendResult::Kind::sent) {
      if (auto it = o.find("sid"); it != o.end() && it->value().is_string()) r.provider_id = it->value().get_string();
    } else if (auto it = o.find("message"); it != o.end() && it->value().is_string()) {
      r.reason = "Twilio " + std::to_string(status) + ": " + std::string(it->value().get_string());
    }
    return r;
  }
};

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormFields fields) {
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string data(url);
  for (const auto& [k, v] : fields) {
    data += k;
    data += v;
  }
  return hmac_sha1_base64(auth_token, data);
}

Expected<Message, WebhookError> parse_twilio_inbound(const FormFields& fields, std::string_view channel_id,
                                                     std::string_view default_region) {
  const std::string* sid = form_value(fields, "MessageSid");
  if (!sid) sid = form_value(fields, "SmsSid");
  const std::string* from = form_value(fields, "From");
  if (!sid || sid->empty()) return bad_request("missing_field", "MessageSid is required");
  if (!from || from->empty()) return bad_request("missing_field", "From is required");
  Message m;
  m.channel_id = std::string(channel_id);
  m.channel_kind = "twilio_sms";
  m.direction = Direction::inbound;
  m.provider_id = *sid;
  // One person, one contact: the number in E.164 whatever form it came in ("whatsapp:+91…" too);
  // replies go back to exactly what Twilio gave.
  m.contact_handle = to_e164(*from, default_region).value_or(*from);
  m.handle_kind = "phone";
  m.thread_key = *from;
  const std::string* body = form_value(fields, "Body");
  if (body) {
    auto nfc = to_nfc(*body);
    if (!nfc) return bad_request("invalid_utf8", "Body is not valid UTF-8");
    m.text = std::move(*nfc);
  }
  if (const std::string* name = form_value(fields, "ProfileName")) m.contact_name = to_nfc(*name).value_or("");
  int media = 0;
  if (const std::string* n = form_value(fields, "NumMedia")) media = std::clamp(std::atoi(n->c_str()), 0, 10);
  for (int i = 0; i < media; ++i) {
    const std::string* url = form_value(fields, "MediaUrl" + std::to_string(i));
    if (!url) continue;
    const std::string* type = form_value(fields, "MediaContentType" + std::to_string(i));
    Attachment a;
    a.url = *url;
    a.content_type = type ? *type : "application/octet-stream";
    a.name = url->substr(url->rfind('/') + 1);
    m.attachments.push_back(std::move(a));
  }
  m.received_time_ms = now_ms();
  return m;
}

ChannelKind twilio_sms_kind() {
  ChannelKind k;
  k.name = "twilio_sms";
  k.medium = Medium::sms;
  k.needs_public_url = true;
  k.fields = {
      {.name = "account_sid", .type = FieldType::text, .required = true},
      {.name = "auth_token", .type = FieldType::secret, .required = true},
      {.name = "from", .type = FieldType::phone, .required = true},
      {.name = "api_base", .type = FieldType::url, .default_value = "https://api.twilio.com"},
      // A long code sends 1 segment a second (Twilio queues beyond); short codes and toll-free go faster.
      {.name = "rate_limit", .type = FieldType::rate, .default_value = "1/s"},
      // Places national sender numbers (ISO 3166 region, e.g. IN); Twilio normally sends E.164.
      {.name = "default_region", .type = FieldType::choice, .choices = known_regions()},
  };
  k.create = [](ChannelSettings s) -> std::unique_ptr<Channel> {
    return std::make_unique<TwilioSmsChannel>(std::move(s));
  };
  return declared_kind(std::move(k));
}

}  // namespace omniroute::channels
