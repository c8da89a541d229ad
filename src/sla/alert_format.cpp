#include "sla/alert_format.hpp"

#include <boost/json.hpp>

#include "omniroute/clock.hpp"

namespace omniroute::sla {

namespace json = boost::json;

namespace {

std::string get(const AlertFields& a, const char* key) {
  auto it = a.find(key);
  return it == a.end() ? std::string() : it->second;
}

std::int64_t number(const AlertFields& a, const char* key) { return std::atoll(get(a, key).c_str()); }

config::SlaTarget target_of(const AlertFields& a) {
  std::string t = get(a, "target");
  if (t == "next_response") return config::SlaTarget::next_response;
  if (t == "resolution") return config::SlaTarget::resolution;
  return config::SlaTarget::first_response;  // alerts from before targets were named
}

/// For queue alerts: the measure's value in its unit (seconds of wait, or conversations).
std::int64_t measure_value(const AlertFields& a, const char* key) {
  std::int64_t v = number(a, key);
  return get(a, "measure") == "oldest_wait" ? v / 1000 : v;
}

std::string measured(const AlertFields& a, const char* key) {
  std::int64_t v = measure_value(a, key);
  return get(a, "measure") == "oldest_wait" ? short_duration(v) : std::to_string(v);
}

}  // namespace

std::string short_duration(std::int64_t s) {
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h" + (s % 3600 >= 60 ? " " + std::to_string(s % 3600 / 60) + "m" : "");
  return std::to_string(s / 86400) + "d" + (s % 86400 >= 3600 ? " " + std::to_string(s % 86400 / 3600) + "h" : "");
}

std::string alert_kind(const AlertFields& alert) {
  std::string type = get(alert, "type");
  if (type == "sla.warning") return "warning";
  if (type == "sla.breached") return "breached";
  return "queue";
}

std::string alert_json(const AlertFields& a, const Policies& policies) {
  std::int64_t fired = number(a, "fired_at");
  if (alert_kind(a) == "queue") {
    json::object out{{"type", get(a, "type")},
                     {"queue", get(a, "queue")},
                     {"measure", get(a, "measure")},
                     {"value", measure_value(a, "value")},
                     {"threshold", measure_value(a, "threshold")},
                     {"at", format_rfc3339_ms(fired)}};
    if (!get(a, "raised_at").empty()) out["raised_at"] = format_rfc3339_ms(number(a, "raised_at"));
    return json::serialize(out);
  }
  const std::string queue = get(a, "queue");
  config::SlaTarget target = target_of(a);
  std::int64_t started = number(a, get(a, "started_at").empty() ? "created_at" : "started_at");
  std::int64_t target_seconds = policies.target(queue, priority_named(get(a, "priority")), target).count();
  std::int64_t elapsed = policies.elapsed_ms(queue, started, fired) / 1000;
  return json::serialize(json::object{{"type", get(a, "type")},
                                      {"target", std::string(config::to_string(target))},
                                      {"conversation_id", get(a, "conversation_id")},
                                      {"queue", queue},
                                      {"channel", get(a, "channel")},
                                      {"priority", get(a, "priority")},
                                      {"target_seconds", target_seconds},
                                      {"elapsed_seconds", elapsed},
                                      {"due_at", format_rfc3339_ms(number(a, "due_at"))},
                                      {"at", format_rfc3339_ms(fired)},
                                      {"late", get(a, "late") == "1"}});
}

std::string alert_line(const AlertFields& a) {
  const std::string type = get(a, "type"), queue = get(a, "queue");
  if (type == "queue.oldest_wait") {
    return "Queue " + queue + ": the oldest conversation has waited " + measured(a, "value") + " (alert at " +
           measured(a, "threshold") + ")";
  }
  if (type == "queue.depth") {
    return "Queue " + queue + ": " + measured(a, "value") + " conversations waiting (alert at " + measured(a, "threshold") + ")";
  }
  if (type == "queue.recovered") {
    std::string what = get(a, "measure") == "oldest_wait" ? "oldest wait " : "waiting ";
    return "Queue " + queue + " recovered: " + what + measured(a, "value") + " (alert at " + measured(a, "threshold") + ")";
  }
  static const std::map<std::string, std::string> kNames{
      {"first_response", "First response"}, {"next_response", "Next response"}, {"resolution", "Resolution"}};
  auto name = kNames.find(get(a, "target"));
  std::string what = name == kNames.end() ? "First response" : name->second;
  std::int64_t due = number(a, "due_at"), fired = number(a, "fired_at");
  std::string line = type == "sla.warning" ? what + " due in " + short_duration((due - fired) / 1000)
                                           : what + " overdue" + (fired - due >= 1000 ? " by " + short_duration((fired - due) / 1000) : "");
  line += " — queue " + queue + ", conversation " + get(a, "conversation_id") + " (customer " + get(a, "contact") +
          ", channel " + get(a, "channel") + ", priority " + get(a, "priority") + ")";
  if (get(a, "late") == "1") line += "; noticed late, the router was down";
  return line;
}

std::pair<std::string, std::string> alert_mail(const AlertFields& a, const Policies& policies) {
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
