#include "email/email_channel.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "omniroute/url_query.hpp"
#include "common/signing.hpp"
#include "email/imap.hpp"
#include "email/imap_poller.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/mail_message.hpp"
#include "omniroute/text.hpp"

#include "email/email_check.hpp"

namespace omniroute::channels {

namespace {

constexpr std::int64_t kThreadKeySeconds = std::int64_t{180} * 86400;  // replies to mail older than this open a new conversation
constexpr std::int64_t kStaleWebhookSeconds = 300;        // Mailgun's own advice: refuse older timestamps
constexpr std::size_t kMaxReferences = 10;

std::string domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : ascii_lower(std::string(address.substr(at + 1)));
}

/// A Message-ID fit to be written back into a header: printable ASCII, no spaces or angle brackets.
bool header_safe_id(std::string_view id) {
  if (id.empty() || id.size() > 250) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 127 && c != '<' && c != '>'; });
}

/// The conversation an id of ours names ("omniroute.v12.m34@acme.example" → "v12"), or "".
std::string our_conversation(std::string_view id, std::string_view domain) {
  constexpr std::string_view kPrefix = "omniroute.";
  size_t at = id.rfind('@');
  if (!id.starts_with(kPrefix) || at == std::string_view::npos || ascii_lower(std::string(id.substr(at + 1))) != domain) return "";
  std::string_view local = id.substr(kPrefix.size(), at - kPrefix.size());
  size_t dot = local.find('.');
  std::string_view conv = local.substr(0, dot);
  if (dot == std::string_view::npos || conv.size() < 2 || conv[0] != 'v') return "";
  bool digits = std::all_of(conv.begin() + 1, conv.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits ? std::string(conv) : "";
}

std::string header_text(std::string s) {  // a value from outside, made safe to write into a header
  for (auto& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

}  // namespace

std::optional<std::int64_t> parse_size(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0) return std::nullopt;
  std::string unit = ascii_lower(std::string(text.substr(end - text.data())));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  std::int64_t scale = unit.empty() || unit == "b" ? 1 : unit == "kb" ? 1024 : unit == "mb" ? 1024 * 1024 : 0;
  if (scale == 0 || n > (std::int64_t{1} << 40) / scale) return std::nullopt;
  return n * scale;
}

std::string outbound_message_id(std::string_view conversation_id, std::string_view message_id, std::string_view address) {
  return "omniroute." + std::string(conversation_id) + "." + std::string(message_id) + "@" + domain_of(address);
}

Message read_mail(std::string_view raw, const ChannelSettings& settings) {
  Message m;
  m.channel_id = settings.id;
  m.channel_kind = "email";
  m.handle_kind = "email";
  std::int64_t keep = parse_size(settings.get("keep_attachments_up_to")).value_or(0);
  auto parsed = parse_mail(raw, keep);
  if (!parsed || parsed->from_address.find_first_of(" \r\n<>\"") != std::string::npos) {
    // Recorded as an automatic message (never routed): an administrator can find it in or:{ws}:automatic.
    m.provider_id = "sha256:" + sha256_hex(raw);
    m.thread_key = "msg:" + m.provider_id;
    m.automatic = "unreadable: " + (parsed ? "the From address is malformed" : parsed.error());
    m.text = "";
    return m;
  }
  const ParsedMail& mail = *parsed;
  m.provider_id = header_safe_id(mail.message_id) ? mail.message_id : "sha256:" + sha256_hex(raw);
  m.contact_handle = mail.from_address;
  m.contact_name = mail.from_name;
  m.thread_key = "msg:" + m.provider_id;
  m.thread_ttl_s = kThreadKeySeconds;
  m.subject = mail.subject;
  m.text = mail.reply_text.empty() ? mail.text : mail.reply_text;
  if (m.text != mail.text) m.full_text = mail.text;
  m.provider_time_ms = mail.date_ms;
  for (const auto& a : mail.attachments) {
    m.attachments.push_back({a.name, header_text(a.content_type), a.size, "", a.content});
  }
  if (mail.automatic) m.automatic = mail.automatic_reason;

  // Threading: the mail it answers first, then the rest of its References, newest first.
  const std::string domain = domain_of(settings.get("address"));
  auto add_ref = [&](const std::string& id) {
    if (!header_safe_id(id)) return;
    std::string conv = our_conversation(id, domain);
    std::string key = conv.empty() ? "msg:" + id : "conv:" + conv + ":" + id;
    if (std::find(m.thread_refs.begin(), m.thread_refs.end(), key) == m.thread_refs.end()) m.thread_refs.push_back(key);
  };
  if (mail.automatic) add_ref(mail.returned_message_id);  // a bounce belongs with the mail that bounced
  add_ref(mail.in_reply_to);
  for (auto it = mail.references.rbegin(); it != mail.references.rend(); ++it) add_ref(*it);
  if (std::string subject = normalised_subject(mail.subject); !subject.empty() && !mail.automatic) {
    m.fallback_thread_key = "subject:" + mail.from_address + ":" + (subject.size() > 200 ? sha256_hex(subject) : subject);
    m.fallback_window_s = std::max<std::int64_t>(1, settings.get<Duration>("thread_window").count() / 1000);
  }
  // What our reply will carry in References: this thread's ids, ending with this mail.
  std::vector<std::string> chain;
  for (const auto& id : mail.references) {
    if (header_safe_id(id)) chain.push_back(id);
  }
  if (header_safe_id(mail.message_id)) chain.push_back(mail.message_id);
  if (chain.size() > kMaxReferences) chain.erase(chain.begin() + 1, chain.end() - (kMaxReferences - 1));  // keep the root
  std::string references;
  for (const auto& id : chain) references += (references.empty() ? "" : " ") + id;
  m.reply_context = m.provider_id + "\n" + references;  // read back by build_send: In-Reply-To, References
  return m;
}

namespace {

class EmailChannel final : public Channel {
 public:
  using Channel::Channel;

  WebhookResult on_webhook(const InboundRequest& request) const override {
    const std::string& key = settings().get("webhook_signing_key");
    if (key.empty()) {
      return unexpected(WebhookError{404, "no_inbound_webhook", "this e-mail channel reads its mail by IMAP"});
    }
    if (request.method != "POST") return unexpected(WebhookError{405, "method_not_allowed", "inbound mail is POSTed"});
    auto fields = parse_form_body(request.header("Content-Type"), request.body);
    if (!fields) return unexpected(WebhookError{400, "bad_form", fields.error()});
    const std::string* timestamp = form_value(*fields, "timestamp");
    const std::string* token = form_value(*fields, "token");
    const std::string* signature = form_value(*fields, "signature");
    if (!timestamp || !token || !signature) {
      return unexpected(WebhookError{401, "bad_signature", "timestamp, token and signature are required"});
    }
    if (!constant_time_equal(hmac_sha256_hex(key, *timestamp + *token), *signature)) {
      return unexpected(WebhookError{401, "bad_signature", "the signature does not match timestamp and token"});
    }
    std::int64_t at = 0;
    auto [end, ec] = std::from_chars(timestamp->data(), timestamp->data() + timestamp->size(), at);
    if (ec != std::errc() || std::llabs(now_ms() / 1000 - at) > kStaleWebhookSeconds) {
      return unexpected(WebhookError{401, "stale_timestamp", "the timestamp is more than 5 minutes from now"});
    }
    const std::string* mime = form_value(*fields, "body-mime");
    if (!mime || mime->empty()) {
      return unexpected(WebhookError{400, "missing_body_mime",
                                     "forward the raw message: a Mailgun route to a URL ending in 'mime' posts body-mime"});
    }
    WebhookAccepted accepted;
    accepted.messages.push_back(read_mail(*mime, settings()));
    // The signature covers timestamp + token, not the mail: one token carries one mail.
    accepted.replay_guard = ReplayGuard{*token, 2 * kStaleWebhookSeconds};
    return accepted;
  }

  /// One mail, however long (a reply is bounded by the agent API's body limit); never split.
  ReplyLimit reply_limit() const override { return {0, false}; }

  boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const override {
    return email_check(settings(), probe);
  }

  std::string cannot_send_reason() const override { return "no smtp server is configured"; }

  std::optional<HttpCall> build_send(const OutboundMessage& m) const override {
    if (settings().get("smtp.url").empty()) return std::nullopt;
    mail::MailMessage mail;
    mail.from = settings().get("address");
    mail.to = {m.recipient};
    std::string subject = header_text(m.subject);
    std::string head = ascii_lower(subject.substr(0, 3));
    mail.subject = subject.empty() ? "Re: your message" : head == "re:" ? subject : "Re: " + subject;
    mail.text = m.text;
    mail.message_id = outbound_message_id(m.conversation_id, m.message_id, mail.from);
    // The reply context read_mail recorded: "<the Message-ID answered>\n<References, space-separated>".
    const std::string_view context = m.reply_context;
    const size_t newline = context.find('\n');
    const std::string reply_to(context.substr(0, newline));
    if (header_safe_id(reply_to)) mail.in_reply_to = reply_to;
    const std::string_view references = newline == std::string_view::npos ? "" : context.substr(newline + 1);
    size_t at = 0;
    while (at < references.size()) {
      size_t space = references.find(' ', at);
      std::string id(references.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at));
      if (header_safe_id(id)) mail.references.push_back(id);
      at = space == std::string_view::npos ? references.size() : space + 1;
    }
    mail.date_ms = now_ms();
    auto text = mail::compose(mail);
    if (!text) return std::nullopt;  // cannot happen: every value above is made header-safe
    HttpCall call;
    call.url = settings().get("smtp.url");
    call.username = settings().get("smtp.username");
    call.password = settings().get("smtp.password");
    call.mail_from = mail.from;
    call.mail_to = mail.to;
    call.body = std::move(*text);
    call.timeout_ms = 60'000;
    call.provider_id = mail.message_id;  // recorded with the send: replies and bounces naming it are proven ours
    return call;
  }

  SendResult read_send_answer(int status, std::string_view body) const override {
    // SMTP: 2xx accepted; 4xx try again later; 5xx refused for good; no answer retried.
    SendResult r;
    if (status >= 200 && status < 300) {
      r.kind = SendResult::Kind::sent;
      return r;
    }
    r.kind = status >= 500 ? SendResult::Kind::failed : SendResult::Kind::retry;
    r.reason = status ? "SMTP " + std::to_string(status) + (body.empty() ? "" : ": " + std::string(body)) : "no answer";
    return r;
  }

  void start(ChannelContext& context) override {
    if (settings().get("imap.url").empty()) return;
    poller_ = std::make_unique<ImapPoller>(settings(), context);
    poller_->start();
  }

  void stop() override {
    if (poller_) poller_->stop();
  }

 private:
  std::unique_ptr<ImapPoller> poller_;
};

}  // namespace

ChannelKind email_kind() {
  auto mailbox_url = [](const std::string& v) {
    auto u = imap::parse_mailbox_url(v);
    return u ? std::string() : u.error();
  };
  auto smtp_url = [](const std::string& v) -> std::string {
    if ((v.starts_with("smtp://") || v.starts_with("smtps://")) && v.find("://") + 3 < v.size()) return "";
    return "expected an smtp:// (STARTTLS) or smtps:// URL, got '" + v + "'";
  };
  auto address = [](const std::string& v) -> std::string {
    size_t at = v.find('@');
    bool ok = at != std::string::npos && at > 0 && at + 1 < v.size() && v.find_first_of(" \r\n<>\"") == std::string::npos;
    return ok ? "" : "expected an e-mail address such as support@example.com, got '" + v + "'";
  };
  auto size = [](const std::string& v) -> std::string {
    return parse_size(v) ? "" : "expected a size such as 10MB, 512KB or 0, got '" + v + "'";
  };
  ChannelKind k;
  k.name = "email";
  k.medium = Medium::email;
  k.fields = {{.name = "address", .type = FieldType::text, .required = true, .check = address},
              {.name = "imap.url", .type = FieldType::text, .required = true, .check = mailbox_url},
              {.name = "imap.username", .type = FieldType::text, .required = true},
              {.name = "imap.password", .type = FieldType::secret, .required = true},
              {.name = "imap.poll_interval", .type = FieldType::duration, .default_value = "30s"},
              {.name = "imap.after", .type = FieldType::text, .default_value = "seen", .check = imap::check_after},
              {.name = "smtp.url", .type = FieldType::text, .required = true, .check = smtp_url},
              {.name = "smtp.username", .type = FieldType::text},
              {.name = "smtp.password", .type = FieldType::secret},
              {.name = "webhook_signing_key", .type = FieldType::secret},
              {.name = "thread_window", .type = FieldType::duration, .default_value = "7d"},
              {.name = "keep_attachments_up_to", .type = FieldType::text, .default_value = "10MB", .check = size},
              {.name = "rate_limit", .type = FieldType::rate, .default_value = "10/s"}};
  k.check = [](const ChannelSettings& s) -> std::string {
    if (s.get("imap.url").empty() && s.get("webhook_signing_key").empty()) {
      return "an e-mail channel needs a way in: an imap block, or webhook_signing_key for an inbound-parse webhook";
    }
    return "";
  };
  k.create = [](ChannelSettings s) -> std::unique_ptr<Channel> { return std::make_unique<EmailChannel>(std::move(s)); };
  return declared_kind(std::move(k));
}

}  // namespace omniroute::channels
