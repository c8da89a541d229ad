// The admin API's contacts: one person across channels (merge, read, attributes such as tier).

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/clock.hpp"
#include "store/scripts.hpp"

namespace omniroute::admin_api {

// Conversation JSON and request helpers are shared with the agent API.
using namespace agent_api;

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

asio::awaitable<Response> AdminRoutes::merge_contacts(const std::string& into, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string from = string_field(*body, "from");
  if (from.empty()) co_return json_error(400, "missing_field", "'from' (the contact to merge into this one) is required");
  if (!is_issued_id(from, 'c')) co_return json_error(404, "not_found", "no contact '" + from + "'");
  std::vector<std::string> keys;
  std::vector<std::string> args{store_.keys().prefix(), into, from, std::to_string(now_ms()),
                                std::to_string(store::kEventsMaxLength)};
  auto [r] = co_await store::async_eval(store_.client(), store::contact_merge_script(), std::move(keys), std::move(args),
                                        kAwait);
  if (!r || r->is_error() || r->elements.empty()) co_return unavailable();
  const std::string& outcome = r->elements[0].str;
  if (outcome == "same") co_return json_error(409, "same_contact", "a contact cannot be merged into itself");
  if (outcome == "not_found") {
    co_return json_error(404, "not_found", "no contact '" + r->elements[1].str + "' (or it was merged already)");
  }
  co_return co_await contact(into);
}

asio::awaitable<Response> AdminRoutes::contact(const std::string& id) {
  const auto& k = store_.keys();
  std::vector<std::string> hash{"HGETALL", k.contact(id)};
  auto [c] = co_await store_.client().async_command(std::move(hash), kAwait);
  if (!c || c->is_error()) co_return unavailable();
  auto f = fields_of(*c);
  if (f["id"].empty()) co_return json_error(404, "not_found", "no contact '" + id + "'");
  if (!f["merged_into"].empty()) {
    co_return json_response(200, json::serialize(json::object{{"id", id},
                                                              {"merged_into", f["merged_into"]},
                                                              {"merged_at", time_or_null(f["merged_at"])}}));
  }
  std::vector<std::string> handles_cmd{"SMEMBERS", k.contact_handles(id)};
  auto [handles] = co_await store_.client().async_command(std::move(handles_cmd), kAwait);
  std::vector<std::string> attrs_cmd{"HGETALL", k.contact_attributes(id)};
  auto [attrs] = co_await store_.client().async_command(std::move(attrs_cmd), kAwait);
  std::vector<std::string> convs_cmd{"SMEMBERS", k.contact_conversations(id)};
  auto [convs] = co_await store_.client().async_command(std::move(convs_cmd), kAwait);
  if (!handles || !attrs || !convs) co_return unavailable();
  json::array handle_list, conv_list;
  for (const auto& h : handles->elements) {
    auto colon = h.str.find(':');
    handle_list.push_back(json::value(colon == std::string::npos ? h.str : h.str.substr(colon + 1)));
  }
  std::vector<std::string> conv_ids;
  for (const auto& v : convs->elements) conv_ids.push_back(v.str);
  std::sort(conv_ids.begin(), conv_ids.end(), [](const std::string& a, const std::string& b) {
    return std::atoll(a.c_str() + 1) < std::atoll(b.c_str() + 1);
  });
  for (const auto& v : conv_ids) conv_list.push_back(json::value(v));
  json::object attributes;
  for (const auto& [name, value] : fields_of(*attrs)) attributes[name] = value;
  co_return json_response(200, json::serialize(json::object{{"id", id},
                                                            {"name", f["name"]},
                                                            {"handles", std::move(handle_list)},
                                                            {"attributes", std::move(attributes)},
                                                            {"conversations", std::move(conv_list)},
                                                            {"created_at", time_or_null(f["created_at"])}}));
}

asio::awaitable<Response> AdminRoutes::update_contact(const std::string& id, const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::vector<std::string> args{""};
  for (const auto& [key, value] : *body) {
    if (key == "name") {
      if (!value.is_string() || value.get_string().empty() || value.get_string().size() > 200) {
        co_return json_error(400, "invalid_field", "'name' must be a string of 1 to 200 bytes");
      }
      args[0] = std::string(value.get_string());
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
        args.emplace_back(name);
        args.emplace_back(v.is_null() ? std::string() : std::string(v.get_string()));
      }
    } else {
      co_return json_error(400, "unknown_field", "unknown field '" + std::string(key) + "' (known: name, attributes)");
    }
  }
  std::vector<std::string> keys{store_.keys().contact(id)};
  auto [r] = co_await store::async_eval(store_.client(), store::contact_update_script(), std::move(keys),
                                        std::move(args), kAwait);
  if (!r || r->is_error()) co_return unavailable();
  if (r->str == "not_found") co_return json_error(404, "not_found", "no contact '" + id + "'");
  co_return co_await contact(id);
}

}  // namespace omniroute::admin_api
