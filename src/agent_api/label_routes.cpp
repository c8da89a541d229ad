// /v1/labels: the workspace's label catalogue. Agents (and the admin) read it
// (the console suggests its labels); the admin adds a label with a description
// and a colour, changes it, or removes it. Removing a label from the catalogue
// leaves it on the conversations that carry it (their history stays true).

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "agent_api/agent_routes.hpp"
#include "agent_api/conversation_json.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/text.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::json_error;
using http::json_response;
using http::Response;
using http::beast_http::verb;

namespace {

constexpr std::string_view kColours[] = {"grey", "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink"};

/// The label to store from a request body, or the 400 to answer.
Expected<json::object, Response> read_label(const json::object& body, const std::string& name) {
  static const std::set<std::string_view> kKnown{"name", "description", "color"};
  for (const auto& [key, value] : body) {
    if (!kKnown.count(key)) {
      return unexpected(json_error(400, "unknown_field", "unknown field '" + std::string(key) +
                                                             "' (known: name, description, color)"));
    }
  }
  auto description = to_nfc(string_field(body, "description"));
  if (!description || description->size() > 200) {
    return unexpected(json_error(400, "invalid_field", "'description' is UTF-8 text of at most 200 bytes"));
  }
  std::string color = string_field(body, "color");
  if (color.empty()) color = "grey";
  if (std::find(std::begin(kColours), std::end(kColours), color) == std::end(kColours)) {
    return unexpected(json_error(400, "invalid_field",
                                 "'color' is one of grey, red, orange, yellow, green, teal, blue, purple, pink"));
  }
  return json::object{{"name", name}, {"description", *description}, {"color", color}};
}

}  // namespace

asio::awaitable<Response> AgentRoutes::label_catalog(const Caller& caller, const http::Request& request,
                                                     std::string name) {
  const verb method = request.method();
  if (caller.kind == Caller::Kind::none) co_return json_error(401, "unauthorized", "an agent or admin token is required");
  if (method == verb::get && name.empty()) {
    auto all = co_await labels_.all();
    if (!all) co_return unavailable();
    json::array out;  // by name (the hash's map order)
    for (const auto& [key, text] : *all) {
      boost::system::error_code ec;
      json::value v = json::parse(text, ec);
      if (!ec && v.is_object()) out.push_back(std::move(v));
    }
    co_return json_response(200, json::serialize(json::object{{"labels", std::move(out)}}));
  }
  if (name.empty() || name.size() > 40 || !config::is_identifier(name)) {
    co_return json_error(name.empty() ? 405 : 400, name.empty() ? "method_not_allowed" : "invalid_label",
                         name.empty() ? "use GET on /v1/labels, PUT or DELETE on /v1/labels/<name>"
                                      : "a label is 1 to 40 letters, digits, '_' or '-'");
  }
  if (method == verb::get) co_return json_error(405, "method_not_allowed", "use GET on /v1/labels");
  if (!caller.is_admin()) co_return json_error(403, "admin_only", "only the admin changes the label catalogue");
  if (method == verb::put) {
    auto body = json_body(request);
    if (!body) co_return body.error();
    auto label = read_label(*body, name);
    if (!label) co_return label.error();
    auto saved = co_await labels_.put(name, json::serialize(*label), false);
    if (!saved) co_return unavailable();
    co_return json_response(200, json::serialize(*label));
  }
  if (method == verb::delete_) {
    auto removed = co_await labels_.remove(name);
    if (!removed) co_return unavailable();
    if (!*removed) co_return json_error(404, "not_found", "no label '" + name + "' in the catalogue");
    co_return http::no_content();
  }
  co_return json_error(405, "method_not_allowed", "use GET, PUT or DELETE");
}

}  // namespace omniroute::agent_api
