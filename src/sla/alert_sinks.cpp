#include "sla/alert_sinks.hpp"

#include <boost/json.hpp>

#include "omniroute/clock.hpp"
#include "omniroute/digest.hpp"
#include "omniroute/log.hpp"
#include "omniroute/mail_message.hpp"

namespace omniroute::sla {

namespace {

namespace json = boost::json;

/// The alert as JSON, signed like the generic channel's replies when the sink has a secret.
std::optional<HttpCall> webhook(const config::AlertSink& sink, const Alert& alert, const Policies& policies) {
  HttpCall call;
  call.url = sink.url;
  call.headers.push_back({"Content-Type", "application/json"});
  call.body = alert_json(alert, policies);
  if (!sink.secret.empty()) call.headers.push_back({"X-Omniroute-Signature", "sha256=" + hmac_sha256_hex(sink.secret, call.body)});
  return call;
}

/// One line for a chat channel's incoming webhook, with an icon for how bad it is.
std::optional<HttpCall> chat_line(const config::AlertSink& sink, const Alert& alert, const Policies&) {
  HttpCall call;
  call.url = sink.url;
  call.headers.push_back({"Content-Type", "application/json"});
  std::string icon = alert_kind(alert) == "breached" ? ":rotating_light: " : ":warning: ";
  if (alert.type == "queue.recovered") icon = ":white_check_mark: ";
  call.body = json::serialize(json::object{{"text", icon + alert_line(alert)}});
  return call;
}

/// A readable mail, submitted to the sink's mail server.
std::optional<HttpCall> mail(const config::AlertSink& sink, const Alert& alert, const Policies& policies) {
  auto [subject, text] = alert_mail(alert, policies);
  mail::MailMessage m;
  m.from = sink.from;
  m.to = {sink.to};
  m.subject = subject;
  m.text = text;
  m.date_ms = now_ms();
  auto message = mail::compose(m);
  if (!message) {  // addresses are checked at load: cannot happen
    log::error("alert sink " + sink.id + ": " + message.error());
    return std::nullopt;
  }
  HttpCall call;
  call.url = sink.url;
  call.username = sink.username;
  call.password = sink.password;
  call.mail_from = sink.from;
  call.mail_to = {sink.to};
  call.body = std::move(*message);
  call.timeout_ms = 30'000;
  return call;
}

/// The daemon's own log, at warn.
std::optional<HttpCall> to_log(const config::AlertSink&, const Alert& alert, const Policies&) {
  log::warn("alert " + alert.type + ": " + alert_line(alert));
  return std::nullopt;
}

}  // namespace

const std::vector<AlertSinkKind>& alert_sink_kinds() {
  static const std::vector<AlertSinkKind> kinds{
      {"webhook", webhook}, {"slack", chat_line}, {"email", mail}, {"log", to_log}};
  return kinds;
}

const AlertSinkKind* find_alert_sink_kind(std::string_view name) {
  for (const auto& k : alert_sink_kinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace omniroute::sla
