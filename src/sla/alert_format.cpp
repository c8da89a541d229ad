#include "sla/alert_format.hpp"

#include <boost/json.hpp>

#include "omniroute/clock.hpp"

namespace omniroute::sla {

namespace json = boost::json;

namespace {

std::int64_t ms_of(const std::optional<Time>& t) { return t ? t->time_since_epoch().count() : 0; }

config::SlaTarget target_of(const Alert& a) {
  if (a.target == "next_response") return config::SlaTarget::next_response;
  if (a.target == "resolution") return config::SlaTarget::resolution;
  return config::SlaTarget::first_response;  // alerts from before targets were named
}

/// For queue alerts: the measure's value in its unit (seconds of wait, or conversations).
std::int64_t measure_value(const Alert& a, const std::optional<std::int64_t>& v) {
  return a.measure == "oldest_wait" ? v.value_or(0) / 1000 : v.value_or(0);
}

std::string measured(const Alert& a, const std::optional<std::int64_t>& v) {
  std::int64_t value = measure_value(a, v);
  return a.measure == "oldest_wait" ? short_duration(value) : std::to_string(value);
}

std::string priority_of(const Alert& a) { return std::string(to_string(a.priority.value_or(Priority::normal))); }

}  // namespace

std::string short_duration(std::int64_t s) {
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h" + (s % 3600 >= 60 ? " " + std::to_string(s % 3600 / 60) + "m" : "");
  return std::to_string(s / 86400) + "d" + (s % 86400 >= 3600 ? " " + std::to_string(s % 86400 / 3600) + "h" : "");
}

std::string alert_kind(const Alert& alert) {
  if (alert.type == "sla.warning") return "warning";
  if (alert.type == "sla.breached") return "breached";
  return "queue";
}

std::string alert_json(const Alert& a, const Policies& policies) {
  std::int64_t fired = ms_of(a.fired_at);
  if (alert_kind(a) == "queue") {
    json::object out{{"type", a.type},
                     {"queue", a.queue},
                     {"measure", a.measure},
                     {"value", measure_value(a, a.value)},
                     {"threshold", measure_value(a, a.threshold)},
                     {"at", format_rfc3339_ms(fired)}};
    if (a.raised_at) out["raised_at"] = format_rfc3339_ms(ms_of(a.raised_at));
    return json::serialize(out);
  }
  config::SlaTarget target = target_of(a);
  std::int64_t target_seconds = policies.target(a.queue, a.priority.value_or(Priority::normal), target).count();
  std::int64_t elapsed = policies.elapsed_ms(a.queue, ms_of(a.started_at), fired) / 1000;
  return json::serialize(json::object{{"type", a.type},
                                      {"target", std::string(config::to_string(target))},
                                      {"conversation_id", a.conversation_id},
                                      {"queue", a.queue},
                                      {"channel", a.channel},
                                      {"priority", priority_of(a)},
                                      {"target_seconds", target_seconds},
                                      {"elapsed_seconds", elapsed},
                                      {"due_at", format_rfc3339_ms(ms_of(a.due_at))},
                                      {"at", format_rfc3339_ms(fired)},
                                      {"late", a.late}});
}

std::string alert_line(const Alert& a) {
  const std::string& type = a.type;
  const std::string& queue = a.queue;
  if (type == "queue.oldest_wait") {
    return "Queue " + queue + ": the oldest conversation has waited " + measured(a, a.value) + " (alert at " +
           measured(a, a.threshold) + ")";
  }
  if (type == "queue.depth") {
    return "Queue " + queue + ": " + measured(a, a.value) + " conversations waiting (alert at " + measured(a, a.threshold) + ")";
  }
  if (type == "queue.recovered") {
    std::string what = a.measure == "oldest_wait" ? "oldest wait " : "waiting ";
    return "Queue " + queue + " recovered: " + what + measured(a, a.value) + " (alert at " + measured(a, a.threshold) + ")";
  }
  static const std::map<std::string, std::string> kNames{
      {"first_response", "First response"}, {"next_response", "Next response"}, {"resolution", "Resolution"}};
  auto name = kNames.find(a.target);
  std::string what = name == kNames.end() ? "First response" : name->second;
  std::int64_t due = ms_of(a.due_at), fired = ms_of(a.fired_at);
  std::string line = type == "sla.warning" ? what + " due in " + short_duration((due - fired) / 1000)
                                           : what + " overdue" + (fired - due >= 1000 ? " by " + short_duration((fired - due) / 1000) : "");
  line += " — queue " + queue + ", conversation " + a.conversation_id + " (customer " + a.contact + ", channel " +
          a.channel + ", priority " + priority_of(a) + ")";
  if (a.late) line += "; noticed late, the router was down";
  return line;
}

std::pair<std::string, std::string> alert_mail(const Alert& a, const Policies& policies) {
  std::string line = alert_line(a);
  std::string body = line + "\n\n";
  json::value details = json::parse(alert_json(a, policies));
  for (const auto& [k, v] : details.as_object()) {
    body += std::string(k) + ": " + (v.is_string() ? std::string(v.as_string()) : json::serialize(v)) + "\n";
  }
  body += "\n— omniroute\n";
  return {"[omniroute] " + line, body};
}

}  // namespace omniroute::sla
