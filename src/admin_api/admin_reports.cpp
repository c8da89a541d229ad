// GET /v1/reports/response_times: how fast the team answered and how often it
// kept its promise, per queue, channel, agent, label or day, as JSON or CSV.

#include <date/tz.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "calendar/calendar.hpp"
#include "calendar/local_days.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"
#include "reports/csat.hpp"
#include "reports/recorder.hpp"
#include "reports/response_report.hpp"

namespace omniroute::admin_api {

using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::Response;

namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kLongestPeriodDays = reports::kRetentionDays + 1;
constexpr std::string_view kMeasures[] = {reports::kFirstResponse, reports::kNextResponse, reports::kResolution};

/// `from` or `to` of the query: an RFC 3339 instant, or a date in the report's zone (`from`: the day's
/// start; `to`: the day's end, so from=2026-11-01&to=2026-11-30 is all of November).
std::optional<std::int64_t> period_bound(const std::string& text, const date::time_zone* zone, bool end) {
  int day = 0;
  if (sla::parse_day(text, day)) return sla::day_start_ms(zone, end ? day + 1 : day);
  return parse_rfc3339_ms(text);
}

/// Compliance as a share (0–1), or null when nothing had a target.
json::value compliance(const reports::Figures& f) {
  if (f.with_target == 0) return nullptr;
  return static_cast<double>(f.met) / static_cast<double>(f.with_target);
}

json::object figures_json(const reports::Figures& f) {
  auto seconds = [&](long long v) { return f.count == 0 ? json::value(nullptr) : json::value(v); };
  return json::object{{"count", f.count},     {"p50", seconds(f.p50)},      {"p90", seconds(f.p90)},
                      {"p95", seconds(f.p95)}, {"max", seconds(f.max)},      {"compliance", compliance(f)},
                      {"met", f.met},          {"with_target", f.with_target}};
}

/// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180); a leading = + - @ is
/// prefixed with ' so a spreadsheet never runs a customer-chosen label as a formula.
std::string csv_field(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// A share or an average as a spreadsheet reads it ("0.75", "4.5").
std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

std::string csv_of(const std::string& group_by, const std::vector<reports::Row>& rows) {
  std::string out = group_by;
  for (std::string_view m : kMeasures) {
    for (const char* column : {"count", "p50", "p90", "p95", "max", "compliance"}) {
      out += ",";
      out.append(m).append("_").append(column);
    }
  }
  out += ",csat_count,csat_average\r\n";
  for (const auto& row : rows) {
    out += csv_field(row.group);
    for (std::string_view m : kMeasures) {
      const reports::Figures& f = row.measures.at(std::string(m));
      auto seconds = [&](long long v) { return f.count == 0 ? std::string() : std::to_string(v); };
      out += "," + std::to_string(f.count) + "," + seconds(f.p50) + "," + seconds(f.p90) + "," + seconds(f.p95) +
             "," + seconds(f.max) + ",";
      if (f.with_target > 0) out += number(compliance(f).as_double());
    }
    const reports::Figures& csat = row.measures.at(std::string(reports::kCsat));
    out += "," + std::to_string(csat.count) + ",";
    if (csat.count > 0) out += number(static_cast<double>(csat.sum) / static_cast<double>(csat.count));
    out += "\r\n";
  }
  return out;
}

/// Satisfaction: how many answered, the average score and how many gave each.
json::object csat_json(const reports::Figures& f) {
  json::object distribution;
  for (const auto& [score, n] : f.distribution) distribution[std::to_string(score)] = n;
  return json::object{{"count", f.count},
                      {"average", f.count == 0 ? json::value(nullptr)
                                               : json::value(static_cast<double>(f.sum) / static_cast<double>(f.count))},
                      {"distribution", std::move(distribution)}};
}

}  // namespace

asio::awaitable<Response> AdminRoutes::response_times(const http::Request& request, std::string_view query) {
  // Each parameter read once into a named string: GCC 12 mishandles temporaries of a ?: inside a coroutine.
  std::string tz_name = query_param(query, "tz");
  if (tz_name.empty()) tz_name = "UTC";
  const date::time_zone* zone = sla::find_zone(tz_name);
  if (!zone) {
    // The name is echoed only when it is short (hostile input is not mirrored back at length).
    const std::string shown = tz_name.size() <= 64 ? " '" + tz_name + "'" : "";
    co_return json_error(400, "invalid_tz", "unknown time zone" + shown + " (an IANA name: Asia/Kolkata)");
  }
  reports::Query q;
  q.zone = zone;
  q.group_by = query_param(query, "group_by");
  if (q.group_by.empty()) q.group_by = "queue";
  if (!reports::valid_group_by(q.group_by)) {
    co_return json_error(400, "invalid_group_by", "group_by is one of queue, channel, agent, label, day");
  }
  const std::string to_text = query_param(query, "to"), from_text = query_param(query, "from");
  const auto to = to_text.empty() ? std::optional<std::int64_t>(now_ms()) : period_bound(to_text, zone, true);
  if (!to) co_return json_error(400, "invalid_to", "'to' is an RFC 3339 time or a date (2026-11-30)");
  const auto from = from_text.empty() ? std::optional<std::int64_t>(*to - 7 * kDayMs) : period_bound(from_text, zone, false);
  if (!from) co_return json_error(400, "invalid_from", "'from' is an RFC 3339 time or a date (2026-11-01)");
  if (*from >= *to) co_return json_error(400, "invalid_period", "'from' must be before 'to'");
  if (*to - *from > kLongestPeriodDays * kDayMs) {
    co_return json_error(400, "invalid_period", "a report covers at most " + std::to_string(kLongestPeriodDays) +
                                                    " days (records are kept " + std::to_string(reports::kRetentionDays) +
                                                    ")");
  }
  q.from_ms = *from;
  q.to_ms = *to;
  const std::string format = query_param(query, "format");
  if (!format.empty() && format != "csv" && format != "json") {
    co_return json_error(400, "invalid_format", "format is csv or json");
  }
  const bool csv = format == "csv" || (format.empty() && std::string_view(request[http::beast_http::field::accept])
                                                                 .find("text/csv") != std::string_view::npos);

  store::Reports store(store_.client(), store_.keys());
  reports::ResponseReport report(store, reports::rollup_zones(config_));
  auto rows = co_await report.run(q);
  if (!rows) co_return unavailable();
  if (csv) {
    Response r = http::text_response(200, "text/csv; charset=utf-8", csv_of(q.group_by, *rows));
    r.set(http::beast_http::field::content_disposition, "attachment; filename=\"response_times.csv\"");
    co_return r;
  }
  json::array out;
  for (const auto& row : *rows) {
    json::object o{{"group", row.group}, {q.group_by, row.group}};
    for (std::string_view m : kMeasures) o[m] = figures_json(row.measures.at(std::string(m)));
    o[reports::kCsat] = csat_json(row.measures.at(std::string(reports::kCsat)));
    out.push_back(std::move(o));
  }
  co_return http::json_response(
      200, json::serialize(json::object{{"from", format_rfc3339_ms(q.from_ms)},
                                        {"to", format_rfc3339_ms(q.to_ms)},
                                        {"tz", std::string(zone->name())},
                                        {"group_by", q.group_by},
                                        {"rows", std::move(out)}}));
}

}  // namespace omniroute::admin_api
