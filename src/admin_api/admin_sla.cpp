// GET /v1/sla: what on-call looks at — conversations whose SLA warning has
// fired (at risk) and those past a target (breached), from store::Overview.

#include <algorithm>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"

namespace omniroute::admin_api {

// Conversation JSON and request helpers are shared with the agent API.
using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// One conversation on the watch list as the API shows it.
json::object sla_entry(const store::SlaItem& item, bool breached, std::int64_t now) {
  const Conversation& c = item.conversation;
  const std::string& target = item.target;
  std::int64_t due = item.due_ms;
  const std::optional<Time>& started = target == "next_response" ? c.awaiting_since : c.created_at;
  json::object out{{"conversation_id", c.id},
                   {"target", target},
                   {"queue", c.queue},
                   {"channel", c.channel},
                   {"priority", to_string(c.priority)},
                   {"state", to_string(c.state)},
                   {"agent", c.agent.empty() ? json::value(nullptr) : json::value(c.agent)},
                   {"contact", c.contact_id},
                   {"started_at", time_or_null(started)},
                   {"due_at", format_rfc3339_ms(due)}};
  if (breached) out["overdue_seconds"] = std::max<std::int64_t>(0, (now - due) / 1000);
  else out["breaches_in_seconds"] = std::max<std::int64_t>(0, (due - now) / 1000);
  return out;
}

/// A fired alert as the board's feed shows it: the details it was recorded with, times in RFC 3339.
json::object alert_feed_json(const Alert& a) {
  json::object out{{"id", a.id}, {"type", a.type}, {"queue", a.queue}};
  if (a.is_sla()) {
    out["target"] = a.target;
    out["conversation_id"] = a.conversation_id;
    out["channel"] = a.channel;
    out["priority"] = to_string(a.priority.value_or(Priority::normal));
    out["contact"] = a.contact;
    out["started_at"] = time_or_null(a.started_at);
    out["due_at"] = time_or_null(a.due_at);
    out["late"] = a.late ? "1" : "0";
  } else {
    out["measure"] = a.measure;
    out["value"] = std::to_string(a.value.value_or(0));
    out["threshold"] = std::to_string(a.threshold.value_or(0));
    if (a.raised_at) out["raised_at"] = time_or_null(a.raised_at);
  }
  out["fired_at"] = time_or_null(a.fired_at);
  return out;
}

}  // namespace

asio::awaitable<http::Response> AdminRoutes::sla(std::string_view query) {
  long limit = limit_param(query, 100, 1000);
  auto watch = co_await overview_.sla_watch(static_cast<int>(limit));
  if (!watch) co_return unavailable();
  std::int64_t now = now_ms();
  json::array at_risk, breached;
  for (const auto& e : watch->at_risk) at_risk.push_back(sla_entry(e, false, now));
  for (const auto& e : watch->breached) breached.push_back(sla_entry(e, true, now));
  co_return http::json_response(200, json::serialize(json::object{{"at_risk", std::move(at_risk)},
                                                                  {"breached", std::move(breached)}}));
}

asio::awaitable<http::Response> AdminRoutes::alerts(std::string_view query) {
  // The newest fired alerts, newest first (the board's feed): each as it was recorded.
  long limit = limit_param(query, 50, 500);
  auto recent = co_await overview_.recent_alerts(limit);
  if (!recent) co_return unavailable();
  json::array out;
  for (const auto& alert : *recent) out.push_back(alert_feed_json(alert));
  co_return http::json_response(200, json::serialize(json::object{{"alerts", std::move(out)}}));
}

}  // namespace omniroute::admin_api
