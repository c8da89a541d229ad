// GET /v1/audit: who changed what on the admin side (store::AuditLog), newest first, filtered by time,
// actor and action; JSON, or CSV like the reports.

#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "store/audit_log.hpp"

namespace omniroute::admin_api {

namespace asio = boost::asio;
namespace json = boost::json;
using agent_api::query_param;
using agent_api::unavailable;
using http::json_error;
using http::Response;

namespace {
/// The most entries one answer holds, and the most a filtered read looks through.
constexpr long kMaxEntries = 1000;
constexpr std::size_t kMaxScan = 100'000;

json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}
}  // namespace

asio::awaitable<Response> AdminRoutes::audit(const http::Request& request, std::string_view query) {
  const std::int64_t now = now_ms();
  std::int64_t from = 0, to = now;  // the stream holds 400 days at most
  for (auto [name, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    const std::string given = query_param(query, name);
    if (given.empty()) continue;
    auto ms = parse_rfc3339_ms(given);
    if (!ms) co_return json_error(400, "invalid_time", std::string(name) + " is an RFC 3339 time such as 2026-12-01T00:00:00Z");
    *out = *ms;
  }
  if (from > to) co_return json_error(400, "invalid_range", "from is after to");
  const std::string actor = query_param(query, "actor");
  const std::string action = query_param(query, "action");
  long limit = 100;
  if (const std::string l = query_param(query, "limit"); !l.empty()) {
    char* end = nullptr;
    limit = std::strtol(l.c_str(), &end, 10);
    if (*end != '\0' || limit < 1 || limit > kMaxEntries) co_return json_error(400, "invalid_limit", "limit is 1 to 1000");
  }
  const std::string format = query_param(query, "format");
  const bool csv = format == "csv" || (format.empty() && prefers_csv(request[http::beast_http::field::accept]));
  store::AuditLog log(store_.client(), store_.keys());
  const std::size_t scan = actor.empty() && action.empty() ? static_cast<std::size_t>(limit) : kMaxScan;
  auto entries = co_await log.newest(from, to, scan);
  if (!entries) co_return unavailable();
  json::array out;
  std::string table = "at,actor,action,target_type,target_id,before,after\r\n";
  for (const auto& e : *entries) {
    if (static_cast<long>(out.size()) >= limit) break;
    if ((!actor.empty() && e.actor != actor) || (!action.empty() && e.action != action)) continue;
    json::object target;
    target["type"] = e.target_type;
    target["id"] = e.target_id;
    json::object one;
    one["at"] = format_rfc3339_ms(e.at_ms);
    one["actor"] = e.actor;
    one["action"] = e.action;
    one["target"] = std::move(target);
    one["before"] = parsed(e.before);
    one["after"] = parsed(e.after);
    out.push_back(std::move(one));
    table += csv_field(format_rfc3339_ms(e.at_ms)) + "," + csv_field(e.actor) + "," + csv_field(e.action) + "," +
             csv_field(e.target_type) + "," + csv_field(e.target_id) + "," + csv_field(e.before) + "," + csv_field(e.after) +
             "\r\n";
  }
  if (csv) {
    Response r = http::text_response(200, "text/csv; charset=utf-8", std::move(table));
    r.set(http::beast_http::field::content_disposition, "attachment; filename=\"audit.csv\"");
    co_return r;
  }
  co_return http::json_response(200, json::serialize(json::object{{"entries", std::move(out)}}));
}

}  // namespace omniroute::admin_api
