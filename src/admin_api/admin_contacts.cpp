// The admin API's contacts: one person across channels (merge, read, attributes such as tier).

#include <algorithm>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/clock.hpp"
#include "store/history/reader.hpp"

namespace omniroute::admin_api {

// Conversation JSON and request helpers are shared with the agent API.
using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;

asio::awaitable<Response> AdminRoutes::merge_contacts(const std::string& into, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string from = string_field(*body, "from");
  if (from.empty()) co_return json_error(400, "missing_field", "'from' (the contact to merge into this one) is required");
  if (!is_issued_id(from, 'c')) co_return json_error(404, "not_found", "no contact '" + from + "'");
  auto r = co_await contacts_.merge(into, from, now_ms());
  if (!r) co_return unavailable();
  if (r->status == store::MergeOutcome::Status::same) {
    co_return json_error(409, "same_contact", "a contact cannot be merged into itself");
  }
  if (r->status == store::MergeOutcome::Status::not_found) {
    co_return json_error(404, "not_found", "no contact '" + r->missing + "' (or it was merged already)");
  }
  co_return co_await contact(into);
}

asio::awaitable<Response> AdminRoutes::contacts(std::string_view query) {
  int limit = 50, offset = 0;
  if (const std::string l = query_param(query, "limit"); !l.empty()) {
    limit = l.size() <= 3 && l.find_first_not_of("0123456789") == std::string::npos ? std::atoi(l.c_str()) : 0;
    if (limit < 1 || limit > 200) co_return json_error(400, "invalid_limit", "'limit' is 1 to 200");
  }
  if (const std::string c = query_param(query, "cursor"); !c.empty()) {
    offset = c.size() <= 9 && c.find_first_not_of("0123456789") == std::string::npos ? std::atoi(c.c_str()) : -1;
    if (offset < 0) co_return json_error(400, "invalid_cursor", "'cursor' is the next_cursor of an earlier page");
  }
  store::history::HistoryReader* history = store_.history();
  if (!history) co_return json_error(503, "history_unavailable", "the contact directory needs the history (a history section)");
  auto ids = co_await history->contact_ids(limit, offset);
  if (!ids) co_return json_error(503, "history_unavailable", "the history cannot be read now; retry later");
  json::array list;
  for (const auto& id : *ids) {
    auto found = co_await contacts_.read(id);
    if (!found) co_return unavailable();
    if (*found && (*found)->merged_into.empty()) list.push_back(contact_json(**found));
  }
  json::object body{{"contacts", std::move(list)}};
  body["next_cursor"] = static_cast<int>(ids->size()) == limit ? json::value(std::to_string(offset + limit)) : json::value(nullptr);
  co_return json_response(200, json::serialize(body));
}

asio::awaitable<Response> AdminRoutes::contact(const std::string& id) {
  auto found = co_await contacts_.read(id);
  if (!found) co_return unavailable();
  if (!*found) co_return json_error(404, "not_found", "no contact '" + id + "'");
  co_return json_response(200, json::serialize(contact_json(**found)));
}

asio::awaitable<Response> AdminRoutes::update_contact(const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string new_name;
  std::vector<store::AttributeChange> attributes;
  for (const auto& [key, value] : *body) {
    if (key == "name") {
      if (!value.is_string() || value.get_string().empty() || value.get_string().size() > 200) {
        co_return json_error(400, "invalid_field", "'name' must be a string of 1 to 200 bytes");
      }
      new_name = std::string(value.get_string());
    } else if (key == "attributes") {
      if (!value.is_object()) co_return json_error(400, "invalid_field", "'attributes' must be an object of strings");
      for (const auto& [name, v] : value.get_object()) {
        if (!config::is_identifier(name)) {
          co_return json_error(400, "invalid_field", "attribute names are letters, digits, '_' or '-'");
        }
        if (!v.is_null() && (!v.is_string() || v.get_string().size() > 256)) {
          co_return json_error(400, "invalid_field", "attribute '" + std::string(name) +
                                                         "' must be a string of at most 256 bytes, or null to remove it");
        }
        attributes.push_back({std::string(name), v.is_null() ? std::string() : std::string(v.get_string())});
      }
    } else {
      co_return json_error(400, "unknown_field", "unknown field '" + std::string(key) + "' (known: name, attributes)");
    }
  }
  auto updated = co_await contacts_.update(id, new_name, attributes);
  if (!updated) co_return unavailable();
  if (!*updated) co_return json_error(404, "not_found", "no contact '" + id + "'");
  co_return co_await contact(id);
}

}  // namespace omniroute::admin_api
