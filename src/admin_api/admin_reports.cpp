// GET /v1/reports/response_times: how fast the team answered and how often it
// kept its promise, per queue, channel, agent, label or day, as JSON or CSV.

#include <date/tz.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "calendar/calendar.hpp"
#include "calendar/local_days.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/json_text.hpp"
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

/// One clock's percentiles (null when nothing was measured).
json::object percentiles_json(const reports::Percentiles& p) {
  auto seconds = [&](long long v) { return p.count == 0 ? json::value(nullptr) : json::value(v); };
  return json::object{{"p50", seconds(p.p50)}, {"p90", seconds(p.p90)}, {"p95", seconds(p.p95)}, {"max", seconds(p.max)}};
}

/// A measure's figures: p50…max on the wall clock (as the customer waited) at the top, both clocks labelled
/// (`wall`, `business`: each response on its own SLA clock), compliance against the target's own clock.
json::object figures_json(const reports::Figures& f) {
  json::object o{{"count", f.count}};
  for (auto& [k, v] : percentiles_json(f.wall)) o[k] = v;
  o["wall"] = percentiles_json(f.wall);
  o["business"] = percentiles_json(f.business);
  o["compliance"] = compliance(f);
  o["met"] = f.met;
  o["with_target"] = f.with_target;
  return o;
}


/// A share or an average as a spreadsheet reads it ("0.75", "4.5"), exactly as the JSON says it.
std::string number(double v) { return plain_number(v); }

/// The CSV: per measure its count, both clocks' percentiles (labelled wall_ and business_), compliance and
/// the counts it is made of (met, with_target), then satisfaction with how many gave each score — so groups
/// can be re-combined from the file alone.
std::string csv_of(const std::string& group_by, const std::vector<reports::Row>& rows) {
  std::string out = group_by;
  for (std::string_view m : kMeasures) {
    for (const char* column : {"count", "wall_p50", "wall_p90", "wall_p95", "wall_max", "business_p50", "business_p90",
                               "business_p95", "business_max", "compliance", "met", "with_target"}) {
      out += ",";
      out.append(m).append("_").append(column);
    }
  }
  out += ",csat_count,csat_average,csat_1,csat_2,csat_3,csat_4,csat_5\r\n";
  for (const auto& row : rows) {
    out += csv_field(row.group);
    for (std::string_view m : kMeasures) {
      const reports::Figures& f = row.measures.at(std::string(m));
      out += "," + std::to_string(f.count);
      for (const reports::Percentiles* p : {&f.wall, &f.business}) {
        for (long long v : {p->p50, p->p90, p->p95, p->max}) out += "," + (p->count == 0 ? std::string() : std::to_string(v));
      }
      out += ",";
      if (f.with_target > 0) out += number(compliance(f).as_double());
      out += "," + std::to_string(f.met) + "," + std::to_string(f.with_target);
    }
    const reports::Figures& csat = row.measures.at(std::string(reports::kCsat));
    out += "," + std::to_string(csat.count) + ",";
    if (csat.count > 0) out += number(static_cast<double>(csat.sum) / static_cast<double>(csat.count));
    for (long long score = 1; score <= 5; ++score) {
      long long n = 0;
      for (const auto& [value, count] : csat.distribution) n += value == score ? count : 0;
      out += "," + std::to_string(n);
    }
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

/// True when the client's Accept header prefers text/csv to application/json (RFC 9110 §12.5.1: q-values;
/// the more specific range wins; an absent type has q 0).
bool prefers_csv(std::string_view accept) {
  double csv = 0, json_q = 0;
  int csv_specificity = -1, json_specificity = -1;
  while (!accept.empty()) {
    const size_t comma = std::min(accept.find(','), accept.size());
    std::string_view item = accept.substr(0, comma);
    accept.remove_prefix(std::min(comma + 1, accept.size()));
    const size_t semi = std::min(item.find(';'), item.size());
    std::string_view range = item.substr(0, semi);
    while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
    while (!range.empty() && range.back() == ' ') range.remove_suffix(1);
    double q = 1;
    // Parameters as Beast's param_list reads them (";q=0.1;level=1").
    for (const auto& param : http::beast_http::param_list(item.substr(semi))) {
      if (boost::beast::iequals(param.first, "q")) q = std::strtod(std::string(param.second).c_str(), nullptr);
    }
    auto take = [&](std::string_view type, double& best, int& specificity) {
      const std::string_view major = type.substr(0, type.find('/'));
      int s = -1;
      if (boost::beast::iequals(range, type)) s = 2;
      else if (boost::beast::iequals(range, std::string(major) + "/*")) s = 1;
      else if (range == "*/*") s = 0;
      if (s > specificity) specificity = s, best = q;
    };
    take("text/csv", csv, csv_specificity);
    take("application/json", json_q, json_specificity);
  }
  return csv > 0 && csv > json_q;
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
  const bool csv = format == "csv" || (format.empty() && prefers_csv(request[http::beast_http::field::accept]));

  store::Reports store(store_.client(), store_.keys());
  reports::ResponseReport report(store, reports::rollup_zones(config_), store_.history());
  auto rows = co_await report.run(q);
  if (!rows && rows.error().history) {
    co_return json_error(503, "history_unavailable", "the history cannot be read now; retry later");
  }
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
      200, json_text(json::object{{"from", format_rfc3339_ms(q.from_ms)},
                                        {"to", format_rfc3339_ms(q.to_ms)},
                                        {"tz", std::string(zone->name())},
                                        {"group_by", q.group_by},
                                        {"rows", std::move(out)}}));
}

}  // namespace omniroute::admin_api
