// /v1/canned_responses: prepared answers with a variant per language. Agents
// (and the admin) list them; the admin creates, changes and removes them.
// Placeholders such as {contact.name} and {agent.name} are kept as written:
// the console fills them in when it inserts a response.

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

bool is_language_tag(std::string_view s) {
  if (s.size() < 2 || s.size() > 8) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  }
  return true;
}

/// The response to store from a request body, or the 400 to answer.
Expected<json::object, Response> read_canned(const json::object& body, const std::string& id) {
  static const std::set<std::string_view> kKnown{"id", "shortcut", "variants"};
  for (const auto& [key, value] : body) {
    if (!kKnown.count(key)) {
      return unexpected(json_error(400, "unknown_field", "unknown field '" + std::string(key) +
                                                             "' (known: id, shortcut, variants)"));
    }
  }
  std::string shortcut = string_field(body, "shortcut");
  if (shortcut.empty() || shortcut.size() > 40 || !config::is_identifier(shortcut)) {
    return unexpected(json_error(400, "invalid_field", "'shortcut' is 1 to 40 letters, digits, '_' or '-'"));
  }
  auto v = body.find("variants");
  if (v == body.end() || !v->value().is_object() || v->value().get_object().empty()) {
    return unexpected(json_error(400, "invalid_field",
                                 "'variants' is an object of language → text, e.g. {\"en\": \"…\", \"te\": \"…\"}"));
  }
  json::object variants;
  for (const auto& [lang, text] : v->value().get_object()) {
    if (!is_language_tag(lang)) {
      return unexpected(json_error(400, "invalid_field", "'" + std::string(lang) + "' is not a language code (en, hi, te…)"));
    }
    if (!text.is_string() || text.get_string().empty() || text.get_string().size() > 4096) {
      return unexpected(json_error(400, "invalid_field", "each variant is a text of 1 to 4,096 bytes"));
    }
    auto nfc = to_nfc(std::string(text.get_string()));
    if (!nfc) return unexpected(json_error(400, "invalid_field", "variant '" + std::string(lang) + "' is not UTF-8"));
    variants[lang] = *nfc;
  }
  return json::object{{"id", id}, {"shortcut", shortcut}, {"variants", std::move(variants)}};
}

}  // namespace

asio::awaitable<Response> AgentRoutes::canned(const Caller& caller, const http::Request& request, std::string id) {
  const verb method = request.method();
  if (caller.kind == Caller::Kind::none) co_return json_error(401, "unauthorized", "an agent or admin token is required");
  if (method == verb::get) {
    auto all = co_await canned_.all();
    if (!all) co_return unavailable();
    std::vector<json::value> list;
    for (const auto& [key, text] : *all) {
      boost::system::error_code ec;
      json::value v = json::parse(text, ec);
      if (ec || !v.is_object()) continue;
      if (!id.empty() && key == id) co_return json_response(200, json::serialize(v));
      list.push_back(std::move(v));
    }
    if (!id.empty()) co_return json_error(404, "not_found", "no canned response '" + id + "'");
    std::sort(list.begin(), list.end(), [](const json::value& a, const json::value& b) {
      return string_at(a, {"shortcut"}) < string_at(b, {"shortcut"});
    });
    json::array out(list.begin(), list.end());
    co_return json_response(200, json::serialize(json::object{{"canned_responses", std::move(out)}}));
  }
  if (!caller.is_admin()) co_return json_error(403, "admin_only", "only the admin changes canned responses");
  if (!id.empty() && (id.size() > 64 || !config::is_identifier(id))) {
    co_return json_error(404, "not_found", "no canned response '" + id + "'");
  }
  if (method == verb::post) co_return co_await save_canned(id, request, true);
  if (method == verb::put && !id.empty()) co_return co_await save_canned(id, request, false);
  if (method == verb::delete_ && !id.empty()) {
    auto removed = co_await canned_.remove(id);
    if (!removed) co_return unavailable();
    if (!*removed) co_return json_error(404, "not_found", "no canned response '" + id + "'");
    co_return http::no_content();
  }
  co_return json_error(405, "method_not_allowed", "use GET, POST, PUT or DELETE");
}

asio::awaitable<Response> AgentRoutes::save_canned(const std::string& path_id, const http::Request& request,
                                                   bool only_new) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  std::string id = path_id.empty() ? string_field(*body, "id") : path_id;
  if (id.empty()) id = string_field(*body, "shortcut");  // by default a response is known by its shortcut
  if (id.size() > 64 || !config::is_identifier(id)) {
    co_return json_error(400, "invalid_field", "'id' is 1 to 64 letters, digits, '_' or '-'");
  }
  auto canned = read_canned(*body, id);
  if (!canned) co_return canned.error();
  auto saved = co_await canned_.put(id, json::serialize(*canned), only_new);
  if (!saved) co_return unavailable();
  if (!*saved) co_return json_error(409, "exists", "canned response '" + id + "' exists; PUT changes it");
  co_return json_response(only_new ? 201 : 200, json::serialize(*canned));
}

}  // namespace omniroute::agent_api
