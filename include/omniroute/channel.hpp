#pragma once
// The Channel interface: how a provider's traffic becomes Messages.
//
// A channel is built from its validated settings by its kind's factory. A
// webhook channel verifies and parses deliveries in `on_webhook`, a pure
// function with no I/O; the core stores what it returns and answers the
// provider only after that. A polling channel (IMAP, Telegram getUpdates)
// runs from `start` on the executor it is lent and hands what it fetched to
// the IngestSink. Channels include only headers from include/omniroute.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "omniroute/expected.hpp"
#include "omniroute/message.hpp"
#include "omniroute/reply_parts.hpp"
#include "omniroute/task_group.hpp"

namespace omniroute {

/// One HTTP request as a channel sees it: raw bytes, nothing decoded yet.
struct InboundRequest {
  std::string_view method;
  std::string_view target;      // path and query exactly as received
  std::string_view body;        // raw body: signatures are computed over it
  std::string_view public_url;  // server.public_url: the URL providers sign
  std::vector<std::pair<std::string_view, std::string_view>> headers;

  /// The first header called `name` (case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const;
};

/// Why a delivery was refused, as the provider will see it (JSON error body).
struct WebhookError {
  int status = 400;
  std::string code;     // machine-readable: "bad_signature"
  std::string message;  // for a human reading the provider's logs
};

/// A provider's word on a message we sent (found by the provider's id for it).
struct DeliveryUpdate {
  std::string provider_id;
  std::string status;  // sent, delivered, read or failed
  std::string reason;  // why it failed
  std::int64_t at_ms = 0;
};

/// A signature that does not cover the body (Mailgun signs timestamp + token only) could be
/// replayed with another body while it is fresh. The core remembers each such delivery's nonce
/// with what it carried, for as long as the signature is accepted, and refuses (401 `replayed`)
/// the same nonce carrying other messages; the same delivery again (a provider's retry) passes.
struct ReplayGuard {
  std::string nonce;       // unique per signed delivery (Mailgun's token)
  std::int64_t ttl_s = 0;  // how long the signature stays acceptable
};

/// What a channel made of an accepted delivery, and what to answer once it is durable.
struct WebhookAccepted {
  std::vector<Message> messages;  // may be empty: a status callback, a handshake
  std::vector<DeliveryUpdate> statuses;  // delivery reports on what we sent
  std::optional<ReplayGuard> replay_guard;  // set by schemes whose signature leaves the body out
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body = "{\"status\":\"accepted\"}";
};

using WebhookResult = Expected<WebhookAccepted, WebhookError>;

/// One HTTP request a channel wants made, e.g. to deliver a reply. The core makes it.
struct HttpCall {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string basic_auth;  // "user:password", or empty
  int timeout_ms = 10'000;
  std::size_t max_answer_bytes = 1 << 20;  // an answer beyond this is cut (and flagged)
  std::string provider_id;  // the provider's id for what is sent, when known before sending (e-mail: our Message-ID)

  // Mail servers, when the URL's scheme is one (smtp/smtps, imap/imaps; imap:// and smtp:// must
  // upgrade with STARTTLS unless the host is loopback):
  // smtp submits `body` (a whole RFC 5322 message) from `mail_from` to `mail_to`, and the status is
  // the server's last reply (250); imap runs `method` as one IMAP command ("UID SEARCH UID 5:*",
  // its untagged answers are the body) or, when `method` is "FETCH", fetches the URL
  // (".../INBOX;UID=7": that mail's raw text), and the status is 200 once the server said OK.
  std::string username, password;
  std::string mail_from;
  std::vector<std::string> mail_to;
};

/// An agent's reply, to be delivered on the conversation's channel.
struct OutboundMessage {
  std::string conversation_id;
  std::string message_id;  // ours: the provider may use it as an idempotency key
  std::string recipient;   // the customer's handle on this channel (the thread key)
  std::string text;
  std::string template_name;  // send as this approved template, `text` its one parameter (WhatsApp, outside its window)
  std::string subject;  // the conversation's
  // What the channel recorded (Message::reply_context) of the customer's last message that set one,
  // returned unchanged: e-mail answers that message in its thread with it.
  std::string reply_context;
};

/// What a provider's answer to a send means.
struct SendResult {
  enum class Kind { sent, retry, failed };
  Kind kind = Kind::failed;
  std::string provider_id;  // the provider's id for the sent message
  std::string reason;       // why it failed or must be retried
  int retry_after_s = 0;    // the provider asked to wait this long (429)
};

/// The usual reading of an HTTP answer: 2xx sent; 408, 429, 5xx and no answer retried; other 4xx failed.
SendResult default_send_result(int status, std::string_view body);

struct FieldSpec;

/// A duration setting's value ("90s"); zero when unset.
using Duration = std::chrono::milliseconds;
/// A rate setting's value ("80/s"); zero when unset.
struct Rate {
  double per_second = 0;
};

/// A configured channel: checked against its kind's fields, `${VAR}`s expanded.
struct ChannelSettings {
  std::string id;
  std::string kind;
  std::map<std::string, std::string, std::less<>> values;  // nested keys flattened: "imap.url"
  /// The keys its kind declares (attached by the kind's `create`, see declared_kind): a channel that
  /// reads any other key, or reads a key as another type than declared, is a programming error
  /// (std::logic_error), found by the first test that takes that path.
  std::shared_ptr<const std::vector<FieldSpec>> declared;

  /// The value of `key` as written (text, secret, url, phone, choice), or "" when unset with no default.
  const std::string& get(std::string_view key) const;
  /// A typed value: get<Duration>("imap.poll_interval"), get<Rate>("rate_limit").
  template <typename T>
  T get(std::string_view key) const;
  /// Whether its kind declares `key` (true when the settings carry no declarations).
  bool declares(std::string_view key) const;
  /// A list setting's items (FieldType::list), in the order written; empty when unset.
  std::vector<std::string> list(std::string_view key) const;

 private:
  /// The declaration of `key` (nullptr when the settings carry none); throws std::logic_error when undeclared.
  const FieldSpec* declaration(std::string_view key) const;
};
template <>
Duration ChannelSettings::get<Duration>(std::string_view key) const;
template <>
Rate ChannelSettings::get<Rate>(std::string_view key) const;

/// "250ms", "90s", "15m", "2h", "1d" in milliseconds; nullopt when not such a duration (or over a century).
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

/// "80/s", "0.5/s" (or a bare number) per second, 0 to 100,000; nullopt when not such a rate.
std::optional<double> parse_rate_per_second(std::string_view text);

/// What became of a message handed to the core for storage.
struct IngestOutcome {
  bool stored = false;     // durable in Redis (a duplicate counts as stored)
  bool duplicate = false;  // the provider sent it before
  std::string conversation_id;
  std::string message_id;
  std::string error;  // why it was not stored, when !stored
  bool routable = false;  // a new conversation that an available agent could take now
  std::string queue;      // the queue a new conversation went to
  bool created = false;   // this message opened a new conversation
};

/// Where a polling channel hands what it fetched; resumes once the message is durable or failed.
class IngestSink {
 public:
  virtual ~IngestSink() = default;
  virtual boost::asio::awaitable<IngestOutcome> ingest(Message message) = 0;
};

/// Durable state of one channel (a poll offset, an IMAP UIDVALIDITY), kept in Redis
/// so a restart neither loses nor repeats. Resumes on the channel's executor.
class ChannelState {
 public:
  virtual ~ChannelState() = default;
  /// The field's value: nullopt when Redis failed; an empty optional inside when it was never set.
  virtual boost::asio::awaitable<std::optional<std::optional<std::string>>> get(const std::string& field) = 0;
  /// False when Redis failed.
  virtual boost::asio::awaitable<bool> set(const std::string& field, const std::string& value) = 0;
};

/// A provider's answer to a channel's own request: status 0 when none came (refused, timed out).
struct HttpReply {
  int status = 0;
  std::string body;
  std::string error;
  bool truncated = false;  // the answer was longer than the call's max_answer_bytes
};

/// What the core lends a channel that works on its own (polling). Outlives start()..stop().
struct ChannelContext {
  boost::asio::any_io_executor executor;  // one event loop; never block it
  IngestSink* sink = nullptr;
  ChannelState* state = nullptr;
  TaskGroup* tasks = nullptr;  // where the channel runs its own coroutines (polling), owned by the loop
  /// Makes a provider request (long polls included); resumes on `executor`.
  std::function<boost::asio::awaitable<HttpReply>(const HttpCall&)> http;
};

/// A provider that takes free-form replies only within a span after the customer's last message
/// (Meta's 24-hour customer-service window). The core refuses, or sends the fallback template,
/// outside it; it never names the provider.
struct ReplyWindow {
  std::int64_t span_ms = 0;       // 0: replies are always free-form
  std::string fallback_template;  // outside the window the reply goes as this approved template ("" none)
  std::string refusal_code;       // 409 error code outside the window with no template
  std::string refusal_message;
};

/// How fast replies may leave on a channel: the provider's own limits.
struct SendPolicy {
  double per_second = 0;                // all replies of the channel; 0: unlimited
  double per_recipient_per_second = 0;  // to one customer; 0: unlimited
};

/// What one sent reply cost on its medium, recorded with its delivery (SMS: encoding, segments).
struct SendCost {
  std::string encoding;
  int segments = 0;
};

/// One step of a channel's check or registration: what was tried, whether it worked, and what was
/// found; when it failed, the provider's own words (its error message), never a secret.
struct CheckStep {
  std::string name;  // "account", "number", "webhook", "imap login", …
  bool ok = false;
  std::string detail;
};

/// What a check or registration is lent: the provider requests (made by the core, once each, never
/// retried) and where the provider must call us.
struct ProviderProbe {
  std::function<boost::asio::awaitable<HttpReply>(const HttpCall&)> http;
  std::string webhook_url;  // server.public_url + "/webhooks/<id>"; "" when no public_url is configured
  std::int64_t now_ms = 0;  // wall clock, for tokens that expire
};

/// One configured channel instance.
class Channel {
 public:
  explicit Channel(ChannelSettings settings) : settings_(std::move(settings)) {}
  virtual ~Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  const ChannelSettings& settings() const { return settings_; }
  const std::string& id() const { return settings_.id; }

  /// Verifies and parses one webhook delivery. Pure: no I/O, no exceptions.
  virtual WebhookResult on_webhook(const InboundRequest& request) const;

  /// The provider request that delivers `message`, or nullopt when this channel cannot send. Pure.
  virtual std::optional<HttpCall> build_send(const OutboundMessage& /*message*/) const { return std::nullopt; }
  /// When free-form replies are accepted (default: always).
  virtual ReplyWindow reply_window() const { return {}; }
  /// How fast replies may go out (default: the kind's `rate_limit` key, if it has one).
  virtual SendPolicy send_policy() const {
    return {settings_.declares("rate_limit") ? settings_.get<Rate>("rate_limit").per_second : 0, 0};
  }
  /// What sending `text` costs, when the medium bills by more than the message (default: nothing recorded).
  virtual std::optional<SendCost> send_cost(std::string_view /*text*/) const { return std::nullopt; }

  /// How long one message to the customer may be here: the core splits a longer reply into
  /// numbered parts, or refuses it (400 reply_too_long), before anything is queued.
  virtual ReplyLimit reply_limit() const { return {}; }

  /// The customer reads replies in the conversation itself (web chat): nothing goes to a provider, a reply
  /// counts as sent once it is stored, and the customer's own connection shows it.
  virtual bool delivers_in_place() const { return false; }

  /// Why build_send gives nothing here, shown to the agent on the failed reply.
  virtual std::string cannot_send_reason() const { return "its kind cannot send replies"; }

  /// What the provider's answer to build_send's request means. Pure.
  virtual SendResult read_send_answer(int status, std::string_view body) const {
    return default_send_result(status, body);
  }

  /// A read-only conversation with the provider, step by step (credentials, the number or page, where its
  /// webhook points). Never changes anything at the provider. Default: no provider to reach.
  virtual boost::asio::awaitable<std::vector<CheckStep>> check(const ProviderProbe& probe) const;
  /// Whether register_at can point the provider at us (or, polling, take its webhook away).
  virtual bool registers() const { return false; }
  /// Sets the provider's webhook to probe.webhook_url where the provider allows it, step by step; only on an
  /// admin's explicit request. Default: nothing (registers() is false).
  virtual boost::asio::awaitable<std::vector<CheckStep>> register_at(const ProviderProbe& probe) const;

  /// Starts background intake (polling); the default channel has none. Called once
  /// Redis is connected; later failures (ingest or state) must be retried with backoff.
  virtual void start(ChannelContext& /*context*/) {}
  /// Stops what `start` began; in-flight ingests still complete.
  virtual void stop() {}

 private:
  ChannelSettings settings_;
};

/// The configured channels by id; built once per configuration, shared read-only by every loop.
using ChannelMap = std::map<std::string, std::unique_ptr<Channel>, std::less<>>;

/// How a settings value is checked before a channel ever sees it.
enum class FieldType { text, secret, url, phone, duration, choice, rate, list };

/// How a list setting's items are kept in ChannelSettings::values (one string): joined by this.
inline constexpr char kListSeparator = '\n';

/// One key a channel kind accepts.
struct FieldSpec {
  std::string name;  // nested keys are written "imap.url"
  FieldType type = FieldType::text;
  bool required = false;
  std::string default_value;
  std::vector<std::string> choices;  // for FieldType::choice
  /// A further check of a set value (of each item of a list): what is wrong with it, or "" (e.g. an IMAP URL's form).
  std::function<std::string(const std::string&)> check;
};

/// A kind of channel: its schema and its factory.
struct ChannelKind {
  std::string name;  // "twilio_sms", as written in `kind:`
  Medium medium = Medium::chat;
  std::vector<FieldSpec> fields;
  bool needs_public_url = false;  // the provider signs the URL it calls
  /// The customer rates a conversation in our own panel (web chat): `csat` needs no survey templates.
  bool rates_in_panel = false;
  /// What is wrong with the settings taken together (keys that need each other), or "".
  std::function<std::string(const ChannelSettings&)> check;
  std::function<std::unique_ptr<Channel>(ChannelSettings)> create;
};

/// `kind` with its `create` attaching the kind's declared fields to the settings it is given: every kind's
/// factory function ends with `return declared_kind(std::move(k));`.
ChannelKind declared_kind(ChannelKind kind);

/// The kinds this build knows, filled explicitly by register_builtin_channels.
class ChannelRegistry {
 public:
  /// Adds a kind; throws std::logic_error when the name is taken.
  void add(ChannelKind kind);
  /// The kind called `name`, or nullptr.
  const ChannelKind* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<ChannelKind> kinds_;
};

/// The one list of built-in channel kinds (channels/registry.cpp).
void register_builtin_channels(ChannelRegistry& registry);

}  // namespace omniroute
